"""Records the consent texts in use as versions (flows/data/consents/), after a text changed.

python -m bot.admin.consent_versions YYYY-MM-DD   (the day the texts were changed)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date

from flows.core.consents import FOLLOWUPS, REFERRAL, URGENT, record
from flows.core.types import Text
from flows.followups import FOLLOWUP_CONSENT_TEXTS
from flows.steps.intake.consent import CONSENT_TEXTS
from flows.steps.intake.urgent import URGENT_CONSENT_TEXTS


def current() -> dict[str, tuple[Text, ...]]:
    """The consent texts in use now, by purpose."""
    return {
        REFERRAL: CONSENT_TEXTS,
        URGENT: URGENT_CONSENT_TEXTS,
        FOLLOWUPS: FOLLOWUP_CONSENT_TEXTS,
    }


def main(argv: Sequence[str]) -> int:
    """Records the current consent texts that have no version file yet, dated as given."""
    if len(argv) != 1:
        print(
            "usage: python -m bot.admin.consent_versions YYYY-MM-DD   (the day the texts changed)"
        )
        return 2
    day = date.fromisoformat(argv[0])
    for purpose, texts in current().items():
        print(record(purpose, texts, day))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
