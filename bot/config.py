"""One typed ``Settings`` object, read from the environment (or ``.env``) once and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.shipped import SOURCE_ROOT, in_checkout, shipped_dir

ROOT = SOURCE_ROOT


def default_data_dir() -> Path:
    """The checkout's ``storage/`` when the package runs from a checkout (``make run``: an
    editable install); otherwise the platform's user data directory (``~/.local/share/planbot``
    on Linux, ``$XDG_DATA_HOME/planbot`` when that is set)."""
    if in_checkout():
        return SOURCE_ROOT / "storage"
    return platformdirs.user_data_path("planbot", appauthor=False)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str = Field(default="", validation_alias="BOT_TOKEN")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL"
    )
    telegram_file_base_url: str = Field(
        default="https://api.telegram.org/file/bot", validation_alias="TELEGRAM_FILE_BASE_URL"
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="ADMIN_IDS"
    )
    # DingTalk (钉钉) Stream mode: the app's AppKey/AppSecret; the robot code defaults to the AppKey
    dingtalk_client_id: str = Field(default="", validation_alias="DINGTALK_CLIENT_ID")
    dingtalk_client_secret: str = Field(default="", validation_alias="DINGTALK_CLIENT_SECRET")
    dingtalk_robot_code: str = Field(default="", validation_alias="DINGTALK_ROBOT_CODE")
    dingtalk_api_base_url: str = Field(
        default="https://api.dingtalk.com", validation_alias="DINGTALK_API_BASE_URL"
    )
    dingtalk_oapi_base_url: str = Field(
        default="https://oapi.dingtalk.com", validation_alias="DINGTALK_OAPI_BASE_URL"
    )
    # staffIds of the owners on DingTalk (as ADMIN_IDS on Telegram), comma-separated
    dingtalk_admin_ids: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), validation_alias="DINGTALK_ADMIN_IDS"
    )
    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="PLANBOT_DATA_DIR")
    # shipped inside the package (bot/shipped.py); set these to use another copy
    snippets_dir: Path = Field(
        default_factory=lambda: shipped_dir("snippets"), validation_alias="PLANBOT_SNIPPETS_DIR"
    )
    prompts_dir: Path = Field(
        default_factory=lambda: shipped_dir("prompts"), validation_alias="PLANBOT_PROMPTS_DIR"
    )
    log_level: str = Field(default="INFO", validation_alias="PLANBOT_LOG_LEVEL")
    # processes handling Telegram updates (one more polls); 1: everything in one process
    workers: int = Field(default=1, ge=1, le=64, validation_alias="PLANBOT_WORKERS")

    # webhook mode (planbot webhook, bot/adapters/webhook.py): where Telegram posts the updates
    telegram_webhook_url: str = Field(default="", validation_alias="TELEGRAM_WEBHOOK_URL")
    # the X-Telegram-Bot-Api-Secret-Token every request must carry; empty: derived from the token
    telegram_webhook_secret: SecretStr = Field(
        default=SecretStr(""), validation_alias="TELEGRAM_WEBHOOK_SECRET"
    )
    webhook_listen: str = Field(default="127.0.0.1", validation_alias="PLANBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8080, ge=1, le=65535, validation_alias="PLANBOT_WEBHOOK_PORT")
    # PostgreSQL instead of the data directory's files (bot/store/postgres); empty: TinyDB
    database_url: SecretStr = Field(default=SecretStr(""), validation_alias="PLANBOT_DATABASE_URL")
    # Telegram's limits on messages sent (bot/adapters/ratelimit.py); 0: not limited
    telegram_max_per_second: int = Field(default=30, ge=0,
                                         validation_alias="TELEGRAM_MAX_PER_SECOND")
    telegram_max_per_chat_second: int = Field(default=1, ge=0,
                                              validation_alias="TELEGRAM_MAX_PER_CHAT_SECOND")
    # a chat's rate is kept over this many seconds: a reply of a few messages goes at once
    # (Telegram allows short bursts), a chat sent to without pause still gets one a second
    telegram_chat_burst_seconds: int = Field(default=3, ge=1, le=60,
                                             validation_alias="TELEGRAM_CHAT_BURST_SECONDS")
    telegram_max_per_group_minute: int = Field(default=20, ge=0,
                                               validation_alias="TELEGRAM_MAX_PER_GROUP_MINUTE")

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_chars(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(r"[A-Za-z0-9_-]{0,256}", value.get_secret_value()):
            raise ValueError("1-256 characters: A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = value.replace(";", ",").split(",")
            return frozenset(int(part) for part in parts if part.strip())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("dingtalk_admin_ids", mode="before")
    @classmethod
    def _split_staff_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.replace(";", ",").split(",")
                             if part.strip())
        return value

    @property
    def dingtalk_enabled(self) -> bool:
        return bool(self.dingtalk_client_id and self.dingtalk_client_secret)
