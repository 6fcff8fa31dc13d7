"""DingTalk ids → our integer user and chat ids, in a namespace of their own.

Telegram user ids are positive, its group ids negative and at most 52 bits (below 2**52 in
magnitude), the terminal is user 0; a DingTalk user or group gets a number *below* all of them:
``-(OFFSET + 1), -(OFFSET + 2), …`` in the order they first write. No hash: two DingTalk ids
never share a number, and a Telegram user or chat never shares one with a DingTalk one, so
their drafts and sessions never meet. The table
(``<data dir>/dingtalk/ids.json``) is written atomically through ``bot.store.files`` and grows only.

Keys are ``user:<staffId>`` and ``group:<openConversationId>``.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from bot.store.files import write_atomic

OFFSET = 10**16  # above every Telegram id (52 bits)


class Identities:
    """The persistent, grow-only mapping; safe to use from several threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ids: dict[str, int] = _load(path)
        self._keys = {number: key for key, number in self._ids.items()}

    @classmethod
    def open(cls, data_dir: Path) -> Identities:
        return cls(data_dir / "dingtalk" / "ids.json")

    def user(self, staff_id: str) -> int:
        return self._number(f"user:{staff_id}")

    def group(self, conversation_id: str) -> int:
        return self._number(f"group:{conversation_id}")

    @staticmethod
    def is_ours(number: int) -> bool:
        """Whether ``number`` is in the DingTalk namespace."""
        return number < -OFFSET

    def key(self, number: int) -> tuple[str, str] | None:
        """``("user", staffId)`` or ``("group", conversationId)`` for a number we gave out."""
        with self._lock:
            key = self._keys.get(number)
        if key is None:
            return None
        kind, _, value = key.partition(":")
        return kind, value

    def _number(self, key: str) -> int:
        with self._lock:
            number = self._ids.get(key)
            if number is None:
                number = -(OFFSET + len(self._ids) + 1)
                self._ids[key] = number
                self._keys[number] = key
                data = json.dumps(self._ids, ensure_ascii=False, indent=0).encode()
                write_atomic(self.path, data)
            return number


def _load(path: Path) -> dict[str, int]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {str(key): int(value) for key, value in raw.items()}
