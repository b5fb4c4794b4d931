"""One delivery policy for every message to her that she did not just ask for.

Status changes, relayed messages, follow-ups, reminders and hand-overs all pass here twice: when
bot/core/notices.py queues them (which decides the release time) and when a channel's sender
is about to send them (which checks again). The rules:

- never 21:00–08:00 in her zone, and only inside the safe time she chose for the referral;
  a held message goes at the start of her next window;
- only while the referral is open and her consent for it stands (the closing message itself
  goes after closure); a follow-up only while its kind still matters and she has them on;
- never to someone who is gone (erased) or cannot be reached.

`delivery` is what the desk asks before it relays a message ("may this referral get a message
now, and when will it arrive?").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.services import Services
from flows.core.services import OPEN_STATUSES
from flows.followups import kinds
from flows.followups.timing import next_allowed
from storage.outbox import OutMessage
from storage.referrals import Referral
from storage.users import User

#: The message that tells her a referral was closed: the one message allowed after closure.
CLOSING = "closing"
#: Follow-up questions (flows/followups/kinds.py decides which still matter).
FOLLOWUP = "followup"
PAUSED_RECHECK = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Delivery:
    """Whether a message may go to her, and when it will arrive (None when it may not)."""

    allowed: bool
    at: datetime | None
    reason: str = ""  # why not: "gone", "unreachable", "withdrawn", "cancelled", "closed", …

    def held(self, now: datetime) -> bool:
        """Tells whether an allowed message must wait for her window."""
        return self.at is not None and self.at > now


def refused(reason: str) -> Delivery:
    """A message that may not go to her."""
    return Delivery(False, None, reason)


async def consent_stands(services: Services, referral: Referral) -> bool:
    """Tells whether the consent she gave for this referral is still in force."""
    row = await services.db.fetchone(
        "SELECT c.withdrawn_at FROM referrals r JOIN consents c ON c.id = r.consent_id "
        "WHERE r.id = ?",
        (referral.id,),
    )
    return row is not None and row["withdrawn_at"] is None


async def _why_not(
    services: Services, user: User, referral: Referral, kind: str, followup_id: int | None
) -> str | None:
    """The reason this referral may not get the message now; None when it may."""
    if kind == FOLLOWUP:
        item = await services.followups.get(followup_id) if followup_id is not None else None
        found = kinds.kind_of(item.kind) if item is not None else None
        if found is None or not found.relevant(referral.status):
            return referral.status
        return None if user.followups != "off" else "followups_off"
    if referral.status == "closed" and kind == CLOSING:
        return None
    if referral.status not in OPEN_STATUSES:
        return referral.status
    if not await consent_stands(services, referral):
        return "withdrawn"
    return None


async def decide(
    services: Services,
    user: User | None,
    referral: Referral | None,
    kind: str,
    *,
    followup_id: int | None = None,
    now: datetime | None = None,
) -> Delivery:
    """Whether this message may go to her, and when (her zone, her window, never at night)."""
    moment = now or services.clock()
    if user is None:
        return refused("gone")
    if user.unreachable:
        return refused("unreachable")
    if referral is not None:
        reason = await _why_not(services, user, referral, kind, followup_id)
        if reason is not None:
            return refused(reason)
    if kind == FOLLOWUP and user.followups == "paused":
        return Delivery(True, moment + PAUSED_RECHECK, "paused")
    zone = services.zone_of(user.region_code or (referral.region_code if referral else None))
    window = referral.time_window if referral is not None else None
    return Delivery(True, next_allowed(moment, zone, window))


async def delivery(services: Services, referral: Referral, *, kind: str = "to_her") -> Delivery:
    """Tells whether this referral may get a message to her now, and when it would arrive."""
    user = await services.users.by_id(referral.user_id) if referral.user_id is not None else None
    return await decide(services, user, referral, kind)


async def at_send(services: Services, message: OutMessage) -> Delivery:
    """The check a sender makes just before a queued message to her goes out."""
    user = await services.users.by_id(message.user_id) if message.user_id is not None else None
    referral = None
    if message.referral_id is not None:
        referral = await services.referrals.by_id(message.referral_id)
        if referral is None:
            return refused("gone")
    return await decide(services, user, referral, message.kind, followup_id=message.followup_id)
