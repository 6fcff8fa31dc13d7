"""One bot, several processes: a poller and ``PLANBOT_WORKERS`` worker processes.

Telegram lets one client at a time call ``getUpdates``, and one Python process uses one core,
so a busy bot on a machine with several cores runs like this (``planbot telegram`` with
``PLANBOT_WORKERS`` > 1)::

                         ┌─ worker 0: PTB Application (no updater) + engine ─┐
    Bot API ── poller ───┼─ worker 1: …                                      ├── Bot API
      getUpdates         └─ …  (update → worker: user id mod N)              ┘   replies

- The engine (library, search index, store) is built once, then the workers are forked from it
  before any thread or event loop exists, so they share its memory and start at once.
- The poller long-polls ``getUpdates`` itself (no parsing into PTB objects: it only reads the
  user id, and drops the keyboard of a pressed button's message, which nothing reads) and passes
  each update as a length-prefixed JSON frame over a Unix socket pair to the
  worker ``user_id mod N``: one user's updates go to one worker, in order, so nothing about
  a user is ever handled in two processes at once (the store locks across processes anyway).
- A worker feeds the frames to its PTB Application, whose handlers are the same
  :class:`~bot.adapters.telegram.TelegramAdapter` as in one process; it answers Telegram
  directly.
- Stopping (SIGTERM or Ctrl-C to the poller; the workers ignore both): the poller stops polling,
  confirms the updates it handed out (as PTB's updater does), closes the sockets; each worker
  finishes the updates it has and exits; the poller waits for them. If the poller dies, the
  workers see the sockets close and do the same. If a worker dies, the poller stops without
  confirming its last batch and exits with status 1, so a supervisor (Docker's restart policy)
  starts the bot again and Telegram hands out the unconfirmed updates again. The log says how
  the worker ended: its exit status, or the signal that killed it.
- Another process polling the same token (409 Conflict): one ERROR line, no more polling, the
  workers finish what they have, exit status 1 after a grace period (``bot.adapters.conflict``,
  as in one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.process import BaseProcess
from typing import Any, Final

import orjson
from telegram import Bot, BotCommand, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter  # what RequestData holds

from bot.adapters import conflict
from bot.adapters.http import AiohttpRequest
from bot.adapters.protocol import DialogueEngine
from bot.adapters.retry import retry_after_seconds, with_retry
from bot.adapters.telegram import ALLOWED_UPDATES, build_application
from bot.compose import gazetteer
from bot.config import Settings

logger = logging.getLogger(__name__)

POLL_TIMEOUT: Final = 10  # seconds Telegram holds a getUpdates call open while nothing happens
POLL_READ_MARGIN: Final = 5.0  # beyond POLL_TIMEOUT before the call counts as timed out
# after a batch, wait this long before the next getUpdates: under load, updates then come a few
# at a time instead of one per call (a call costs the poller about 0.4 ms of CPU, and Telegram
# as much); in benchmarks chat, p99 from a user's update to the reply, the wait included
# (sent→reply), had a median of 91 ms without it and 40 ms with it over 4 A/B pairs
POLL_GATHER: Final = 0.002
MAX_BACKOFF: Final = 30.0  # seconds between getUpdates attempts while the network is down
STOP_TIMEOUT: Final = 60.0  # seconds the workers get to finish their updates after a stop
_FRAME: Final = struct.Struct(">I")  # length of the JSON that follows
_USER_OF: Final = ("message", "callback_query", "inline_query", "edited_message")


@dataclass
class _Worker:
    process: BaseProcess
    sock: socket.socket


def run_workers(settings: Settings, engine: DialogueEngine, count: int) -> int:
    """Serve the bot with ``count`` worker processes until SIGTERM/SIGINT; the exit status.

    Call it from the main thread of a process that has started no thread yet (they would not
    survive the fork); ``engine`` is shared with the workers by forking.
    """
    gazetteer.preload()  # shared by the workers, not built by each (warm_up did it already)
    threads = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    if threads:  # a lock one of them holds at the fork would stay locked in the workers
        raise RuntimeError(f"run_workers must fork before any thread starts; running: {threads}")
    context = multiprocessing.get_context("fork")
    pairs = [socket.socketpair() for _ in range(count)]
    workers: list[_Worker] = []
    for number, (ours, theirs) in enumerate(pairs):
        others = [s for pair in pairs for s in pair if s is not theirs]
        process = context.Process(
            target=_worker_main,
            args=(settings, engine, theirs, others, number),
            name=f"planbot-worker-{number}",
            daemon=False,
        )
        process.start()
        workers.append(_Worker(process, ours))
    for _, theirs in pairs:
        theirs.close()
    logger.info("serving with %d workers: %s", count,
                ", ".join(str(w.process.pid) for w in workers))
    try:
        status = asyncio.run(_Poller(settings, engine.commands(), workers).run())
    finally:
        for worker in workers:
            worker.sock.close()  # end of input: the worker finishes what it has and exits
        for worker in workers:
            worker.process.join(STOP_TIMEOUT)
            if worker.process.is_alive():
                logger.error("worker %s did not stop in time; terminating it", worker.process.pid)
                worker.process.terminate()
                worker.process.join()
    failed = [w.process for w in workers if w.process.exitcode not in (0, None)]
    if failed:
        logger.error("workers that failed: %s", ", ".join(
            f"{p.pid} ({_how_it_ended(p.exitcode)})" for p in failed))
    return 1 if status or failed else 0


class _Poller:
    """Long-polls ``getUpdates`` and hands each update to its user's worker."""

    def __init__(
        self, settings: Settings, commands: Sequence[tuple[str, str]], workers: list[_Worker]
    ) -> None:
        self.settings = settings
        self.commands = commands
        self.workers = workers
        self.stopping = asyncio.Event()
        self.status = 0
        self._poller: asyncio.Task[Any] | None = None  # the task running ``_poll``
        self._polling = False  # whether it is waiting for getUpdates

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop)
        for worker in self.workers:
            loop.add_reader(worker.process.sentinel, partial(self._worker_ended, worker))
        settings = self.settings
        polling = AiohttpRequest(1, read_timeout=POLL_TIMEOUT + POLL_READ_MARGIN)
        bot = Bot(
            settings.bot_token,
            base_url=settings.telegram_api_base_url,
            base_file_url=settings.telegram_file_base_url,
            request=AiohttpRequest(4),
            get_updates_request=polling,
        )
        writers = [
            (await asyncio.open_unix_connection(sock=w.sock))[1] for w in self.workers
        ]
        try:
            async with bot:  # initialises and shuts down both requests
                await self._prepare(bot)
                await self._poll(bot, polling, writers)
        except InvalidToken as exc:
            logger.error("cannot poll for updates: %s", exc)
            self.status = 1
        except Conflict as exc:  # the workers finish what they have meanwhile
            conflict.report(exc.message)
            self.status = conflict.EXIT_STATUS
            await self._pause(conflict.GRACE)
        finally:
            for writer in writers:
                writer.close()
        return self.status

    async def _prepare(self, bot: Bot) -> None:
        """The command menu, and no webhook (it would make ``getUpdates`` fail)."""
        commands = [BotCommand(name, description) for name, description in self.commands]
        await with_retry(partial(bot.set_my_commands, commands), what="setMyCommands")
        await with_retry(bot.delete_webhook, what="deleteWebhook")

    async def _poll(
        self, bot: Bot, polling: AiohttpRequest, writers: list[asyncio.StreamWriter]
    ) -> None:
        url = f"{bot.base_url}/getUpdates"
        offset = 0
        backoff = 0.0
        self._poller = poller = asyncio.current_task()
        assert poller is not None
        while not self.stopping.is_set():
            data = _request_data(offset=offset, timeout=POLL_TIMEOUT,
                                 allowed_updates=list(ALLOWED_UPDATES))
            self._polling = True  # a stop now cancels the call (see ``_stop``)
            try:
                updates: Any = await polling.post(url, data)
            except asyncio.CancelledError:
                if not self.stopping.is_set():
                    raise
                poller.uncancel()  # ours (``_stop``): the confirmation below goes on
                break
            except RetryAfter as exc:
                await self._pause(retry_after_seconds(exc))
                continue
            except NetworkError as exc:  # TimedOut too
                backoff = min(MAX_BACKOFF, backoff * 2 or 1.0)
                logger.warning("getUpdates: %s; again in %.0f s", exc, backoff)
                await self._pause(backoff)
                continue
            finally:
                self._polling = False
            backoff = 0.0
            for update in updates:
                offset = int(update["update_id"]) + 1
                frame = orjson.dumps(_trimmed(update))
                writers[_user_id(update) % len(writers)].write(_FRAME.pack(len(frame)) + frame)
            await asyncio.gather(*(writer.drain() for writer in writers))
            if updates:  # let the next few arrive together: one getUpdates for them
                await asyncio.sleep(POLL_GATHER)
        if offset and self.status == 0:  # tell Telegram the handed-out updates are taken
            confirm = _request_data(offset=offset, timeout=0, limit=1)
            try:
                await polling.post(url, confirm)
            except NetworkError as exc:
                logger.warning("could not confirm the last updates: %s", exc)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    def _worker_ended(self, worker: _Worker) -> None:
        asyncio.get_running_loop().remove_reader(worker.process.sentinel)
        if self.stopping.is_set():
            return
        worker.process.join(STOP_TIMEOUT)  # ended (its sentinel is ready): reaped at once
        logger.error("worker %s ended unexpectedly (%s); stopping the bot",
                     worker.process.pid, _how_it_ended(worker.process.exitcode))
        self.status = 1
        self._stop()

    def _stop(self) -> None:
        """Stop polling: at once if a getUpdates call is waiting (its updates, if any, stay
        with Telegram, unconfirmed), else after handing out the updates in hand."""
        self.stopping.set()
        if self._polling and self._poller is not None:
            self._poller.cancel()


