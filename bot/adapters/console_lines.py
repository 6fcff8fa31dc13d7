"""Where the terminal dialogue's lines come from.

* A person at a terminal (stdin and stdout both a tty): ``prompt_toolkit``. It reads the keys
  itself, so a pasted line of any length arrives whole (the tty's canonical mode cuts a line at
  4,095 bytes), a pasted text of several paragraphs stays one message (bracketed paste), and the
  arrow keys edit the line and walk the history of this run (kept in memory only: the lines are
  draft text, which is never written outside the store).
* Anything else (a pipe, a file, a test): the stream, line by line, each line echoed after
  ``> `` so a transcript reads like a dialogue; a tty stdin with redirected output gets the
  ``> `` prompt instead.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory

PROMPT = "> "


class Lines(Protocol):
    def read(self) -> str | None:
        """The next line, without its line break; ``None`` at the end of the input."""


class StreamLines:
    """Lines of a stream: piped input, or a terminal whose output is redirected."""

    def __init__(self, stream: TextIO, out: TextIO) -> None:
        self._stream = stream
        self._out = out
        self._interactive = stream.isatty()

    def read(self) -> str | None:
        if self._interactive:
            self._out.write(PROMPT)
            self._out.flush()
        raw = self._stream.readline()
        if not raw:
            return None
        line = raw.rstrip("\r\n")
        if not self._interactive and line.strip():
            self._out.write(f"{PROMPT}{line.strip()}\n")
        return line


class PromptLines:
    """Lines typed or pasted at a terminal, with line editing and history."""

    def __init__(self, session: PromptSession[str] | None = None) -> None:
        self._session = session or PromptSession(history=InMemoryHistory())

    def read(self) -> str | None:
        while True:
            try:
                return self._session.prompt(PROMPT)
            except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as in a shell
                continue
            except EOFError:  # Ctrl-D
                return None


def terminal_lines(stdin: TextIO, stdout: TextIO) -> Lines:
    """prompt_toolkit for a person at a terminal, the stream otherwise."""
    if stdin.isatty() and stdout.isatty():
        return PromptLines()
    return StreamLines(stdin, stdout)
