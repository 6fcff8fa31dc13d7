"""Two users drafting at the same time over Telegram, and one forging buttons for the other's draft.

The real application and engine (TinyDB store in ``tmp_path``) against the fake Bot API: every
step of the two interviews is sent by both users before either waits, so the application
handles the two chats concurrently. Neither chat ever receives anything of the other's draft
(checked on every request the bot made, not only on what the chats show at the end). Then one
user presses forged buttons naming the other's draft, one for every draft action the codec
knows, with the attacker's current nonce: each gets a short notice, no message, and not one byte
of the data directory changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.dialogue.actions import decode, encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.engine import Engine
from bot.dialogue.session import Session
from bot.messages import Messages
from bot.store import open_store
from tests.chat import make_engine
from tests.fakebot.harness import hermetic_settings, running_bot
from tests.fakebot.server import FakeBotApi
from tests.fakebot.user import SimulatedUser

ALICE, BOB = 42, 43
REGIONS = {ALICE: "英德市", BOB: "息烽县"}  # not in any example the bot gives
TITLES = {ALICE: "英德市教育局2026年工作要点", BOB: "息烽县教育局2026年工作要点"}
INTERVIEW = [  # (action, argument): the same path for both, region and one figure differ
    ("command", "new"), ("text", "region"), ("press", "2026年（明年）"), ("press", "工作要点"),
    ("press", "党的建设"), ("press", "学前教育"), ("press", "完成"), ("text", "figure"),
    ("press", "全部跳过"), ("press", "分级编号"), ("press", "✅ 生成草稿"),
]
FIGURES = {ALICE: "95", BOB: "88"}


def act(user: SimulatedUser, action: str, argument: str) -> None:
    if action == "command":
        user.command(argument)
    elif action == "press":
        user.press(argument)
    elif argument == "region":
        user.send_text(REGIONS[user.user_id])
    else:
        user.send_text(FIGURES[user.user_id])


def together(users: list[SimulatedUser], action: str, argument: str) -> list[str]:
    """Every user acts, then every user waits: the application has all the updates at once."""
    for user in users:
        act(user, action, argument)
    return ["\n".join(m.text for m in user.wait_for_replies()) for user in users]


def sent_to(server: FakeBotApi, chat_id: int) -> list[str]:
    """Everything the bot sent into a chat: each request's parameters as JSON."""
    return [
        json.dumps(call.params, ensure_ascii=False, default=str)
        for call in server.calls
        if str(call.params.get("chat_id")) == str(chat_id)
    ]


def nonce(engine: Engine, user_id: int) -> int:
    data = engine.deps.store.sessions.load(user_id)
    assert data is not None
    return Session.model_validate(data).nonce


def draft_actions() -> list[tuple[Act, int]]:
    """Every action whose button names a draft, with how many numbers it carries."""
    shapes = []
    for act_ in Act:
        for count in range(4):
            if decode(":".join(["1", act_.value, "42-abcdefgh", *["0"] * count])) is not None:
                shapes.append((act_, count))
    return shapes


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """The data directory's files and their bytes (lock files aside)."""
    return {
        str(path.relative_to(data_dir)): path.read_bytes()
        for path in sorted(data_dir.rglob("*"))
        if path.is_file() and path.parent.name != "locks"
    }


def test_two_users_draft_at_once_and_forged_buttons_change_nothing(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    words = Messages()
    refusals = {words.text("button_invalid"), words.text("draft_gone")}
    with running_bot(engine, hermetic_settings(tmp_path)) as bot:
        alice, bob = bot.user(ALICE, first_name="张"), bot.user(BOB, first_name="李")
        users = [alice, bob]
        for action, argument in INTERVIEW:
            together(users, action, argument)
        done = together(users, "press", "预览全文")
        for user, shown in zip(users, done, strict=True):
            assert TITLES[user.user_id] in shown
            assert REGIONS[user.user_id] in shown

        drafts = {u: engine.deps.store.drafts.list_for(u) for u in (ALICE, BOB)}
        assert [d.name for d in drafts[ALICE]] == [TITLES[ALICE]]
        assert [d.name for d in drafts[BOB]] == [TITLES[BOB]]
        victim = drafts[BOB][0]

        # Alice forges a button for every draft action, naming Bob's draft, with her nonce.
        before = snapshot(tmp_path)
        shapes = draft_actions()
        assert len(shapes) >= 20 and (Act.OPEN, 0) in shapes and (Act.DROP_YES, 1) in shapes
        for forged_act, count in shapes:
            numbers = [victim.revision, 0, 0][:count]
            data = encode(nonce(engine, ALICE), forged_act, victim.id, *numbers)
            query = alice.press_data(data)
            changed = alice.wait_for_replies()
            assert changed == [], (forged_act, [m.text for m in changed])
            notice = bot.server.callback_answers[query]["text"]
            assert notice in refusals, (forged_act, notice)
        assert snapshot(tmp_path) == before

        assert [d.name for d in engine.deps.store.drafts.list_for(ALICE)] == [TITLES[ALICE]]
        assert engine.deps.store.drafts.get(victim.id) == victim

    # Nothing of one user's draft ever went into the other's chat.
    for reader, other in ((ALICE, BOB), (BOB, ALICE)):
        requests = sent_to(bot.server, reader)
        assert requests
        for leaked in (TITLES[other], REGIONS[other], drafts[other][0].id):
            assert not [r for r in requests if leaked in r], (reader, leaked)
