"""The desk's storage effects, committed through one table {effect type: handler}.

Every handler runs inside the turn's transaction, on the referral loaded in that transaction
(the one `access.may` was asked about), and adds what must happen after the commit to `work`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core import followups as scheduling
from bot.core import notices
from bot.core.channel import AfterCommit, NoticeChange, NoticeEdit
from bot.core.services import Services
from flows.desk.effects import (
    AddNote,
    Audit,
    ClaimCase,
    ClearTyping,
    CloseCase,
    EndRelay,
    HandOver,
    RedeemInvite,
    RelayToHer,
    ReopenCase,
    SetStatus,
    SetTravelDate,
    SetTyping,
    StorageEffect,
    TellHer,
)
from storage.caseworkers import Caseworker
from storage.connection import Connection
from storage.referrals import Referral
from storage.staff_messages import CLOSED, mark_for_cleaning


class TurnVoid(Exception):
    """The turn must leave no trace (an invite that is not valid): its transaction rolls back."""


class StaleCase(Exception):
    """A handler found the referral other than the flow was told (rolls the turn back)."""


@dataclass
class DeskTx:
    """One desk turn's transaction: who acts, on which referral, and the work left for later."""

    services: Services
    conn: Connection
    telegram_id: int
    me: Caseworker | None
    referral: Referral | None
    work: AfterCommit = field(default_factory=AfterCommit)

    @property
    def actor(self) -> str:
        """The audit actor of this turn."""
        return f"caseworker:{self.me.id}" if self.me is not None else "system"

    def case(self, code: str) -> Referral:
        """The loaded referral an effect names (it always names the loaded one)."""
        if self.referral is None or self.referral.code != code:
            raise StaleCase(code)
        return self.referral

    def staff_id(self) -> int:
        """The acting caseworker's id."""
        if self.me is None:
            raise StaleCase("no caseworker")
        return self.me.id


Handler = Callable[[DeskTx, Any], Awaitable[None]]


async def _claim(tx: DeskTx, effect: ClaimCase) -> None:
    referral = tx.case(effect.code)
    if not await tx.services.referrals.claim(tx.conn, referral.code, tx.staff_id()):
        raise StaleCase(effect.code)
    tx.work.notice_edits.append(
        NoticeEdit(
            referral.id, referral.code, referral.region_code, NoticeChange.TAKEN, tx.staff_id()
        )
    )


async def _status(tx: DeskTx, effect: SetStatus) -> None:
    referral = tx.case(effect.code)
    await tx.services.referrals.set_status(tx.conn, referral.id, effect.status, tx.actor)


async def _close(tx: DeskTx, effect: CloseCase) -> None:
    referral = tx.case(effect.code)
    await tx.services.referrals.close(tx.conn, referral.id, effect.outcome, tx.actor)
    await scheduling.on_closed(tx.services, tx.conn, referral)
    if tx.services.clean_staff_on_close:
        await mark_for_cleaning(tx.conn, referral.id, CLOSED)
        tx.work.scrub = True


async def _reopen(tx: DeskTx, effect: ReopenCase) -> None:
    await tx.services.referrals.reopen(tx.conn, tx.case(effect.code).id, tx.actor)


async def _note(tx: DeskTx, effect: AddNote) -> None:
    referral = tx.case(effect.code)
    await tx.services.casework.add_note(tx.conn, referral.id, tx.staff_id(), effect.text)


async def _relay(tx: DeskTx, effect: RelayToHer) -> None:
    referral = tx.case(effect.code)
    await tx.services.casework.add_relay(tx.conn, referral.id, "to_her", effect.text)


async def _tell_her(tx: DeskTx, effect: TellHer) -> None:
    referral = tx.case(effect.code)
    tx.work.outbox_ids += await notices.to_her(
        tx.services,
        tx.conn,
        referral.user_id,
        effect.screen,
        kind=effect.kind,
        referral_id=referral.id,
    )


async def _end_relay(tx: DeskTx, effect: EndRelay) -> None:
    await tx.services.casework.set_relay_open(tx.conn, tx.case(effect.code).id, False)


async def _travel(tx: DeskTx, effect: SetTravelDate) -> None:
    referral = tx.case(effect.code)
    await tx.services.referrals.set_travel_date(tx.conn, referral.id, effect.day, tx.actor)
    await scheduling.on_travel_date(tx.services, tx.conn, referral, effect.day)


async def _hand_over(tx: DeskTx, effect: HandOver) -> None:
    services, referral = tx.services, tx.case(effect.code)
    await services.referrals.hand_over(
        tx.conn, referral.id, effect.region_code, effect.office_key, tx.actor
    )
    moved = await services.referrals.by_id(referral.id)
    assert moved is not None
    tx.referral = moved
    tx.work.outbox_ids += await notices.announce(services, tx.conn, referral.code)
    await scheduling.schedule_claim_reminders(services, tx.conn, moved, services.clock())


async def _set_typing(tx: DeskTx, effect: SetTyping) -> None:
    await tx.services.casework.set_mode(
        tx.conn, tx.staff_id(), effect.mode, effect.code, effect.extra
    )


async def _clear_typing(tx: DeskTx, effect: ClearTyping) -> None:
    await tx.services.casework.clear_mode(tx.conn, tx.staff_id())


async def _audit(tx: DeskTx, effect: Audit) -> None:
    subject = f"referral:{effect.code}" if effect.code else None
    await tx.services.audit.append(tx.conn, tx.actor, effect.action, subject, effect.detail)


async def _redeem(tx: DeskTx, effect: RedeemInvite) -> None:
    services = tx.services
    caseworker_id = await services.caseworkers.redeem(tx.conn, effect.token, tx.telegram_id)
    if caseworker_id is None:
        raise TurnVoid("invite not valid")
    await services.audit.append(tx.conn, f"caseworker:{caseworker_id}", "caseworker.bind", None)


HANDLERS: dict[type[StorageEffect], Handler] = {
    ClaimCase: _claim,
    SetStatus: _status,
    CloseCase: _close,
    ReopenCase: _reopen,
    AddNote: _note,
    RelayToHer: _relay,
    TellHer: _tell_her,
    EndRelay: _end_relay,
    SetTravelDate: _travel,
    HandOver: _hand_over,
    SetTyping: _set_typing,
    ClearTyping: _clear_typing,
    Audit: _audit,
    RedeemInvite: _redeem,
}
