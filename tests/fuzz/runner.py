"""Runs plans of acts against the real bot: each act becomes one Bot API update.

The fast path builds the update in the simulator's world and hands it straight to
`Application.process_update` (the real handler, real SQLite, real Bot API calls to the
simulator); after each update the acting person's stored state is checked.
"""

from __future__ import annotations

import asyncio
import json
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.core.config import Settings, load_settings
from bot.core.services import Services
from bot.simulator import BotApiSimulator, SimUser
from bot.simulator.incoming import command_entities
from bot.simulator.keyboards import inline_buttons
from bot.simulator.state import Chat, StoredMessage
from bot.telegram import app as telegram_app
from storage.crypto import create_key_file
from tests.auxil.harness import TOKEN, Jembatan, spec_path
from tests.auxil.updates import MEDIA_KINDS, UpdateFactory, entity_json
from tests.fuzz.invariants import Collector, check_caseworker, check_person
from tests.fuzz.strategies import CASEWORKER, FORWARD, PEOPLE, Act

#: A caseworker's presses whose query expired are generated too (tests/fuzz/test_findings.py).
STAFF_STALE_QUERIES = True
#: The bot answers every group message; python-telegram-bot allows 20 a minute per group.
GROUP_REPLIES = 15
LANGUAGES = ("id", "en", None, "ar", "zh-hans")
#: How far the clock jumps for a "later" act: an hour, a day, past the contact check, past 2 weeks.
LATER = (
    timedelta(hours=1),
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=3, hours=2),
    timedelta(days=15),
)
REGION_WORDS = (
    "kupang",
    "kota kediri",
    "kab kediri",
    "jakarta barat",
    "palangka raya",
    "banjarbaru",
)


def fuzz_settings(data_dir: Path) -> Settings:
    """Settings for the fuzzed bot: its own data directory, no overall rate limit."""
    environ = {"JEMBATAN_DATA_DIR": str(data_dir), "JEMBATAN_OVERALL_RATE": "0"}
    settings = load_settings(environ=environ, dotenv=None)
    if not settings.key_file.exists():
        create_key_file(settings.key_file)
    return settings


def short(payload: dict[str, Any], limit: int = 1500) -> str:
    """A payload as JSON, cut to a readable length."""
    text = json.dumps(payload, ensure_ascii=True)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


@dataclass
class Cast:
    """Who acts in one plan: three people, a caseworker, a group and a channel."""

    people: list[int]
    caseworker_telegram: int
    caseworker_id: int
    group: Chat
    channel: Chat
    users: dict[int, SimUser]
    group_replies: int = 0
    channel_replies: int = 0


@dataclass
class Failure:
    """An exception that reached python-telegram-bot's error handlers."""

    update: str
    error: str
    trace: str


