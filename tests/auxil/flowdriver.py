"""A pure driver for flow tests: feeds inputs to the engine and keeps what she would see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from flows.catalog import Catalog
from flows.catalog.load import DEFAULT_CATALOG, load_catalog
from flows.core.effects import AnswerButton, EditScreen, Effect, SendScreen
from flows.core.engine import button_data, context_after, handle
from flows.core.node import Context
from flows.core.types import (
    ButtonIn,
    CommandIn,
    Input,
    Localized,
    Part,
    Plain,
    Screen,
    Session,
    Text,
    TextIn,
)
from flows.regions import default_directory

NOW = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)


@cache
def default_catalog() -> Catalog:
    """The sample catalog shipped with the project."""
    return load_catalog(DEFAULT_CATALOG, today=NOW.date(), regions=default_directory())


def context(now: datetime = NOW, code: str = "K7M4QX") -> Context:
    """The flow context used by flow tests: real region data and the sample catalog."""
    return Context(now=now, regions=default_directory(), catalog=default_catalog(), new_code=code)


def label_of(part: Part) -> str:
    """The untranslated text of a label: the msgid, or the plain value."""
    if isinstance(part, Text):
        return part.msgid
    if isinstance(part, Plain):
        return part.value
    assert isinstance(part, Localized)
    return part.get("id")


@dataclass
class FlowDriver:
    """Plays a person against the pure engine."""

    ctx: Context = field(default_factory=context)
    session: Session = field(default_factory=Session)
    screen: Screen | None = None
    effects: tuple[Effect, ...] = ()

    def feed(self, inp: Input) -> tuple[Effect, ...]:
        """Handles one input and remembers the screen it showed."""
        outcome = handle(self.session, inp, self.ctx)
        self.session = outcome.session
        self.effects = outcome.effects
        self.ctx = context_after(self.ctx, outcome.effects)
        for effect in outcome.effects:
            if isinstance(effect, SendScreen | EditScreen):
                self.screen = effect.screen
        return outcome.effects

    def command(self, name: str) -> tuple[Effect, ...]:
        """Sends a slash command."""
        return self.feed(CommandIn(name))

    def send(self, text: str) -> tuple[Effect, ...]:
        """Types a message."""
        return self.feed(TextIn(text))

    def buttons(self) -> list[str]:
        """The labels of the current screen's buttons."""
        assert self.screen is not None
        return [label_of(b.label) for row in self.screen.keyboard for b in row]

    def action_of(self, label: str) -> str:
        """The action of the visible button with this label."""
        assert self.screen is not None
        for row in self.screen.keyboard:
            for b in row:
                if label_of(b.label) == label:
                    return b.action
        raise AssertionError(f"no button {label!r}; buttons: {self.buttons()}")

    def press(self, label: str) -> tuple[Effect, ...]:
        """Presses a button of the current screen by its label."""
        return self.feed(ButtonIn(button_data(self.session.seq, self.action_of(label))))

    def texts(self) -> list[str]:
        """The untranslated parts of every bubble of the current screen."""
        assert self.screen is not None
        return [label_of(p) for b in self.screen.bubbles for p in b.parts]

    def toast(self) -> Text | None:
        """The text of the answer to the pressed button, if any."""
        answers = [e for e in self.effects if isinstance(e, AnswerButton)]
        return answers[0].text if answers else None
