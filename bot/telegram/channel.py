"""Telegram as the core's channel: what it can do, and the work after a commit as Bot API calls."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.core.channel import TELEGRAM, AfterCommit, Capabilities, NoticeChange, NoticeEdit
from bot.core.notices import staff_translator
from bot.core.services import Services
from bot.telegram.outbox import OutboxWorker
from bot.telegram.render import bubble_text
from bot.telegram.scrub import Scrubber
from flows import desk
from flows.core.types import Bubble

log = logging.getLogger(__name__)


def notice_for(edit: NoticeEdit, caseworker_id: int) -> Bubble:
    """The new text of one caseworker's notification."""
    if edit.change is NoticeChange.TAKEN:
        return desk.taken_notice(edit.code, by_me=caseworker_id == edit.claimed_by)
    if edit.change is NoticeChange.WITHDRAWN:
        return desk.withdrawn_notice(edit.code)
    return desk.cancelled_notice(edit.code)


class TelegramChannel:
    """Sends what a turn queued and edits the staff notifications it changed."""

    capabilities: Capabilities = TELEGRAM

    def __init__(self, services: Services, bot: Bot, outbox: OutboxWorker | None) -> None:
        self.services = services
        self.bot = bot
        self.outbox = outbox

    async def after_commit(self, work: AfterCommit) -> None:
        """Sends the queued outbox rows now and edits the changed notifications."""
        for edit in work.notice_edits:
            await self.edit_notices(edit)
        if self.outbox is not None and work.outbox_ids:
            await self.outbox.deliver(work.outbox_ids)
        if work.scrub:
            wake = self.outbox.wake if self.outbox is not None else None
            await Scrubber(self.services, self.bot, wake).run()

    async def edit_notices(self, edit: NoticeEdit) -> None:
        """Edits every notification of the referral (a failure is only logged)."""
        tr = staff_translator(self.services, edit.region_code)
        for caseworker_id, chat_id, message_id in await self.services.referrals.notifications(
            edit.referral_id
        ):
            text = bubble_text(notice_for(edit, caseworker_id), tr)
            try:
                await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
            except TelegramError as exc:
                log.info("notification not edited: %s", type(exc).__name__)
