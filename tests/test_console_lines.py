"""The terminal reads what a person types through prompt_toolkit (driven here by its own pipe
input, as a terminal would feed it): pastes of any length whole, arrow keys, history; piped
input is read line by line as before."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.adapters.console import run_console
from bot.adapters.console_lines import PromptLines, StreamLines, terminal_lines
from bot.store import open_store
from tests.chat import make_engine

UP, LEFT = "\x1b[A", "\x1b[D"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


@pytest.fixture
def keys() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe:
        yield pipe


def _lines(keys: PipeInput) -> PromptLines:
    return PromptLines(PromptSession(input=keys, output=DummyOutput()))


def test_a_long_paste_reaches_the_engine_whole(keys: PipeInput, tmp_path: Path) -> None:
    """A 5,000-character line was cut at the tty's 4,095 bytes (1,365 characters)."""
    keys.send_text("/new\r" + "字" * 5000 + "\r")
    keys.close()
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    out = io.StringIO()
    assert run_console(engine, io.StringIO(), out, lines=_lines(keys)) == 0
    assert "（5000字）" in out.getvalue()


def test_a_pasted_text_of_paragraphs_is_one_message(keys: PipeInput) -> None:
    keys.send_text(f"{PASTE_START}第一段。\n第二段。{PASTE_END}\r")
    keys.close()
    lines = _lines(keys)
    assert lines.read() == "第一段。\n第二段。"
    assert lines.read() is None


def test_arrow_keys_edit_and_recall(keys: PipeInput) -> None:
    lines = _lines(keys)
    typed = [
        ("清远\r", "清远"),
        (f"{UP}市\r", "清远市"),  # the last line again, with 市 added
        (f"修文县{LEFT}{LEFT}X\r", "修X文县"),  # a character typed in the middle
        ("废弃\x03重新输入\r", "重新输入"),  # Ctrl-C drops the line being typed
    ]
    for keystrokes, line in typed:  # one line at a time, as a person types
        keys.send_text(keystrokes)
        assert lines.read() == line
    keys.close()
    assert lines.read() is None  # Ctrl-D / end of input


def test_piped_input_is_read_and_echoed_line_by_line() -> None:
    out = io.StringIO()
    lines = StreamLines(io.StringIO("清远市\n\n2\n"), out)
    assert [lines.read(), lines.read(), lines.read(), lines.read()] == ["清远市", "", "2", None]
    assert out.getvalue() == "> 清远市\n> 2\n"


def test_a_pipe_gets_the_stream_reader() -> None:
    assert isinstance(terminal_lines(io.StringIO(), io.StringIO()), StreamLines)
