"""Killed right after her "✅ Kirim": the request is stored, and her next tap shows her code."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

from bot.core.services import open_services
from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.asking import ANY_TIME, KEDIRI
from tests.auxil.harness import settings_in
from tests.auxil.process import eventually, run_bot, serving


async def to_summary(her: SimUser) -> None:
    """Her training request in Kota Kediri, up to the summary with its "✅ Kirim"."""
    await her.send("/start")
    await her.press("Bahasa Indonesia")
    await her.send(KEDIRI[0])
    await her.press(KEDIRI[1])
    await her.press("🎓 Pelatihan dan bantuan usaha")
    await her.press(her.last_buttons[0])
    for label in ("🙋 Saya mau ikut", "Ya, 18 tahun ke atas", "✅ Saya setuju", ANY_TIME):
        await her.press(label)
    await her.press("Lewati")
    await her.press("Ya, hanya saya")
    assert "✅ Kirim" in her.last_buttons


async def test_killed_before_her_confirmation_her_next_tap_shows_her_code(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    sim.settle_timeout = 60
    settings = settings_in(tmp_path)
    her = sim.user("Penerima")
    since = len(sim.calls)
    first = await run_bot(tmp_path, sim)
    await serving(sim, since)
    await to_summary(her)

    for method in ("editMessageText", "sendMessage"):  # her confirmation never gets out
        sim.inject(method, "timeout", times=None)
    pressing = asyncio.create_task(her.press("✅ Kirim"))
    await eventually(
        lambda: any(c.method == "editMessageText" and c.status is None for c in sim.calls)
    )
    first.send_signal(signal.SIGKILL)
    await first.wait()
    pressing.cancel()
    with contextlib.suppress(asyncio.CancelledError, AssertionError):
        await pressing
    services = await open_services(settings)
    try:
        [row] = await services.db.fetchall("SELECT code FROM referrals")
    finally:
        await services.close()
    code = str(row[0])
    assert not any(code in (m.text or "") for m in her.bot_messages), "she never saw it"
    assert "✅ Kirim" in her.last_buttons, "the summary still shows Kirim"

    sim.clear_faults()
    since = len(sim.calls)
    second = await run_bot(tmp_path, sim)
    try:
        await serving(sim, since)
        await her.press("✅ Kirim")  # her next tap, on the old summary
        await eventually(lambda: any(code in (m.text or "") for m in her.bot_messages))
        await her.send("menu")  # and then she goes on as usual
        await eventually(lambda: "Menu utama" in her.last_message or bool(her.last_buttons))
    finally:
        second.send_signal(signal.SIGTERM)
        assert await second.wait() == 0
    services = await open_services(settings)
    try:
        rows = await services.db.fetchall("SELECT code FROM referrals")
    finally:
        await services.close()
    assert [str(r[0]) for r in rows] == [code], "stored once, not twice"
