"""Small-count suppression that the other numbers cannot undo (complementary suppression).

A report section is a list of counts whose sum a reader knows (the month's total, or the number
of closed requests). Counts from 1 to 4 are shown as "<5"; alone, that is not enough: a total of
6 with "Bantuan usaha 5" leaves "Kesehatan <5" exactly 1. So, in a section where a reader could
still work out a hidden count from the sum, the smallest counts still shown are hidden as well
(shown as "*"), one at a time, until every count below 5 has at least two possible values; if even
hiding every count does not achieve that, the section is not broken down at all.

The reasoning is the reader's: a "<5" is 1 to 4, a "*" is at least 5 and, since the smallest
counts are the ones hidden, at most the smallest count still shown; together the counts make the
known sum (exactly, or 1 to 4 when the total itself is "<5"). A count below 5 is safe when that
leaves it two values or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

SMALL_COUNT = 5


class Shown(Enum):
    """How one count is shown."""

    EXACT = "exact"  # 0, or 5 and more
    SMALL = "small"  # 1 to 4, as "<5"
    HIDDEN = "hidden"  # 5 or more, hidden so that a small one cannot be worked out ("*")


@dataclass(frozen=True)
class Section:
    """How each count of a section is shown; `broken_down` is False when none is shown."""

    shown: tuple[Shown, ...]
    broken_down: bool = True


def is_small(count: int) -> bool:
    """Whether a count is suppressed on its own (1 to 4)."""
    return 0 < count < SMALL_COUNT


def margin_of(count: int) -> tuple[int, int]:
    """What a reader knows of a sum shown as `count`: exactly, or 1 to 4 for "<5"."""
    return (1, SMALL_COUNT - 1) if is_small(count) else (count, count)


def _bounds(counts: Sequence[int], shown: Sequence[Shown]) -> list[tuple[int, int]]:
    """What a reader knows of each count from its label alone: its lowest and highest value."""
    visible = [c for c, s in zip(counts, shown, strict=True) if s is Shown.EXACT and c > 0]
    ceiling = min(visible) if visible else sum(counts)
    bounds = []
    for count, shown_as in zip(counts, shown, strict=True):
        if shown_as is Shown.SMALL:
            bounds.append((1, SMALL_COUNT - 1))
        elif shown_as is Shown.HIDDEN:
            bounds.append((SMALL_COUNT, max(ceiling, SMALL_COUNT)))
        else:
            bounds.append((count, count))
    return bounds


def feasible(
    counts: Sequence[int], shown: Sequence[Shown], known_sum: tuple[int, int]
) -> list[tuple[int, int]]:
    """Each count's lowest and highest value, given the labels and what is known of their sum."""
    bounds = _bounds(counts, shown)
    lowest, highest = sum(lo for lo, _ in bounds), sum(hi for _, hi in bounds)
    return [
        (max(lo, known_sum[0] - (highest - hi)), min(hi, known_sum[1] - (lowest - lo)))
        for lo, hi in bounds
    ]


def safe(counts: Sequence[int], shown: Sequence[Shown], known_sum: tuple[int, int]) -> bool:
    """Whether every count below 5 keeps two possible values or more."""
    ranges = feasible(counts, shown, known_sum)
    return all(
        most > least
        for (least, most), shown_as in zip(ranges, shown, strict=True)
        if shown_as is Shown.SMALL
    )


def implied_sum(counts: Sequence[int], shown: Sequence[Shown]) -> tuple[int, int]:
    """The range of the section's sum that its labels alone allow."""
    bounds = _bounds(counts, shown)
    return sum(lo for lo, _ in bounds), sum(hi for _, hi in bounds)


def suppress(counts: Sequence[int], known_sum: tuple[int, int]) -> Section:
    """How to show a section's counts so that none below 5 can be recovered (module docstring).

    `known_sum` is what a reader knows of their sum (from a total shown elsewhere).
    """
    shown = [Shown.SMALL if is_small(c) else Shown.EXACT for c in counts]
    if Shown.SMALL not in shown:
        return Section(tuple(shown))
    while not safe(counts, shown, known_sum):
        candidates = [
            (count, index)
            for index, (count, s) in enumerate(zip(counts, shown, strict=True))
            if s is Shown.EXACT and count > 0
        ]
        if not candidates:
            return Section(tuple(Shown.HIDDEN for _ in counts), broken_down=False)
        shown[min(candidates)[1]] = Shown.HIDDEN
    return Section(tuple(shown))
