"""The keyword router's word lists, read once from flows/data/keywords.toml (package data)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

KEYWORDS_FILE = "keywords.toml"


@dataclass(frozen=True, slots=True)
class WordLists:
    """The data half of keyword routing: which words mean what; the matching stays in code."""

    danger: tuple[str, ...]
    weak_danger: tuple[str, ...]
    suicide: tuple[str, ...]
    intents: Mapping[str, tuple[str, ...]]
    slang: Mapping[str, str]
    no_fuzz: tuple[str, ...]
    suffixes: tuple[str, ...]
    howto: Mapping[str, tuple[str, ...]]


def _words(value: object, where: str) -> tuple[str, ...]:
    """Checks that a value is a list of non-empty strings and returns it as a tuple."""
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise ValueError(f"{KEYWORDS_FILE}: {where} must be a list of words")
    return tuple(value)


def parse(text: str) -> WordLists:
    """Parses the word lists from TOML text, refusing anything of the wrong shape."""
    data = tomllib.loads(text)
    intents = data.get("intents")
    slang = data.get("slang")
    howto = data.get("howto", {})
    if not isinstance(howto, dict):
        raise ValueError(f"{KEYWORDS_FILE}: [howto] must be a table of word lists")
    if not isinstance(intents, dict) or not isinstance(slang, dict):
        raise ValueError(f"{KEYWORDS_FILE}: [intents] and [slang] tables are required")
    if not all(isinstance(v, str) and v for v in slang.values()):
        raise ValueError(f"{KEYWORDS_FILE}: every slang word maps to one word")
    return WordLists(
        danger=_words(data.get("danger"), "danger"),
        weak_danger=_words(data.get("weak_danger", []), "weak_danger"),
        suicide=_words(data.get("suicide", []), "suicide"),
        intents=MappingProxyType(
            {name: _words(words, f"intents.{name}") for name, words in intents.items()}
        ),
        slang=MappingProxyType(dict(slang)),
        no_fuzz=_words(data.get("no_fuzz"), "no_fuzz"),
        suffixes=_words(data.get("suffixes"), "suffixes"),
        howto=MappingProxyType(
            {name: _words(words, f"howto.{name}") for name, words in howto.items()}
        ),
    )


@cache
def word_lists() -> WordLists:
    """Returns the shipped word lists (read from the package data once per process)."""
    return parse((files("flows") / "data" / KEYWORDS_FILE).read_text(encoding="utf-8"))
