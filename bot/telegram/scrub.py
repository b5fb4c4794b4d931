"""Cleans staff chats after her data is erased: what showed it becomes one neutral line.

storage/staff_messages.py lists the messages in caseworkers' chats that showed a referral's
personal content (case views, relays, notes, notifications); erasure marks them. Each of the
bot's own messages is edited to "Data permintaan ini sudah dihapus." (its buttons go), or deleted
when it cannot be edited; a message the caseworker typed is deleted (Telegram allows it for 48
hours). What can be neither is reported: an audit entry, and a line to that caseworker.
A 429 or a network error leaves the rest for the next round (after a turn, or the sweeper's).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.core.notices import staff_translator
from bot.core.services import Services
from bot.telegram.render import bubble_text
from flows import desk
from storage.connection import Connection
from storage.outbox import OutMessage
from storage.staff_messages import StaffMessage, StaffMessages

log = logging.getLogger(__name__)

NOT_MODIFIED = "message is not modified"
NOT_FOUND = "message to delete not found"
#: The most rounds one run takes (a round is up to 100 messages).
MAX_ROUNDS = 20


class Cleaned(StrEnum):
    """What became of one message."""

    EDITED = "edited"
    DELETED = "deleted"
    REFUSED = "refused"
    LATER = "later"


@dataclass
class ScrubReport:
    """What one run did."""

    edited: int = 0
    deleted: int = 0
    refused: int = 0


class Scrubber:
    """Edits or deletes the staff messages marked for cleaning."""

    def __init__(
        self, services: Services, bot: Bot, wake: Callable[[], None] | None = None
    ) -> None:
        self.services = services
        self.bot = bot
        self.store = StaffMessages(services.db)
        self.wake = wake

    async def run(self) -> ScrubReport:
        """Cleans every marked message it can now; reports those it cannot."""
        report = ScrubReport()
        for _ in range(MAX_ROUNDS):
            rows = await self.store.to_clean()
            if not rows:
                break
            refused: dict[tuple[int, int | None, str, int], int] = defaultdict(int)
            done: list[StaffMessage] = []
            stop = False
            for row in rows:
                outcome = await self._clean(row)
                if outcome is Cleaned.LATER:
                    stop = True
                    break
                done.append(row)
                if outcome is Cleaned.REFUSED:
                    refused[(row.chat_id, row.caseworker_id, row.code, row.referral_id)] += 1
                    report.refused += 1
                elif outcome is Cleaned.EDITED:
                    report.edited += 1
                else:
                    report.deleted += 1
            queued = await self.services.db.write(self._record, done, dict(refused))
            if queued and self.wake is not None:
                self.wake()
            if stop:
                break
        if report.refused:
            log.warning(
                "%d staff message(s) could not be cleaned (audit: staff.uncleaned)", report.refused
            )
        return report

    async def _clean(self, row: StaffMessage) -> Cleaned:
        """Edits the message to the neutral line, else deletes it."""
        if row.own:
            line = desk.erased_line() if row.erased else desk.closed_line()
            text = bubble_text(line, staff_translator(self.services, None))
            try:
                await self.bot.edit_message_text(
                    text, chat_id=row.chat_id, message_id=row.message_id
                )
                return Cleaned.EDITED
            except BadRequest as exc:
                if NOT_MODIFIED in exc.message.lower():
                    return Cleaned.EDITED
                log.info("a staff message was not edited (%s); deleting it", type(exc).__name__)
            except (RetryAfter, NetworkError):
                return Cleaned.LATER
            except TelegramError as exc:
                log.info("a staff message was not edited (%s)", type(exc).__name__)
                return Cleaned.REFUSED
        return await self._delete(row)

    async def _delete(self, row: StaffMessage) -> Cleaned:
        try:
            await self.bot.delete_message(row.chat_id, row.message_id)
            return Cleaned.DELETED
        except BadRequest as exc:
            if NOT_FOUND in exc.message.lower():  # the caseworker deleted it already
                return Cleaned.DELETED
            return Cleaned.REFUSED
        except (RetryAfter, NetworkError):
            return Cleaned.LATER
        except TelegramError:
            return Cleaned.REFUSED

    async def _record(
        self,
        conn: Connection,
        done: list[StaffMessage],
        refused: dict[tuple[int, int | None, str, int], int],
    ) -> list[int]:
        """Forgets the handled rows; audits and tells each caseworker what stayed (one job)."""
        services = self.services
        for row in done:
            await self.store.cleaned(conn, row.chat_id, row.message_id)
        tr = staff_translator(services, None)
        queued: list[int] = []
        for (chat_id, caseworker_id, code, _), count in sorted(refused.items()):
            await services.audit.append(
                conn,
                "system",
                "staff.uncleaned",
                f"referral:{code}",
                f"caseworker={caseworker_id} messages={count}",
            )
            message = OutMessage(
                kind="uncleaned",
                chat_id=chat_id,
                text=bubble_text(desk.uncleaned_notice(code), tr),
                caseworker_id=caseworker_id,
            )
            queued.append(await services.outbox.add(conn, message))
        return queued
