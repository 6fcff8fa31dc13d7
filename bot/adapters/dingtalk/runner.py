"""``planbot dingtalk``: the robot in Stream mode until Ctrl-C (or ``stop``).

:func:`run_stream` owns an event loop; :func:`serve` runs on a loop of the caller's (the tests',
or a thread of ``planbot run`` while Telegram polls in the main thread). :func:`owners` turns
``DINGTALK_ADMIN_IDS`` (staffIds) into our user numbers, added to ``ADMIN_IDS`` before the
engine is built.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import aiohttp

from bot.adapters.dingtalk.adapter import DingTalkAdapter
from bot.adapters.dingtalk.api import DingTalkApi
from bot.adapters.dingtalk.identity import Identities
from bot.adapters.dingtalk.stream import Stream
from bot.adapters.protocol import DialogueEngine
from bot.config import Settings
from bot.messages import Messages

logger = logging.getLogger(__name__)


def owners(settings: Settings) -> Settings:
    """``settings`` with the DingTalk owners' numbers among ``admin_ids``."""
    if not settings.dingtalk_admin_ids:
        return settings
    identities = Identities.open(settings.data_dir)
    numbers = {identities.user(staff) for staff in sorted(settings.dingtalk_admin_ids)}
    return settings.model_copy(update={"admin_ids": settings.admin_ids | numbers})


async def serve(
    settings: Settings, engine: DialogueEngine, stop: asyncio.Event, *, base_delay: float = 1.0
) -> None:
    """Stay connected and serve the robot's messages until ``stop`` is set."""
    async with aiohttp.ClientSession() as session:
        api = DingTalkApi(
            session,
            client_id=settings.dingtalk_client_id,
            client_secret=settings.dingtalk_client_secret,
            api_base=settings.dingtalk_api_base_url,
            oapi_base=settings.dingtalk_oapi_base_url,
        )
        robot_code = settings.dingtalk_robot_code or settings.dingtalk_client_id
        adapter = DingTalkAdapter(engine, Messages(settings.prompts_dir), api,
                                  Identities.open(settings.data_dir), robot_code)
        stream = Stream(session, api, adapter.on_message, adapter.first_time,
                        base_delay=base_delay)
        await stream.run(stop)


def run_stream(settings: Settings, engine: DialogueEngine) -> int:
    """Serve until Ctrl-C or SIGTERM; 0."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
        logger.info("dingtalk: starting")
        await serve(settings, engine, stop)

    asyncio.run(main())
    return 0
