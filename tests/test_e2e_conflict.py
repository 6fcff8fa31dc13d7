"""A second poller: Telegram answers getUpdates with 409 Conflict. ``planbot telegram`` in one
process and with two workers does the same: one clear ERROR line (no stack trace), no more
polling, and exit status 1 after the grace period, for the supervisor to restart it."""

from __future__ import annotations

import re
import time
from contextlib import ExitStack
from pathlib import Path

from bot.adapters import conflict
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.fakebot.process import BotProcess
from tests.test_e2e_restart import TEST_LIBRARY, TIMEOUT

# Telegram's words when another client polls the token
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_STAMP = re.compile(r"^\S+ \S+ ")  # logging's asctime


def conflict_lines(log: str) -> list[str]:
    return [_STAMP.sub("", line) for line in log.splitlines() if "409 Conflict" in line]


def test_a_second_poller_stops_both_modes_alike(tmp_path: Path) -> None:
    with ExitStack() as stack:
        runs: list[tuple[FakeBotApi, BotProcess]] = []
        for workers in ("1", "2"):
            server = stack.enter_context(FakeBotApi(settle=0.1, max_poll_wait=0.1))
            data_dir = tmp_path / f"workers-{workers}"
            data_dir.mkdir()
            env = {"PLANBOT_SNIPPETS_DIR": str(TEST_LIBRARY), "PLANBOT_WORKERS": workers}
            bot = BotProcess(server, data_dir, extra_env=env)
            stack.callback(lambda b=bot: b.process and b.process.poll() is None and b.kill())
            bot.start()
            runs.append((server, bot))
        for server, _ in runs:  # the bot answers before the conflict …
            user = SimulatedUser(server, 42, timeout=TIMEOUT)
            user.command("new")
            user.wait_for_reply(containing="哪个地区")
        started = time.monotonic()
        for server, _ in runs:
            server.fail_next("getUpdates", error_code=409, description=CONFLICT)
        statuses = []
        for _, bot in runs:
            assert bot.process is not None
            statuses.append(bot.process.wait(TIMEOUT + conflict.GRACE))
        waited = time.monotonic() - started

    assert statuses == [conflict.EXIT_STATUS, conflict.EXIT_STATUS] == [1, 1]
    assert waited >= conflict.GRACE
    lines = [conflict_lines(bot.log_text()) for _, bot in runs]
    assert lines[0] == lines[1] and len(lines[0]) == 1, lines
    assert lines[0][0].startswith("ERROR bot.adapters.conflict ")
    assert CONFLICT in lines[0][0] and "exit status 1" in lines[0][0]
    for server, bot in runs:
        log = bot.log_text()
        assert "Traceback" not in log, log
        assert [line for line in log.splitlines() if " ERROR " in line] == [
            line for line in log.splitlines() if "409 Conflict" in line
        ], log
        polls = server.calls_to("getUpdates")
        [refused] = server.refused
        assert polls[-1] is refused, "polled again after the conflict"
        assert server.violations == []