def _how_it_ended(exitcode: int | None) -> str:
    """``exit status 1``, ``killed by signal SIGKILL`` (multiprocessing's negative codes)."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _request_data(**params: object) -> RequestData:
    """Plain JSON values only (no files, no PTB objects): what ``RequestParameter.from_input``
    would make of them, without its conversions."""
    return RequestData([RequestParameter(k, v, []) for k, v in params.items()])


_PRESSED_KEPT: Final = ("message_id", "date", "chat")


def _trimmed(update: dict[str, Any]) -> dict[str, Any]:
    """The update with only the id, date and chat of the message whose button was pressed:
    the adapter reads its id (to edit it) and chat, and its text, entities and keyboard (up to
    a few dozen buttons) were most of the cost of turning the update into PTB objects."""
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(message := query.get("message"), dict):
        query["message"] = {key: message[key] for key in _PRESSED_KEPT if key in message}
    return update


def _user_id(update: dict[str, Any]) -> int:
    """The user an update comes from (0 if none: such updates are not asked for)."""
    for key in _USER_OF:
        sender = update.get(key, {}).get("from")
        if sender:
            return int(sender["id"])
    return 0


# -- a worker ----------------------------------------------------------------------------------


def _worker_main(
    settings: Settings,
    engine: DialogueEngine,
    sock: socket.socket,
    others: list[socket.socket],
    number: int,
) -> None:
    """Body of a worker process (forked): serve the updates read from ``sock`` until it closes."""
    for other in others:
        other.close()  # the poller's ends and the other workers' sockets
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the poller decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logger.info("worker %d (pid %d) ready", number, os.getpid())
    asyncio.run(_serve(settings, engine, sock))
    logger.info("worker %d (pid %d) stopped", number, os.getpid())


async def _serve(settings: Settings, engine: DialogueEngine, sock: socket.socket) -> None:
    """Each update is handed to ``Application.process_update`` in a task of its own (what the
    application's update queue would do with ``concurrent_updates``, minus the queue)."""
    application = build_application(settings, engine, polling=False)
    reader, writer = await asyncio.open_unix_connection(sock=sock)
    handling: set[asyncio.Task[None]] = set()
    async with application:
        await application.start()
        try:
            while (frame := await _read_frame(reader)) is not None:
                update = Update.de_json(orjson.loads(frame), application.bot)
                task = asyncio.create_task(application.process_update(update))
                handling.add(task)
                task.add_done_callback(handling.discard)
        finally:
            if handling:  # the updates already received are answered before the worker ends
                await asyncio.wait(handling)
            await application.stop()
            writer.close()


async def _read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next frame, or None at the end of input."""
    try:
        head = await reader.readexactly(_FRAME.size)
        return await reader.readexactly(_FRAME.unpack(head)[0])
    except asyncio.IncompleteReadError:
        return None
