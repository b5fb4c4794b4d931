"""Her turn: load her session and context, run the pure flow, commit once, hand back the rest.

Every input of hers (a message, a button, a command, an answer to a follow-up) passes here, whatever
the channel. What the channel does with the result: carry out `Turn.effects` in her chat, then the
`Turn.after` work (messages queued for other people, staff notifications to edit).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.channel import AfterCommit
from bot.core.commit import commit
from bot.core.i18n import Translator
from bot.core.services import Services
from flows.core import engine, sealed
from flows.core.effects import (
    CreateReferral,
    DeleteMyData,
    Effect,
    FollowUpView,
    Outcome,
    SealedView,
)
from flows.core.engine import UNDELIVERED
from flows.core.node import Context
from flows.core.types import ButtonIn, Input, Session
from storage.referrals import DuplicateCode
from storage.users import User

CODE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Turn:
    """One handled input of hers, committed."""

    user_id: int
    outcome: Outcome
    after: AfterCommit
    translator: Translator

    @property
    def effects(self) -> tuple[Effect, ...]:
        """What to show in her chat, in order."""
        return self.outcome.effects

    @property
    def erased(self) -> bool:
        """Whether she deleted everything in this turn (keep no trace of her chat then)."""
        return any(isinstance(e, DeleteMyData) for e in self.outcome.effects)

    @property
    def created(self) -> bool:
        """Whether this turn sent a request (its confirmation must reach her)."""
        return any(isinstance(e, CreateReferral) for e in self.outcome.effects)

    @property
    def protect(self) -> bool:
        """Whether every message of hers is sent protected (a shared phone)."""
        return self.outcome.session.shared_phone


class HerSide:
    """Runs her turns: load, pure flow, one commit."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def context_for(self, user: User) -> Context:
        """Her referrals, the follow-up questions she may answer and her follow-up choice."""
        services = self.services
        referrals = await services.referrals.for_user(user.id)
        codes = {r.id: r.code for r in referrals}
        views = [
            FollowUpView(f.id, f.kind, codes[f.referral_id], f.state)
            for f in await services.followups.for_user(user.id)
            if f.state == "sent" and f.referral_id in codes
        ]
        staff = await services.caseworkers.covers()  # who can take a request, for her screens
        return services.flow_context(referrals, views, user.followups, staff)

    async def opening(self, user: User, inp: Input, ctx: Context) -> Context:
        """The context with the sealed message her tap opens, if it is hers and still kept."""
        wanted = sealed.sealed_id(inp.data) if isinstance(inp, ButtonIn) else None
        found = await self.services.sealed.get(wanted, user.id) if wanted is not None else None
        if found is None:
            return ctx
        return replace(ctx, opened=SealedView(found.id, found.text, found.buttons))

    def translator(self, session: Session) -> Translator:
        """The translator for a session: its locale and its region's time zone."""
        regions = self.services.regions
        region = regions.region(session.region_code) if session.region_code else None
        return self.services.catalogs.translator(
            session.locale, region.timezone if region else None
        )

    async def take(self, person_id: int, inp: Input, update_id: int | None = None) -> Turn:
        """Handles one input of the person with this channel id and commits what it decided.

        `update_id` (the channel's id of the input) is marked handled in the same commit. Her
        reads, the flow and the commit run as one database job (no thread hop when it is free).
        """
        user_id, outcome, after = await self.services.db.run(self._take, person_id, inp, update_id)
        return Turn(user_id, outcome, after, self.translator(outcome.session))

    async def _take(
        self, person_id: int, inp: Input, update_id: int | None
    ) -> tuple[int, Outcome, AfterCommit]:
        """The turn itself, as one job: load, pure flow, commit (retrying a code)."""
        services = self.services
        user = await services.users.get_or_create(person_id)
        session = Session.from_dict(await services.sessions.load(user.id))
        ctx = await self.opening(user, inp, await self.context_for(user))
        for _ in range(CODE_ATTEMPTS):
            outcome = _until_delivered(engine.handle(session, inp, ctx))
            try:
                return user.id, outcome, await commit(services, user.id, outcome, update_id)
            except DuplicateCode:
                ctx = services.with_fresh_code(ctx)
        raise RuntimeError("no free reference code after several attempts")

    async def delivered(self, turn: Turn) -> None:
        """Records that the confirmation of a sent request reached her chat.

        Until then her session says "undelivered": after a crash between the commit and the
        reply, her next message or tap shows the confirmation, with her code, again.
        """
        if turn.created:
            await self.services.db.run(self._delivered, turn)

    async def _delivered(self, turn: Turn) -> None:
        """delivered() as one database job."""
        services = self.services
        async with services.db.transaction() as conn:
            stored = Session.from_dict(await services.sessions.load(turn.user_id))
            if stored.seq != turn.outcome.session.seq or not stored.param(UNDELIVERED):
                return  # a newer turn came first
            params = tuple((k, v) for k, v in stored.params if k != UNDELIVERED)
            await services.sessions.save(
                conn, turn.user_id, replace(stored, params=params).to_dict()
            )


def _until_delivered(outcome: Outcome) -> Outcome:
    """Marks the session of a turn that sent a request as not yet confirmed to her."""
    if not any(isinstance(e, CreateReferral) for e in outcome.effects):
        return outcome
    session = outcome.session
    params = tuple(sorted({**dict(session.params), UNDELIVERED: "1"}.items()))
    return replace(outcome, session=replace(session, params=params))
