"""The queue of updates waiting for the bot, confirmed by getUpdates offsets or webhook replies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

FIRST_UPDATE_ID = 100_000_001
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True)
class PendingUpdate:
    """One update not yet confirmed by the bot."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    wire: Any = None  # when set: sent exactly as it is (a malformed update, for tests)

    def json(self) -> Any:
        """Returns the Update object."""
        if self.wire is not None:
            return self.wire
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Updates in id order; an update leaves the queue only when the bot confirms it."""

    def __init__(self, on_confirmed: Callable[[int, bool], None]) -> None:
        self._pending: list[PendingUpdate] = []
        self._next_id = FIRST_UPDATE_ID
        self._on_confirmed = on_confirmed
        self.arrived = asyncio.Event()
        self.allowed_updates: frozenset[str] | None = None

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Adds an update and returns its id."""
        update = PendingUpdate(self._next_id, kind, payload)
        self._next_id += 1
        self._pending.append(update)
        self.arrived.set()
        return update.update_id

    def push_raw(self, wire: Any) -> int:
        """Adds an update sent as given (an object without update_id gets the queue's own id)."""
        if isinstance(wire, dict) and "update_id" not in wire:
            wire = {"update_id": self._next_id, **wire}
        update = PendingUpdate(self._next_id, "message", {}, wire)
        self._next_id += 1
        self._pending.append(update)
        self.arrived.set()
        return update.update_id

    @property
    def pending(self) -> Sequence[PendingUpdate]:
        """The updates not confirmed yet, oldest first."""
        return tuple(self._pending)

    def set_allowed(self, allowed: list[str] | None) -> None:
        """Applies an allowed_updates list; None keeps the previous setting, [] resets it."""
        if allowed is not None:
            self.allowed_updates = frozenset(allowed) if allowed else None

    def deliverable(self) -> list[PendingUpdate]:
        """Drops updates of types the bot did not ask for and returns the rest."""
        allowed = self.allowed_updates
        unwanted = [
            u
            for u in self._pending
            if (u.kind not in allowed if allowed is not None else u.kind in NOT_BY_DEFAULT)
        ]
        self._drop(unwanted, delivered=False)
        return list(self._pending)

    def confirm_below(self, offset: int) -> None:
        """Forgets every update with an id lower than offset."""
        self._drop([u for u in self._pending if u.update_id < offset], delivered=True)

    def keep_last(self, count: int) -> None:
        """Forgets all but the newest count updates (a negative getUpdates offset)."""
        self._drop(self._pending[: max(len(self._pending) - count, 0)], delivered=False)

    def drop(self, updates: Sequence[PendingUpdate], delivered: bool) -> None:
        """Forgets these updates: delivered to the bot, or filtered out."""
        self._drop(list(updates), delivered)

    def drop_all(self) -> None:
        """Forgets every pending update (drop_pending_updates)."""
        self._drop(list(self._pending), delivered=False)

    def _drop(self, updates: list[PendingUpdate], delivered: bool) -> None:
        ids = {u.update_id for u in updates}
        if not ids:
            return
        self._pending = [u for u in self._pending if u.update_id not in ids]
        if not self._pending:
            self.arrived.clear()
        for update_id in sorted(ids):
            self._on_confirmed(update_id, delivered)
