"""The button codes of /clause.

A member is its two letters and its shape (``bot.dialogue.actions.Code``): whether a draft
id follows, how many numbers; the comment says what they are.
"""

from __future__ import annotations

from bot.dialogue.actions import Code


class ClauseAct(Code):
    """/clause: index = a result's index on the page the session holds."""

    CLAUSE_PAGE = "qg", False, 1  # page of the results
    CLAUSE_FULL = "qv", False, 1  # index: the clause's full text
    CLAUSE_INSERT = "qi", False, 1  # index: where to insert it (a section of the open draft, or a d
    CLAUSE_DRAFT = "qd", True, 1  # draft, index: the sections of that draft
    CLAUSE_SECTION = "qs", True, 3  # draft, revision, index, section: insert it there
