from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from flows.steps.keywords import _KEYWORDS, Intent
from flows.steps.wordlists import KEYWORDS_FILE, parse, word_lists

ROOT = Path(__file__).resolve().parents[2]


def test_the_word_lists_ship_as_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["flows"]
    assert (ROOT / "flows" / "data" / KEYWORDS_FILE).is_file()
    assert any(fnmatch(f"data/{KEYWORDS_FILE}", pattern) for pattern in patterns)


def test_every_intent_has_its_words_from_the_data_file() -> None:
    lists = word_lists()
    assert set(_KEYWORDS) == set(Intent)
    assert _KEYWORDS[Intent.EMERGENCY] == lists.danger
    assert _KEYWORDS[Intent.CAUTION] == lists.weak_danger
    for name, words in lists.intents.items():
        assert _KEYWORDS[Intent(name)] == words
    words = [w for ws in _KEYWORDS.values() for w in ws] + list(lists.slang) + list(lists.no_fuzz)
    assert all(w == w.lower() and w.isascii() for w in words)


@pytest.mark.parametrize(
    "text",
    [
        'danger = "tolong"\nno_fuzz = []\nsuffixes = []\n[slang]\n[intents]\n',
        'danger = ["tolong"]\nno_fuzz = []\nsuffixes = []\n[intents]\n',
        'danger = ["tolong"]\nno_fuzz = [1]\nsuffixes = []\n[slang]\n[intents]\n',
        'danger = ["tolong"]\nno_fuzz = []\nsuffixes = []\n[slang]\ngw = 1\n[intents]\n',
        'danger = ["tolong"]\nno_fuzz = []\nsuffixes = []\n[slang]\n[intents]\nmenu = [""]\n',
    ],
)
def test_a_malformed_word_list_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=KEYWORDS_FILE):
        parse(text)
