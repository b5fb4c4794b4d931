"""What her steps mean for other people: notifications, follow-ups, escalations, relays.

Each function runs inside the update's one transaction and returns the outbox rows it queued,
so the messages are stored together with the change and sent after the commit.
"""

from __future__ import annotations

from bot.core import followups, notices
from bot.core.services import Services
from bot.core.text import MAX_MESSAGE_LENGTH
from flows import desk
from flows.core.effects import AnswerFollowUp, CreateReferral, SetReminders
from flows.core.services import OPEN_STATUSES
from flows.core.status import ReferralStatus
from flows.core.types import Bubble, Button, Screen, bubble
from flows.followups import followup_consent_version, kinds
from storage.caseworkers import Caseworker
from storage.connection import Connection
from storage.erasure import Erased, erase_referral_personal, erase_user
from storage.referrals import Referral

FOLLOWUP_PURPOSE = "followups"


async def referral_created(
    services: Services, conn: Connection, user_id: int, effect: CreateReferral
) -> list[int]:
    """Notifies the caseworkers and schedules the follow-ups (hers go out only if she agrees)."""
    referral = await services.referrals.by_code(effect.code)
    assert referral is not None
    ids = await notices.announce(services, conn, effect.code)
    await followups.on_created(services, conn, referral)
    return ids


async def set_reminders(
    services: Services, conn: Connection, user_id: int, effect: SetReminders
) -> None:
    """Turns her follow-ups on (recording consent), pauses, or stops them (withdrawing it)."""
    active = await services.consents.active(user_id, FOLLOWUP_PURPOSE)
    if effect.state == "on" and active is None:
        user = await services.users.by_id(user_id)
        await services.consents.record(
            conn,
            user_id,
            FOLLOWUP_PURPOSE,
            effect.consent_version or followup_consent_version(),
            user.locale if user else "id",
            services.clock(),
        )
    if effect.state == "off":
        if active is not None:
            await services.consents.withdraw(conn, active.id)
        await services.followups.cancel(conn, user_id=user_id, kinds=kinds.HER_KINDS)
    await services.users.set_followups(conn, user_id, effect.state)
    await services.audit.append(conn, f"user:{user_id}", f"followups.{effect.state}", None)


async def _staff_for(services: Services, referral: Referral) -> list[Caseworker]:
    """The region's supervisors and the caseworker who claimed the referral."""
    people = await services.caseworkers.supervisors(referral.region_code)
    if referral.claimed_by is not None and referral.claimed_by not in {p.id for p in people}:
        claimer = await services.caseworkers.get(referral.claimed_by)
        if claimer is not None:
            people.append(claimer)
    return people


async def followup_answered(
    services: Services, conn: Connection, user_id: int, effect: AnswerFollowUp
) -> list[int]:
    """Records her answer and does what the kind's table says (a status, staff told)."""
    item = await services.followups.get(effect.followup_id)
    if item is None or item.user_id != user_id or item.state != "sent":
        return []
    referral = await services.referrals.by_id(item.referral_id)
    if referral is None:
        return []
    await services.followups.set_state(conn, item.id, "answered", effect.answer)
    actor = f"user:{user_id}"
    await services.audit.append(
        conn, actor, "followup.answer", f"referral:{referral.code}", f"{item.kind}:{effect.answer}"
    )
    kind = kinds.kind_of(item.kind)
    answer = kind.answer(effect.answer) if kind is not None else None
    if answer is None:
        return []
    if answer.records is not None and referral.status in answer.records_from:
        await services.referrals.set_status(conn, referral.id, answer.records, actor)
    if answer.alert is None:
        return []
    people = await _staff_for(services, referral)
    screen = Screen(
        "escalation",
        (bubble(answer.alert(referral.code)),),
        desk.open_keyboard(referral.code),
    )
    return await notices.to_staff(
        services, conn, people, screen, kind="escalation", referral=referral
    )