@dataclass
class Fuzzer:
    """The running bot, the update factory, and the counts and findings of a fuzz run."""

    sim: BotApiSimulator
    jembatan: Jembatan
    factory: UpdateFactory
    collector: Collector = field(default_factory=Collector)
    failures: list[Failure] = field(default_factory=list)
    count: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    examples: int = 0
    acts: int = 0
    laters: int = 0
    states: dict[str, int] = field(default_factory=dict)

    @property
    def app(self) -> telegram_app.App:
        assert self.jembatan.app is not None
        return self.jembatan.app

    @property
    def services(self) -> Services:
        assert self.jembatan.services is not None
        return self.jembatan.services

    @classmethod
    async def open(cls, data_dir: Path, collector: Collector) -> Fuzzer:
        """A simulator and a bot with its own data directory, started, errors watched."""
        sim = BotApiSimulator(token=TOKEN, spec_path=spec_path())
        await sim.start()
        fuzzer = cls(sim, Jembatan(sim, fuzz_settings(data_dir)), UpdateFactory(sim), collector)
        try:
            await fuzzer.jembatan.start()
        except BaseException:
            await sim.stop()
            raise
        fuzzer.app.add_error_handler(fuzzer._on_error)
        return fuzzer

    async def close(self) -> None:
        """Lets the outbox settle, stops the bot, then the simulator."""
        try:
            if self.jembatan.app is not None:
                await self.jembatan.outbox_idle(60)
        finally:
            try:
                await self.jembatan.stop()
            finally:
                await self.sim.stop()

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        payload = update.to_dict() if isinstance(update, Update) else {"update": repr(update)}
        trace = "".join(traceback.format_exception(error)) if error is not None else ""
        self.failures.append(Failure(short(payload), repr(error), trace))

    # ------------------------------------------------------------------ feeding

    def seen(self, state: str | None) -> None:
        """Counts the screens people were on after their updates."""
        if state is not None:
            self.states[state] = self.states.get(state, 0) + 1

    async def depth(self) -> dict[str, int]:
        """How far the plans went: requests, their states, what caseworkers and people did."""
        queries = {
            "referrals": "SELECT count(*) FROM referrals",
            "claimed": "SELECT count(*) FROM referrals WHERE claimed_by IS NOT NULL",
            "closed": "SELECT count(*) FROM referrals WHERE status = 'closed'",
            "cancelled": "SELECT count(*) FROM referrals WHERE status = 'cancelled'",
            "withdrawn": "SELECT count(*) FROM referrals WHERE status = 'withdrawn'",
            "relayed": "SELECT count(*) FROM relay_messages",
            "notes": "SELECT count(*) FROM notes",
            "followups_answered": "SELECT count(*) FROM followups WHERE state = 'answered'",
            "erased": "SELECT count(*) FROM audit_log WHERE action = 'user.erase'",
        }
        found = {}
        for name, sql in queries.items():
            row = await self.services.db.fetchone(sql)
            found[name] = int(row[0]) if row is not None else 0
        return found

    async def feed(self, payload: dict[str, Any], actor: int | None = None) -> None:
        """Hands one update to the bot and checks what must hold afterwards."""
        update = Update.de_json(payload, self.app.bot)
        kind = next(k for k in payload if k != "update_id")
        errors_before, failures_before = len(self.collector.errors()), len(self.failures)
        await self.app.process_update(update)
        self.count += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        new_failures = self.failures[failures_before:]
        assert not new_failures, (
            f"an exception reached the error handler: {new_failures[0].error}\n"
            f"update: {new_failures[0].update}\n{new_failures[0].trace}"
        )
        new_errors = self.collector.errors()[errors_before:]
        assert not new_errors, (
            f"ERROR logged: {new_errors[0].name}: {new_errors[0].getMessage()}\n"
            f"update: {short(payload)}"
        )
        if actor is not None:
            self.seen(await check_person(self.services, actor))

    # ------------------------------------------------------------------ one plan

    async def cast(self, role: str) -> Cast:
        """Three new people, a newly invited caseworker (bound by /start inv_...), a group."""
        sim = self.sim
        people = [
            sim.user(f"Orang{i}", language_code=LANGUAGES[(self.examples + i) % len(LANGUAGES)])
            for i in range(PEOPLE)
        ]
        staff = sim.user("Petugas")
        caseworker_id, token = await self.services.caseworkers.invite(
            "Petugas", role, ["*"], ["*"], timedelta(days=7)
        )
        text = f"/start inv_{token}"
        chat = self.factory.world.chats[staff.user_id]
        payload, _ = self.factory.text_message(chat, staff.user_id, text, command_entities(text))
        await self.feed(payload)
        me = await self.services.caseworkers.by_telegram(staff.user_id)
        assert me is not None and me.id == caseworker_id, "the invite did not bind her account"
        group = self.factory.world.add_group(f"Arisan {self.examples}", [p.user_id for p in people])
        channel = self.factory.channel(f"Info {self.examples}")
        users = {u.user_id: u for u in (*people, staff)}
        return Cast(
            [p.user_id for p in people], staff.user_id, caseworker_id, group, channel, users
        )

    async def run(self, plan: list[Act], role: str) -> None:
        """Runs one plan with a fresh cast, then checks everyone and retires the caseworker."""
        self.examples += 1
        self.jembatan.clock.advance(minutes=7)
        cast = await self.cast(role)
        try:
            await self.play(cast, plan)
            for telegram_id in cast.people:
                await check_person(self.services, telegram_id)
            await check_caseworker(self.services, cast.caseworker_id)
            assert self.sim.spec_violations == [], self.sim.spec_violations[:3]
        finally:
            async with self.services.db.transaction() as conn:
                await self.services.caseworkers.deactivate(conn, cast.caseworker_id)

    async def play(self, cast: Cast, plan: list[Act]) -> None:
        """Runs the acts one after the other."""
        for act in plan:
            await self.step(cast, act)

    async def later(self, cast: Cast, act: Act) -> None:
        """Time passes: due follow-ups and reminders go out, as the sweeper job would send them.

        The clock only moves forward: over a shard's plans it runs from November 2026 well into
        2028, past the years lokal-id has holiday data for (tests/fuzz/test_findings.py).
        """
        self.jembatan.clock.advance(seconds=LATER[act.n % len(LATER)].total_seconds())
        errors_before = len(self.collector.errors())
        sweeper = self.app.bot_data.sweeper
        assert sweeper is not None
        await sweeper.sweep()
        await self.outbox_settled()
        self.laters += 1
        new_errors = self.collector.errors()[errors_before:]
        assert not new_errors, f"ERROR logged: {new_errors[0].name}: {new_errors[0].getMessage()}"
        for person in cast.people:
            await check_person(self.services, person)

    async def outbox_settled(self, within: float = 60.0) -> None:
        """Waits until no outbox row is due and none is in flight; says what is left if not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.jembatan.outbox.busy or await self.services.outbox.due(1):
            if loop.time() > deadline:
                rows = await self.services.db.fetchall(
                    "SELECT kind, chat_id, state, attempts, last_error, next_attempt_at "
                    "FROM outbox WHERE state IN ('pending', 'sending')"
                )
                left = [tuple(r) for r in rows][:20]
                raise AssertionError(f"the outbox did not settle in {within} s: {left}")
            await asyncio.sleep(0.02)

    def telegram_id(self, cast: Cast, actor: int) -> int:
        return cast.caseworker_telegram if actor == CASEWORKER else cast.people[actor]

    async def step(self, cast: Cast, act: Act) -> None:
        """Turns an act into one update and feeds it (or lets time pass)."""
        if act.kind == "later":
            await self.later(cast, act)
            return
        if act.kind == "run":
            for i in range(act.n):
                # The best button at each step, but the m-th step takes another one.
                deviation = 4 + act.m % 4 if i == act.m else 0
                await self.step(cast, Act("forward", act.actor, n=deviation))
            return
        who = self.telegram_id(cast, act.actor)
        chat = self.factory.world.chats[who]
        payload = await self.payload(cast, act, who, chat)
        self.acts += 1
        await self.feed(payload, actor=who if act.actor != CASEWORKER else None)
        if act.actor == CASEWORKER:
            for person in cast.people:
                await check_person(self.services, person)

    # ------------------------------------------------------------------ acts to payloads

    def keyboards(self, chat: Chat) -> list[tuple[StoredMessage, list[str]]]:
        """The bot's messages with callback buttons, newest first, with their data."""
        found = []
        for message in reversed(chat.visible()):
            if not message.from_bot:
                continue
            data = [
                str(b["callback_data"])
                for row in inline_buttons(message.reply_markup)
                for b in row
                if b.get("callback_data") is not None
            ]
            if data:
                found.append((message, data))
        return found

    def entities(self, who: int, act: Act) -> list[dict[str, Any]]:
        user = self.factory.user_json(who)
        return [entity_json(kind, offset, length, user) for kind, offset, length in act.entities]

    def text_payload(self, chat: Chat, who: int, text: str) -> dict[str, Any]:
        payload, _ = self.factory.text_message(chat, who, text, command_entities(text))
        return payload

    async def codes(self, cast: Cast) -> list[str]:
        """Reference codes of this cast's requests (for forged desk and relay buttons)."""
        rows = await self.services.db.fetchall(
            "SELECT r.code FROM referrals r JOIN users u ON u.id = r.user_id "
            f"WHERE u.telegram_id IN ({','.join('?' * len(cast.people))}) ORDER BY r.id",
            tuple(cast.people),
        )
        return [str(r[0]) for r in rows]

    async def payload(self, cast: Cast, act: Act, who: int, chat: Chat) -> dict[str, Any]:
        f = self.factory
        match act.kind:
            case "press":
                boards = self.keyboards(chat)
                if not boards:
                    return self.text_payload(chat, who, "/start")
                message, choices = boards[act.m % len(boards)]
                return f.callback_query(chat, who, choices[act.n % len(choices)], message)
            case "forward":
                return await self.forward(cast, chat, who, act)
            case "word":
                return self.text_payload(chat, who, act.text)
            case "text":
                entities = self.entities(who, act)
                payload, _ = f.text_message(chat, who, act.text, entities)
                return payload
            case "forge":
                return self.forged(chat, who, act)
            case "forge_seq":
                boards = self.keyboards(chat)
                seq = 0
                if boards:
                    head = boards[0][1][0].partition(":")[0]
                    seq = int(head) if head.isdigit() else 0
                forged = f"{seq + act.n}:{act.data}"
                return f.callback_query(chat, who, forged, boards[0][0] if boards else None)
            case "forge_code":
                codes = await self.codes(cast) or ["K7M4QX"]
                code = codes[act.n % len(codes)]
                if act.data == "f":
                    forged = f"f:{act.n}:{act.text.partition(':')[0] or 'yes'}"
                elif act.data == "r":
                    forged = f"r:{act.text.partition(':')[0] or 'reply'}:{code}"
                else:
                    forged = f"d:{act.text}:{code}"
                boards = self.keyboards(chat)
                return f.callback_query(chat, who, forged, boards[0][0] if boards else None)
            case "media":
                caption = act.data if isinstance(act.data, str) else None
                caption_entities = self.entities(who, act) if caption else None
                return f.media_message(chat, who, act.text, caption, caption_entities)
            case "contact":
                phone = act.text or f.person(who).phone_number
                return f.contact_message(chat, who, phone, own=act.flag)
            case "edit":
                return f.edited_message(chat, who, act.text)
            case "private":
                return self.private_other(cast, chat, who, act)
            case "group":
                return self.in_group(cast, who, act)
            case "chatless":
                return self.chatless(who, act)
        raise ValueError(f"unknown act {act.kind!r}")

    async def forward(self, cast: Cast, chat: Chat, who: int, act: Act) -> dict[str, Any]:
        """Presses the newest keyboard's button that leads deepest, or types her region."""
        f = self.factory
        user = await self.services.users.get(who)
        raw = await self.services.sessions.load(user.id) if user is not None else None
        state = str((raw or {}).get("state", ""))
        if state in {"region_province", "region_regency"} and act.n % 2:
            return self.text_payload(chat, who, REGION_WORDS[act.n % len(REGION_WORDS)])
        if state == "intake_nickname" and act.n % 2:
            return self.text_payload(chat, who, "Mawar")
        if state == "intake_phone" and act.n % 2:
            return self.text_payload(chat, who, "0812-3456-7890")
        boards = self.keyboards(chat)
        if not boards:
            return self.text_payload(chat, who, "/start")
        message, data = boards[0]
        ranked = sorted(
            (rank, d)
            for d in data
            for rank, prefix in enumerate(FORWARD)
            if d.partition(":")[2].startswith(prefix) or d.startswith(prefix)
        )
        if not ranked:
            return f.callback_query(chat, who, data[act.n % len(data)], message)
        # n up to 3: the best; 4 and more: the second best and further, off the main path.
        choice = ranked[min(max(act.n - 3, 0), len(ranked) - 1)][1]
        return f.callback_query(chat, who, choice, message)

    def forged(self, chat: Chat, who: int, act: Act) -> dict[str, Any]:
        f = self.factory
        boards = self.keyboards(chat)
        match act.n:
            case 0:  # on a keyboard she has
                target = boards[act.m % len(boards)][0] if boards else None
                return f.callback_query(chat, who, act.data, target)
            case 1:  # on any message of the chat (hers, or deleted ones' ids)
                visible = chat.visible()
                target = visible[act.m % len(visible)] if visible else None
                return f.callback_query(chat, who, act.data, target)
            case 2:  # on a message too old to be shown
                return f.callback_query(chat, who, act.data, None, inaccessible=True)
            case _:  # without data
                return f.callback_query(chat, who, None, None)

    def private_other(self, cast: Cast, chat: Chat, who: int, act: Act) -> dict[str, Any]:
        f = self.factory
        data = act.data if act.data is not None else ""
        bot = f.world.bot_id
        match act.text:
            case "block":
                return f.chat_member_updated("my_chat_member", chat, who, "member", "kicked", bot)
            case "unblock":
                return f.chat_member_updated("my_chat_member", chat, who, "kicked", "member", bot)
            case "reaction":
                return f.message_reaction(chat, who, "❤")
            case "business_message":
                return f.business_message(chat, who, data or "halo")
            case "edited_business_message":
                return f.business_message(chat, who, data or "halo", edited=True)
            case "deleted_business_messages":
                return f.deleted_business_messages(chat)
            case "business_connection":
                return f.business_connection(who)
            case "join_request":
                return f.chat_join_request(chat, who)
            case "inaccessible_callback":
                return f.callback_query(chat, who, data, None, inaccessible=True)
            case "game_callback":
                return f.callback_query(chat, who, None, None, game=True)
            case "inline_callback":
                return f.inline_callback_query(who, data)
            case "stale_callback":
                target = boards[0][0] if (boards := self.keyboards(chat)) else None
                expired = STAFF_STALE_QUERIES or who != cast.caseworker_telegram
                return f.callback_query(chat, who, data, target, registered=not expired)
            case "guest_private":
                return f.guest_message(who + 1, who, data or "@jembatan_bot halo", "private")
        raise ValueError(act.text)

    def _group(self, cast: Cast) -> Chat:
        """The cast's group, replaced by a new one before the bot's group limit is reached."""
        if cast.group_replies >= GROUP_REPLIES:
            chat = self.factory.world.add_group(f"Arisan {self.examples}b", list(cast.people))
            cast.group = chat
            cast.group_replies = 0
        return cast.group

    def _channel(self, cast: Cast) -> Chat:
        if cast.channel_replies >= GROUP_REPLIES:
            cast.channel = self.factory.channel(f"Info {self.examples}b")
            cast.channel_replies = 0
        return cast.channel

    def in_group(self, cast: Cast, who: int, act: Act) -> dict[str, Any]:
        f = self.factory
        text = act.data if isinstance(act.data, str) and act.data else "halo"
        bot = f.world.bot_id
        if act.text in {"text", "media", "edit"}:
            cast.group_replies += 1
        if act.text in {"channel_post", "channel_media", "edited_channel_post"}:
            cast.channel_replies += 1
        group, channel = self._group(cast), self._channel(cast)
        match act.text:
            case "text":
                if act.n % 3 == 0:
                    text = f"@jembatan_bot {text}"
                entities = self.entities(who, act) or command_entities(text)
                payload, _ = f.text_message(group, who, text, entities)
                return payload
            case "media":
                kind = text if text in MEDIA_KINDS else "sticker"
                return f.media_message(group, who, kind)
            case "edit":
                return f.edited_message(group, who, text)
            case "callback":
                target = next((m for m in reversed(group.visible()) if m.from_bot), None)
                return f.callback_query(group, who, text[:64], target)
            case "bot_added":
                return f.chat_member_updated("my_chat_member", group, who, "left", "member", bot)
            case "bot_removed":
                return f.chat_member_updated("my_chat_member", group, who, "member", "left", bot)
            case "member":
                return f.chat_member_updated("chat_member", group, who, "left", "member", who)
            case "reaction":
                return f.message_reaction(group, who, "👍")
            case "reaction_count":
                return f.message_reaction_count(group)
            case "join_request":
                return f.chat_join_request(channel, who)
            case "channel_post":
                payload, _ = f.text_message(channel, who, text, [])
                return {"update_id": payload["update_id"], "channel_post": self._anonymous(payload)}
            case "channel_media":
                kind = text if text in MEDIA_KINDS else "photo"
                payload = f.media_message(channel, who, kind)
                return {"update_id": payload["update_id"], "channel_post": self._anonymous(payload)}
            case "edited_channel_post":
                payload, _ = f.text_message(channel, who, text, [])
                body = self._anonymous(payload)
                body["edit_date"] = f.world.now()
                return {"update_id": payload["update_id"], "edited_channel_post": body}
            case "boost":
                return f.chat_boost(channel, who, removed=False)
            case "unboost":
                return f.chat_boost(channel, who, removed=True)
            case "guest_group":
                return f.guest_message(-1_000_000 - act.n, who, f"@jembatan_bot {text}", "group")
            case "guest_supergroup":
                chat_id = -1_001_000_000_000 - act.n
                return f.guest_message(chat_id, who, f"@jembatan_bot {text}", "supergroup")
        raise ValueError(act.text)

    @staticmethod
    def _anonymous(payload: dict[str, Any]) -> dict[str, Any]:
        """A channel post: signed by the channel itself, not by a person."""
        body = dict(payload["message"])
        body.pop("from", None)
        body["sender_chat"] = body["chat"]
        return body

    def chatless(self, who: int, act: Act) -> dict[str, Any]:
        f = self.factory
        text = act.data if isinstance(act.data, str) else ""
        match act.text:
            case "inline_query":
                return f.inline_query(who, text[:256])
            case "chosen_inline_result":
                return f.chosen_inline_result(who, text[:256])
            case "poll":
                return f.poll()
            case "poll_answer":
                return f.poll_answer(who)
            case "pre_checkout_query":
                return f.pre_checkout_query(who, text[:128] or "x")
            case "shipping_query":
                return f.shipping_query(who, text[:128] or "x")
            case "purchased_paid_media":
                return f.purchased_paid_media(who, text[:128] or "x")
            case "managed_bot":
                return f.managed_bot(who)
        raise ValueError(act.text)
