"""Withdrawing consent and deleting everything, each confirmed before it is done."""

from __future__ import annotations

from flows.core.effects import DeleteMyData, WithdrawConsent
from flows.core.node import Context, Node, Step, common_action, goto, menu_button, quick_exit_button
from flows.core.services import OPEN_STATUSES
from flows.core.types import Button, Screen, Session, bubble, t


def _to_privacy() -> Button:
    return Button(t("‹ Privacy"), "privacy")


def view_withdraw(session: Session, ctx: Context) -> Screen:
    """Says what withdrawing means and asks her to confirm."""
    open_ones = [r for r in ctx.referrals if r.status in OPEN_STATUSES]
    if not open_ones and ctx.reminders == "off":
        return Screen(
            "privacy_withdraw",
            (bubble(t("You have no open request and no check-in messages: nothing to withdraw.")),),
            ((_to_privacy(), menu_button()),),
        )
    return Screen(
        "privacy_withdraw",
        (
            bubble(
                t("Withdraw your consent?"),
                t(
                    "Your open requests stop and the office is told. Check-in messages stop too. "
                    "The details you gave for your requests are erased now; your language and "
                    "region stay until you choose 🗑 Delete all my data."
                ),
            ),
        ),
        ((Button(t("✋ Yes, withdraw"), "confirm"),), (_to_privacy(),)),
    )


def on_button_withdraw(session: Session, action: str, ctx: Context) -> Step:
    """Withdraws after her confirmation."""
    if action == "confirm":
        notice = bubble(
            t(
                "Done: your consent is withdrawn, the details of your requests are erased, and "
                "the office has been told."
            )
        )
        return Step(goto(session, "privacy"), notices=(notice,), effects=(WithdrawConsent(),))
    if action == "privacy":
        return Step(goto(session, "privacy"))
    return Step(common_action(session, action) or session)


def view_delete(session: Session, ctx: Context) -> Screen:
    """Says what deleting erases and asks her to confirm."""
    return Screen(
        "privacy_delete",
        (
            bubble(
                t("Delete everything I keep about you?"),
                t(
                    "Your requests, the details you gave, your choices, your language and your "
                    "region are erased. The office is told that your open requests were "
                    "withdrawn; only anonymous numbers remain for statistics. This cannot be "
                    "undone."
                ),
            ),
        ),
        (
            (Button(t("🗑 Yes, delete everything"), "confirm"),),
            (quick_exit_button(t("🧹 First delete this chat")),),
            (_to_privacy(),),
        ),
    )


def on_button_delete(session: Session, action: str, ctx: Context) -> Step:
    """Deletes after her confirmation; she starts afresh."""
    if action == "confirm":
        fresh = Session(locale=session.locale, seq=session.seq)
        return Step(goto(fresh, "deleted"), effects=(DeleteMyData(),))
    if action == "privacy":
        return Step(goto(session, "privacy"))
    return Step(common_action(session, action) or session)


def view_deleted(session: Session, ctx: Context) -> Screen:
    """Confirms the deletion and offers to clear the chat."""
    return Screen(
        "deleted",
        (
            bubble(
                t("Everything I kept about you is deleted."),
                t("If you write to me again, we start from the beginning."),
            ),
        ),
    )


def on_button_deleted(session: Session, action: str, ctx: Context) -> Step:
    """Any other button starts afresh."""
    return Step(goto(session, "welcome"))


WITHDRAW = Node(view_withdraw, on_button_withdraw)
DELETE = Node(view_delete, on_button_delete)
DELETED = Node(view_deleted, on_button_deleted)
