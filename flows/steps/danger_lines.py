"""The lines of the emergency numbers: 110 / 112 first in one sentence, then each other line.

Shared by the emergency screen and the under-18 screen; the numbers come from the catalog.
"""

from __future__ import annotations

from flows.catalog.hotlines import Hotline
from flows.core.node import Context
from flows.core.types import Plain, Session, Text, t

#: Information lines, not for danger: shown elsewhere, never on this screen.
NOT_FOR_DANGER = frozenset({"halo-kemenkes"})
#: The lines that send help now; they open the numbers, in one sentence.
POLICE, EMERGENCY_112 = "police", "emergency112"


def whatsapp_line(number: str) -> Text:
    """The WhatsApp line of a hotline: for when she cannot speak."""
    return t("Or chat on WhatsApp {number} if you cannot speak.", number=Plain(number))


def hotline_text(hotline: Hotline) -> tuple[Text, ...]:
    """The lines that describe one hotline (its note says how to reach it)."""
    lines = [t("☎ {name}: {note}", name=hotline.name, note=hotline.note)]
    if hotline.whatsapp:
        lines.append(whatsapp_line(hotline.whatsapp))
    return tuple(lines)


def region_lines(session: Session, ctx: Context) -> list[Hotline]:
    """The hotlines of her region that are for danger (information lines left out)."""
    return [h for h in ctx.catalog.hotlines_for(session.region_code) if h.key not in NOT_FOR_DANGER]


def danger_now(session: Session, ctx: Context) -> Text | None:
    """The first line: call 110 (and 112 where the catalog has it) now; None without 110."""
    found = {h.key: h for h in region_lines(session, ctx)}
    police, e112 = found.get(POLICE), found.get(EMERGENCY_112)
    if police is None:
        return None
    if e112 is None:
        return t(
            "If you are in danger now, do not wait: call {police} (police). Free, 24 hours.",
            police=Plain(police.phone),
        )
    return t(
        "If you are in danger now, do not wait: call {police} (police) or {emergency}. "
        "Free, 24 hours.",
        police=Plain(police.phone),
        emergency=Plain(e112.phone),
    )
