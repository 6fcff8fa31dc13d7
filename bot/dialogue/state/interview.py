"""The interview's part of the session: the answers of a new draft (a mode)."""

from __future__ import annotations

import secrets

from pydantic import Field

from bot.compose.context import Region
from bot.compose.plan import NumberingStyle
from bot.dialogue.state.mode import Mode, Part

MAX_HISTORY = 60


class RegionChoice(Part):
    """A typed region name waiting for the user: pick a candidate, or (none found) a level or
    one of the ``similar`` known regions (the same name at another level)."""

    name: str
    candidates: list[Region] = Field(default_factory=list)
    province: str = ""
    similar: list[Region] = Field(default_factory=list)


class Interview(Mode):
    """The answers of a new draft, and where the user is among the questions."""

    KEY = "interview"
    LAYER = 10

    region: Region | None = None
    region_choice: RegionChoice | None = None
    year: int | None = None
    kind: str | None = None
    topics: list[str] = Field(default_factory=list)  # in the order tapped
    topics_done: bool = False
    targets: dict[str, str] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)  # 跳过: the line stays, with 【待填】
    left_out: list[str] = Field(default_factory=list)  # 全部跳过: no line in the draft
    style: NumberingStyle | None = None
    history: list[str] = Field(default_factory=list)  # steps left, oldest first (for /back)
    revisit: list[str] = Field(default_factory=list)  # answered steps to ask again first
    page: int = Field(default=0, ge=0)  # page of the priority buttons
    choosing_target: bool = False  # 改目标 on the review: the list of targets to pick from
    # Marks the draft this interview creates, so a crash between saving the draft and saving the
    # session cannot turn a second press of 生成草稿 into a duplicate draft.
    key: str = Field(default_factory=lambda: secrets.token_hex(8))
