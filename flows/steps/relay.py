"""Her side of the message thread with the caseworker of one of her requests."""

from __future__ import annotations

from flows.core.effects import CloseRelay, ReferralView, RelayIn
from flows.core.node import Context, Node, Step, goto
from flows.core.services import OPEN_STATUSES
from flows.core.types import Button, Plain, Screen, Session, bubble, t

PREFIX = "r"


def button(verb: str, code: str) -> str:
    """Callback data of a thread button: "r:<verb>:<code>" (valid whatever screen she is on)."""
    return f"{PREFIX}:{verb}:{code}"


def thread_keyboard(code: str) -> tuple[tuple[Button, ...], ...]:
    """The buttons under a message from the caseworker."""
    return (
        (Button(t("↩ Reply"), button("reply", code)),),
        (Button(t("✖ Close the conversation"), button("close", code)),),
    )


def writable(ctx: Context, code: str) -> ReferralView | None:
    """Her open referral with an open thread, or None (forged or stale codes get None)."""
    referral = next((r for r in ctx.referrals if r.code == code), None)
    if referral is None or referral.status not in OPEN_STATUSES or not referral.relay_open:
        return None
    return referral


def on_thread_button(session: Session, data: str, ctx: Context) -> Step | None:
    """Handles "r:..." buttons; None when the data is not a valid thread button of hers."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != PREFIX or writable(ctx, parts[2]) is None:
        return None
    verb, code = parts[1], parts[2]
    if verb == "reply":
        return Step(goto(session, "relay_compose", code=code))
    if verb == "close":
        notice = bubble(t("The conversation about {code} is closed.", code=Plain(code)))
        return Step(
            goto(session, "referral", code=code), notices=(notice,), effects=(CloseRelay(code),)
        )
    return None


def view_compose(session: Session, ctx: Context) -> Screen:
    """Asks her to type her message for the caseworker."""
    code = session.param("code")
    return Screen(
        "relay_compose",
        (
            bubble(
                t(
                    "Write your message for the caseworker handling request {code}. The "
                    "caseworker cannot see your Telegram account.",
                    code=Plain(code),
                )
            ),
        ),
        ((Button(t("✖ Cancel"), "cancel"),),),
    )


def on_button_compose(session: Session, action: str, ctx: Context) -> Step:
    """Cancels writing."""
    return Step(goto(session, "referral", code=session.param("code")))


def on_text_compose(session: Session, text: str, ctx: Context) -> Step:
    """Sends her message through the bot."""
    code = session.param("code")
    if writable(ctx, code) is None:
        notice = bubble(t("This conversation is closed."))
        return Step(goto(session, "my_referrals"), notices=(notice,))
    notice = bubble(t("Sent to the caseworker."))
    return Step(
        goto(session, "referral", code=code), notices=(notice,), effects=(RelayIn(code, text),)
    )


COMPOSE = Node(view_compose, on_button_compose, on_text_compose)