async def cancelled_by_her(services: Services, conn: Connection, referral: Referral) -> list[int]:
    """Stops the referral's follow-ups and messages to her, and tells the caseworker."""
    await services.followups.cancel(conn, referral_id=referral.id)
    await services.outbox.cancel_to_her(conn, referral.id)
    return await notices.to_claimer(
        services, conn, referral, desk.cancelled_notice(referral.code), "cancelled"
    )


#: Her words and the header fit one message up to this length; longer, the header goes first.
RELAY_ROOM = MAX_MESSAGE_LENGTH - 200


def her_words(code: str, text: str) -> tuple[Bubble, ...]:
    """Her message as the caseworker receives it: whole, in a message of its own if long."""
    whole = desk.from_her(code, text)
    if len(text) <= RELAY_ROOM:
        return (whole,)
    return (Bubble(whole.parts[:-1]), Bubble(whole.parts[-1:]))


async def relayed_from_her(
    services: Services, conn: Connection, referral: Referral, text: str
) -> list[int]:
    """Queues her message for the caseworker who claimed her referral."""
    worker = await services.caseworkers.get(referral.claimed_by) if referral.claimed_by else None
    if worker is None:
        return []
    screen = Screen(
        "relay",
        her_words(referral.code, text),
        ((Button(desk.REPLY_LABEL, desk.button("relay", referral.code)),),),
    )
    return await notices.to_staff(services, conn, [worker], screen, kind="relay", referral=referral)


async def withdrawn_by_her(
    services: Services, conn: Connection, user_id: int, *, tell: bool = True
) -> tuple[list[int], list[Referral]]:
    """Ends her open referrals as withdrawn, withdraws her consents and stops her check-ins.

    The personal fields of all her referrals are erased at once (what staff chats show of them
    is cleaned after the commit); her language and region stay. Returns the queued messages (to
    the caseworkers who claimed them) and the withdrawn referrals.
    """
    actor = f"user:{user_id}"
    queued: list[int] = []
    withdrawn: list[Referral] = []
    referrals = await services.referrals.for_user(user_id)
    for referral in referrals:
        if referral.status not in OPEN_STATUSES:
            continue
        await services.referrals.set_status(conn, referral.id, ReferralStatus.WITHDRAWN, actor)
        await services.followups.cancel(conn, referral_id=referral.id)
        await services.outbox.cancel_to_her(conn, referral.id)
        await services.audit.append(conn, actor, "referral.withdraw", f"referral:{referral.code}")
        withdrawn.append(referral)
    for consent in await services.consents.list_for(user_id):
        if consent.active:
            await services.consents.withdraw(conn, consent.id)
    await set_reminders(services, conn, user_id, SetReminders("off"))
    erased = Erased()
    for referral in referrals:
        erased += await erase_referral_personal(conn, referral.id)
    await services.audit.append(
        conn,
        actor,
        "consent.withdraw",
        None,
        f"referrals={len(withdrawn)} erased={erased.referrals}",
    )
    if tell:  # after the erasure, which cancels unsent messages about her referrals
        for referral in withdrawn:
            queued += await tell_withdrawn(services, conn, referral)
    return queued, withdrawn


async def tell_withdrawn(services: Services, conn: Connection, referral: Referral) -> list[int]:
    """Queues "withdrawn" for the caseworker who claimed the referral."""
    notice = desk.withdrawn_notice(referral.code)
    return await notices.to_claimer(services, conn, referral, notice, "withdrawn")


async def deleted_by_her(
    services: Services, conn: Connection, user_id: int
) -> tuple[list[int], list[Referral]]:
    """Withdraws everything, erases every personal value kept about her, then tells staff."""
    _, withdrawn = await withdrawn_by_her(services, conn, user_id, tell=False)
    erased = await erase_user(conn, user_id, services.cipher)
    await services.audit.append(
        conn, "system", "user.erase", None, f"referrals={erased.referrals} by=herself"
    )
    queued: list[int] = []
    for referral in withdrawn:  # after the erasure, which cancels messages about her referrals
        queued += await tell_withdrawn(services, conn, referral)
    return queued, withdrawn
