"""Routing of short free-text messages to an intent, tolerant of typos and slang.

A message is normalised (lowercase, no accents, punctuation or emoji, letter runs collapsed,
common slang expanded), cut into at most ``MAX_TOKENS`` tokens, and each token and each pair of
adjacent tokens is looked up in a keyword table: exactly for short words, with a simple suffix
strip (-nya, -an, -in, ...) and with ``rapidfuzz.fuzz.ratio`` for longer ones. When several
intents match, a strong danger word always wins, then the most specific service; training and
business capital are decided by whichever keyword comes first. Weak danger words ("tolong",
"takut", "help") only route to EMERGENCY when nothing else is asked. Routing reads the head of a
message; the danger check (``danger_in``) reads all of it, however long. The word lists are data,
flows/data/keywords.toml (read once, by flows/steps/wordlists.py); the matching is here. Pure: no
other I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from flows.steps.wordlists import word_lists


class Intent(StrEnum):
    """What a free-text message asks for, in terms of the bot's menus."""

    EMERGENCY = "emergency"
    TRAINING = "training"
    CAPITAL = "capital"
    HEALTH = "health"
    HIV_IMS = "hiv_ims"
    PREP = "prep"
    MENTAL = "mental"
    PREGNANCY = "pregnancy"
    BPJS = "bpjs"
    GOING_HOME = "going_home"
    MY_REFERRALS = "my_referrals"
    PRIVACY = "privacy"
    MENU = "menu"
    CAUTION = "caution"
    """Weak danger words: never returned by ``route``; alone they route to EMERGENCY."""


class Danger(StrEnum):
    """How strongly a whole message speaks of danger (flows/data/keywords.toml)."""

    NONE = ""
    WEAK = "weak"
    STRONG = "danger"
    SUICIDE = "suicide"


MAX_CHARS = 200
"""Only this many characters of a message are examined."""

MAX_TOKENS = 30
"""Only this many words of a message are examined."""

FUZZY_THRESHOLD = 85.0
"""Minimum ``fuzz.ratio`` for a typo to count as a keyword (both at least 4 letters long)."""

FUZZY_MIN_LEN = 4
"""Words shorter than this (kb, kis, hiv, sos, ...) only ever match exactly."""

_LISTS = word_lists()

DANGER_WORDS: tuple[str, ...] = _LISTS.danger
"""Strong danger words: EMERGENCY wherever they appear in a message (flows/data/keywords.toml)."""

WEAK_DANGER_WORDS: tuple[str, ...] = _LISTS.weak_danger
"""Weak danger words: EMERGENCY only when the message asks for nothing else."""

#: Intents whose words come from the top of the data file, not from its [intents] table.
_DANGER_INTENTS = frozenset({Intent.EMERGENCY, Intent.CAUTION})


def _keyword_table(intents: Mapping[str, tuple[str, ...]]) -> Mapping[Intent, tuple[str, ...]]:
    """Keys the data file's keyword lists by intent; the danger lists come from the top."""
    unknown = set(intents) - {i.value for i in Intent}
    missing = {i.value for i in Intent if i not in _DANGER_INTENTS} - set(intents)
    if unknown or missing or any(i.value in intents for i in _DANGER_INTENTS):
        raise ValueError(f"keyword intents: unknown {sorted(unknown)}, missing {sorted(missing)}")
    return {
        Intent.EMERGENCY: DANGER_WORDS,
        Intent.CAUTION: WEAK_DANGER_WORDS,
        **{Intent(k): v for k, v in intents.items()},
    }


_KEYWORDS: Mapping[Intent, tuple[str, ...]] = _keyword_table(_LISTS.intents)

# When several intents match: first in this order wins. CAPITAL and TRAINING share one rank
# and are decided by which keyword comes first ("modal jahit" vs "kursus jahit").
_PRIORITY: tuple[frozenset[Intent], ...] = (
    frozenset({Intent.EMERGENCY}),
    frozenset({Intent.HIV_IMS}),
    frozenset({Intent.PREP}),
    frozenset({Intent.PREGNANCY}),
    frozenset({Intent.MENTAL}),
    frozenset({Intent.BPJS}),
    frozenset({Intent.HEALTH}),
    frozenset({Intent.GOING_HOME}),
    frozenset({Intent.CAPITAL, Intent.TRAINING}),
    frozenset({Intent.MY_REFERRALS}),
    frozenset({Intent.PRIVACY}),
    frozenset({Intent.MENU}),
)

_SUFFIXES: tuple[str, ...] = _LISTS.suffixes
_NON_WORD = re.compile(r"[^a-z0-9]+")
_LETTER_RUN = re.compile(r"([a-z])\1+")
_REDUPLICATION = re.compile(r"(?<=[a-z])2$")


