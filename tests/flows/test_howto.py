"""How-to questions as women type them reach a useful answer: from the entry on screen, or the
nearest screen with a word of guidance (never "I did not understand")."""

from __future__ import annotations

import pytest

from flows.core.types import Session
from tests.auxil.flowdriver import FlowDriver, context

COST = "💰 Cost: {cost}"
NEEDS = "📄 Requirements: {requirements}"
NO_KTP = "🪪 Without a KTP: {advice}"
JOIN = "To join, tap 🙋 I want to join: I help you send a request to a caseworker."
FACILITY_HELP = (
    "For what to bring, or if you have no KTP or BPJS, tap 🙋 Help me get there: a caseworker "
    "helps you."
)
GUIDE = (
    "Each kind of help shows its cost, its requirements and how to join. Choose what you are "
    "looking for:"
)
GUIDE_KTP = (
    "No KTP? You can still look and ask. Each programme says what is possible without a KTP "
    "(🪪). Choose what you are looking for:"
)
LIST = "Choose one: each shows its cost, its requirements and how to join."
NOT_UNDERSTOOD = "Sorry, Kak, I did not understand that. Please choose one of the buttons."

# (what she types, the screen she is on, the screen she then sees, a line it must show)
CASES: list[tuple[str, str, str, str | None]] = [
    ("brp biayanya", "programme", "programme", COST),
    ("biayanya berapa", "programme", "programme", COST),
    ("bayar gak?", "programme", "programme", COST),
    ("gratis ga?", "programme", "programme", COST),
    ("harganya brp", "programme", "programme", COST),
    ("mahal gak", "programme", "programme", COST),
    ("ada biaya?", "programme", "programme", COST),
    ("syaratnya apa", "programme", "programme", NEEDS),
    ("syarat nya apa aja", "programme", "programme", NEEDS),
    ("perlu bawa apa", "programme", "programme", NEEDS),
    ("bawa apa aja", "programme", "programme", NEEDS),
    ("dokumen apa", "programme", "programme", NEEDS),
    ("berkasnya apa", "programme", "programme", NEEDS),
    ("persyratan nya", "programme", "programme", NEEDS),
    ("ga ada ktp", "programme", "programme", NO_KTP),
    ("gak punya ktp", "programme", "programme", NO_KTP),
    ("ktp hilang", "programme", "programme", NO_KTP),
    ("tanpa ktp bisa?", "programme", "programme", NO_KTP),
    ("gmn caranya", "programme", "programme", JOIN),
    ("cara daftar", "programme", "programme", JOIN),
    ("mau daftar", "programme", "programme", JOIN),
    ("gimana ikutnya", "programme", "programme", JOIN),
    ("caranya gimana", "programme", "programme", JOIN),
    ("daftarnya dmn", "programme", "programme", JOIN),
    ("mau ikut", "programme", "programme", JOIN),
    ("brp biayanya", "facility", "facility", COST),
    ("ga ada ktp", "facility", "facility", FACILITY_HELP),
    ("syaratnya apa", "facility", "facility", FACILITY_HELP),
    ("mo plg", "menu", "going_home", None),
    ("gmn caranya pulang", "menu", "going_home", None),
    ("mau plg kampung", "menu", "going_home", None),
    ("brp biayanya", "menu", "menu", GUIDE),
    ("gmn caranya", "menu", "menu", GUIDE),
    ("ga ada ktp", "menu", "menu", GUIDE_KTP),
    ("syaratnya apa", "training", "training", LIST),
]


def on(state: str) -> FlowDriver:
    ctx = context()
    params: tuple[tuple[str, str], ...] = ()
    if state == "programme":
        params = (("key", ctx.catalog.programmes_in("53.71")[0].key),)
    elif state == "facility":
        params = (("key", ctx.catalog.facilities_in("53.71", "hiv_ims")[0].key),)
    return FlowDriver(session=Session(region_code="53.71", state=state, params=params, seq=1))


def test_the_table_has_at_least_24_everyday_phrasings() -> None:
    assert len({c[0] for c in CASES}) >= 24


@pytest.mark.parametrize(
    ("text", "where", "screen", "line"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES]
)
def test_a_how_to_question_reaches_a_useful_screen(
    text: str, where: str, screen: str, line: str | None
) -> None:
    driver = on(where)
    driver.send(text)
    assert driver.screen is not None and driver.session.state == screen
    texts = driver.texts()
    assert NOT_UNDERSTOOD not in texts
    if line is not None:
        assert line in texts, texts
    if where == screen and where in {"programme", "facility"}:
        assert driver.buttons()[0].startswith("🙋"), "the way to ask stays one tap away"
