"""``planbot run | console | telegram | webhook``: the bot itself, on a transport."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.errors import InputError

if TYPE_CHECKING:
    from bot.dialogue.engine import Engine


def run(args: argparse.Namespace, settings: Settings) -> int:
    return telegram(args, settings) if settings.bot_token else console(args, settings)


def console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.console import run_console
    from bot.app import build_engine

    if "PLANBOT_LOG_LEVEL" not in os.environ:  # keep the dialogue readable: warnings only
        logging.getLogger().setLevel(logging.WARNING)

    return run_console(build_engine(settings, search=True), sys.stdin, sys.stdout)


def telegram(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.telegram import run_polling

    engine = _bot_engine(settings)
    if settings.workers > 1:
        from bot.adapters.workers import run_workers

        return run_workers(settings, engine, settings.workers)
    return run_polling(settings, engine)


def webhook(args: argparse.Namespace, settings: Settings) -> int:
    """Updates over HTTP (``bot/adapters/webhook.py``), in one process: several instances
    behind the reverse proxy rather than worker processes behind one."""
    from bot.adapters.webhook import run_webhook

    if not settings.telegram_webhook_url:
        raise InputError("webhook_url_missing")
    if settings.workers > 1:
        raise InputError("webhook_workers", workers=settings.workers)
    return run_webhook(settings, _bot_engine(settings))


def _bot_engine(settings: Settings) -> Engine:
    """The engine of the Telegram bot, ready before any thread or worker starts."""
    from bot.app import build_engine

    if not settings.bot_token:
        raise InputError("bot_token_missing")
    engine = build_engine(settings, search=True)  # search dictionary loaded before any thread
    engine.warm_up()  # templates compiled once, before workers fork, not by their first users
    # the library, the index and the gazetteer live as long as the process: keep them out of
    # the collector's way (shorter full collections; forked workers keep sharing their pages)
    gc.collect()
    gc.freeze()
    return engine
