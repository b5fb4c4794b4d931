"""Commits one turn of hers: her session, her profile and the flow's storage effects, together.

Each storage effect has one handler in `HANDLERS`; a handler writes inside the turn's transaction
and adds to the `AfterCommit` what must happen once it is committed (messages queued for other
people, staff notifications to edit). Chat effects (screens, button answers) have no handler:
the channel carries them out after the commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.core import reach
from bot.core.channel import AfterCommit, NoticeChange, NoticeEdit
from bot.core.services import Services
from flows.core.effects import (
    AnswerFollowUp,
    CancelReferral,
    CloseRelay,
    CorrectReferrals,
    CreateReferral,
    DeleteMyData,
    Effect,
    ForgetSealed,
    OpenSealed,
    Outcome,
    RelayIn,
    SetReminders,
    WithdrawConsent,
)
from flows.core.services import OPEN_STATUSES
from flows.core.status import ReferralStatus
from flows.regions import REGION_CODE_SYSTEM
from storage.connection import Connection
from storage.corrections import correct_open_referrals
from storage.referrals import NewReferral, Referral

CONSENT_PURPOSE = "referral"


@dataclass(slots=True)
class Scope:
    """What a handler works with: storage, the open transaction, who acts, the work after."""

    services: Services
    conn: Connection
    user_id: int
    after: AfterCommit

    @property
    def actor(self) -> str:
        """Her name in the audit log."""
        return f"user:{self.user_id}"

    async def audit(self, action: str, code: str | None = None, detail: str | None = None) -> None:
        """Appends an audit entry about one of her referrals."""
        subject = f"referral:{code}" if code is not None else None
        await self.services.audit.append(self.conn, self.actor, action, subject, detail)

    async def her_referral(self, code: str) -> Referral | None:
        """Her referral with this code; None if there is none or it is someone else's."""
        referral = await self.services.referrals.by_code(code)
        return referral if referral is not None and referral.user_id == self.user_id else None

    def notices_changed(self, referral: Referral, change: NoticeChange) -> None:
        """Asks the channel to show the referral's staff notifications anew after the commit."""
        edit = NoticeEdit(referral.id, referral.code, referral.region_code, change)
        self.after.notice_edits.append(edit)


async def _create(scope: Scope, effect: CreateReferral) -> None:
    services, conn = scope.services, scope.conn
    consent_id = await services.consents.record(
        conn,
        scope.user_id,
        CONSENT_PURPOSE,
        effect.consent_version,
        effect.consent_locale,
        effect.consent_given_at,
    )
    new = NewReferral(
        code=effect.code,
        user_id=scope.user_id,
        service=effect.service,
        item=effect.item,
        region_code=effect.region_code,
        region_system=REGION_CODE_SYSTEM,
        office_key=effect.office_key,
        answers=dict(effect.answers),
        consent_id=consent_id,
    )
    await services.referrals.create(conn, new, scope.actor)
    await scope.audit("referral.create", effect.code)
    scope.after.outbox_ids += await reach.referral_created(services, conn, scope.user_id, effect)


async def _withdraw(scope: Scope, effect: WithdrawConsent) -> None:
    queued, withdrawn = await reach.withdrawn_by_her(scope.services, scope.conn, scope.user_id)
    scope.after.outbox_ids += queued
    scope.after.scrub = True
    for referral in withdrawn:
        scope.notices_changed(referral, NoticeChange.WITHDRAWN)


async def _delete(scope: Scope, effect: DeleteMyData) -> None:
    queued, withdrawn = await reach.deleted_by_her(scope.services, scope.conn, scope.user_id)
    scope.after.outbox_ids += queued
    scope.after.scrub = True
    for referral in withdrawn:
        scope.notices_changed(referral, NoticeChange.WITHDRAWN)


async def _reminders(scope: Scope, effect: SetReminders) -> None:
    await reach.set_reminders(scope.services, scope.conn, scope.user_id, effect)


async def _answer(scope: Scope, effect: AnswerFollowUp) -> None:
    scope.after.outbox_ids += await reach.followup_answered(
        scope.services, scope.conn, scope.user_id, effect
    )


async def _relay(scope: Scope, effect: RelayIn) -> None:
    referral = await scope.her_referral(effect.code)
    if referral is None:
        return
    await scope.services.casework.add_relay(scope.conn, referral.id, "from_her", effect.text)
    scope.after.outbox_ids += await reach.relayed_from_her(
        scope.services, scope.conn, referral, effect.text
    )


async def _close_relay(scope: Scope, effect: CloseRelay) -> None:
    referral = await scope.her_referral(effect.code)
    if referral is None:
        return
    await scope.services.casework.set_relay_open(scope.conn, referral.id, False)
    await scope.audit("relay.close", effect.code)


async def _correct(scope: Scope, effect: CorrectReferrals) -> None:
    codes = await correct_open_referrals(
        scope.conn,
        scope.services.referrals,
        scope.user_id,
        nickname=effect.nickname,
        contact=effect.contact,
        window=effect.window,
    )
    for code in codes:
        await scope.audit("referral.correct", code)


async def _cancel(scope: Scope, effect: CancelReferral) -> None:
    referral = await scope.her_referral(effect.code)
    if referral is None or referral.status not in OPEN_STATUSES:
        return
    services = scope.services
    await services.referrals.set_status(
        scope.conn, referral.id, ReferralStatus.CANCELLED, scope.actor
    )
    await scope.audit("referral.cancel", effect.code)
    scope.after.outbox_ids += await reach.cancelled_by_her(services, scope.conn, referral)
    scope.notices_changed(referral, NoticeChange.CANCELLED)


async def _opened(scope: Scope, effect: OpenSealed) -> None:
    await scope.services.sealed.opened(scope.conn, effect.sealed_id)


async def _forget_sealed(scope: Scope, effect: ForgetSealed) -> None:
    await scope.services.sealed.forget_sent(scope.conn, scope.user_id)


Handler = Callable[[Scope, Any], Awaitable[None]]
#: The one place where a storage effect of hers meets storage.
HANDLERS: dict[type[Effect], Handler] = {
    CreateReferral: _create,
    WithdrawConsent: _withdraw,
    DeleteMyData: _delete,
    SetReminders: _reminders,
    AnswerFollowUp: _answer,
    RelayIn: _relay,
    CloseRelay: _close_relay,
    CorrectReferrals: _correct,
    CancelReferral: _cancel,
    OpenSealed: _opened,
    ForgetSealed: _forget_sealed,
}


async def commit(
    services: Services, user_id: int, outcome: Outcome, update_id: int | None = None
) -> AfterCommit:
    """Writes everything the step decided in one transaction (raises DuplicateCode to retry).

    Returns what is left to do once committed: outbox rows to send, notifications to edit.
    """
    session = outcome.session
    after = AfterCommit()
    async with services.db.transaction() as conn:
        await services.sessions.save(conn, user_id, session.to_dict())
        await services.users.save_profile(
            conn, user_id, session.locale, session.region_code, session.shared_phone
        )
        await services.users.reachable(conn, user_id)
        if update_id is not None:  # handled exactly once: marked in the same transaction
            await services.inbox.mark_done(conn, update_id)
        scope = Scope(services, conn, user_id, after)
        for effect in outcome.effects:
            handler = HANDLERS.get(type(effect))
            if handler is not None:
                await handler(scope, effect)
    return after
