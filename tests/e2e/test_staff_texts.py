"""Staff texts: one name for her ("pemohon"), a warning before every relay, honest timing."""

from __future__ import annotations

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan
from tests.e2e.test_staff_cleanup import worked_case


def staff_chat(person: SimUser) -> str:
    """Every message the bot showed the caseworker."""
    return "\n".join(m.text or "" for m in person.bot_messages)


async def test_staff_texts_call_her_pemohon_and_warn_before_every_message(
    jembatan: Jembatan,
) -> None:
    ana, _, code = await worked_case(jembatan)
    shown = staff_chat(ana)
    for other_name in ("penerima", "pengirim", " ia bilang"):
        assert other_name not in shown, f"{other_name!r}: she has one name in staff texts"
    prompt = next(line for line in shown.splitlines() if line.startswith("Ketik pesan untuk"))
    assert prompt == (
        f"Ketik pesan untuk pemohon {code}. Pesan masuk ke HP-nya dan bisa terlihat orang lain: "
        "jangan sebut kantor, layanan, HIV, atau pulang kampung di awal pesan."
    ), "every relay prompt warns, not only on a shared phone"
    assert f"Terkirim ke pemohon {code}." in shown
