"""An optional nickname for the caseworker to use.

The same rule holds wherever she types one (here and when she corrects it from the privacy
menu): bidi controls and control characters are dropped, invisible characters are stripped
around it, and what is left must contain a letter or digit that can be seen; staff would
otherwise see a blank name, or a name that reads differently from what she typed.
"""

from __future__ import annotations

import unicodedata

from flows.core.node import Context, Step, with_answers
from flows.core.types import Bubble, Button, Screen, Session, bubble, t
from flows.steps.intake.common import _answer, _cancel_row, next_step

NICKNAME_MAX = 40
# Letters that draw nothing (Hangul fillers) and the blank Braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Marks that reorder how text is shown (right-to-left overrides and the like).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Categories drawn as nothing at the edges of a name: format (zero-width, BOM), controls,
# separators, unassigned or private code points. (Not marks: many scripts end a name with one.)
INVISIBLE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp", "Zs"})


def _invisible(char: str) -> bool:
    return char.isspace() or char in BLANK_LETTERS or unicodedata.category(char) in INVISIBLE


def clean_nickname(text: str) -> str:
    """The typed nickname on one line, without bidi or control characters or invisible edges."""
    kept = "".join(
        " "
        if char.isspace()
        else ""
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc"
        else char
        for char in text
    )
    name = " ".join(kept.split())
    start, end = 0, len(name)
    while start < end and _invisible(name[start]):
        start += 1
    while end > start and _invisible(name[end - 1]):
        end -= 1
    return name[start:end]


def nickname_refusal(name: str) -> Bubble | None:
    """Why a cleaned nickname cannot be used (no visible letter or digit, too long), or None."""
    if not any(unicodedata.category(c)[0] in "LN" and c not in BLANK_LETTERS for c in name):
        return bubble(
            t("Please type a nickname with at least one letter or number that can be seen.")
        )
    if len(name) > NICKNAME_MAX:
        return bubble(t("Please keep it short: at most {limit} letters.", limit=NICKNAME_MAX))
    return None


def view_nickname(session: Session, ctx: Context) -> Screen:
    """Offers an optional nickname."""
    return Screen(
        "intake_nickname",
        (
            bubble(
                t(
                    "What may the caseworker call you? Type a nickname; a made-up name is fine. "
                    "Or skip this."
                )
            ),
        ),
        ((Button(t("Skip"), "skip"),), _cancel_row()),
    )


def on_button_nickname(session: Session, action: str, ctx: Context) -> Step:
    """Skips the nickname."""
    return _answer(session, action, ctx, {"skip": {"nickname_asked": "1", "nickname": ""}})


def on_text_nickname(session: Session, text: str, ctx: Context) -> Step:
    """Stores a typed nickname (short, single line, with a visible letter or digit)."""
    name = clean_nickname(text)
    notice = nickname_refusal(name)
    if notice is not None:
        return Step(session, notices=(notice,))
    return Step(next_step(with_answers(session, nickname=name, nickname_asked="1")))
