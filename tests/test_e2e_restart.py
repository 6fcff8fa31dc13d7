"""The real ``planbot telegram`` process, stopped and started again in the middle of a dialogue.

The bot is ``python -m bot telegram`` (the tests' small clause library, which starts faster and
does not change under the test; the TinyDB store in ``tmp_path``) polling the fake Bot API of this
test process, which checks every request against the Bot API spec. A user
makes a full draft, starts a second one and, after the region and the year, the process is
stopped: by SIGTERM (PTB finishes what it has and exits 0), or by SIGKILL at chosen instants (an
update handed out but not yet read; engine done but no reply sent; any instant while a draft is
generated). After each start the saved draft is intact (/drafts lists it, its full text is the
same) and the unfinished dialogue goes on at the question where it stopped.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.dialogue.session import Session
from bot.store import open_store
from bot.store.slots import SECOND_SUFFIX, current, describe, intact, read_slot, slot_paths
from bot.store.storage import parse_shard
from tests.chat import TEST_LIBRARY
from tests.fakebot import ApiCall, ChatMessage, FakeBotApi, SimulatedUser
from tests.fakebot.process import BotProcess

USER = 4242
SETTLE = 0.1  # seconds of quiet after the expected reply: trailing messages arrive meanwhile
TIMEOUT = 15.0  # generous: a noisy 2-core machine, a freshly started bot
FIRST_REGION, SECOND_REGION = "修文县", "清远市"
ASK_KIND = "起草哪种文件"
ASK_TOPICS = "重点工作"
REVIEW = "请核对"
GENERATED = "草稿已生成并保存"
PREVIEW_DONE = "以上是全文预览。"


class Talk:
    """A user who acts and waits for the reply the test expects (the bot is another process)."""

    def __init__(self, user: SimulatedUser) -> None:
        self.user = user

    def cmd(self, name: str, expect: str) -> ChatMessage:
        self.user.command(name)
        return self.user.wait_for_reply(containing=expect)

    def say(self, text: str, expect: str) -> ChatMessage:
        self.user.send_text(text)
        return self.user.wait_for_reply(containing=expect)

    def press(self, label: str, expect: str) -> ChatMessage:
        self.user.press(label)
        return self.user.wait_for_reply(containing=expect)

    def press_first(self, message: ChatMessage, expect: str) -> tuple[str, ChatMessage]:
        """Press the first button of ``message``; its label and the reply."""
        button = message.buttons[0][0]
        assert button.callback_data is not None
        self.user.press_data(button.callback_data, message=message)
        return button.text, self.user.wait_for_reply(containing=expect)

    def preview(self) -> list[str]:
        """The full text of the open draft, as the messages that show it."""
        self.user.press("预览全文")
        replies = self.user.wait_for_replies(TIMEOUT, containing=PREVIEW_DONE)
        return [m.text for m in replies if PREVIEW_DONE not in m.text]


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(settle=SETTLE, max_poll_wait=0.1) as fake:  # stops within 0.1 s
        yield fake


def planbot(server: FakeBotApi, data_dir: Path) -> BotProcess:
    return BotProcess(server, data_dir, extra_env={"PLANBOT_SNIPPETS_DIR": str(TEST_LIBRARY)})


def talk_to(server: FakeBotApi) -> Talk:
    return Talk(SimulatedUser(server, USER, timeout=TIMEOUT))


def first_draft(talk: Talk) -> tuple[str, list[str]]:
    """A whole draft (region, year, kind, two priorities, one target, numbering); its name and
    full text."""
    talk.cmd("new", "哪个地区")
    asked = talk.say(FIRST_REGION, "哪一年")
    year, _ = talk.press_first(asked, ASK_KIND)
    talk.press("工作要点", ASK_TOPICS)
    talk.press("党的建设", "已选：1.党的建设")
    talk.press("学前教育", "2.学前教育")
    talk.press("完成", "目标 1/")
    talk.say("95", "目标 2/")
    talk.press("全部跳过", "怎样编号")
    talk.press("分级编号", REVIEW)
    done = talk.press("✅ 生成草稿", GENERATED)
    name = f"{FIRST_REGION}教育局{year[:4]}年工作要点"
    assert f"《{name}》" in done.text, done.text
    return name, talk.preview()


def start_second(talk: Talk) -> tuple[str, ChatMessage]:
    """/new, the region, the year: the kind question is showing. The year and the question."""
    talk.cmd("new", "哪个地区")
    asked = talk.say(SECOND_REGION, "哪一年")
    year, question = talk.press_first(asked, ASK_KIND)
    return year[:4], question


def check_draft(talk: Talk, name: str, text: list[str]) -> None:
    """/drafts lists ``name``; opening it and asking for the full text shows ``text``."""
    listed = talk.cmd("drafts", name)
    assert name in listed.button_texts, listed.button_texts
    talk.press(name, f"《{name}》")
    assert talk.preview() == text


def check_files(data_dir: Path) -> Session:
    """Both files of every shard are whole, the current one JSON of the right shape; the session
    validates. The session."""
    for first in (data_dir / "users").glob("*.json"):
        if first.name.endswith(SECOND_SUFFIX):
            continue
        for index, path in enumerate(slot_paths(first)):
            raw = read_slot(path)
            slot = describe(raw, index) if raw is not None else None
            assert raw is None or (slot is not None and intact(raw, slot)), path
        found = current(first)
        assert found is not None
        parse_shard(found[1], str(found[0]))
    data = open_store(data_dir).sessions.load(USER)
    assert data is not None
    return Session.model_validate(data)


CallCheck = Callable[[ApiCall], bool]


def check_clean(server: FakeBotApi, bot: BotProcess) -> None:
    assert server.violations == [], server.violations
    logs = bot.all_logs()
    assert " ERROR " not in logs and "Traceback" not in logs, logs


def test_sigterm_mid_dialogue_keeps_draft_and_question(server: FakeBotApi, tmp_path: Path) -> None:
    talk = talk_to(server)
    with planbot(server, tmp_path) as bot:
        name, text = first_draft(talk)
        year, question = start_second(talk)

        assert bot.stop(signal.SIGTERM) == 0, bot.log_text()
        assert server.unanswered_callback_queries() == []
        assert check_files(tmp_path).interview is not None
        bot.start()

        again = talk.cmd("start", ASK_KIND)
        assert again.text == question.text  # the same question, as it was
        check_draft(talk, name, text)
        talk.cmd("drafts", name)
        talk.press("继续未完成的起草", ASK_KIND)
        talk.press("工作要点", ASK_TOPICS)
        talk.press("党的建设", "已选：1.党的建设")
        talk.press("完成", "目标 1/")
        talk.press("全部跳过", "怎样编号")
        talk.press("连续编号", REVIEW)
        talk.press("✅ 生成草稿", GENERATED)
        listed = talk.cmd("drafts", name)
        assert f"{SECOND_REGION}教育局{year}年工作要点" in listed.text
        assert bot.stop(signal.SIGTERM) == 0, bot.log_text()
    assert server.unanswered_callback_queries() == []
    check_clean(server, bot)


def kill_at(server: FakeBotApi, bot: BotProcess, check: CallCheck) -> None:
    """From now on: SIGKILL the bot inside the server at the first call ``check`` accepts,
    before the answer to that call is written (the bot never reads it)."""
    fired: list[bool] = []

    def observe(call: ApiCall) -> None:
        process = bot.process
        if not fired and process is not None and check(call):
            fired.append(True)
            os.kill(process.pid, signal.SIGKILL)

    server.observers.append(observe)


def next_update_handed_out(server: FakeBotApi) -> CallCheck:
    """The first getUpdates that hands out an update queued after now."""
    known = max(server.handed_out, default=0)
    return lambda call: call.method == "getUpdates" and max(server.handed_out) > known


def next_answer(call: ApiCall) -> bool:
    return call.method == "answerCallbackQuery"


def restart_after_kill(server: FakeBotApi, bot: BotProcess, data_dir: Path) -> float:
    """Wait for the killed process, check the files, start a new process and let it confirm the
    updates it is handed again. When it started (``time.monotonic()``)."""
    assert bot.stop(signal.SIGKILL) == -signal.SIGKILL
    server.observers.clear()
    check_files(data_dir)
    started = time.monotonic()
    bot.start()
    assert server.wait_for(lambda: not server.unconfirmed_updates(), TIMEOUT)
    return started


def test_sigkill_at_any_instant_leaves_the_last_good_state(
    server: FakeBotApi, tmp_path: Path
) -> None:
    talk = talk_to(server)
    user = talk.user
    with planbot(server, tmp_path) as bot:
        name, text = first_draft(talk)
        year, _ = start_second(talk)

        # 1. Killed as getUpdates hands the press out: it is handed out again to the new process.
        kill_at(server, bot, next_update_handed_out(server))
        query = user.press("工作要点")
        restart_after_kill(server, bot, tmp_path)
        assert ASK_TOPICS in user.wait_for_reply(containing=ASK_TOPICS).text
        assert query in server.callback_answers

        # 2. Killed when the engine is done (session saved) but before any reply is shown.
        kill_at(server, bot, next_answer)
        user.press("党的建设")
        restart_after_kill(server, bot, tmp_path)
        assert "已选：1.党的建设" in talk.cmd("start", ASK_TOPICS).text
        check_draft(talk, name, text)
        talk.cmd("drafts", name)
        talk.press("继续未完成的起草", ASK_TOPICS)
        talk.press("完成", "目标 1/")
        talk.press("全部跳过", "怎样编号")
        talk.press("分级编号", REVIEW)

        # 3. Killed at a random instant while the draft is generated and saved.
        user.press("✅ 生成草稿")
        generate = user.last_update_id
        delay = random.uniform(0.0, 0.08)
        assert server.wait_for(lambda: generate in server.handed_out, TIMEOUT)
        time.sleep(delay)
        started = restart_after_kill(server, bot, tmp_path)
        after = f"after a kill {delay * 1000:.0f} ms into the generation"
        if generate is not None and server.handed_out[generate] > started:
            user.wait_for_replies(TIMEOUT)  # handed out again: generated now, or refused as stale
        session = check_files(tmp_path)
        second = f"{SECOND_REGION}教育局{year}年工作要点"
        shown = talk.cmd("start", "发送 /new 开始起草")
        if REVIEW in shown.text:  # the generation was lost: the user sees the review, again
            assert session.interview is not None, after
            talk.press("✅ 生成草稿", GENERATED)
        else:
            assert f"《{second}》" in shown.text, (after, shown.text)
        listed = talk.cmd("drafts", name)
        assert second in listed.text, (after, listed.text)
        check_draft(talk, name, text)
        assert bot.stop(signal.SIGTERM) == 0, bot.log_text()
    check_clean(server, bot)
