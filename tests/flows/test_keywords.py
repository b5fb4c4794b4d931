from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.steps.keywords import (
    _KEYWORDS,
    DANGER_WORDS,
    MAX_CHARS,
    WEAK_DANGER_WORDS,
    Danger,
    Intent,
    danger_in,
    is_danger,
    normalise,
    route,
)

ROUTES: dict[Intent, list[str]] = {
    Intent.TRAINING: [
        "kerja",
        "cari kerja",
        "mau kerja",
        "lowongan",
        "jahit",
        "menjahit",
        "jait",
        "kue",
        "bikin kue",
        "salon",
        "nyalon",
        "masak",
        "kursus",
        "pelatihan",
        "kerjaan rumah",
        "tolong saya mau kerja",
        "Kursus jahit",
        "loker",
        "krja",
    ],
    Intent.CAPITAL: [
        "modal",
        "modal usaha",
        "usaha",
        "jualan",
        "dagang",
        "modal jahit",
        "jualan kue",
        "mau buka usaha",
    ],
    Intent.HEALTH: [
        "sakit",
        "sakitt",
        "periksa",
        "priksa",
        "dokter",
        "berobat",
        "puskesmas",
        "kaki sakit",
        "sakitnya parah",
        "rumah sakit",
    ],
    Intent.HIV_IMS: [
        "hiv",
        "tes hiv",
        "HIV test",
        "ims",
        "aids",
        "penyakit kelamin",
        "sifilis",
        "teshiv",
    ],
    Intent.PREP: ["prep", "PrEP"],
    Intent.PREGNANCY: [
        "hamil",
        "hamill",
        "kb",
        "kontrasepsi",
        "telat haid",
        "kandungan",
        "bidan",
        "melahirkan",
    ],
    Intent.BPJS: [
        "bpjs",
        "bpj",
        "kis",
        "kartu bpjs",
        "bpjs saya mati",
        "kartu sehat",
        "pbi",
        "jkn",
        "BPJS gw gak aktif",
    ],
    Intent.GOING_HOME: [
        "pulang",
        "pulng",
        "kampung",
        "pulang kampung",
        "saya takut pulang",
        "mudik",
        "tiket",
        "tiket pulang",
        "ongkos pulang",
        "balik ke kampung",
    ],
    Intent.EMERGENCY: [
        "tolong",
        "tolongg",
        "toloong",
        "tlg",
        "TLG!!!",
        "bahaya",
        "dipukul",
        "dipukuli",
        "di pukul",
        "takut",
        "aku takut",
        "diancam",
        "dikejar",
        "disekap",
        "kekerasan",
        "darurat",
        "help",
        "sos",
        "SOS",
        "takutnya",
        "memukul",
        "pukuli",
        "dipukul-pukul",
        "mau kerja tapi aku dipukuli",
        "bunuh diri",
    ],
    Intent.MENTAL: [
        "stres",
        "stress",
        "depresi",
        "sedih",
        "cemas",
        "pengen cerita",
        "psikolog",
        "stres krn sakit",
    ],
    Intent.MY_REFERRALS: ["status", "rujukan saya", "permintaan saya"],
    Intent.PRIVACY: ["privasi", "hapus data", "data saya", "data gue"],
    Intent.MENU: [
        "menu",
        "mulai",
        "halo",
        "hai",
        "hallo",
        "assalamualaikum",
        "Assalamu'alaikum",
        "pagi",
        "selamat siang",
        "sore",
        "malam",
        "bantu",
        "info",
        "balik ke menu",
    ],
}

CASES = [(text, intent) for intent, texts in ROUTES.items() for text in texts]

UNKNOWN = [
    "asdf",
    "123",
    "😀",
    "",
    "   ",
    "?!",
    "qwerty uiop",
    "x" * 4000,
    "asdf " * 1000,
]

