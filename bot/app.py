"""Wiring: the engine every adapter talks to, built once from the settings.

    engine = build_engine(Settings())
    replies = engine.handle(event)
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.dialogue.export import word_exporter
from bot.dialogue.turn import Clock
from bot.library.revisions import load_effective_library
from bot.messages import Messages
from bot.store import open_store

if TYPE_CHECKING:  # the engine is what the adapters expect
    from bot.adapters.protocol import DialogueEngine

    _ENGINE: type[DialogueEngine] = Engine


def build_engine(settings: Settings, *, clock: Clock = date.today) -> Engine:
    """Load the clause library once, open the store under ``settings.data_dir``."""
    library = load_effective_library(settings)  # shipped snippets/ + the admins' revisions
    store = open_store(settings.data_dir)
    messages = Messages(settings.prompts_dir)
    return Engine(library, store, messages, clock=clock, word_export=word_exporter(),
                  data_dir=settings.data_dir)
