"""The shape of a conversation step: a view of the current state and handlers for its inputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from flows.catalog import Catalog
from flows.core.effects import Effect, FollowUpView, ReferralView, SealedView
from flows.core.types import Bubble, Button, Part, Screen, Session, Text, t
from flows.regions import RegionDirectory
from flows.routing import StaffCover


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a flow may read besides the session, passed in as plain data.

    new_code is a fresh random reference code the host drew for this step; referrals are
    this person's referrals as stored; followups the follow-up messages she may answer, and
    reminders her follow-up choice ('on', 'paused' or 'off'); opened the sealed message her
    input opens, loaded by the host (flows/core/sealed.py); staff what the reachable staff
    accounts cover, so that she can be told who will handle a request (flows/routing).
    """

    now: datetime
    regions: RegionDirectory
    catalog: Catalog
    referrals: tuple[ReferralView, ...] = ()
    new_code: str = ""
    retention_days: int = 180
    followups: tuple[FollowUpView, ...] = ()
    reminders: str = "off"
    opened: SealedView | None = None
    staff: tuple[StaffCover, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """A handler's answer: the next session, notices to send first, an optional toast."""

    session: Session
    notices: tuple[Bubble, ...] = ()
    toast: Text | None = None
    effects: tuple[Effect, ...] = ()


View = Callable[[Session, Context], Screen]
ButtonHandler = Callable[[Session, str, Context], Step]
TextHandler = Callable[[Session, str, Context], Step]


@dataclass(frozen=True, slots=True)
class Node:
    """One state of the conversation; without on_text, typed words are routed by keywords."""

    view: View
    on_button: ButtonHandler
    on_text: TextHandler | None = None


def goto(session: Session, state: str, **params: str) -> Session:
    """Returns the session moved to another state with fresh parameters."""
    return replace(session, state=state, params=tuple(sorted(params.items())))


MENU = "menu"
BACK = "back"
EMERGENCY = "sos"
#: Wipes the chat at once and leaves a neutral message; valid from any screen that shows it.
QUICK_EXIT = "exit"
NEXT_PAGE = "page:next"
PREV_PAGE = "page:prev"


def menu_button() -> Button:
    """The button that leads to the main menu."""
    return Button(t("☰ Menu"), MENU)


def back_button() -> Button:
    """The button that leads one step back."""
    return Button(t("‹ Back"), BACK)


def emergency_button() -> Button:
    """The button that opens the emergency numbers from anywhere."""
    return Button(t("🆘 Emergency"), EMERGENCY)


def quick_exit_button(label: Text | None = None) -> Button:
    """The one-tap button that wipes this chat and leaves only a neutral message."""
    return Button(label or t("🧹 Quick exit"), QUICK_EXIT)


def wipe_reminder() -> Text:
    """The short reminder, on a shared phone, to wipe this chat when she is done."""
    return t(
        "Others use this phone: when you are done, tap 🧹 to delete this chat. "
        "Your requests stay saved."
    )


def footer(*, back: bool = True) -> tuple[Button, ...]:
    """The last row of an information screen: back, menu and emergency."""
    row = (back_button(),) if back else ()
    return (*row, menu_button(), emergency_button())


def common_action(session: Session, action: str) -> Session | None:
    """Handles the menu and emergency buttons every screen may carry; None for others."""
    if action == MENU:
        return goto(session, "menu")
    if action == EMERGENCY:
        return to_emergency(session)
    return None


def to_emergency(session: Session, why: str = "") -> Session:
    """Opens the emergency numbers, remembering where she was so she can go back.

    `why` is "danger" or "suicide" when her own words brought her here (she is answered first).
    """
    reason = {"why": why} if why else {}
    if session.state == "emergency":
        return with_param(session, **reason) if why else session
    kept = {f"back_{k}": v for k, v in session.params}
    return goto(session, "emergency", back=session.state, **kept, **reason)


def back_from_emergency(session: Session) -> Session:
    """Returns from the emergency numbers to the screen she came from."""
    params = {k.removeprefix("back_"): v for k, v in session.params if k.startswith("back_")}
    return goto(session, session.param("back", "menu"), **params)


def with_param(session: Session, **params: str) -> Session:
    """Returns the session with some parameters of the current state changed."""
    merged = dict(session.params)
    merged.update(params)
    return replace(session, params=tuple(sorted(merged.items())))


def with_answers(session: Session, **answers: str) -> Session:
    """Returns the session with some referral answers set (empty values are removed)."""
    merged = dict(session.draft)
    merged.update(answers)
    return replace(session, draft=tuple(sorted((k, v) for k, v in merged.items() if v)))


def pick_rows(
    items: Sequence[tuple[Part, str]], page: int, per_page: int, columns: int = 2
) -> tuple[tuple[tuple[Button, ...], ...], int]:
    """Lays out one page of choices in rows with paging buttons; returns rows and the page."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * per_page : (page + 1) * per_page]
    buttons = [Button(label, action) for label, action in chunk]
    rows = [tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]
    paging: list[Button] = []
    if page > 0:
        paging.append(Button(t("‹ Previous"), PREV_PAGE))
    if page < pages - 1:
        paging.append(Button(t("More ›"), NEXT_PAGE))
    if paging:
        rows.append(tuple(paging))
    return tuple(rows), page


def page_of(session: Session) -> int:
    """Returns the current page number stored in the session."""
    value = session.param("page", "0")
    return int(value) if value.isdigit() else 0


def turn_page(session: Session, action: str) -> Session | None:
    """Returns the session on the next or previous page, or None if the action is not paging."""
    page = page_of(session)
    if action == NEXT_PAGE:
        page += 1
    elif action == PREV_PAGE:
        page = max(0, page - 1)
    else:
        return None
    return with_param(session, page=str(page))
