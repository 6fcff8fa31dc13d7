"""``planbot telegram`` with PLANBOT_WORKERS=2: a poller process and two forked workers.

The real command against the fake Bot API (every request checked against the spec), the tests'
small clause library, the TinyDB store in ``tmp_path``. Users whose ids fall on different
workers draft at the same time; each sees only their own drafts; every button is answered; a
SIGTERM stops all three processes cleanly (exit 0) and a new start goes on where the dialogue
stopped; a worker that dies stops the bot with exit status 1 (for the supervisor), and a
poller killed outright leaves no worker behind.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakebot import FakeBotApi, SimulatedUser
from tests.fakebot.process import BotProcess
from tests.test_e2e_restart import (
    ASK_KIND,
    TEST_LIBRARY,
    TIMEOUT,
    Talk,
    check_clean,
    first_draft,
)

USERS = (5000, 5001, 5002)  # mod 2: workers 0, 1, 0
FIRST_REGION = "修文县"


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(settle=0.1, max_poll_wait=0.1) as fake:
        yield fake


def workers(server: FakeBotApi, data_dir: Path) -> BotProcess:
    env = {"PLANBOT_SNIPPETS_DIR": str(TEST_LIBRARY), "PLANBOT_WORKERS": "2"}
    return BotProcess(server, data_dir, extra_env=env)


def worker_pids(bot: BotProcess) -> list[int]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = re.search(r"serving with 2 workers: (\d+), (\d+)", bot.log_text())
        if found:
            return [int(found.group(1)), int(found.group(2))]
        time.sleep(0.05)
    raise AssertionError(f"no worker pids in the log:\n{bot.log_text()}")


def alive(pid: int) -> bool:
    """Running (a zombie waiting for an orphan reaper counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def wait_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids), pids


def test_users_on_two_workers_draft_at_once_and_survive_a_restart(
    server: FakeBotApi, tmp_path: Path
) -> None:
    talks = [Talk(SimulatedUser(server, uid, timeout=TIMEOUT)) for uid in USERS]
    results: dict[int, tuple[str, list[str]]] = {}
    failures: list[BaseException] = []

    def draft(talk: Talk) -> None:
        try:
            results[talk.user.user_id] = first_draft(talk)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    with workers(server, tmp_path) as bot:
        pids = worker_pids(bot)
        assert len(set(pids)) == 2 and bot.process is not None and bot.process.pid not in pids
        threads = [threading.Thread(target=draft, args=(talk,)) for talk in talks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == [], failures
        name = f"{FIRST_REGION}教育局"
        for talk in talks:  # each sees their own draft, and only that one
            listed = talk.cmd("drafts", name)
            assert sum(name in text for text in listed.button_texts) == 1, listed.button_texts

        waiting = talks[0]
        waiting.cmd("new", "哪个地区")
        asked = waiting.say(FIRST_REGION, "哪一年")
        waiting.press_first(asked, ASK_KIND)
        assert bot.stop(signal.SIGTERM) == 0, bot.log_text()
        wait_gone(pids)
        assert server.unanswered_callback_queries() == []

        bot.start()
        again = waiting.cmd("start", ASK_KIND)  # the question where the dialogue stopped
        assert ASK_KIND in again.text
        assert bot.stop(signal.SIGTERM) == 0, bot.log_text()
    assert sorted(results) == sorted(USERS)
    check_clean(server, bot)
    assert "worker 0" in bot.all_logs() and "worker 1" in bot.all_logs()


def test_a_dead_worker_stops_the_bot_for_its_supervisor(
    server: FakeBotApi, tmp_path: Path
) -> None:
    bot = workers(server, tmp_path)
    bot.start()
    try:
        pids = worker_pids(bot)
        os.kill(pids[1], signal.SIGKILL)
        assert bot.process is not None
        assert bot.process.wait(TIMEOUT) == 1, bot.log_text()
        wait_gone(pids)
        assert f"worker {pids[1]} ended unexpectedly (killed by signal SIGKILL)" in bot.log_text()
        assert "exit status None" not in bot.log_text()
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()


def test_workers_end_with_a_killed_poller(server: FakeBotApi, tmp_path: Path) -> None:
    bot = workers(server, tmp_path)
    bot.start()
    pids = worker_pids(bot)
    assert bot.process is not None
    os.kill(bot.process.pid, signal.SIGKILL)  # the poller only: its sockets close
    bot.process.wait(TIMEOUT)
    wait_gone(pids)


def test_workers_are_not_forked_from_a_process_with_threads(tmp_path: Path) -> None:
    from bot.adapters.workers import run_workers
    from tests.fakebot.harness import hermetic_settings

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="busy", daemon=True)
    thread.start()
    try:
        with pytest.raises(RuntimeError, match="busy"):
            run_workers(hermetic_settings(tmp_path), engine=None, count=2)  # type: ignore[arg-type]
    finally:
        stop.set()
        thread.join()


def test_the_poller_passes_only_the_id_date_and_chat_of_the_pressed_message() -> None:
    from bot.adapters.workers import _trimmed, _user_id

    keyboard = {"inline_keyboard": [[{"text": "确定", "callback_data": "1|x"}]]}
    press = {"update_id": 3, "callback_query": {
        "id": "9", "from": {"id": 77, "is_bot": False, "first_name": "T"}, "data": "1|x",
        "chat_instance": "c", "message": {"message_id": 5, "date": 0, "text": "问",
                                          "chat": {"id": 77, "type": "private"},
                                          "reply_markup": keyboard}}}
    text = {"update_id": 4, "message": {"message_id": 6, "date": 0, "text": "修文县",
                                        "chat": {"id": 78, "type": "private"},
                                        "from": {"id": 78, "is_bot": False, "first_name": "U"}}}
    trimmed = _trimmed(press)
    assert trimmed["callback_query"]["message"] == {
        "message_id": 5, "date": 0, "chat": {"id": 77, "type": "private"}
    }
    assert trimmed["callback_query"]["data"] == "1|x"
    assert _trimmed(text) == text
    assert (_user_id(press), _user_id(text), _user_id({"update_id": 5})) == (77, 78, 0)
