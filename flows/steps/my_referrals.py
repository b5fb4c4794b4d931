"""Her referrals: the list with statuses in plain words, the details, and cancelling one."""

from __future__ import annotations

from flows.core.effects import CancelReferral, ReferralView
from flows.core.node import (
    BACK,
    Context,
    Node,
    Step,
    common_action,
    footer,
    goto,
    page_of,
    pick_rows,
    turn_page,
)
from flows.core.services import OPEN_STATUSES, service_title, status_words
from flows.core.types import Bubble, Button, Moment, Part, Plain, Screen, Session, bubble, t
from flows.steps.relay import writable

PER_PAGE = 6


def find(ctx: Context, code: str) -> ReferralView | None:
    """Returns one of her referrals by code (only hers are ever in the context)."""
    return next((r for r in ctx.referrals if r.code == code), None)


def title(referral: ReferralView, ctx: Context) -> Part:
    """What a referral is about."""
    return service_title(referral.service, referral.item, referral.home_region, ctx)


def view_list(session: Session, ctx: Context) -> Screen:
    """Lists her requests, newest first, each with its status."""
    referrals = sorted(ctx.referrals, key=lambda r: r.created_at, reverse=True)
    if not referrals:
        return Screen(
            "my_referrals",
            (bubble(t("You have no requests yet.")),),
            (footer(back=False),),
        )
    items: list[tuple[Part, str]] = [
        (t("{code} · {status}", code=Plain(r.code), status=status_words(r.status)), f"ref:{r.code}")
        for r in referrals
    ]
    rows, _ = pick_rows(items, page_of(session), PER_PAGE, columns=1)
    return Screen(
        "my_referrals",
        (bubble(t("Your requests. Choose one to see its details:")),),
        (*rows, footer(back=False)),
    )


def on_button_list(session: Session, action: str, ctx: Context) -> Step:
    """Opens a request, or turns the page."""
    paged = turn_page(session, action)
    if paged is not None:
        return Step(paged)
    if action.startswith("ref:") and find(ctx, action.removeprefix("ref:")) is not None:
        return Step(goto(session, "referral", code=action.removeprefix("ref:")))
    return Step(common_action(session, action) or session)


def view_referral(session: Session, ctx: Context) -> Screen:
    """Shows one request: what, where to, status, when sent."""
    referral = find(ctx, session.param("code"))
    if referral is None:
        return view_list(goto(session, "my_referrals"), ctx)
    office = ctx.catalog.office_for(referral.region_code)
    lines: tuple[Part, ...] = (
        t("Request {code}", code=Plain(referral.code)),
        t("Help with: {title}", title=title(referral, ctx)),
        t("Sent to: {office}", office=office.name if office else Plain("-")),
        t("Sent on: {when}", when=Moment(referral.created_at, "date")),
        t("Status: {status}", status=status_words(referral.status)),
    )
    rows: list[tuple[Button, ...]] = []
    if writable(ctx, referral.code) is not None:
        rows.append((Button(t("✉️ Write to the caseworker"), "write"),))
    if referral.status in OPEN_STATUSES:
        rows.append((Button(t("✖ Cancel this request"), "cancel"),))
    rows.append(footer())
    return Screen("referral", (Bubble(lines),), tuple(rows))


def on_button_referral(session: Session, action: str, ctx: Context) -> Step:
    """Asks to confirm a cancellation, or goes back."""
    referral = find(ctx, session.param("code"))
    if referral is None:
        return on_button_list(goto(session, "my_referrals"), action, ctx)
    if action == "write" and writable(ctx, referral.code) is not None:
        return Step(goto(session, "relay_compose", code=referral.code))
    if action == "cancel" and referral.status in OPEN_STATUSES:
        return Step(goto(session, "referral_cancel", code=referral.code))
    if action == BACK:
        return Step(goto(session, "my_referrals"))
    return Step(common_action(session, action) or session)


def view_cancel(session: Session, ctx: Context) -> Screen:
    """Asks her to confirm the cancellation."""
    return Screen(
        "referral_cancel",
        (
            bubble(
                t(
                    "Cancel request {code}? The caseworker will be told that you cancelled it. "
                    "You can ask again any time.",
                    code=Plain(session.param("code")),
                )
            ),
        ),
        ((Button(t("Yes, cancel it"), "yes"), Button(t("No, keep it"), "no")),),
    )


def on_button_cancel(session: Session, action: str, ctx: Context) -> Step:
    """Records the cancellation as a status, or keeps the request."""
    code = session.param("code")
    referral = find(ctx, code)
    if action == "yes" and referral is not None and referral.status in OPEN_STATUSES:
        notice = bubble(t("Request {code} is cancelled.", code=Plain(code)))
        return Step(
            goto(session, "my_referrals"), notices=(notice,), effects=(CancelReferral(code),)
        )
    return Step(goto(session, "referral", code=code))


LIST = Node(view_list, on_button_list)
REFERRAL = Node(view_referral, on_button_referral)
CANCEL = Node(view_cancel, on_button_cancel)
