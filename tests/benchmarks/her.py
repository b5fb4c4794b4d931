"""What she sees: from her update reaching the Bot API to the first call that changes her chat.

`HerClock` is installed on the driver's simulator: it notes when each update is queued there
(a text she typed or a button she tapped, and in which chat), from outside the simulator's
code. After the run, `her_times` pairs each update with the first request in her chat that
changes it (a message sent, edited or deleted; not the button's answer, not a chat action) that
the simulator received after the update and before her next one, and `her_figures` reports
p50/p99 in milliseconds for taps, texts and both. The simulator records a request when it
arrives, so the time is the bot's: the added latency of that call is not in it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.simulator import BotApiSimulator
from bot.simulator.core import ApiCall
from tests.benchmarks.measure import percentile

NOT_CHANGING = frozenset({"sendChatAction"})
TAP = "callback_query"
TEXT = "message"


def changes_her_chat(call: ApiCall) -> bool:
    """Whether a request puts something new on her screen (sends, edits or deletes)."""
    method = call.method
    return method.startswith(("send", "edit", "delete")) and method not in NOT_CHANGING


def _chat_of(kind: str, payload: dict[str, Any]) -> int | None:
    message = payload.get("message") if kind == TAP else payload
    chat = message.get("chat") if isinstance(message, dict) else None
    return chat.get("id") if isinstance(chat, dict) else None


@dataclass
class HerClock:
    """Notes each update's arrival at the simulator: (time.monotonic(), kind, chat id)."""

    pushed: list[tuple[float, str, int]] = field(default_factory=list)
    recording: bool = False

    def install(self, sim: BotApiSimulator) -> None:
        """Wraps the simulator's update queue (benchmark instrument; the simulator is unchanged)."""
        queue = sim._core.queue  # an instrument applied from outside
        original: Callable[[str, dict[str, Any]], int] = queue.push
        clock = self

        def push(kind: str, payload: dict[str, Any]) -> int:
            if clock.recording:
                chat = _chat_of(kind, payload)
                if chat is not None:
                    clock.pushed.append((time.monotonic(), kind, chat))
            return original(kind, payload)

        queue.push = push  # type: ignore[method-assign]


def her_times(
    pushed: Sequence[tuple[float, str, int]], calls: Sequence[ApiCall]
) -> dict[str, list[float]]:
    """Seconds from each update to the first call changing her chat, by kind (tap / text)."""
    changes: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        chat = call.params.get("chat_id")
        if isinstance(chat, int) and changes_her_chat(call):
            changes[chat].append(call.wall)
    updates: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for at, kind, chat in pushed:
        updates[chat].append((at, kind))
    times: dict[str, list[float]] = {TAP: [], TEXT: []}
    for chat, own in updates.items():
        own.sort()
        seen = sorted(changes.get(chat, []))
        j = 0
        for i, (at, kind) in enumerate(own):
            until = own[i + 1][0] if i + 1 < len(own) else float("inf")
            while j < len(seen) and seen[j] < at:
                j += 1
            if j < len(seen) and seen[j] < until and kind in times:
                times[kind].append(seen[j] - at)
    return times


def her_figures(
    pushed: Sequence[tuple[float, str, int]], calls: Sequence[ApiCall]
) -> dict[str, Any]:
    """p50/p99 in ms for taps, texts and all of her updates, and how many were answered."""
    times = her_times(pushed, calls)
    every = times[TAP] + times[TEXT]
    out: dict[str, Any] = {"her_updates": len(pushed), "her_answered": len(every)}
    for name, values in (("her", every), ("her_tap", times[TAP]), ("her_text", times[TEXT])):
        out[f"{name}_p50_ms"] = round(percentile(values, 0.50) * 1000, 1)
        out[f"{name}_p99_ms"] = round(percentile(values, 0.99) * 1000, 1)
    return out


HER_PEOPLE = 200
TAP_PEOPLE = 50
HER_LATENCY_MS = 250
TARGET_TAP_FACTOR = 1.3  # her_tap_p50_ms at most this times the added latency
TARGET_HER_P99_MS = 2000.0
TARGET_RATIO_50 = 1.0  # updates/s at 50 people, 250 ms, limiter on: at least the echo bot's


