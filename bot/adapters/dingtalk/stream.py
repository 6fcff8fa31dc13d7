"""DingTalk Stream mode over aiohttp's WebSocket client: connect, acknowledge, reconnect.

``POST /v1.0/gateway/connections/open`` gives an ``endpoint`` and a one-time ``ticket``; the
client connects to ``endpoint?ticket=…`` and receives JSON frames
``{specVersion, type, headers: {topic, messageId, contentType, …}, data}`` (``data`` a JSON
string). Every frame is acknowledged with ``{code, headers: {messageId, contentType}, message,
data}``:

* ``SYSTEM`` ``ping``: answered at once with the frame's own ``data``;
* ``SYSTEM`` ``disconnect``: acknowledged, then the connection is closed and opened anew;
* ``CALLBACK`` robot messages (:data:`BOT_TOPIC`): handed to ``on_message`` and acknowledged
  when it is done (a message is never lost: what is not acknowledged is delivered again, and
  the adapter drops a second delivery). A frame whose ``messageId`` was acknowledged before is
  acknowledged again and not handled; any other frame is acknowledged and ignored.

After a drop, an error or a ``disconnect`` the client opens a new connection, waiting
:data:`BASE_DELAY` doubled after each failure in a row (at most :data:`MAX_DELAY`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote_plus

import aiohttp

from bot.adapters.dingtalk.api import ApiError, DingTalkApi

logger = logging.getLogger(__name__)

BOT_TOPIC = "/v1.0/im/bot/messages/get"
BASE_DELAY = 1.0
MAX_DELAY = 60.0
HEARTBEAT = 30.0  # seconds between our WebSocket pings

OnMessage = Callable[[dict[str, Any]], Awaitable[None]]
FirstTime = Callable[[str], bool]


class Stream:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        api: DingTalkApi,
        on_message: OnMessage,
        first_time: FirstTime,
        *,
        base_delay: float = BASE_DELAY,
    ) -> None:
        self.session = session
        self.api = api
        self.on_message = on_message
        self.first_time = first_time
        self.base_delay = base_delay
        self._tasks: set[asyncio.Task[None]] = set()
        self.connections = 0  # opened so far (for logs and tests)

    async def run(self, stop: asyncio.Event) -> None:
        """Stay connected until ``stop`` is set; then wait for the messages being handled."""
        failures = 0
        try:
            while not stop.is_set():
                try:
                    await self._connect_once(stop)
                    failures = 0
                except (aiohttp.ClientError, ApiError, TimeoutError, KeyError) as exc:
                    failures += 1
                    logger.warning("stream: %s", type(exc).__name__)
                delay = min(self.base_delay * 2.0 ** max(failures - 1, 0), MAX_DELAY)
                if failures == 0:
                    delay = self.base_delay
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connect_once(self, stop: asyncio.Event) -> None:
        opened = await self.api.open_connection([BOT_TOPIC])
        url = f"{opened['endpoint']}?ticket={quote_plus(str(opened['ticket']))}"
        async with self.session.ws_connect(url, heartbeat=HEARTBEAT) as ws:
            self.connections += 1
            logger.info("stream: connected (%d)", self.connections)
            stopping = asyncio.ensure_future(stop.wait())
            try:
                await self._receive(ws, stopping)
            finally:
                stopping.cancel()

    async def _receive(
        self, ws: aiohttp.ClientWebSocketResponse, stopping: asyncio.Future[Any]
    ) -> None:
        while not ws.closed:
            receiving = asyncio.ensure_future(ws.receive())
            await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not receiving.done():
                receiving.cancel()
                await ws.close()
                return
            message = receiving.result()
            if message.type != aiohttp.WSMsgType.TEXT:
                if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                    aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR):
                    return
                continue
            if await self._frame(ws, message.data) == "disconnect":
                await ws.close()
                return

    async def _frame(self, ws: aiohttp.ClientWebSocketResponse, raw: str) -> str:
        try:
            frame = json.loads(raw)
            headers = frame["headers"]
            kind, topic = frame["type"], headers.get("topic", "")
            message_id = str(headers["messageId"])
        except (ValueError, KeyError, TypeError):
            logger.warning("stream: a frame that is not a stream frame is ignored")
            return ""
        if kind == "SYSTEM":
            await _ack(ws, message_id, frame.get("data") or "{}")
            return "disconnect" if topic == "disconnect" else ""
        if kind != "CALLBACK" or topic != BOT_TOPIC or not self.first_time(f"frame:{message_id}"):
            await _ack(ws, message_id, json.dumps({"response": None}))
            return ""
        task = asyncio.create_task(self._callback(ws, message_id, frame.get("data")))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return ""

    async def _callback(
        self, ws: aiohttp.ClientWebSocketResponse, message_id: str, data: object
    ) -> None:
        try:
            payload = json.loads(data) if isinstance(data, str) else None
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            await self.on_message(payload)
        else:
            logger.warning("stream: a callback without a message is ignored")
        await _ack(ws, message_id, json.dumps({"response": None}))


async def _ack(ws: aiohttp.ClientWebSocketResponse, message_id: str, data: str) -> None:
    ack = {"code": 200, "headers": {"contentType": "application/json", "messageId": message_id},
           "message": "OK", "data": data}
    try:
        await ws.send_str(json.dumps(ack))
    except (ConnectionError, RuntimeError, aiohttp.ClientError):
        logger.info("stream: the connection closed before an acknowledgement")
