"""``planbot run`` with a bot token and DingTalk credentials serves both from one command.

The real command in a child process, pointed at the fake Bot API and the fake DingTalk of this
process (both on 127.0.0.1): a Telegram user and a DingTalk user draft a plan each at the same
time; each has their own draft under their own number (the DingTalk user's in its namespace,
below every Telegram id) and sees nothing of the other's; SIGTERM stops both transports (the
stream closed, polling ended) and the command exits 0.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from bot.adapters.dingtalk.identity import OFFSET, Identities
from bot.store import open_store
from tests.chat import TEST_LIBRARY
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.fakebot.process import BotProcess
from tests.fakedingtalk.harness import WAIT, DingUser, RunningRobot
from tests.fakedingtalk.server import CLIENT_ID, CLIENT_SECRET, FakeDingTalk
from tests.test_e2e_dingtalk import text
from tests.test_e2e_restart import GENERATED, TIMEOUT, Talk, first_draft

TELEGRAM_USER = 5150


@contextmanager
def fake_dingtalk() -> Iterator[RunningRobot]:
    """The fake DingTalk alone, in a thread of its own: the robot is another process."""
    server, loop = FakeDingTalk(), asyncio.new_event_loop()
    ready, stop = threading.Event(), asyncio.Event()

    async def main() -> None:
        runner = web.AppRunner(server.app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        server.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        assert ready.wait(WAIT)
        yield RunningRobot(server, loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(WAIT)
        loop.close()
    assert server.violations == []


def run_command(telegram: FakeBotApi, dingtalk: FakeDingTalk, data_dir: Path) -> BotProcess:
    env = {"DINGTALK_CLIENT_ID": CLIENT_ID, "DINGTALK_CLIENT_SECRET": CLIENT_SECRET,
           "DINGTALK_API_BASE_URL": dingtalk.base_url, "DINGTALK_OAPI_BASE_URL": dingtalk.base_url,
           "DINGTALK_ROBOT_CODE": "", "DINGTALK_ADMIN_IDS": "",
           "PLANBOT_SNIPPETS_DIR": str(TEST_LIBRARY)}
    return BotProcess(telegram, data_dir, extra_env=env, argv=[sys.executable, "-m", "bot", "run"])


def dingtalk_draft(user: DingUser) -> str:
    """/new → region, this year, kind, two topics, targets skipped, numbering, generate; the
    draft's name."""
    assert "哪个地区" in text(user.say("/new"))
    assert "4个同名地区" in text(user.say("朝阳"))
    assert "哪一年" in text(user.press("辽宁省 朝阳市"))
    [this_year] = [label for label in user.buttons() if label.endswith("年（今年）")]
    user.press(this_year)
    user.press("工作要点")
    for topic in ("学前教育", "党的建设", "完成"):
        user.press(topic)
    user.press("全部跳过")
    assert "请核对" in text(user.press("分级编号"))
    assert GENERATED in text(user.press("✅ 生成草稿"))
    return f"朝阳市教育局{this_year[:4]}年工作要点"


def telegram_draft(server: FakeBotApi) -> str:
    name, _ = first_draft(Talk(SimulatedUser(server, TELEGRAM_USER, timeout=TIMEOUT * 2)))
    return name


def test_run_serves_telegram_and_dingtalk_together(tmp_path: Path) -> None:
    with FakeBotApi(settle=0.2) as telegram, fake_dingtalk() as robot:
        bot = run_command(telegram, robot.server, tmp_path)
        bot.start()  # polling Telegram
        try:
            robot.wait_for_connections(1)  # and the DingTalk stream open
            user = robot.user("staff30", "钱老师")
            with ThreadPoolExecutor(1) as pool:  # both at once
                on_telegram = pool.submit(telegram_draft, telegram)
                dingtalk_name = dingtalk_draft(user)
                telegram_name = on_telegram.result(TIMEOUT * 6)
            assert telegram_name not in text(user.say("/drafts"))
        finally:
            status = bot.stop(signal.SIGTERM)
        assert status == 0, bot.log_text()
        assert robot.server.ws is not None and robot.server.ws.closed  # the stream ended too
    assert telegram.violations == []
    dingtalk_user = Identities.open(tmp_path).user("staff30")
    assert dingtalk_user < -OFFSET < TELEGRAM_USER
    store = open_store(tmp_path)
    [mine] = store.drafts.list_for(TELEGRAM_USER)
    [theirs] = store.drafts.list_for(dingtalk_user)
    assert mine.name == telegram_name and theirs.name == dingtalk_name
    assert mine.id != theirs.id and theirs.owner == dingtalk_user and mine.owner == TELEGRAM_USER
    assert all(m.to == ("user", "staff30") for m in robot.server.sent)
    assert {c.params.get("chat_id") for c in telegram.calls_to("sendMessage")} == {TELEGRAM_USER}
