"""The real DingTalk adapter (``bot.adapters.dingtalk.runner.serve``) against the fake DingTalk,
both on one event loop in a thread of their own; the test thread plays DingTalk's users.

    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff01")
        replies = user.say("/new")          # the robot messages sent to that chat
        replies = user.press("学前教育")     # what a tap on an ActionCard button sends

A message is pushed as a CALLBACK frame; the call returns once the robot has acknowledged that
frame (the adapter acknowledges a message after its replies went out). Leaving checks that the
fake server saw no request outside the spec and that nothing was logged at ERROR.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.adapters.dingtalk.runner import serve
from bot.adapters.dingtalk.stream import BOT_TOPIC
from bot.adapters.protocol import DialogueEngine
from bot.config import Settings
from tests.fakedingtalk.server import CLIENT_ID, CLIENT_SECRET, FakeDingTalk, Sent

WAIT = 20.0
_ids = itertools.count(1)


def robot_settings(data_dir: Path, base_url: str = "", **fields: Any) -> Settings:
    """Hermetic settings (no environment) for a robot talking to the fake at ``base_url``."""
    return Settings.model_construct(
        data_dir=data_dir, dingtalk_client_id=CLIENT_ID, dingtalk_client_secret=CLIENT_SECRET,
        dingtalk_api_base_url=base_url, dingtalk_oapi_base_url=base_url, **fields)


class RunningRobot:
    def __init__(self, server: FakeDingTalk, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.loop = loop

    def user(self, staff_id: str, nick: str = "Tester") -> DingUser:
        return DingUser(self, staff_id, nick)

    def group(self, conversation_id: str, staff_id: str, nick: str = "Tester") -> DingUser:
        return DingUser(self, staff_id, nick, group=conversation_id)

    def push(self, frame: dict[str, Any], *, drop_after: bool = False) -> None:
        """Send ``frame`` on the current connection (waiting for one); ``drop_after``: close the
        connection right after, before any acknowledgement can come back."""
        asyncio.run_coroutine_threadsafe(self._push(frame, drop_after), self.loop).result(WAIT)

    async def _push(self, frame: dict[str, Any], drop_after: bool) -> None:
        for _ in range(int(WAIT / 0.01)):
            ws = self.server.ws
            if ws is not None and not ws.closed:
                await ws.send_str(json.dumps(frame, ensure_ascii=False))
                if drop_after:
                    await ws.close()
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the robot did not connect")

    def drop(self) -> None:
        """Close the current connection from the server's side."""
        self.push_system("disconnect", drop=True)

    def push_system(self, topic: str, data: str = "{}", *, drop: bool = False) -> str:
        frame_id = f"sys-{next(_ids)}"
        frame = {"specVersion": "1.0", "type": "SYSTEM", "data": data,
                 "headers": {"topic": topic, "messageId": frame_id,
                             "contentType": "application/json", "time": "1"}}
        self.push(frame, drop_after=drop)
        return frame_id

    def wait_for_ack(self, frame_id: str, count: int = 1) -> list[dict[str, Any]]:
        with self.server.changed:
            ok = self.server.changed.wait_for(
                lambda: len(self.server.acks.get(frame_id, [])) >= count, WAIT)
            assert ok, f"frame {frame_id} was not acknowledged"
            return list(self.server.acks[frame_id])

    def wait_for_connections(self, count: int) -> None:
        with self.server.changed:
            assert self.server.changed.wait_for(lambda: self.server.connections >= count, WAIT)


