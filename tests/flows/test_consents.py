"""Consent versions come from the words, in every language; old versions stay readable."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from flows.core import consents
from flows.followups import FOLLOWUP_CONSENT_TEXTS, followup_consent_version
from flows.steps.intake.consent import CONSENT_TEXTS


def test_a_changed_english_translation_alone_changes_the_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    msgids = tuple(text.msgid for text in CONSENT_TEXTS)
    before = consents.digest(msgids)
    real = consents._catalog

    def reworded(locale: str) -> Mapping[str, str]:
        catalog = dict(real(locale))
        if locale == "en":
            catalog[msgids[2]] = catalog[msgids[2]].replace("erased", "deleted")
        return catalog

    monkeypatch.setattr(consents, "_catalog", reworded)
    assert consents.digest(msgids) != before


def test_the_check_in_consent_has_a_kept_version_of_its_own() -> None:
    version = followup_consent_version()
    assert version.startswith("followup-consent-2026-")
    kept = consents.recorded()[version]
    assert kept.msgids == tuple(text.msgid for text in FOLLOWUP_CONSENT_TEXTS)


def test_the_old_version_ids_are_kept_with_their_words_and_what_is_uncertain() -> None:
    for old in ("referral-consent-2026-11-v1", "followup-consent-2026-11-v1"):
        words = consents.words(old, "id", 180)
        assert words, old
        assert all("{" not in line for line in words), "placeholders are filled"
        assert consents.note(old).startswith("One version id for")