# Everyday words within typo distance of a keyword must not be routed by it.
NOT_MATCHED = [
    "pukul 3",
    "jam pukul 3",
    "besok pukul 10 ya",
    "gak usah",
    "jalan jalan",
    "ibu kandung",
    "apa kabar",
    "butuh",
    "kurang",
    "tenang",
    "pelanggan",
    "menang",
    "puasa",
    "pasar",
    "pakai",
    "harus",
    "hasil",
    "salah",
    "bahasa",
    "batu",
    "ceria",
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_route(text: str, expected: Intent) -> None:
    assert route(text) is expected


@pytest.mark.parametrize("text", UNKNOWN, ids=[repr(u[:12]) for u in UNKNOWN])
def test_unknown_is_none(text: str) -> None:
    assert route(text) is None


@pytest.mark.parametrize("text", NOT_MATCHED)
def test_does_not_over_match(text: str) -> None:
    assert route(text) is None
    assert not is_danger(text)


def test_pukul_as_clock_time_does_not_beat_another_intent() -> None:
    assert route("besok pukul 9 ke puskesmas") is Intent.HEALTH


@pytest.mark.parametrize(
    "text",
    ["kerja", "saya takut pulang", "tolong saya mau kerja", "dipukul", "di pukul"],
)
def test_is_danger_agrees_with_route(text: str) -> None:
    assert is_danger(text) is (route(text) is Intent.EMERGENCY)


def test_a_weak_word_alone_routes_to_emergency_but_is_not_strong_danger() -> None:
    assert route("tolong") is Intent.EMERGENCY
    assert danger_in("tolong") is Danger.WEAK and not is_danger("tolong")


def test_danger_word_anywhere_wins() -> None:
    filler = "mau kerja modal usaha bpjs hamil hiv pulang kampung " * 2
    assert route(filler + "dipukul") is Intent.EMERGENCY
    assert route("dipukul " + filler) is Intent.EMERGENCY


def test_only_the_head_of_a_long_message_is_routed_but_danger_is_read_whole() -> None:
    assert route("a " * MAX_CHARS + "dipukul") is None
    assert danger_in("a " * MAX_CHARS + "dipukul") is Danger.STRONG
    assert danger_in("a " * MAX_CHARS + "pengen mati") is Danger.SUICIDE


@pytest.mark.parametrize(
    ("intent", "phrase"),
    [(intent, phrase) for intent, phrases in _KEYWORDS.items() for phrase in phrases],
)
def test_every_keyword_routes_to_its_own_intent(intent: Intent, phrase: str) -> None:
    assert len(phrase.split()) in (1, 2)
    assert route(phrase) is (Intent.EMERGENCY if intent is Intent.CAUTION else intent)


def test_danger_words_are_emergency() -> None:
    assert _KEYWORDS[Intent.EMERGENCY] == DANGER_WORDS
    assert _KEYWORDS[Intent.CAUTION] == WEAK_DANGER_WORDS
    assert all(is_danger(word) for word in DANGER_WORDS)
    assert all(danger_in(word) is Danger.WEAK for word in WEAK_DANGER_WORDS)


def test_normalise() -> None:
    assert normalise("TOLOOONG!!! gw   dipukul2 😭") == ["tolong", "saya", "dipukul"]
    assert normalise("Tlg, kmn?") == ["tolong", "kemana"]
    assert normalise("kés") == ["kes"]
    assert normalise("") == []


def test_long_input_is_fast() -> None:
    text = "ąż🙂 qwerty " * 2000
    start = time.perf_counter()
    for _ in range(100):
        route(text)
    assert time.perf_counter() - start < 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=5000))
def test_route_never_raises(text: str) -> None:
    result = route(text)
    assert result is None or isinstance(result, Intent)
    assert result is not Intent.CAUTION
    if is_danger(text[:MAX_CHARS]) and len(normalise(text)) == len(normalise(text, whole=True)):
        assert result is Intent.EMERGENCY
