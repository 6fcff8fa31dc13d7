"""Small parts of the dialogue: the button codec, the stored session, file names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dialogue.actions import _SHAPES, Action, decode, encode
from bot.dialogue.codes import Codes as Act
from bot.dialogue.draft._export import file_stem
from bot.dialogue.session import NONCE_MODULUS, Session, dump_session, load_session
from bot.dialogue.state.interview import Interview
from bot.dialogue.turn import REVISION_MODULUS
from bot.dialogue.types import MAX_BUTTON_DATA

LONGEST_DRAFT = "-" + "9" * 20 + "-" + "_" * 8  # the longest id the store can make


def args_for(act: Act, number: int) -> list[str | int]:
    with_draft, count = _SHAPES.get(act, (False, 0))
    return [*([LONGEST_DRAFT] if with_draft else []), *([number] * count)]


@pytest.mark.parametrize("act", list(Act))
def test_every_action_fits_in_64_bytes_at_its_largest(act: Act) -> None:
    biggest = max(REVISION_MODULUS, 10_000) - 1
    data = encode(NONCE_MODULUS - 1, act, *args_for(act, biggest))
    assert len(data.encode()) <= MAX_BUTTON_DATA
    assert decode(data) == Action(
        NONCE_MODULUS - 1, act, LONGEST_DRAFT if _SHAPES.get(act, (False, 0))[0] else "",
        tuple(a for a in args_for(act, biggest) if isinstance(a, int)),
    )


@given(st.sampled_from(list(Act)), st.integers(0, NONCE_MODULUS - 1), st.integers(0, 99_999))
def test_round_trip(act: Act, nonce: int, number: int) -> None:
    action = decode(encode(nonce, act, *args_for(act, number)))
    assert action is not None and action.act is act and action.nonce == nonce


@given(st.text(max_size=80))
def test_junk_decodes_to_nothing_or_a_well_formed_action(data: str) -> None:
    action = decode(data)
    if action is not None:
        assert len(action.ints) == _SHAPES.get(action.act, (False, 0))[1]


def test_wrong_shapes_are_refused() -> None:
    with pytest.raises(AssertionError):
        encode(0, Act.ITEM, "1-abcdefgh", 1)
    assert decode("0:it:1-abcdefgh:1") is None
    assert decode("0:op:1-abc") is None  # not a draft id
    assert decode("0:ls:-1") is None
    assert decode("0:ls:ZZ") is None


def test_session_is_plain_json_with_a_version() -> None:
    session = Session(nonce=5, interview=Interview(year=2026, topics=["party"], key="k1"))
    data = dump_session(session)
    assert data == {"schema_version": 1, "nonce": 5,
                    "interview": {"year": 2026, "topics": ["party"], "key": "k1"}}
    assert load_session(data) == session
    assert load_session(None) == Session()


def test_a_session_that_does_not_validate_is_replaced() -> None:
    broken = {"schema_version": 9, "nonce": 7, "interview": "?"}
    assert load_session(broken) == Session(nonce=8)  # its buttons stay stale


@pytest.mark.parametrize(("title", "stem"), [
    ("清远市教育局2019年工作要点", "清远市教育局2019年工作要点"),
    ("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j"),
    ("..", "plan"),
    ("长" * 100, "长" * 80),
])
def test_file_stem(title: str, stem: str) -> None:
    assert file_stem(title) == stem
