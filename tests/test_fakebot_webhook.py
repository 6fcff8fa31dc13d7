"""The fake Bot API in webhook mode (``tests/fakebot/webhook.py``): plain HTTP calls and a small
receiver on 127.0.0.1 in place of the bot."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.fakebot import FakeBotApi, SimulatedUser

CHAT = 42
SECRET = "s3cret_token-1"


@dataclass
class Receiver:
    """Records the updates posted to it; answers with ``statuses`` in turn, then 200."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.received.append(
                    (json.loads(body), self.headers.get("X-Telegram-Bot-Api-Secret-Token"))
                )
                status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(max_poll_wait=0.2) as fake:
        yield fake


@pytest.fixture
def api(server: FakeBotApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.base_url}{server.token}/", timeout=5) as client:
        yield client


def set_webhook(api: httpx.Client, port: int, **params: object) -> httpx.Response:
    body = {"url": f"http://127.0.0.1:{port}/hook", "secret_token": SECRET, **params}
    return api.post("setWebhook", json=body)


def test_updates_are_posted_in_order_with_the_secret_and_retried_until_answered(
    server: FakeBotApi, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.statuses = [500]  # the first attempt fails: the same update comes again
    assert set_webhook(api, receiver.port, allowed_updates=["message"]).json()["result"] is True
    refused = api.post("getUpdates", json={"timeout": 0})
    assert refused.status_code == 409 and "webhook is active" in refused.json()["description"]
    user = SimulatedUser(server, CHAT)
    first, second = user.send_text("一"), user.send_text("二")
    assert server.wait_processed(second, 5) and server.wait_processed(first, 0)
    ids = [update["update_id"] for update, _ in receiver.received]
    assert ids == [first, first, second]  # a chat's next update waits for its previous one
    assert {secret for _, secret in receiver.received} == {SECRET}
    assert [d.status for d in server.deliveries] == [500, 200, 200]
    info = api.post("getWebhookInfo").json()["result"]
    assert info["url"] == f"http://127.0.0.1:{receiver.port}/hook"
    assert info["pending_update_count"] == 0 and info["allowed_updates"] == ["message"]
    assert server.violations == []


def test_delete_webhook_hands_the_pending_updates_to_get_updates(
    server: FakeBotApi, api: httpx.Client, receiver: Receiver
) -> None:
    receiver.statuses = [503] * 1000  # the bot is down
    set_webhook(api, receiver.port)
    update_id = SimulatedUser(server, CHAT).send_text("还在吗")
    assert server.wait_for(lambda: len(server.deliveries) >= 2, 5)  # tried again
    assert api.post("getWebhookInfo").json()["result"]["pending_update_count"] == 1
    assert api.post("deleteWebhook").json()["result"] is True
    assert api.post("getWebhookInfo").json()["result"]["url"] == ""
    updates = api.post("getUpdates", json={"timeout": 0}).json()["result"]
    assert [u["update_id"] for u in updates] == [update_id]
    assert server.violations == []


def test_a_webhook_must_be_https(server: FakeBotApi, api: httpx.Client) -> None:
    reply = api.post("setWebhook", json={"url": "http://bot.example.org/hook"})
    assert reply.status_code == 400 and "HTTPS url" in reply.json()["description"]
    assert server.webhook is None


def test_forged_posts_carry_the_header_they_are_given(
    server: FakeBotApi, api: httpx.Client, receiver: Receiver
) -> None:
    set_webhook(api, receiver.port)
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "x",
                                          "chat": {"id": CHAT, "type": "private"}}}
    assert server.post_to_webhook(update, secret_token=None) == 200
    assert server.post_to_webhook(update, secret_token="wrong") == 200
    assert receiver.received == [(update, None), (update, "wrong")]
    assert server.deliveries == []  # not a delivery of the server's own updates
