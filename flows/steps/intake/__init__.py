"""The consented referral: consent, age, how to be contacted, a summary, then a reference code.

Answers live in the session's draft until she sends the request; cancelling or leaving for the
menu drops them. The next question is always the first one not yet answered, so changing an
answer from the summary is: forget it, and ask again.

One module per step (or group of steps); this package keeps ``from flows import intake`` and
``from flows.steps.intake import ...`` working for the engine, the other flows and the tests.
"""

from __future__ import annotations

from flows.core.node import Node
from flows.steps.intake.age import (
    on_button_age,
    on_button_child_protection,
    view_age,
    view_child_protection,
)
from flows.steps.intake.common import CANCEL, ORIGIN_KEYS, begin, cancelled, next_step
from flows.steps.intake.consent import consent_version, on_button_consent, view_consent
from flows.steps.intake.contact import (
    CONTACT_CHOICES,
    WINDOWS,
    on_button_contact,
    on_button_window,
    view_contact,
    view_window,
)
from flows.steps.intake.done import on_button_done, view_done
from flows.steps.intake.nickname import (
    NICKNAME_MAX,
    on_button_nickname,
    on_text_nickname,
    view_nickname,
)
from flows.steps.intake.phone import accept_phone, on_button_phone, on_text_phone, view_phone
from flows.steps.intake.shared_phone import on_button_shared, view_shared
from flows.steps.intake.summary import (
    CHANGES,
    CONTACT_DAYS,
    CONTACT_HOUR,
    CONTACT_WORDS,
    WINDOW_ENDS,
    on_button_change,
    on_button_summary,
    submit,
    summary_lines,
    view_change,
    view_summary,
)
from flows.steps.intake.urgent import on_button_urgent, view_urgent

__all__ = [
    "AGE",
    "CANCEL",
    "CHANGE",
    "CHANGES",
    "CHILD",
    "CONSENT",
    "CONTACT",
    "CONTACT_CHOICES",
    "CONTACT_DAYS",
    "CONTACT_HOUR",
    "CONTACT_WORDS",
    "DONE",
    "NICKNAME",
    "NICKNAME_MAX",
    "ORIGIN_KEYS",
    "PHONE",
    "SHARED",
    "SUMMARY",
    "URGENT",
    "WINDOW",
    "WINDOWS",
    "WINDOW_ENDS",
    "accept_phone",
    "begin",
    "cancelled",
    "consent_version",
    "next_step",
    "on_button_age",
    "on_button_change",
    "on_button_child_protection",
    "on_button_consent",
    "on_button_contact",
    "on_button_done",
    "on_button_nickname",
    "on_button_phone",
    "on_button_shared",
    "on_button_summary",
    "on_button_urgent",
    "on_button_window",
    "on_text_nickname",
    "on_text_phone",
    "submit",
    "summary_lines",
    "view_age",
    "view_change",
    "view_child_protection",
    "view_consent",
    "view_contact",
    "view_done",
    "view_nickname",
    "view_phone",
    "view_shared",
    "view_summary",
    "view_urgent",
    "view_window",
]

CONSENT = Node(view_consent, on_button_consent)
AGE = Node(view_age, on_button_age)
CHILD = Node(view_child_protection, on_button_child_protection)
CONTACT = Node(view_contact, on_button_contact)
WINDOW = Node(view_window, on_button_window)
PHONE = Node(view_phone, on_button_phone, on_text_phone)
NICKNAME = Node(view_nickname, on_button_nickname, on_text_nickname)
SHARED = Node(view_shared, on_button_shared)
SUMMARY = Node(view_summary, on_button_summary)
CHANGE = Node(view_change, on_button_change)
DONE = Node(view_done, on_button_done)
URGENT = Node(view_urgent, on_button_urgent)
