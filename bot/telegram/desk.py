"""The caseworker side in Telegram: invites, notifications, claims, the queue, the case view.

Every command and button checks, at that moment, that the sender is an active caseworker and
that the referral belongs to her regions (and, for caseworkers, her services). Whatever is
refused gets the same answer as a stale button, so nobody learns whether a code exists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from zoneinfo import ZoneInfo

import aiosqlite
from telegram import Bot, CallbackQuery, Update
from telegram.error import TelegramError

from bot.core import delivery, notices
from bot.core import followups as scheduling
from bot.core.i18n import Translator
from bot.core.services import Services
from bot.telegram.effects import ChatEffects
from bot.telegram.outbox import OutboxWorker
from bot.telegram.render import bubble_text
from bot.telegram.reports import is_report_command, show_report
from flows import desk, relay
from flows.followups import neutral
from flows.types import Bubble, Screen, bubble, t
from storage.caseworkers import Caseworker
from storage.referrals import Referral

log = logging.getLogger(__name__)

INVITE_PREFIX = "inv_"
TYPED_MODES = frozenset({"note", "relay", "handover", "travel"})
NOT_CURRENT = t("This menu is no longer current. Here is the current one.")


class Desk:
    """Handles the updates of caseworkers and tells them of new referrals."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.outbox: OutboxWorker | None = None

    async def deliver(self, ids: list[int]) -> None:
        """Sends the messages a change queued (the outbox worker retries what fails)."""
        if self.outbox is not None and ids:
            await self.outbox.deliver(ids)

    def translator(self, region_code: str | None = None) -> Translator:
        """Texts for staff, in Indonesian, with times in the referral's region zone."""
        return notices.staff_translator(self.services, region_code)

    def card(self, referral: Referral, me: Caseworker | None) -> desk.CaseCard:
        """The desk's view of a referral ("mine" when she claimed it)."""
        mine = me is not None and referral.claimed_by == me.id
        return dataclasses.replace(notices.card(referral), mine=mine)

    # ------------------------------------------------------------------ onboarding

    async def redeem(self, bot: Bot, chat_id: int, telegram_id: int, payload: str) -> bool:
        """Binds this account with an invite from `/start inv_...`; False if it is not valid."""
        token = payload.removeprefix(INVITE_PREFIX)
        services = self.services
        async with services.db.transaction() as conn:
            caseworker_id = await services.caseworkers.redeem(conn, token, telegram_id)
            if caseworker_id is not None:
                await services.audit.append(
                    conn, f"caseworker:{caseworker_id}", "caseworker.bind", None
                )
        if caseworker_id is None:
            return False
        await self.show_home(bot, chat_id, None)
        return True

    async def show_home(self, bot: Bot, chat_id: int, query: CallbackQuery | None) -> None:
        """The desk's start screen."""
        await ChatEffects(bot, chat_id, self.translator(), query).send(desk.desk_home(), None)

    # ------------------------------------------------------------------ updates

    async def on_update(self, update: Update, bot: Bot, me: Caseworker) -> None:
        """Handles one update from an active caseworker."""
        chat = update.effective_chat
        assert chat is not None
        query = update.callback_query
        if query is not None:
            await self.on_button(bot, chat.id, query, me)
            return
        message = update.message
        text = message.text if message is not None else None
        command = text.split()[0].split("@")[0] if text and text.split() else ""
        if command in {"/antrian", "/queue"}:
            await self.show_queue(bot, chat.id, None, me, 0)
            return
        if text and text.startswith("/start"):
            await self.show_home(bot, chat.id, None)
            return
        # Reports (bot/reports.py): supervisors and admins only; others fall through to the hint.
        if is_report_command(text) and await show_report(self.services, bot, chat.id, me):
            return
        mode = await self.services.casework.mode(me.id)
        if text and not text.startswith("/") and mode is not None:
            referral = await self.services.referrals.by_code(mode.code)
            if referral is not None and me.covers_region(referral.region_code):
                await self.typed(bot, chat.id, me, referral, mode.mode, text.strip()[:2000])
                return
        hint = bubble(t("Please use the buttons, or /antrian for the open requests."))
        await bot.send_message(chat.id, bubble_text(hint, self.translator()))

    async def typed(
        self, bot: Bot, chat_id: int, me: Caseworker, referral: Referral, mode: str, text: str
    ) -> None:
        """Uses her typed text as a note, a message to relay, or a hand-over search."""
        services = self.services
        effects = ChatEffects(bot, chat_id, self.translator(referral.region_code), None)
        if mode == "handover":
            found = [
                (r.code, f"{r.name} ({r.province_name})")
                for r in services.regions.search(text, limit=6)
                if r.code != referral.region_code and services.catalog.office_for(r.code)
            ]
            await effects.send(desk.handover_choices(referral.code, tuple(found)), None)
            return
        if mode == "travel":
            await self.travel_date(effects, me, referral, text)
            return
        actor = f"caseworker:{me.id}"
        ids: list[int] = []
        async with services.db.transaction() as conn:
            if mode == "note":
                await services.casework.add_note(conn, referral.id, me.id, text)
            else:
                await services.casework.add_relay(conn, referral.id, "to_her", text)
                ids = await self.to_her(conn, referral, desk.to_her(referral.code, text), True)
            await services.casework.clear_mode(conn, me.id)
            await services.audit.append(conn, actor, f"case.{mode}", f"referral:{referral.code}")
        await self.deliver(ids)
        await effects.send(Screen("desk_done", (desk.done_notice(mode, referral.code),)), None)
        await self.show_case(bot, chat_id, None, me, referral.code)

    async def travel_date(
        self, effects: ChatEffects, me: Caseworker, referral: Referral, text: str
    ) -> None:
        """Records her travel day and schedules "did you arrive safely?" for the morning after."""
        services = self.services
        today = (
            services.clock()
            .astimezone(ZoneInfo(scheduling.zone_of(services, referral.region_code)))
            .date()
        )
        day = desk.parse_day(text, today)
        if day is None or day < today:
            await effects.send(desk.prompt("travel", referral.code), None)
            return
        actor = f"caseworker:{me.id}"
        async with services.db.transaction() as conn:
            await services.referrals.set_travel_date(conn, referral.id, day, actor)
            await scheduling.on_travel_date(services, conn, referral, day)
            await services.casework.clear_mode(conn, me.id)
            await services.audit.append(conn, actor, "case.travel", f"referral:{referral.code}")
        await effects.send(Screen("desk_done", (desk.done_notice("travel", referral.code),)), None)
        await self.show_case(effects.bot, effects.chat_id, None, me, referral.code)

    async def _refuse(self, bot: Bot, chat_id: int, query: CallbackQuery, me: Caseworker) -> None:
        await ChatEffects(bot, chat_id, self.translator(), query).answer(
            self.translator().render(NOT_CURRENT)
        )
        await self.show_queue(bot, chat_id, None, me, 0)

    async def on_button(self, bot: Bot, chat_id: int, query: CallbackQuery, me: Caseworker) -> None:
        """Carries out a desk button after checking she may."""
        parsed = desk.parse(query.data or "")
        if parsed is None:
            await self._refuse(bot, chat_id, query, me)
            return
        verb, code = parsed
        if verb == "queue":
            page = int(code) if code.isdigit() else 0
            await self.show_queue(bot, chat_id, query, me, page)
            return
        referral = await self.services.referrals.by_code(code)
        if referral is None or not me.covers_region(referral.region_code):
            await self._audit_refusal(me, verb)
            await self._refuse(bot, chat_id, query, me)
            return
        permitted = {v for v, _ in desk.actions(await self.detail(referral, me), me.role)}
        if "close" in permitted:
            permitted |= {f"outcome:{key}" for key in desk.OUTCOMES}
        if "handover" in permitted and verb.startswith(("hto:", "hwhy:")):
            permitted.add(verb)
        permitted.add("open")
        if verb not in permitted or (verb == "claim" and not self.may_claim(me, referral)):
            await self._audit_refusal(me, verb)
            await self._refuse(bot, chat_id, query, me)
            return
        await self.act(bot, chat_id, query, me, referral, verb)

    def may_claim(self, me: Caseworker, referral: Referral) -> bool:
        """Caseworkers claim their services; supervisors and admins any in their regions."""
        if me.role == "caseworker":
            return me.covers(referral.region_code, referral.service)
        return me.covers_region(referral.region_code)

    async def _audit_refusal(self, me: Caseworker, verb: str) -> None:
        async with self.services.db.transaction() as conn:
            await self.services.audit.append(
                conn, f"caseworker:{me.id}", "desk.refused", None, verb
            )

    async def act(
        self,
        bot: Bot,
        chat_id: int,
        query: CallbackQuery,
        me: Caseworker,
        referral: Referral,
        verb: str,
    ) -> None:
        """Claims, changes the status, closes or reopens, then shows the case again."""
        services = self.services
        actor = f"caseworker:{me.id}"
        tr = self.translator(referral.region_code)
        effects = ChatEffects(bot, chat_id, tr, query)
        if verb == "close":
            await effects.edit(desk.outcome_screen(referral.code), None)
            await effects.answer(None)
            return
        if verb in TYPED_MODES or verb.startswith(("hto:", "hwhy:")):
            await self.start_typing_or_hand_over(bot, effects, me, referral, verb)
            return
        new_status: str | None = None
        ids: list[int] = []
        async with services.db.transaction() as conn:
            if verb == "claim" and await services.referrals.claim(conn, referral.code, me.id):
                new_status = "claimed"
            elif verb.startswith("status:"):
                new_status = verb.removeprefix("status:")
                await services.referrals.set_status(conn, referral.id, new_status, actor)
            elif verb.startswith("outcome:"):
                outcome = verb.removeprefix("outcome:")
                await services.referrals.close(conn, referral.id, outcome, actor)
                await scheduling.on_closed(services, conn, referral)
                new_status = "closed"
            elif verb == "reopen":
                await services.referrals.reopen(conn, referral.id, actor)
                new_status = "in_progress"
            elif verb == "relay_close":
                await services.casework.set_relay_open(conn, referral.id, False)
            await services.audit.append(
                conn,
                actor,
                "case.view" if verb == "open" else f"case.{verb}",
                f"referral:{referral.code}",
            )
            update = desk.her_update(new_status, referral.code) if new_status else None
            if update is not None:
                kind = delivery.CLOSING if new_status == "closed" else "to_her"
                ids = await self.to_her(conn, referral, update, kind=kind)
        if verb == "claim" and new_status is None:
            await effects.answer(tr.render(t("Someone else claimed it first.")))
        elif verb == "claim":
            await self.update_notifications(bot, referral, me)
        fresh = await services.referrals.by_code(referral.code)
        assert fresh is not None
        screen = desk.case_screen(await self.detail(fresh, me), me.role, services.flow_context())
        if verb == "claim":
            await effects.send(screen, None)
        else:
            await effects.edit(screen, None)
        await effects.answer(None)
        await self.deliver(ids)

    async def start_typing_or_hand_over(
        self, bot: Bot, effects: ChatEffects, me: Caseworker, referral: Referral, verb: str
    ) -> None:
        """Asks for a note, a message or a region; or completes a hand-over step."""
        services = self.services
        code = referral.code
        if verb in TYPED_MODES:
            async with services.db.transaction() as conn:
                await services.casework.set_mode(conn, me.id, verb, code)
            await effects.edit(desk.prompt(verb, code), None)
        elif verb.startswith("hto:"):
            target = verb.removeprefix("hto:")
            if services.catalog.office_for(target) is None:
                await effects.answer(self.translator().render(NOT_CURRENT))
                return
            async with services.db.transaction() as conn:
                await services.casework.set_mode(conn, me.id, "handover_reason", code, target)
            await effects.edit(desk.handover_reasons(code), None)
        else:
            await self.hand_over(bot, effects, me, referral, verb.removeprefix("hwhy:"))
        await effects.answer(None)

    async def hand_over(
        self, bot: Bot, effects: ChatEffects, me: Caseworker, referral: Referral, reason: str
    ) -> None:
        """Moves the case to the chosen region's office and tells its caseworkers and her."""
        services = self.services
        mode = await services.casework.mode(me.id)
        office = services.catalog.office_for(mode.extra) if mode else None
        if mode is None or mode.mode != "handover_reason" or mode.code != referral.code:
            await effects.answer(self.translator().render(NOT_CURRENT))
            return
        if office is None or reason not in desk.HANDOVER_REASONS:
            await effects.answer(self.translator().render(NOT_CURRENT))
            return
        region = services.regions.region(mode.extra)
        name = region.name if region else mode.extra
        async with services.db.transaction() as conn:
            await services.referrals.hand_over(
                conn, referral.id, mode.extra, office.key, f"caseworker:{me.id}"
            )
            moved = await services.referrals.by_id(referral.id)
            assert moved is not None
            ids = await self.to_her(conn, moved, desk.handed_over_to_her(referral.code, name))
            ids += await notices.announce(services, conn, referral.code)
            await scheduling.schedule_claim_reminders(services, conn, moved, services.clock())
            await services.casework.clear_mode(conn, me.id)
            await services.audit.append(
                conn,
                f"caseworker:{me.id}",
                "case.handover",
                f"referral:{referral.code}",
                f"{referral.region_code}->{mode.extra} {reason}",
            )
        await self.deliver(ids)
        await effects.edit(
            Screen("desk_done", (desk.done_notice("handover", referral.code),)), None
        )

    async def show_case(
        self, bot: Bot, chat_id: int, query: CallbackQuery | None, me: Caseworker, code: str
    ) -> None:
        """Shows a case view as new messages (audited)."""
        referral = await self.services.referrals.by_code(code)
        if referral is None:
            return
        async with self.services.db.transaction() as conn:
            await self.services.audit.append(
                conn, f"caseworker:{me.id}", "case.view", f"referral:{code}"
            )
        detail = await self.detail(referral, me)
        screen = desk.case_screen(detail, me.role, self.services.flow_context())
        await ChatEffects(bot, chat_id, self.translator(referral.region_code), query).send(
            screen, None
        )

    async def detail(self, referral: Referral, me: Caseworker) -> desk.CaseDetail:
        """The consented details of a referral, for the case view."""
        personal = await self.services.referrals.personal(referral.id)
        history = await self.services.referrals.history(referral.id)
        windows = {
            "morning": "08.00–12.00",
            "midday": "12.00–16.00",
            "evening": "16.00–20.00",
            "any": "08.00–20.00",
        }
        card = self.card(referral, me)
        if personal.get("item"):
            card = dataclasses.replace(card, item=personal["item"])
        return desk.CaseDetail(
            card=card,
            contact=referral.contact,
            window=windows.get(referral.time_window or "", ""),
            phone_alone=referral.phone_alone,
            nickname=personal.get("nickname", ""),
            phone=personal.get("phone", ""),
            outcome=referral.outcome or "",
            history=tuple(history),
            notes=tuple(await self.services.casework.notes(referral.id)),
            thread=tuple(await self.services.casework.relay_thread(referral.id)),
            relay_open=referral.relay_open,
        )

    async def show_queue(
        self, bot: Bot, chat_id: int, query: CallbackQuery | None, me: Caseworker, page: int
    ) -> None:
        """Her open referrals, urgent first then oldest, a page at a time."""
        referrals = await self.services.referrals.open_in(me.regions)
        if me.role == "caseworker":
            referrals = [r for r in referrals if me.covers(r.region_code, r.service)]
        cards = tuple(self.card(r, me) for r in referrals)
        screen = desk.queue_screen(cards, page, self.services.flow_context())
        effects = ChatEffects(bot, chat_id, self.translator(), query)
        if query is not None:
            await effects.edit(screen, None)
            await effects.answer(None)
        else:
            await effects.send(screen, None)

    async def cancelled_by_her(self, bot: Bot, code: str, *, withdrawn: bool = False) -> None:
        """Edits the notifications of a referral she cancelled or withdrew."""
        referral = await self.services.referrals.by_code(code)
        if referral is None:
            return
        tr = self.translator(referral.region_code)
        notice = desk.withdrawn_notice(code) if withdrawn else desk.cancelled_notice(code)
        text = bubble_text(notice, tr)
        for _, chat_id, message_id in await self.services.referrals.notifications(referral.id):
            with contextlib.suppress(TelegramError):
                await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)

    async def update_notifications(self, bot: Bot, referral: Referral, me: Caseworker) -> None:
        """Edits every notification of a claimed referral: "you claimed it" or "taken"."""
        tr = self.translator(referral.region_code)
        for caseworker_id, chat_id, message_id in await self.services.referrals.notifications(
            referral.id
        ):
            notice = desk.taken_notice(referral.code, by_me=caseworker_id == me.id)
            try:
                await bot.edit_message_text(
                    bubble_text(notice, tr), chat_id=chat_id, message_id=message_id
                )
            except TelegramError as exc:
                log.info("notification not edited: %s", type(exc).__name__)

    async def to_her(
        self,
        conn: aiosqlite.Connection,
        referral: Referral,
        message: Bubble,
        thread: bool = False,
        kind: str = "to_her",
    ) -> list[int]:
        """Queues a neutral message to her (with reply buttons for the thread)."""
        rows = relay.thread_keyboard(referral.code) if thread else ()
        screen = Screen("to_her", neutral(*message.parts).bubbles, rows)
        return await notices.to_her(
            self.services, conn, referral.user_id, screen, kind=kind, referral_id=referral.id
        )
