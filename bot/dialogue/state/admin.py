"""What an admin is doing in the chat (``Session.admin``): a guided change of the clause library.

Stored with the session as plain JSON, like the rest of it. ``task`` is the change being
prepared, ``step`` what the bot waits for. The preview waiting for 确认 is ``token``: the
buttons carry only an action code, so a forged or replayed button can confirm nothing but the
admin's own preview, and the service checks the admin list again when it is applied.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from bot.dialogue.state.mode import Mode
from bot.library.models import MIN_YEAR, Level

MAX_CANDIDATES = 8  # clauses offered after a search
MAX_SHOWN = 6000  # characters of a preview kept to show it again (after /help or an error)


class AdminTask(StrEnum):
    NEW = "new"  # 新增条款
    EDIT = "edit"  # 修改条款
    RETIRE = "retire"  # 停用条款
    RESTORE = "restore"  # 恢复条款
    UPLOAD = "upload"  # a topic file was sent
    ROLLBACK = "rollback"  # 回滚到此版本


class AdminStep(StrEnum):
    TOPIC = "topic"  # new clause: which topic (buttons)
    KIND = "kind"  # new clause: which kind (buttons)
    TITLE = "title"  # new clause: its title (text; /skip: none)
    TEXT = "text"  # new clause: its text (text)
    SCOPE = "scope"  # new clause: years (text) and levels (buttons), then 预览
    FIND = "find"  # edit, retire, restore: a clause id or keywords (text), or a pick (buttons)
    EDIT_TEXT = "edit_text"  # edit: the new text (text)
    CONFIRM = "confirm"  # a preview with ``token``: 确认 / 取消

    @property
    def wants_text(self) -> bool:
        return self in _TEXT_STEPS


_TEXT_STEPS = frozenset({AdminStep.TITLE, AdminStep.TEXT, AdminStep.SCOPE, AdminStep.FIND,
                         AdminStep.EDIT_TEXT})


class AdminState(Mode):
    KEY = "admin"
    LAYER = 50  # over everything: a guided change takes the texts and presses it waits for

    task: AdminTask
    step: AdminStep
    topic: str = ""
    kind: str = ""  # a ClauseKind value
    title: str = ""
    text: str = ""
    year_from: int = MIN_YEAR
    year_to: int | None = None
    levels: list[Level] = Field(default_factory=lambda: list(Level))
    page: int = Field(default=0, ge=0)
    clause_id: str = ""
    candidates: list[str] = Field(default_factory=list, max_length=MAX_CANDIDATES)
    token: str = ""
    back: AdminStep | None = None  # where /back goes from CONFIRM (discarding the preview)
    shown: str = Field(default="", max_length=MAX_SHOWN)  # the preview, to show it again
