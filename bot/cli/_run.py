"""``planbot run | console | telegram | dingtalk | webhook``: the bot itself, on a transport.

``planbot run`` serves DingTalk when DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are set,
Telegram when BOT_TOKEN is, both at once (one engine, DingTalk in a thread of its own) when
both are, and the terminal dialogue otherwise.
"""

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
    if settings.dingtalk_enabled and settings.bot_token:
        return both(args, settings)
    if settings.dingtalk_enabled:
        return dingtalk(args, settings)
    if settings.bot_token:
        return telegram(args, settings)
    return console(args, settings)


def dingtalk(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.dingtalk.runner import owners, run_stream

    if not settings.dingtalk_enabled:
        raise InputError("dingtalk_credentials_missing")
    settings = owners(settings)
    return run_stream(settings, _serving_engine(settings))


def both(args: argparse.Namespace, settings: Settings) -> int:
    """Telegram (long polling, one process) in the main thread, DingTalk beside it; Ctrl-C
    stops both."""
    import asyncio
    import threading

    from bot.adapters.dingtalk.runner import owners, serve
    from bot.adapters.telegram import run_polling

    settings = owners(settings)
    engine = _bot_engine(settings)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def stream() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve(settings, engine, stop))
        loop.close()

    thread = threading.Thread(target=stream, name="dingtalk", daemon=True)
    thread.start()
    try:
        return run_polling(settings, engine)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join()


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
    if not settings.bot_token:
        raise InputError("bot_token_missing")
    return _serving_engine(settings)


def _serving_engine(settings: Settings) -> Engine:
    """An engine for a chat platform, warmed up, its long-lived data out of the collector's way."""
    from bot.app import build_engine

    engine = build_engine(settings, search=True)  # search dictionary loaded before any thread
    engine.warm_up()  # templates compiled once, before workers fork, not by their first users
    # the library, the index and the gazetteer live as long as the process: keep them out of
    # the collector's way (shorter full collections; forked workers keep sharing their pages)
    gc.collect()
    gc.freeze()
    return engine
