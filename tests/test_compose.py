"""docker-compose.yml, read without a Docker engine: it agrees with the Dockerfile, the settings
and the webhook server (the bot as ``planbot webhook`` on the image's port and data volume,
every variable a setting, the database URL naming the database service, the proxy forwarding to
the bot's port, the health check on the server's health path)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.adapters.webhook import HEALTH_PATH
from bot.cli._main import build_parser
from bot.config import Settings
from tests.test_container import env, named

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
NGINX = ROOT / "deploy" / "nginx.conf"


def services() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    found: dict[str, Any] = data["services"]
    return found


def settings_variables() -> set[str]:
    return {str(f.validation_alias) for f in Settings.model_fields.values() if f.validation_alias}


def test_the_bot_is_the_image_running_planbot_webhook() -> None:
    bot = services()["bot"]
    assert bot["build"] == "." and (ROOT / "Dockerfile").exists()
    command = bot["command"]
    assert command[:1] == ["planbot"]
    build_parser().parse_args(command[1:])  # a command the CLI has
    assert command == ["planbot", "webhook"]


def test_every_variable_is_a_setting_and_the_webhook_ones_are_given() -> None:
    environment = services()["bot"]["environment"]
    assert set(environment) <= settings_variables(), set(environment) - settings_variables()
    assert {"BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "PLANBOT_DATABASE_URL"} <= set(environment)


def test_the_database_url_names_the_database_service() -> None:
    db, bot = services()["db"], services()["bot"]
    url = urlsplit(bot["environment"]["PLANBOT_DATABASE_URL"])
    assert url.scheme == "postgresql" and url.hostname == "db"
    assert url.username == db["environment"]["POSTGRES_USER"]
    assert url.path.lstrip("/") == db["environment"]["POSTGRES_DB"]
    assert "${PLANBOT_DB_PASSWORD}" in bot["environment"]["PLANBOT_DATABASE_URL"]
    assert "PLANBOT_DB_PASSWORD" in db["environment"]["POSTGRES_PASSWORD"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"


def test_port_volume_and_health_agree_with_the_image() -> None:
    bot = services()["bot"]
    port = env()["PLANBOT_WEBHOOK_PORT"]
    assert [i.args for i in named("EXPOSE")] == [port]
    assert bot["expose"] == [port]
    assert env()["PLANBOT_WEBHOOK_LISTEN"] == "0.0.0.0"  # reachable from the proxy
    mounts = [v.split(":") for v in bot["volumes"]]
    assert [m[1] for m in mounts] == [env()["PLANBOT_DATA_DIR"]]
    health = " ".join(bot["healthcheck"]["test"])
    assert f"127.0.0.1:{port}{HEALTH_PATH}" in health
    assert bot["deploy"]["replicas"] >= 2  # several instances: the point of this file


def test_the_proxy_forwards_to_the_bot_and_keeps_health_inside() -> None:
    proxy = services()["proxy"]
    config = NGINX.read_text(encoding="utf-8")
    port = env()["PLANBOT_WEBHOOK_PORT"]
    assert re.search(rf"server bot:{port};", config)
    assert re.search(r"proxy_pass http://planbot;", config)  # the path passed on unchanged
    assert f"location = /planbot{HEALTH_PATH} {{ return 404; }}" in config
    mounted = {v.split(":")[0] for v in proxy["volumes"]}
    assert "./deploy/nginx.conf" in mounted
    assert all((ROOT / m).exists() or m.endswith("certs") for m in mounted)
    assert proxy["ports"] == ["443:443"]  # a port Telegram posts to
