"""A fake Telegram Bot API on 127.0.0.1 that checks every request against the published spec,
and a simulated user to chat with the bot through it.

``tests.fakebot.harness.running_bot(engine)`` runs the real application against it.
"""

from tests.fakebot.server import ApiCall, ChatMessage, FakeBotApi, InlineButton
from tests.fakebot.spec import BotApiSpec, UploadedFile, load_spec
from tests.fakebot.user import SimulatedUser

__all__ = [
    "ApiCall",
    "BotApiSpec",
    "ChatMessage",
    "FakeBotApi",
    "InlineButton",
    "SimulatedUser",
    "UploadedFile",
    "load_spec",
]
