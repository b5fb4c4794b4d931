"""The context a step's screen is drawn with: as it will be once its storage effects are done."""

from __future__ import annotations

from dataclasses import replace

from flows.core.effects import (
    AnswerFollowUp,
    CancelReferral,
    CloseRelay,
    CreateReferral,
    Effect,
    ReferralView,
    SetReminders,
)
from flows.core.node import Context
from flows.core.status import ReferralStatus


def context_after(ctx: Context, effects: tuple[Effect, ...]) -> Context:
    """The context as it will be once the step's storage effects are carried out."""
    referrals = list(ctx.referrals)
    for effect in effects:
        if isinstance(effect, CreateReferral):
            answers = dict(effect.answers)
            referrals.append(
                ReferralView(
                    code=effect.code,
                    service=effect.service,
                    item=effect.item,
                    region_code=effect.region_code,
                    office_key=effect.office_key,
                    home_region=answers.get("home_region", ""),
                    status=ReferralStatus.NEW,
                    created_at=ctx.now,
                )
            )
        elif isinstance(effect, CancelReferral):
            referrals = [
                replace(r, status=ReferralStatus.CANCELLED) if r.code == effect.code else r
                for r in referrals
            ]
        elif isinstance(effect, CloseRelay):
            referrals = [
                replace(r, relay_open=False) if r.code == effect.code else r for r in referrals
            ]
        elif isinstance(effect, SetReminders):
            ctx = replace(ctx, reminders=effect.state)
        elif isinstance(effect, AnswerFollowUp):
            answered = effect.followup_id
            ctx = replace(
                ctx,
                followups=tuple(
                    replace(f, state="answered") if f.id == answered else f for f in ctx.followups
                ),
            )
    return replace(ctx, referrals=tuple(referrals))
