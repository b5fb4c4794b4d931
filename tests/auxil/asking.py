"""Drives a beneficiary through a whole request in the simulator, with the choices a test needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan
from tests.auxil.regions import type_region

KUPANG = ("kupang", "Kota Kupang (Nusa Tenggara Timur)")
KEDIRI = ("kediri", "Kota Kediri (Jawa Timur)")
ANY_TIME = "💬 Lewat chat ini, kapan saja 08.00–20.00 (paling aman)"
CHOSEN_TIME = "💬 Lewat chat ini, di jam yang saya pilih"


@dataclass(frozen=True)
class Request:
    """What she chooses on the way: service, contact, nickname, phone, check-ins."""

    region: tuple[str, str] = KEDIRI
    going_home_to: tuple[str, str] | None = None  # (typed, label) of her home region
    phone: str | None = None  # typed number: contact by phone in the morning
    window: str | None = None  # label of a safe time, for chat contact at a chosen time
    nickname: str | None = None
    shared: bool = False
    urgent: bool = False
    check_ins: bool | None = True  # None: leave the question unanswered


async def ask(jembatan: Jembatan, request: Request = Request()) -> tuple[SimUser, str]:
    """She sends the request; returns her and its reference code."""
    user = jembatan.user("Penerima")
    await send_request(user, request)
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall("SELECT code FROM referrals ORDER BY id DESC")
    return user, str(rows[0][0])


async def send_request(user: SimUser, request: Request = Request()) -> None:
    """Her side of the conversation, from /start to the request sent (the benchmark's too)."""
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await type_region(user, *request.region)
    if request.going_home_to is None:
        await user.press("🎓 Pelatihan dan bantuan usaha")
        await user.press(user.last_buttons[0])
        await user.press("🙋 Saya mau ikut")
    else:
        await user.press("🏠 Pulang kampung")
        await user.press("🏠 Pilih daerah asal")
        await type_region(user, *request.going_home_to)
        await user.press("🙋 Bantu saya pulang")
    await user.press("Ya, 18 tahun ke atas")
    await user.press("✅ Saya setuju")
    if request.phone is not None:
        await user.press("📞 Lewat telepon")
        await user.send(request.phone)
        await user.press("🌅 Pagi 08.00–12.00")
    elif request.window is not None:
        await user.press(CHOSEN_TIME)
        await user.press(request.window)
    else:
        await user.press(ANY_TIME)
    if request.nickname is None:
        await user.press("Lewati")
    else:
        await user.send(request.nickname)
    await user.press("Tidak, dipakai bersama" if request.shared else "Ya, hanya saya")
    await user.press("⚡ Kirim, ini mendesak" if request.urgent else "✅ Kirim")
    if request.check_ins is not None:
        if request.shared:
            await user.press("🔔 Aktifkan" if request.check_ins else "Tidak usah")
        else:
            await user.press("✅ Ya, boleh" if request.check_ins else "Tidak usah")
