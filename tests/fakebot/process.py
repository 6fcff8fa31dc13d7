"""Run the real ``planbot telegram`` command in a subprocess against the fake Bot API.

The server runs in the test process with ``settle`` set (nothing else tells it when the bot has
handled an update); the bot is ``python -m bot telegram`` with its settings in the environment,
exactly as in production::

    with FakeBotApi(settle=0.2) as server, BotProcess(server, tmp_path) as bot:
        user = SimulatedUser(server, 42)
        user.command("new")
        user.wait_for_reply(containing="哪个地区")
        bot.stop()            # SIGTERM: PTB finishes what it received and exits 0
        bot.start()           # the same data directory

The bot's log (stderr) goes to ``<log_dir>/bot-<n>.log``, one file per start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from tests.fakebot.server import ApiCall, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
# Settings the bot must not take from the developer's environment.
_HERMETIC = ("ADMIN_IDS", "PLANBOT_SNIPPETS_DIR", "PLANBOT_PROMPTS_DIR", "PLANBOT_WORKERS",
             "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET")


class BotProcess:
    """``planbot telegram`` (or ``argv``) as a child process; :meth:`start` waits until it is
    ready."""

    def __init__(
        self,
        server: FakeBotApi,
        data_dir: Path,
        *,
        log_dir: Path | None = None,
        log_level: str = "INFO",
        extra_env: dict[str, str] | None = None,
        argv: list[str] | None = None,
        ready_method: str = "getUpdates",
    ) -> None:
        self.server = server
        self.data_dir = data_dir
        self.log_dir = log_dir or data_dir
        self.log_level = log_level
        self.extra_env = extra_env or {}
        self.argv = argv or [sys.executable, "-m", "bot", "telegram"]  # or under a profiler …
        self.ready_method = ready_method  # the call that says it is ready (webhook: setWebhook)
        self.process: subprocess.Popen[bytes] | None = None
        self.logs: list[Path] = []

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _HERMETIC}
        env.update({
            "BOT_TOKEN": self.server.token,
            "TELEGRAM_API_BASE_URL": self.server.base_url,
            "TELEGRAM_FILE_BASE_URL": self.server.base_file_url,
            "PLANBOT_DATA_DIR": str(self.data_dir),
            "PLANBOT_LOG_LEVEL": self.log_level,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            # the fake Bot API has no limits (see tests.fakebot.harness.NO_RATE_LIMITS)
            "TELEGRAM_MAX_PER_SECOND": "0", "TELEGRAM_MAX_PER_CHAT_SECOND": "0",
            "TELEGRAM_MAX_PER_GROUP_MINUTE": "0",
            **self.extra_env,
        })
        return env

    def start(self) -> None:
        """Start the bot and wait until it asks for updates (calls :attr:`ready_method`)."""
        assert self.process is None or self.process.poll() is not None, "already running"
        seen = len(self.server.calls)
        log = self.log_dir / f"bot-{len(self.logs) + 1}.log"
        self.logs.append(log)
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.data_dir,  # no stray .env from the developer's working directory
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,  # signals go to its whole group (a profiler and the bot)
            )
        process = self.process
        deadline = time.monotonic() + STARTUP_TIMEOUT
        calls = self.server.calls
        while process.poll() is None and time.monotonic() < deadline:
            if self.server.wait_for(lambda: _called(calls, seen, self.ready_method), 0.1):
                return
        self.stop(signal.SIGKILL)
        raise AssertionError(f"{self.argv} did not call {self.ready_method}:\n{self.log_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the process to end; its exit status."""
        process = self.process
        assert process is not None, "not started"
        if process.poll() is None:
            os.killpg(process.pid, sig)
        try:
            return process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            message = f"{self.argv} did not stop on {sig}:\n{self.log_text()}"
            raise AssertionError(message) from exc

    def kill(self) -> int:
        """SIGKILL: a crash at this instant."""
        return self.stop(signal.SIGKILL)

    def log_text(self) -> str:
        return self.logs[-1].read_text(encoding="utf-8", errors="replace") if self.logs else ""

    def all_logs(self) -> str:
        return "".join(p.read_text(encoding="utf-8", errors="replace") for p in self.logs)

    def __enter__(self) -> BotProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()


def _called(calls: list[ApiCall], since: int, method: str) -> bool:
    return any(call.method == method and not call.error for call in calls[since:])
