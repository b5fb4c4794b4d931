"""Proactive messages, written to the outbox inside the transaction of the change they report.

This is the one place that queues a proactive message. A row holds channel-neutral data only
(the rendered text, buttons as rows of label and data, the protect flag); the channel's outbox
sender renders it when it sends.

Every message to her passes the delivery policy (bot/core/delivery.py): one that may not go is
not queued, and one that may goes at the release time it decides (her zone, her safe time,
never at night). It is sealed: her chat gets a neutral preview with an "Open" button
(flows/core/sealed.py) and the content is kept encrypted until she opens it. Messages to her are
protected on a shared phone.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core import delivery
from bot.core.i18n import Translator
from bot.core.services import Services
from bot.core.text import bubble_text, button_rows
from flows import desk
from flows.core import sealed
from flows.core.types import Bubble, Screen
from storage.caseworkers import Caseworker
from storage.connection import Connection
from storage.outbox import OutMessage
from storage.referrals import Referral
from storage.users import User

log = logging.getLogger(__name__)


def staff_translator(services: Services, region_code: str | None) -> Translator:
    """Texts for staff, in Indonesian, with times in the referral region's zone."""
    region = services.regions.region(region_code) if region_code else None
    return services.catalogs.translator("id", region.timezone if region else None)


def her_translator(services: Services, user: User) -> Translator:
    """Texts for her: her language, her region's zone."""
    region = services.regions.region(user.region_code) if user.region_code else None
    return services.catalogs.translator(user.locale, region.timezone if region else None)


async def _queue(
    services: Services,
    conn: Connection,
    screen: Screen,
    tr: Translator,
    base: OutMessage,
    at: datetime | None = None,
) -> list[int]:
    """Writes a screen as outbox rows (one per bubble, buttons on the last)."""
    buttons = button_rows(screen, tr)
    ids: list[int] = []
    last = len(screen.bubbles) - 1
    for i, part in enumerate(screen.bubbles):
        message = OutMessage(
            kind=base.kind,
            chat_id=base.chat_id,
            text=bubble_text(part, tr),
            buttons=buttons if i == last else (),
            protect=base.protect,
            user_id=base.user_id,
            caseworker_id=base.caseworker_id,
            referral_id=base.referral_id,
            followup_id=base.followup_id,
        )
        ids.append(await services.outbox.add(conn, message, at))
    return ids


async def to_her(
    services: Services,
    conn: Connection,
    user_id: int | None,
    screen: Screen,
    *,
    kind: str,
    referral_id: int | None = None,
    followup_id: int | None = None,
) -> list[int]:
    """Queues a sealed message to her for the release time the delivery policy decides.

    Nothing is queued when the policy refuses it (she is gone or unreachable, the referral is
    no longer open, her consent was withdrawn). The closing message (kind "closing") first
    cancels what is still queued about the referral.
    """
    user = await services.users.by_id(user_id) if user_id is not None else None
    referral = await services.referrals.by_id(referral_id) if referral_id is not None else None
    verdict = await delivery.decide(services, user, referral, kind, followup_id=followup_id)
    if user is None or not verdict.allowed:
        log.info("a message to her was not queued (%s)", verdict.reason)
        return []
    if kind == delivery.CLOSING and referral is not None:
        await services.outbox.cancel_to_her(conn, referral.id)
    tr = her_translator(services, user)
    text = "\n\n".join(bubble_text(part, tr) for part in screen.bubbles)
    sealed_id = await services.sealed.add(conn, user.id, referral_id, text, button_rows(screen, tr))
    base = OutMessage(
        kind=kind,
        chat_id=user.telegram_id,
        text="",
        protect=user.shared_phone,
        user_id=user.id,
        referral_id=referral_id,
        followup_id=followup_id,
    )
    ids = await _queue(services, conn, sealed.preview(sealed_id), tr, base, verdict.at)
    await services.sealed.link(conn, sealed_id, ids[-1])
    return ids


async def to_staff(
    services: Services,
    conn: Connection,
    people: list[Caseworker],
    screen: Screen,
    *,
    kind: str,
    referral: Referral,
) -> list[int]:
    """Queues a message to each of these caseworkers (in the referral region's zone)."""
    tr = staff_translator(services, referral.region_code)
    ids: list[int] = []
    for person in people:
        if not person.active or person.telegram_id is None:
            continue
        base = OutMessage(
            kind=kind,
            chat_id=person.telegram_id,
            text="",
            caseworker_id=person.id,
            referral_id=referral.id,
        )
        ids += await _queue(services, conn, screen, tr, base)
    return ids


def card(referral: Referral) -> desk.CaseCard:
    """The desk's minimal view of a referral (for notifications and reminders)."""
    return desk.CaseCard(
        code=referral.code,
        service=referral.service,
        item=referral.item,
        region_code=referral.region_code,
        home_region=referral.home_region,
        urgency=referral.urgency,
        status=referral.status,
        created_at=referral.created_at,
        mine=False,
    )


async def announce(services: Services, conn: Connection, code: str) -> list[int]:
    """Queues the notification of a new referral to its caseworkers (else supervisors)."""
    referral = await services.referrals.by_code(code)
    if referral is None:
        return []
    level, people = await services.caseworkers.routed(referral.region_code, referral.service)
    bubble = desk.notification(card(referral), services.flow_context())
    screen = Screen("notice", (bubble,), desk.notification_keyboard(code))
    ids = await to_staff(services, conn, people, screen, kind="notification", referral=referral)
    await services.referrals.mark_routed(conn, referral.id, len(ids))
    if not ids:
        await services.audit.append(conn, "system", "referral.unrouted", f"referral:{code}")
        log.warning("a new referral reached NOBODY: no staff at any level (audit: unrouted)")
    else:
        log.info("a new referral was routed to the %s level", level)
    return ids


async def to_claimer(
    services: Services, conn: Connection, referral: Referral, message: Bubble, kind: str
) -> list[int]:
    """Queues a message to the caseworker who claimed the referral, if any."""
    if referral.claimed_by is None:
        return []
    worker = await services.caseworkers.get(referral.claimed_by)
    if worker is None:
        return []
    return await to_staff(
        services, conn, [worker], Screen(kind, (message,)), kind=kind, referral=referral
    )