def _point(results: Sequence[dict[str, Any]], bot: str, limiter: str, people: int) -> Any:
    for r in results:
        key = (r["bot"], r["limiter"], r["people"], r["latency_ms"], r["journey"])
        if key == (bot, limiter, people, HER_LATENCY_MS, "full"):
            return r
    return None


def her_summary(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The JSON figures: her_p50/p99 (200 people, limiter on), her_tap_p50 (50 people), ratios."""
    out: dict[str, Any] = {}
    on = _point(results, "jembatan", "on", HER_PEOPLE)
    if on is not None:
        for key in ("her_p50_ms", "her_p99_ms", "her_tap_p99_ms", "her_text_p50_ms"):
            out[key] = on[key]
        out["her_text_p99_ms"] = on["her_text_p99_ms"]
    tap = _point(results, "jembatan", "on", TAP_PEOPLE) or _point(
        results, "jembatan", "off", TAP_PEOPLE
    )
    if tap is not None:
        out["her_tap_p50_ms"] = tap["her_tap_p50_ms"]
        out["her_tap_p50_limiter"] = tap["limiter"]
    jem, echo = (_point(results, bot, "on", TAP_PEOPLE) for bot in ("jembatan", "echo"))
    if jem is not None and echo is not None:
        out["ratio_vs_echo_50_limited"] = round(jem["updates_per_s"] / echo["updates_per_s"], 3)
    out["her_points"] = [
        {
            "people": r["people"],
            "latency_ms": r["latency_ms"],
            "limiter": r["limiter"],
            **{k: r[k] for k in r if k.startswith("her_") and k.endswith("_ms")},
        }
        for r in results
        if r["bot"] == "jembatan" and r["journey"] == "full"
    ]
    return out


def print_her(results: Sequence[dict[str, Any]]) -> None:
    """The table of what she sees, per Jembatan point: taps and texts, p50/p99 in ms."""
    print("\nWhat she sees: her update at the Bot API -> the first call changing her chat (ms)")
    print(f"{'people':>6} | {'latency':>7} | {'limiter':>7} | {'taps p50/p99':>15} | texts p50/p99")
    for r in results:
        if r["bot"] == "jembatan" and r["journey"] == "full":
            print(
                f"{r['people']:>6} | {r['latency_ms']:5}ms | {r['limiter']:>7} | "
                f"{r['her_tap_p50_ms']:7.0f}/{r['her_tap_p99_ms']:<7.0f} | "
                f"{r['her_text_p50_ms']:.0f}/{r['her_text_p99_ms']:.0f}"
            )


def her_rows(results: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The targets on what she sees, for the bench's targets table."""
    figures = her_summary(results)
    rows: list[tuple[str, str, str]] = []
    if "her_tap_p50_ms" in figures:
        limit = TARGET_TAP_FACTOR * HER_LATENCY_MS
        value, limiter = figures["her_tap_p50_ms"], figures["her_tap_p50_limiter"]
        rows.append(
            (
                f"her tap p50, {TAP_PEOPLE} people, 250 ms, limiter {limiter}",
                f"{value:.0f} ms (<= {limit:.0f} ms)",
                "met" if value <= limit else "NOT met",
            )
        )
    if "her_p99_ms" in figures:
        value = figures["her_p99_ms"]
        rows.append(
            (
                f"her p99, {HER_PEOPLE} people, 250 ms, limiter on",
                f"{value:.0f} ms (< {TARGET_HER_P99_MS:.0f} ms)",
                "met" if value < TARGET_HER_P99_MS else "NOT met",
            )
        )
    if "ratio_vs_echo_50_limited" in figures:
        value = figures["ratio_vs_echo_50_limited"]
        rows.append(
            (
                f"updates/s vs echo, {TAP_PEOPLE} people, 250 ms, limiters on",
                f"{value:.2f}x (>= {TARGET_RATIO_50:.1f}x)",
                "met" if value >= TARGET_RATIO_50 else "NOT met",
            )
        )
    return rows
