"""The session's one stack of modes: stored as before (one key per mode), in the layers' order."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.dialogue.session import Session, dump_session, load_session
from bot.dialogue.state.admin import AdminState, AdminStep, AdminTask
from bot.dialogue.state.clauses import ClauseQuestion
from bot.dialogue.state.draft import InputKind, Pending, Screen, View
from bot.dialogue.state.interview import Interview

# A session as the first version stored it: an interview under an open draft, a text asked for,
# the /clause question, the last deletion and the results shown.
STORED: dict[str, Any] = {
    "schema_version": 1,
    "nonce": 41,
    "interview": {"year": 2026, "topics": ["preschool"], "key": "k2"},
    "view": {"screen": "item", "draft_id": "7-abcdefgh", "section": 1, "item": 2},
    "pending": {"kind": "edit", "draft_id": "7-abcdefgh", "revision": 3, "section": 1,
                "item": 2},
    "clauses": {"query": "课后服务", "asking": True, "ids": ["a.b"], "draft_id": "7-abcdefgh"},
    "undo": {"draft_id": "7-abcdefgh", "section_id": "preschool", "index": 0,
             "item": {"text": "新建幼儿园。"}},
}


def test_a_stored_session_loads_into_the_stack_in_layer_order() -> None:
    session = load_session(STORED)
    assert [type(m) for m in session.modes] == [Interview, View, Pending, ClauseQuestion]
    assert isinstance(session.current, ClauseQuestion)
    assert session.view is not None and session.view.screen is Screen.ITEM
    assert session.clauses is not None and session.clauses.query == "课后服务"
    assert session.undo is not None and session.undo.index == 0


def test_a_session_is_stored_as_it_was_read() -> None:
    assert dump_session(load_session(STORED)) == STORED
    plain = {"schema_version": 1, "nonce": 3, "clauses": {"query": "x"}}
    assert dump_session(load_session(plain)) == plain  # no question: no ``asking``


def test_entering_a_mode_keeps_the_layers_and_replaces_one_of_its_kind() -> None:
    session = Session()
    session.enter(AdminState(task=AdminTask.NEW, step=AdminStep.TOPIC))
    session.enter(View(screen=Screen.LIST))
    session.enter(Interview(key="k"))
    session.view = View(screen=Screen.OVERVIEW, draft_id="1-abcdefgh")
    assert [type(m) for m in session.modes] == [Interview, View, AdminState]
    assert session.view.screen is Screen.OVERVIEW
    session.admin = None
    assert isinstance(session.current, View)


def test_back_and_cancel_leave_only_the_current_mode() -> None:
    session = Session(interview=Interview(key="k"), view=View(screen=Screen.LIST))
    assert session.pop(Interview) is None  # not the current one: nothing changes
    assert len(session.modes) == 2
    assert isinstance(session.pop(View), View)
    assert isinstance(session.current, Interview)
    session.pending = Pending(kind=InputKind.RENAME, draft_id="1-abcdefgh", revision=0)
    assert [type(m) for m in session.modes] == [Interview, Pending]


def test_a_stack_out_of_order_does_not_validate() -> None:
    with pytest.raises(ValidationError):
        Session(modes=[View(screen=Screen.LIST), Interview(key="k")])
    with pytest.raises(ValidationError):
        Session(modes=[View(screen=Screen.LIST), View(screen=Screen.LIST)])
