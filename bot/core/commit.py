"""Commits one handled input: her session, her profile and the flow's storage effects, together."""

from __future__ import annotations

from bot.core import reach
from bot.core.services import Services
from flows.regions import REGION_CODE_SYSTEM
from flows.services import OPEN_STATUSES
from flows.types import (
    AnswerFollowUp,
    CancelReferral,
    CloseRelay,
    CorrectReferrals,
    CreateReferral,
    DeleteMyData,
    Outcome,
    RelayIn,
    SetReminders,
    WithdrawConsent,
)
from storage.corrections import correct_open_referrals
from storage.referrals import NewReferral

CONSENT_PURPOSE = "referral"


async def commit(
    services: Services, user_id: int, outcome: Outcome, update_id: int | None = None
) -> list[int]:
    """Writes everything the step decided in one transaction (raises DuplicateCode to retry).

    Returns the outbox rows queued for other people (or proactive messages), to send next.
    """
    session = outcome.session
    actor = f"user:{user_id}"
    queued: list[int] = []
    async with services.db.transaction() as conn:
        await services.sessions.save(conn, user_id, session.to_dict())
        await services.users.save_profile(
            conn, user_id, session.locale, session.region_code, session.shared_phone
        )
        await services.users.reachable(conn, user_id)
        if update_id is not None:  # handled exactly once: marked in the same transaction
            await services.inbox.mark_done(conn, update_id)
        for effect in outcome.effects:
            if isinstance(effect, CreateReferral):
                consent_id = await services.consents.record(
                    conn,
                    user_id,
                    CONSENT_PURPOSE,
                    effect.consent_version,
                    effect.consent_locale,
                    effect.consent_given_at,
                )
                new = NewReferral(
                    code=effect.code,
                    user_id=user_id,
                    service=effect.service,
                    item=effect.item,
                    region_code=effect.region_code,
                    region_system=REGION_CODE_SYSTEM,
                    office_key=effect.office_key,
                    answers=dict(effect.answers),
                    consent_id=consent_id,
                )
                await services.referrals.create(conn, new, actor)
                await services.audit.append(
                    conn, actor, "referral.create", f"referral:{effect.code}"
                )
                queued += await reach.referral_created(services, conn, user_id, effect)
            elif isinstance(effect, WithdrawConsent):
                queued += (await reach.withdrawn_by_her(services, conn, user_id))[0]
            elif isinstance(effect, DeleteMyData):
                queued += (await reach.deleted_by_her(services, conn, user_id))[0]
            elif isinstance(effect, SetReminders):
                await reach.set_reminders(services, conn, user_id, effect)
            elif isinstance(effect, AnswerFollowUp):
                queued += await reach.followup_answered(services, conn, user_id, effect)
            elif isinstance(effect, RelayIn | CloseRelay):
                referral = await services.referrals.by_code(effect.code)
                if referral is None or referral.user_id != user_id:
                    continue
                if isinstance(effect, RelayIn):
                    await services.casework.add_relay(conn, referral.id, "from_her", effect.text)
                    queued += await reach.relayed_from_her(services, conn, referral, effect.text)
                else:
                    await services.casework.set_relay_open(conn, referral.id, False)
                    await services.audit.append(
                        conn, actor, "relay.close", f"referral:{effect.code}"
                    )
            elif isinstance(effect, CorrectReferrals):
                codes = await correct_open_referrals(
                    conn,
                    services.referrals,
                    user_id,
                    nickname=effect.nickname,
                    contact=effect.contact,
                    window=effect.window,
                )
                for code in codes:
                    await services.audit.append(conn, actor, "referral.correct", f"referral:{code}")
            elif isinstance(effect, CancelReferral):
                referral = await services.referrals.by_code(effect.code)
                if referral is None or referral.user_id != user_id:
                    continue
                if referral.status in OPEN_STATUSES:
                    await services.referrals.set_status(conn, referral.id, "cancelled", actor)
                    await services.audit.append(
                        conn, actor, "referral.cancel", f"referral:{effect.code}"
                    )
                    queued += await reach.cancelled_by_her(services, conn, referral)
    return queued
