"""Commits one handled input: her session, her profile and the flow's storage effects, together."""

from __future__ import annotations

from bot.services import Services
from flows.regions import REGION_CODE_SYSTEM
from flows.services import OPEN_STATUSES
from flows.types import CancelReferral, CloseRelay, CreateReferral, Outcome, RelayIn
from storage.referrals import NewReferral

CONSENT_PURPOSE = "referral"


async def commit(services: Services, user_id: int, outcome: Outcome) -> None:
    """Writes everything the step decided in one transaction (raises DuplicateCode to retry)."""
    session = outcome.session
    actor = f"user:{user_id}"
    async with services.db.transaction() as conn:
        await services.sessions.save(conn, user_id, session.to_dict())
        await services.users.save_profile(conn, user_id, session.locale, session.region_code)
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
            elif isinstance(effect, RelayIn | CloseRelay):
                referral = await services.referrals.by_code(effect.code)
                if referral is None or referral.user_id != user_id:
                    continue
                if isinstance(effect, RelayIn):
                    await services.casework.add_relay(conn, referral.id, "from_her", effect.text)
                else:
                    await services.casework.set_relay_open(conn, referral.id, False)
                    await services.audit.append(
                        conn, actor, "relay.close", f"referral:{effect.code}"
                    )
            elif isinstance(effect, CancelReferral):
                referral = await services.referrals.by_code(effect.code)
                if referral is None or referral.user_id != user_id:
                    continue
                if referral.status in OPEN_STATUSES:
                    await services.referrals.set_status(conn, referral.id, "cancelled", actor)
                    await services.audit.append(
                        conn, actor, "referral.cancel", f"referral:{effect.code}"
                    )
