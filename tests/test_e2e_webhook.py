"""``planbot webhook``: the real command, its updates posted by the fake Bot API in webhook mode.

The bot is ``python -m bot webhook`` (the tests' small clause library, the TinyDB store in
``tmp_path``) on a free port of 127.0.0.1; it registers ``TELEGRAM_WEBHOOK_URL`` with
``setWebhook`` at the fake Bot API of this test process, which then posts every update there with
the secret token (``tests/fakebot/webhook.py``) and checks every request the bot makes against the
Bot API spec. A user drafts a whole plan. Requests without the secret token, or with a wrong one,
are refused with 403 and change nothing: no call to Telegram, no byte in the data directory, the
dialogue goes on where it was. SIGTERM stops the bot (exit 0) with the webhook left registered;
what the user sends meanwhile is delivered again once the bot is back, and answered.
"""

from __future__ import annotations

import json
import signal
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.telegram import ALLOWED_UPDATES
from bot.cli import main
from tests.chat import TEST_LIBRARY
from tests.fakebot import FakeBotApi, SimulatedUser
from tests.fakebot.process import BotProcess
from tests.test_e2e_restart import TIMEOUT, Talk, check_clean, check_draft, first_draft

USER = 4343
HOOK_PATH = "/telegram/updates"


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:  # a 2xx answer to a delivery says the update is handled
        yield fake


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_bot(server: FakeBotApi, tmp_path: Path, port: int) -> BotProcess:
    env = {
        "PLANBOT_SNIPPETS_DIR": str(TEST_LIBRARY),
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}{HOOK_PATH}",
        "PLANBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "PLANBOT_WEBHOOK_PORT": str(port),
    }
    (tmp_path / "data").mkdir()
    (tmp_path / "logs").mkdir()
    return BotProcess(server, tmp_path / "data", log_dir=tmp_path / "logs", extra_env=env,
                      argv=[sys.executable, "-m", "bot", "webhook"], ready_method="setWebhook")


def data_files(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes()
            for p in sorted(data_dir.rglob("*")) if p.is_file()}


def health(port: int) -> tuple[int, dict[str, str]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status, json.loads(response.read())


def forged_new(user: SimulatedUser) -> dict[str, object]:
    """``/new`` from the user, as a forger would post it."""
    message = {"message_id": 9_999, "date": int(time.time()), "chat": user.chat,
               "from": user.sender, "text": "/new",
               "entities": [{"type": "bot_command", "offset": 0, "length": 4}]}
    return {"update_id": 99_999, "message": message}


def test_a_user_drafts_over_the_webhook_and_forged_requests_change_nothing(
    server: FakeBotApi, tmp_path: Path
) -> None:
    port = free_port()
    talk = Talk(SimulatedUser(server, USER, timeout=TIMEOUT))
    with webhook_bot(server, tmp_path, port) as bot:
        hook = server.webhook
        assert hook is not None and hook.url == f"http://127.0.0.1:{port}{HOOK_PATH}"
        assert len(hook.secret_token) >= 32 and server.token.split(":")[1] not in hook.secret_token
        assert sorted(hook.allowed_updates) == sorted(ALLOWED_UPDATES)
        assert health(port) == (200, {"status": "ok"})

        name, text = first_draft(talk)
        assert server.deliveries and {d.status for d in server.deliveries} == {200}
        assert server.unconfirmed_updates() == []

        before, calls = data_files(tmp_path / "data"), len(server.calls)
        forged = forged_new(talk.user)
        assert server.post_to_webhook(forged, secret_token=None) == 403
        assert server.post_to_webhook(forged, secret_token="") == 403
        assert server.post_to_webhook(forged, secret_token=hook.secret_token[:-1] + "x") == 403
        assert server.post_to_webhook(forged, secret_token=hook.secret_token + "x") == 403
        time.sleep(0.3)  # what an accepted /new would have sent by now
        assert len(server.calls) == calls, [c.method for c in server.calls[calls:]]
        assert data_files(tmp_path / "data") == before
        check_draft(talk, name, text)  # the dialogue is where it was: the draft, not /new

        assert bot.stop(signal.SIGTERM) == 0, bot.log_text()
        assert server.calls_to("deleteWebhook") == [] and server.webhook == hook
        check_clean(server, bot)

        refused = len(server.deliveries)
        talk.user.command("drafts")  # while no bot listens: Telegram keeps trying
        assert server.wait_for(lambda: len(server.deliveries) > refused, TIMEOUT)
        assert server.deliveries[-1].status == 0
        bot.start()
        assert name in talk.user.wait_for_reply(containing=name).button_texts
    assert server.violations == [], server.violations


def test_webhook_needs_its_url_and_one_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("TELEGRAM_WEBHOOK_URL", "PLANBOT_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    assert main(["webhook"]) == 2
    assert "Error: TELEGRAM_WEBHOOK_URL" in capsys.readouterr().err
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/hook")
    monkeypatch.setenv("PLANBOT_WORKERS", "2")
    assert main(["webhook"]) == 2
    assert "PLANBOT_WORKERS must be 1 (it is 2)" in capsys.readouterr().err