class DingUser:
    """A DingTalk user writing to the robot in a private chat, or @-mentioning it in a group."""

    def __init__(self, robot: RunningRobot, staff_id: str, nick: str, group: str = "") -> None:
        self.robot, self.staff_id, self.nick, self.group = robot, staff_id, nick, group
        self.conversation = group or f"cid-{staff_id}"
        self.received: list[Sent] = []

    @property
    def address(self) -> tuple[str, str]:
        return ("group", self.group) if self.group else ("user", self.staff_id)

    def message(self, msgtype: str, body: dict[str, Any], *, at: bool = True,
                msg_id: str = "", robot_code: str = CLIENT_ID) -> dict[str, Any]:
        """The ``data`` of a robot message callback, with the documented fields."""
        data: dict[str, Any] = {
            "conversationId": self.conversation, "chatbotCorpId": "corp1",
            "chatbotUserId": "robot1", "msgId": msg_id or f"msg-{next(_ids)}",
            "senderNick": self.nick, "isAdmin": False, "senderStaffId": self.staff_id,
            "sessionWebhookExpiredTime": 0, "createAt": 1, "senderCorpId": "corp1",
            "conversationType": "2" if self.group else "1", "senderId": f"$:{self.staff_id}",
            "sessionWebhook": "http://127.0.0.1:9/unused", "robotCode": robot_code,
            "msgtype": msgtype, **body,
        }
        if self.group:
            data.update(isInAtList=at, conversationTitle="office")
        return data

    def frame(self, data: dict[str, Any], frame_id: str = "") -> dict[str, Any]:
        return {"specVersion": "1.0", "type": "CALLBACK",
                "headers": {"topic": BOT_TOPIC, "messageId": frame_id or f"frame-{next(_ids)}",
                            "contentType": "application/json", "time": "1"},
                "data": json.dumps(data, ensure_ascii=False)}

    def deliver(self, frame: dict[str, Any], *, drop_after: bool = False) -> list[Sent]:
        """Push ``frame``; wait for its acknowledgement; the messages this chat got meanwhile."""
        mark = len(self.robot.server.sent)
        frame_id = frame["headers"]["messageId"]
        before = len(self.robot.server.acks.get(frame_id, []))
        self.robot.push(frame, drop_after=drop_after)
        if not drop_after:
            self.robot.wait_for_ack(frame_id, before + 1)
        got = [m for m in self.robot.server.sent[mark:] if m.to == self.address]
        self.received.extend(got)
        return got

    def wait_for(self, words: str) -> None:
        """Wait until a message with ``words`` reached this chat (one answered after a drop)."""
        server = self.robot.server
        with server.changed:
            assert server.changed.wait_for(
                lambda: any(words in m.text for m in server.sent if m.to == self.address), WAIT)
            self.received = [m for m in server.sent if m.to == self.address]

    def say(self, text: str, **options: Any) -> list[Sent]:
        return self.deliver(self.frame(self.message("text", {"text": {"content": text}},
                                                    **options)))

    def upload(self, name: str, content: bytes) -> list[Sent]:
        code = f"dl-{next(_ids)}"
        self.robot.server.files[code] = content
        body = {"content": {"downloadCode": code, "fileName": name}}
        return self.deliver(self.frame(self.message("file", body)))

    def buttons(self) -> dict[str, str]:
        """The buttons of the latest card: title → the words a tap sends."""
        cards = [m for m in self.received if m.key.startswith("sampleActionCard")]
        assert cards, "no card with buttons yet"
        last_batch: dict[str, str] = {}
        for card in cards[-3:]:
            last_batch.update(card.buttons())
        return last_batch

    def press(self, label: str) -> list[Sent]:
        """Tap the button ``label`` of the latest cards: the client sends the link's words."""
        buttons = self.buttons()
        assert label in buttons, f"{label!r} not in {sorted(buttons)}"
        return self.say(buttons[label])

    @staticmethod
    def text(replies: list[Sent]) -> str:
        return "\n".join(m.text for m in replies)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def running_robot(engine: DialogueEngine, data_dir: Path, *, expect_errors: bool = False,
                  **settings: Any) -> Iterator[RunningRobot]:
    server = FakeDingTalk()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()
    failure: list[BaseException] = []

    async def main() -> None:
        runner = web.AppRunner(server.app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        server.base_url = f"http://127.0.0.1:{port}"
        ready.set()
        try:
            await serve(robot_settings(data_dir, server.base_url, **settings), engine, stop,
                        base_delay=0.05)
        finally:
            await runner.cleanup()

    def thread_main() -> None:
        try:
            loop.run_until_complete(main())
        except BaseException as exc:
            failure.append(exc)
            ready.set()
        finally:
            loop.close()

    errors = _Errors()
    logging.getLogger("bot").addHandler(errors)
    thread = threading.Thread(target=thread_main, name="fake-dingtalk", daemon=True)
    thread.start()
    try:
        assert ready.wait(WAIT) and not failure, failure
        yield RunningRobot(server, loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(WAIT)
        logging.getLogger("bot").removeHandler(errors)
    assert not failure, failure
    assert server.violations == []
    if not expect_errors:
        assert [r.getMessage() for r in errors.records] == []
