"""Typo-tolerant matching of typed place names: normalising, kind prefixes, fuzzy scores.

The text half of :mod:`flows.regions`: it knows nothing about which regions exist.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final, Literal

from rapidfuzz import fuzz, process

Kind = Literal["kota", "kabupaten"]

# Minimum combined score (0-100) for a match, and how far below the best match a result may be.
SCORE_CUTOFF: Final = 80.0
SCORE_WINDOW: Final = 15.0
# Queries shorter than this (without spaces) only match names and aliases exactly.
_MIN_FUZZY_LENGTH: Final = 4

_NOISE = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_KIND_PREFIX = re.compile(
    r"^(?:(?P<kota>kota administrasi|kota adm|kotamadya|kodya|kota|kot)"
    r"|(?P<kab>kabupaten administrasi|kabupaten adm|kab adm|kabupaten|kabupatan|kab))(?:\s+|$)"
)
PROVINCE_PREFIX = re.compile(r"^(?:provinsi|propinsi|prov|prop)(?:\s+|$)")
_KEP = re.compile(r"\bkep\b")


def normalize(text: str) -> str:
    """Lowercases, folds accents, turns punctuation into spaces and expands "kep" to "kepulauan"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    spaced = _SPACES.sub(" ", _NOISE.sub(" ", folded.lower().replace("'", ""))).strip()
    return _KEP.sub("kepulauan", spaced)


def split_kind(normalized: str) -> tuple[Kind | None, str]:
    """Splits a leading "kota"/"kab."/"kabupaten" (administrasi) prefix off a normalised name."""
    match = _KIND_PREFIX.match(normalized)
    if match is None:
        return None, normalized
    kind: Kind = "kota" if match.group("kota") else "kabupaten"
    return kind, normalized[match.end() :]


def _squash(text: str) -> str:
    return text.replace(" ", "")


def _score(query: str, choices: list[str], squashed: list[str]) -> dict[int, float]:
    """Best score per choice index for a normalised query against normalised choices.

    Combines plain similarity (with and without spaces, for "banjar masin"), word order
    ("barat jakarta") and the query as part of a longer name ("sangihe" in "kepulauan sangihe").
    WRatio is not used: its partial token-set step scores any shared word ("timur", "tengah")
    as a near match.
    """
    best: dict[int, float] = {}
    q_squashed = _squash(query)
    if len(q_squashed) < _MIN_FUZZY_LENGTH:
        for index, choice in enumerate(squashed):
            if choice == q_squashed:
                best[index] = 100.0
        return best
    floor = SCORE_CUTOFF - 10
    passes: list[tuple[str, list[str], Callable[..., float], float, bool]] = [
        (query, choices, fuzz.ratio, 1.0, False),
        (q_squashed, squashed, fuzz.ratio, 1.0, False),
        (query, choices, fuzz.token_sort_ratio, 0.95, False),
        (query, choices, fuzz.partial_ratio, 0.9, True),
    ]
    for text, targets, scorer, weight, longer_only in passes:
        for choice, raw, index in process.extract(
            text, targets, scorer=scorer, limit=None, score_cutoff=floor / weight
        ):
            if longer_only and len(choice) < len(text):
                continue
            score = raw * weight
            if score > best.get(index, 0.0):
                best[index] = score
    return best


class SearchIndex:
    """Precomputed search keys: normalised names and aliases pointing at item positions."""

    __slots__ = ("choices", "owners", "squashed")

    def __init__(self, keys: Iterable[tuple[str, int]]) -> None:
        self.choices: list[str] = []
        self.owners: list[int] = []
        seen: set[tuple[str, int]] = set()
        for key, owner in keys:
            if key and (key, owner) not in seen:
                seen.add((key, owner))
                self.choices.append(key)
                self.owners.append(owner)
        self.squashed = [_squash(c) for c in self.choices]

    def scores(self, query: str) -> dict[int, float]:
        """Best score per owner for a normalised query."""
        best: dict[int, float] = {}
        for index, score in _score(query, self.choices, self.squashed).items():
            owner = self.owners[index]
            if score > best.get(owner, 0.0):
                best[owner] = score
        return best
