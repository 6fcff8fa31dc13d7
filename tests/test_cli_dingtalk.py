"""``planbot dingtalk`` and which transports ``planbot run`` starts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.cli import _run, main
from bot.config import Settings


def test_dingtalk_without_credentials_says_what_to_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DINGTALK_CLIENT_ID", raising=False)
    monkeypatch.delenv("DINGTALK_CLIENT_SECRET", raising=False)
    assert main(["dingtalk"]) == 2
    assert "DINGTALK_CLIENT_ID" in capsys.readouterr().err


@pytest.mark.parametrize(("fields", "started"), [
    ({"dingtalk_client_id": "a", "dingtalk_client_secret": "b"}, "dingtalk"),
    ({"bot_token": "1:x"}, "telegram"),
    ({"bot_token": "1:x", "dingtalk_client_id": "a", "dingtalk_client_secret": "b"}, "both"),
    ({"dingtalk_client_id": "a"}, "console"),  # half the credentials: not DingTalk
    ({}, "console"),
])
def test_run_starts_the_transports_whose_credentials_are_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fields: dict[str, str], started: str
) -> None:
    for name in ("dingtalk", "telegram", "both", "console"):
        monkeypatch.setattr(_run, name, lambda args, settings, name=name: started_with(name))
    settings = Settings.model_construct(data_dir=tmp_path, **fields)
    assert _run.run(argparse.Namespace(), settings) == ("dingtalk", "telegram", "both",
                                                        "console").index(started)


def started_with(name: str) -> int:
    return ("dingtalk", "telegram", "both", "console").index(name)


def test_dingtalk_admin_ids_become_owners_of_their_own_numbers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.adapters.dingtalk.identity import Identities
    from bot.adapters.dingtalk.runner import owners

    monkeypatch.setenv("DINGTALK_ADMIN_IDS", "boss01, boss02;")
    monkeypatch.setenv("ADMIN_IDS", "42")
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(tmp_path))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.dingtalk_admin_ids == frozenset({"boss01", "boss02"})
    admins = owners(settings).admin_ids
    ids = Identities.open(tmp_path)  # the numbers owners() gave out, kept
    assert ids.key(ids.user("boss02")) == ("user", "boss02")
    assert admins == {42, ids.user("boss01"), ids.user("boss02")} and len(ids.path.read_bytes())
