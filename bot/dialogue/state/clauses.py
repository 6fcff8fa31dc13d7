"""/clause's parts of the session: the results shown (a note) and the question for keywords."""

from __future__ import annotations

from pydantic import Field

from bot.dialogue.state.mode import Mode, Part


class ClauseSearch(Part):
    """/clause: the keywords, the page shown and its clause ids (buttons carry an index into
    ``ids``); ``draft_id``: the draft open when the user searched (its year filters the results
    and its context renders them; "" when none was open). A note, not a mode."""

    query: str = ""
    page: int = Field(default=0, ge=0)
    ids: list[str] = Field(default_factory=list)
    more: bool = False
    draft_id: str = ""


class ClauseQuestion(Mode):
    """/clause without keywords: the next text is the query (stored as ``clauses.asking``)."""

    KEY = "clause_question"
    LAYER = 40
