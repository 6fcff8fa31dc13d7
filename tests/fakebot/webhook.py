"""Telegram's side of a webhook, for the fake Bot API (:class:`tests.fakebot.server.FakeBotApi`).

Once the bot calls ``setWebhook``, the server stops answering ``getUpdates`` (409, as Telegram
does) and a :class:`WebhookSender` posts every pending update to the registered URL instead, as
JSON, with ``X-Telegram-Bot-Api-Secret-Token`` when a secret token was set::

    with FakeBotApi() as server:        # the bot (``planbot webhook``) registers its URL
        user = SimulatedUser(server, 42)
        user.command("new")             # queued, then posted to the bot
        user.wait_for_reply()
        server.post_to_webhook(update, secret_token=None)   # a forged request: its status

Like Telegram, the sender keeps one user's updates in order (the next one of a chat goes once the
previous one is answered) and posts to several chats at once (up to ``max_connections``, at most
:data:`MAX_SENDERS` threads here). An update stays pending until the bot answers 2xx: it then
counts as handled (:meth:`FakeBotApi.wait_processed`); on any other answer, or none, it is posted
again after :data:`RETRY_DELAY`. Every attempt is recorded (:attr:`FakeBotApi.deliveries`).
``deleteWebhook`` stops the sender; what is still pending is then handed out by ``getUpdates``
(unless ``drop_pending_updates``).
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from tests.fakebot.server import FakeBotApi

JsonDict = dict[str, Any]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_SENDERS = 8
RETRY_DELAY = 0.2  # seconds (Telegram waits longer; tests should not)
POST_TIMEOUT = 30.0
DEFAULT_MAX_CONNECTIONS = 40


@dataclass(frozen=True)
class Webhook:
    """What ``setWebhook`` registered."""

    url: str
    secret_token: str = ""
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    allowed_updates: list[str] = field(default_factory=list)

    def info(self, pending: int) -> JsonDict:
        """The ``WebhookInfo`` object ``getWebhookInfo`` answers with."""
        info: JsonDict = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info


@dataclass(frozen=True)
class Delivery:
    """One POST of an update to the webhook."""

    update_id: int
    status: int  # the HTTP status of the answer; 0: no answer (refused, reset, timed out)
    at: float  # time.monotonic() when it was answered


def post(url: str, body: bytes, secret_token: str | None) -> int:
    """POST ``body`` as JSON to ``url``; the HTTP status, 0 if there was no answer."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=POST_TIMEOUT)
    headers = {"Content-Type": "application/json"}
    if secret_token is not None:
        headers[SECRET_HEADER] = secret_token
    try:
        connection.request("POST", parts.path or "/", body, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


class WebhookSender:
    """Posts the server's pending updates to ``webhook`` from a few threads (see the module)."""

    def __init__(self, api: FakeBotApi, webhook: Webhook) -> None:
        self.api = api
        self.webhook = webhook
        self.stopped = False
        self._in_flight: set[int] = set()  # update ids being posted
        self._busy_chats: set[int] = set()
        self._retry_at: dict[int, float] = {}  # update id → not before (monotonic)
        count = max(1, min(webhook.max_connections, MAX_SENDERS))
        self._threads = [threading.Thread(target=self._run, name=f"fake-webhook-{n}", daemon=True)
                         for n in range(count)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Post nothing more (call under the server's lock; a post under way finishes)."""
        self.stopped = True
        self.api._cond.notify_all()

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout)

    def _run(self) -> None:
        while (update := self._next()) is not None:
            status = post(self.webhook.url, orjson.dumps(update), self.webhook.secret_token or None)
            self._done(update, status)

    def _next(self) -> JsonDict | None:
        """The next update to post (waits for one), or None once stopped."""
        api = self.api
        with api._lock:
            while not (self.stopped or api._closing):
                api._confirm(0)  # drops the kinds of update the bot did not ask for
                update, wait = self._pick(time.monotonic())
                if update is not None:
                    key = self._chat_of(update)
                    self._in_flight.add(update["update_id"])
                    self._busy_chats.add(key)
                    api.handed_out[update["update_id"]] = time.monotonic()
                    return update
                api._cond.wait(wait)
            return None

    def _pick(self, now: float) -> tuple[JsonDict | None, float]:
        """The oldest pending update that may go now, else how long to wait at most."""
        blocked: set[int] = set()
        wait = 1.0
        for update in self.api._updates:
            update_id, key = update["update_id"], self._chat_of(update)
            if update_id in self._in_flight or key in self._busy_chats or key in blocked:
                blocked.add(key)  # a chat's later updates wait for its earlier ones
                continue
            not_before = self._retry_at.get(update_id, 0.0)
            if not_before > now:
                blocked.add(key)
                wait = min(wait, not_before - now)
                continue
            return update, 0.0
        return None, wait

    def _chat_of(self, update: JsonDict) -> int:
        update_id = int(update["update_id"])
        chat = self.api._update_chats.get(update_id)
        return chat if chat is not None else -update_id  # no chat (inline): on its own

    def _done(self, update: JsonDict, status: int) -> None:
        api = self.api
        update_id = int(update["update_id"])
        with api._lock:
            self._in_flight.discard(update_id)
            self._busy_chats.discard(self._chat_of(update))
            api.deliveries.append(Delivery(update_id, status, time.monotonic()))
            if 200 <= status < 300:
                self._retry_at.pop(update_id, None)
                if update in api._updates:
                    api._updates.remove(update)
                api._processed.add(update_id)
            else:
                self._retry_at[update_id] = time.monotonic() + RETRY_DELAY
            api._cond.notify_all()