def _collapse(word: str) -> str:
    """Collapses every run of a repeated letter to one letter ("tolongg" -> "tolong")."""
    return _LETTER_RUN.sub(r"\1", word)


# Everyday words within typo distance of a keyword, never fuzzy-matched to it; and chat slang.
_NO_FUZZ: frozenset[str] = frozenset(_collapse(word) for word in _LISTS.no_fuzz)
_SLANG: dict[str, str] = {_collapse(k): _collapse(v) for k, v in _LISTS.slang.items()}

# After "balik ke" these words mean "back to the menu", not "going home".
_NOT_HOME_AFTER_BALIK_KE: frozenset[str] = frozenset({"menu", "awal", "atas", "sini", "tadi"})


def _clean_token(token: str) -> str:
    """Collapses letter runs, drops a reduplication "2" and expands slang in one token."""
    token = _REDUPLICATION.sub("", token)
    token = _collapse(token)
    return _SLANG.get(token, token)


def normalise(text: str, *, whole: bool = False) -> list[str]:
    """Returns the cleaned tokens of the first MAX_CHARS characters / MAX_TOKENS words.

    With ``whole``, of the entire text (the danger check reads everything she wrote).
    """
    head = unicodedata.normalize("NFKD", (text if whole else text[:MAX_CHARS]).casefold())
    ascii_only = "".join(c for c in head if not unicodedata.combining(c))
    tokens = _NON_WORD.sub(" ", ascii_only).split()
    if not whole:
        tokens = tokens[:MAX_TOKENS]
    return [cleaned for cleaned in (_clean_token(tok) for tok in tokens) if cleaned]


K = TypeVar("K")


def _build_tables(
    keywords: Mapping[K, Iterable[str]],
) -> tuple[dict[str, K], dict[tuple[str, str], K]]:
    """Splits the keyword table into normalised single words and word pairs."""
    words: dict[str, K] = {}
    pairs: dict[tuple[str, str], K] = {}
    for intent, phrases in keywords.items():
        for phrase in phrases:
            parts = [_collapse(p) for p in phrase.split()]
            if len(parts) == 1:
                words.setdefault(parts[0], intent)
            elif len(parts) == 2:
                pairs.setdefault((parts[0], parts[1]), intent)
                if min(len(parts[0]), len(parts[1])) >= 3:  # not "balik ke" -> "balike"
                    words.setdefault(parts[0] + parts[1], intent)  # "teshiv", "bunuhdiri"
            else:  # pragma: no cover - guarded by a test on the table
                raise ValueError(f"keyword phrases have one or two words: {phrase!r}")
    return words, pairs


_WORDS, _PAIRS = _build_tables(_KEYWORDS)

# Fuzzy candidates grouped by first letter: a typo rarely changes the first letter, and this
# keeps "ulang" away from "pulang" and "emas" away from "cemas".
# Only real single-word keywords are fuzzy targets, not joined pairs like "telatmens".
_FUZZY_BY_INITIAL: dict[str, list[str]] = {}
for _word in sorted({_collapse(p) for ps in _KEYWORDS.values() for p in ps if " " not in p}):
    if len(_word) >= FUZZY_MIN_LEN:
        _FUZZY_BY_INITIAL.setdefault(_word[0], []).append(_word)


