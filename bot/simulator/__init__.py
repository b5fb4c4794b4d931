"""A local Telegram Bot API server and the people using the bot, for tests and the demo."""

from bot.simulator.chat import ChatMessage, InlineButton
from bot.simulator.core import ApiCall
from bot.simulator.faults import Fault
from bot.simulator.simulator import BotApiSimulator
from bot.simulator.user import SimGroup, SimUser

__all__ = [
    "ApiCall",
    "BotApiSimulator",
    "ChatMessage",
    "Fault",
    "InlineButton",
    "SimGroup",
    "SimUser",
]
