"""The outbox worker: sends queued proactive messages within Telegram's limits.

Limits kept here: the overall messages per second through the bot's shared `MessageBudget`
(bot/telegram/ratelimit.py), in its proactive lane: replies to what someone just did go first,
follow-ups use what is left, with a floor of a few a second; one message per second to a private
chat, one every three seconds to a group (20 a minute). A 429 pauses all sending for its
retry_after; 5xx and timeouts are retried with exponential backoff; a 403 from her is retried a
few times, and after `forbidden_limit` refusals she is marked unreachable and her pending
follow-ups are cancelled.

Delivery is at least once: a row is claimed ('sending') before the request and recorded after
it. If the process dies in between, or a request times out after Telegram accepted it, the row is
sent again on the next attempt: that message can arrive twice. Nothing else is ever sent twice.

Just before a message to her goes out, the delivery policy (bot/core/delivery.py) is asked
again: what may no longer go is cancelled, what must wait for her window is held until then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.core import delivery
from bot.core.services import Services
from bot.telegram.ratelimit import MessageBudget
from bot.telegram.render import inline_keyboard
from flows.core.status import ReferralStatus
from flows.followups.kinds import HER_KINDS, STAFF_KINDS
from storage.chat_log import ChatLog
from storage.connection import Connection
from storage.outbox import OutMessage, Queued
from storage.staff_messages import StaffMessages

log = logging.getLogger(__name__)

CHAT_INTERVAL = 1.0
GROUP_INTERVAL = 3.0
IDLE_POLL = 1.0
BATCH = 30
MAX_IN_FLIGHT = 64
MAX_ATTEMPTS = 8
MAX_PAUSES = 10
MAX_BACKOFF = 600.0
FORBIDDEN_LIMIT = 3
UNCLAIMED_KINDS = frozenset({"notification"}) | STAFF_KINDS


def backoff(attempts: int) -> timedelta:
    """How long to wait before attempt number attempts + 1 (2, 4, 8 … seconds, at most 10 min)."""
    return timedelta(seconds=min(2.0**attempts, MAX_BACKOFF))


def retry_seconds(error: RetryAfter) -> float:
    """The retry_after of a 429, in seconds, whichever type the library gives."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class OutboxWorker:
    """Sends due outbox rows: woken after each commit, and polling for retries.

    It has its own Bot without python-telegram-bot's rate limiter: pacing and 429 pauses are
    done here, so a flood pause never releases a burst of held requests at once.
    """

    def __init__(
        self,
        services: Services,
        bot: Bot,
        rate: float = 30.0,
        budget: MessageBudget | None = None,
    ) -> None:
        self.services = services
        self.bot = bot
        if budget is None and rate > 0:
            budget = MessageBudget(rate)  # alone (tests, tools): nobody else sends
        self.budget = budget
        self.forbidden_limit = FORBIDDEN_LIMIT
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self._busy: set[int] = set()
        self._claiming = 0  # rows claimed ('sending') whose send has not been tracked yet
        self._last: dict[int, float] = {}
        self._pacing = asyncio.Lock()
        self._paused_until = 0.0
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._released = asyncio.Condition()  # notified whenever a chat's send is over

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Re-queues rows a crash left half-sent, then starts the sending loop."""
        await self.bot.initialize()
        recovered = await self.services.outbox.recover()
        if recovered:
            log.warning("%d outbox message(s) were interrupted; sending them again", recovered)
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Stops taking rows and lets messages in flight finish."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._sends:
            await asyncio.gather(*self._sends, return_exceptions=True)
        await self.bot.shutdown()

    @property
    def busy(self) -> bool:
        """Whether a message is being sent right now."""
        return bool(self._busy or self._sends or self._claiming)

    async def quiet(self, chat_id: int) -> None:
        """Waits until no message to this chat is claimed or being sent (used by erasure)."""
        async with self._released:
            await self._released.wait_for(lambda: chat_id not in self._busy)

    async def _release(self, chat_id: int) -> None:
        async with self._released:
            self._busy.discard(chat_id)
            self._released.notify_all()

    def wake(self) -> None:
        """Tells the loop that new rows may be due."""
        self._wake.set()

    async def deliver(self, ids: Iterable[int]) -> None:
        """Sends these rows now, in order (used right after the commit that queued them)."""
        for row_id in ids:
            self._claiming += 1
            try:
                queued = await self.services.outbox.claim(row_id)
                if queued is not None:
                    await self._send_tracked(queued)
            finally:
                self._claiming -= 1

    # ------------------------------------------------------------------ the loop

    async def _run(self) -> None:
        while True:
            try:
                sent = await self._round()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broken round must not end delivery for good
                log.error("outbox round failed: %s", type(exc).__name__)
                sent = 0
            if not sent:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL)

    def _busy_chats(self) -> frozenset[int]:
        now = asyncio.get_running_loop().time()
        recent = {c for c, at in self._last.items() if now - at < self._chat_interval(c)}
        return frozenset(self._busy | recent)

    async def _round(self) -> int:
        ids = await self.services.outbox.due(BATCH, self._busy_chats())
        started = 0
        for row_id in ids:
            await self._slots.acquire()
            self._claiming += 1
            try:
                queued = await self.services.outbox.claim(row_id)
            finally:
                self._claiming -= 1
            if queued is None:
                self._slots.release()
                continue
            started += 1
            self._busy.add(queued.message.chat_id)
            task = asyncio.create_task(self._send_released(queued))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        return started

    async def _send_released(self, queued: Queued) -> None:
        try:
            await self._send(queued)
        finally:
            await self._release(queued.message.chat_id)
            self._slots.release()

    async def _send_tracked(self, queued: Queued) -> None:
        self._busy.add(queued.message.chat_id)  # before waiting: erasure waits for it too
        try:
            await self._wait_for_chat(queued.message.chat_id)
            await self._send(queued)
        finally:
            await self._release(queued.message.chat_id)

    # ------------------------------------------------------------------ pacing

    @staticmethod
    def _chat_interval(chat_id: int) -> float:
        return GROUP_INTERVAL if chat_id < 0 else CHAT_INTERVAL

    async def _wait_for_chat(self, chat_id: int) -> None:
        loop = asyncio.get_running_loop()
        last = self._last.get(chat_id)
        if last is not None:
            await asyncio.sleep(max(0.0, last + self._chat_interval(chat_id) - loop.time()))

    async def _pace(self) -> None:
        """Waits for a 429 pause to end and for a proactive slot of the budget, one at a time.

        Slots are taken under a lock, so at most one outbox message waits in the budget and a
        reply that comes meanwhile takes the slot after it at the latest.
        """
        loop = asyncio.get_running_loop()
        async with self._pacing:
            for _ in range(MAX_PAUSES):  # a 429 may arrive while this send waits
                pause = self._paused_until - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                if self.budget is not None:
                    await self.budget.proactive()
                if self._paused_until <= loop.time():
                    break

    # ------------------------------------------------------------------ one message

    async def _wanted(self, queued: Queued) -> bool:
        """Checks again just before sending: the delivery policy for her, claims for staff.

        A message to her that may no longer go is cancelled, one that must wait for her window
        is held until then; a notification or staff reminder of a referral someone already
        claimed is not sent.
        """
        message = queued.message
        services = self.services
        if message.user_id is not None:
            verdict = await delivery.at_send(services, message)
            if verdict.allowed and verdict.at is not None and verdict.held(services.clock()):
                await services.outbox.hold(queued.id, verdict.at)
                return False
            if not verdict.allowed:
                await services.outbox.skip(queued.id)
                log.info("a message to her was cancelled at send time (%s)", verdict.reason)
            return verdict.allowed
        if message.kind in UNCLAIMED_KINDS and message.referral_id is not None:
            referral = await services.referrals.by_id(message.referral_id)
            if referral is None or referral.status != ReferralStatus.NEW:
                await services.outbox.skip(queued.id)
                return False
        return True

    async def _send(self, queued: Queued) -> None:
        message = queued.message
        services = self.services
        if not await self._wanted(queued):
            return
        await self._pace()
        try:
            sent = await self.bot.send_message(
                message.chat_id,
                message.text,
                reply_markup=inline_keyboard(message.buttons),
                protect_content=True if message.protect else None,
            )
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            loop = asyncio.get_running_loop()
            if self._paused_until <= loop.time():
                log.warning("Telegram asked to slow down; sending pauses for %.0f s", seconds)
            self._paused_until = max(self._paused_until, loop.time() + seconds)
            await services.outbox.retry(queued.id, services.clock(), "429")
            return
        except Forbidden:
            await self._forbidden(queued)
            return
        except BadRequest as exc:
            await services.db.write(services.outbox.fail, queued.id, "400")
            log.warning("an outbox message was refused: %s", type(exc).__name__)
            return
        except (NetworkError, TelegramError) as exc:
            await self._later(queued, type(exc).__name__)
            return
        finally:
            self._last[message.chat_id] = asyncio.get_running_loop().time()
        kept = await services.db.write(self._sent, message, queued.id, sent.message_id)
        if not kept:  # erased while on its way: take it back, keep no trace of it
            with contextlib.suppress(TelegramError):
                await self.bot.delete_message(message.chat_id, sent.message_id)

    async def _sent(
        self, conn: Connection, message: OutMessage, row_id: int, message_id: int
    ) -> bool:
        """Records a sent message (one database job); False if it was erased."""
        services = self.services
        kept = await services.outbox.sent(conn, row_id, message_id, message.chat_id)
        if kept and message.user_id is not None:  # her chat: the message can be wiped later
            await ChatLog(services.db).add(conn, message.chat_id, [message_id])
        if kept and message.kind == "notification" and message.caseworker_id is not None:
            assert message.referral_id is not None
            await services.referrals.record_notification(
                conn, message.referral_id, message.caseworker_id, message.chat_id, message_id
            )
        if kept and message.caseworker_id is not None and message.referral_id is not None:
            # A staff chat now shows something of her referral: cleaned if she is erased.
            await StaffMessages(services.db).add(
                conn, message.chat_id, [message_id], message.referral_id, message.caseworker_id
            )
        return kept

    async def _later(self, queued: Queued, error: str) -> None:
        services = self.services
        if queued.attempts >= MAX_ATTEMPTS:
            await services.db.write(services.outbox.fail, queued.id, error)
            log.error("an outbox message failed %d times (%s); given up", queued.attempts, error)
            return
        await services.outbox.retry(queued.id, services.clock() + backoff(queued.attempts), error)
        log.info("outbox message will be retried (%s)", error)

    async def _refused(self, conn: Connection, queued: Queued, user_id: int) -> int:
        """Counts her refusal (one job): retried later, or she is marked unreachable."""
        services = self.services
        refusals = await services.users.forbidden(conn, user_id)
        if refusals < self.forbidden_limit:
            later = services.clock() + backoff(queued.attempts + 6)
            await services.outbox.requeue(conn, queued.id, later, "403")
        else:
            await services.outbox.fail(conn, queued.id, "403")
            await services.users.mark_unreachable(conn, user_id)
            cancelled = await services.followups.cancel(conn, user_id=user_id, kinds=HER_KINDS)
            await services.outbox.cancel_for_user(conn, user_id)
            await services.audit.append(
                conn, "system", "user.unreachable", f"user:{user_id}", f"followups={cancelled}"
            )
        return refusals

    async def _forbidden(self, queued: Queued) -> None:
        """She (or a caseworker) blocked the bot: retry a few times, then stop writing to her."""
        services = self.services
        user_id = queued.message.user_id
        if user_id is None:
            await services.db.write(services.outbox.fail, queued.id, "403")
            log.warning("a caseworker's chat refused a message (403)")
            return
        refusals = await services.db.write(self._refused, queued, user_id)
        if refusals < self.forbidden_limit:
            log.info("a person's chat refused a message (403); it will be tried again later")
        else:
            log.warning("a person blocked the bot; her follow-ups are cancelled")