def _fuzzy_word(token: str) -> str | None:
    """Returns the keyword a long token is a likely typo of, if any."""
    if len(token) < FUZZY_MIN_LEN or token in _NO_FUZZ:
        return None
    candidates = _FUZZY_BY_INITIAL.get(token[0])
    if not candidates:
        return None
    best = process.extractOne(token, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
    return None if best is None else best[0]


@lru_cache(maxsize=4096)
def _resolve_word(token: str) -> str | None:
    """Maps a token to the keyword it stands for: exactly, by suffix, or as a typo."""
    if token in _WORDS:
        return token
    for suffix in _SUFFIXES:
        stem = token[: -len(suffix)]
        min_stem = 3 if suffix == "nya" else FUZZY_MIN_LEN
        if token.endswith(suffix) and len(stem) >= min_stem and stem in _WORDS:
            return stem
    return _fuzzy_word(token)


def _same_word(token: str, word: str) -> bool:
    """Tells whether a token is the given word of a two-word keyword, allowing a typo."""
    if token == word:
        return True
    if len(token) < FUZZY_MIN_LEN or len(word) < FUZZY_MIN_LEN or token in _NO_FUZZ:
        return False
    return token[0] == word[0] and fuzz.ratio(token, word) >= FUZZY_THRESHOLD


def _matches(tokens: list[str]) -> dict[Intent, int]:
    """Returns each matched intent with the position of its first keyword."""
    found: dict[Intent, int] = {}

    def note(intent: Intent, position: int) -> None:
        found.setdefault(intent, position)

    for i, token in enumerate(tokens):
        word = _resolve_word(token)
        if word is not None:
            note(_WORDS[word], i)
        if i + 1 >= len(tokens):
            continue
        following = tokens[i + 1]
        joined = token + following  # "di pukul" -> "dipukul", "k b" -> "kb"
        if joined in _WORDS:
            note(_WORDS[joined], i)
        for (first, second), intent in _PAIRS.items():
            if _same_word(token, first) and _same_word(following, second):
                after = tokens[i + 2] if i + 2 < len(tokens) else ""
                if (first, second) == ("balik", "ke") and after in _NOT_HOME_AFTER_BALIK_KE:
                    continue
                note(intent, i)
    return found


def route(text: str) -> Intent | None:
    """Returns the intent of a short free-text message, or None if nothing is recognised.

    Strong danger or suicide words win; weak danger words alone route to EMERGENCY, but with
    another request ("tolong info pelatihan") that request wins (see ``danger_in``).
    """
    tokens = normalise(text)
    found = _matches(tokens)
    if _suicide(tokens):
        return Intent.EMERGENCY
    for rank in _PRIORITY:
        hits = [(position, intent) for intent, position in found.items() if intent in rank]
        if hits:
            return min(hits)[1]
    return Intent.EMERGENCY if Intent.CAUTION in found else None


def danger_in(text: str) -> Danger:
    """How strongly the whole message, whatever its length, speaks of danger."""
    tokens = normalise(text, whole=True)
    if _suicide(tokens):
        return Danger.SUICIDE
    found = _matches(tokens)
    if Intent.EMERGENCY in found:
        return Danger.STRONG
    return Danger.WEAK if Intent.CAUTION in found else Danger.NONE


def is_danger(text: str) -> bool:
    """Tells whether a message, read whole, has a strong danger word or words of suicide."""
    return danger_in(text) in (Danger.STRONG, Danger.SUICIDE)


SUICIDE_PHRASES: tuple[tuple[str, ...], ...] = tuple(tuple(w.split()) for w in _LISTS.suicide)
"""Words of suicide (flows/data/keywords.toml), as word sequences."""


def _suicide(tokens: list[str]) -> bool:
    """Tells whether these tokens hold a phrase of suicide, in order."""
    return any(
        tuple(tokens[i : i + len(phrase)]) == phrase
        for phrase in SUICIDE_PHRASES
        for i in range(len(tokens))
    )


def is_suicide(text: str) -> bool:
    """Tells whether a message, read whole, speaks of suicide (SEJIWA then comes first)."""
    return _suicide(normalise(text, whole=True))


class Topic(StrEnum):
    """A how-to question: what it costs, what it asks, without a KTP, how to join."""

    COST = "cost"
    REQUIREMENTS = "requirements"
    NO_KTP = "no_ktp"
    JOIN = "join"


def _topic_table(lists: Mapping[str, tuple[str, ...]]) -> Mapping[Topic, tuple[str, ...]]:
    """Keys the data file's how-to word lists by topic, refusing unknown topics."""
    unknown = set(lists) - {t.value for t in Topic}
    if unknown:
        raise ValueError(f"how-to topics: unknown {sorted(unknown)}")
    return {Topic(k): v for k, v in lists.items()}


_TOPIC_WORDS, _TOPIC_PAIRS = _build_tables(_topic_table(_LISTS.howto))
_TOPIC_FUZZY = sorted(w for w in _TOPIC_WORDS if len(w) >= FUZZY_MIN_LEN + 1)
#: When one message asks several things, the most specific topic answers.
_TOPIC_ORDER = (Topic.NO_KTP, Topic.COST, Topic.REQUIREMENTS, Topic.JOIN)


def _topic_word(token: str) -> Topic | None:
    """The topic of one token: exactly, after a suffix, or as a typo of a long how-to word."""
    if token in _TOPIC_WORDS:
        return _TOPIC_WORDS[token]
    for suffix in _SUFFIXES:
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 3 and stem in _TOPIC_WORDS:
            return _TOPIC_WORDS[stem]
    if len(token) <= FUZZY_MIN_LEN or token in _NO_FUZZ:
        return None
    best = process.extractOne(token, _TOPIC_FUZZY, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
    return None if best is None else _TOPIC_WORDS[best[0]]


def howto_topic(text: str) -> Topic | None:
    """The how-to question a short message asks ("brp biayanya", "ga ada ktp"), if any."""
    tokens = normalise(text)
    found: set[Topic] = set()
    for i, token in enumerate(tokens):
        topic = _topic_word(token)
        if topic is not None:
            found.add(topic)
        pair = _TOPIC_PAIRS.get((token, tokens[i + 1])) if i + 1 < len(tokens) else None
        if pair is not None:
            found.add(pair)
    return next((t for t in _TOPIC_ORDER if t in found), None)
