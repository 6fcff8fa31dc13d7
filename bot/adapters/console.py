"""The dialogue in a terminal: ``planbot console``, the same engine Telegram uses.

Usage::

    planbot console                                  # type, read, type …
    printf '/new\\n清远市\\n2\\n' | planbot console    # a scripted dialogue; exits 0 at the end

Each reply is printed with its buttons as numbered options (``[1] 清远市  [2] …``). A line is

* a number: press that button of the latest replies — except where the bot asks for a figure or
  a wording (a target, an item's new text): there the buttons are shown without numbers, a number
  is the figure, and a button is pressed by typing its words (跳过, 全部跳过, 上一步);
* ``=`` and text: send the text as it is (``=3`` sends “3” even when there is a button 3);
* ``/command``: a command (/new, /back, /skip, /cancel, /help, /drafts);
* anything else: text. Text that names a button (完成, 跳过, 上一步, 预览全文, or a part of one
  button's words such as 分级) presses it: the engine takes them as presses, on Telegram too
  (``bot.dialogue.typed``).

Lines come from ``console_lines``: prompt_toolkit (line editing, history, pastes of any length)
when a person types at a terminal, the stream as it is otherwise.

Files the bot sends are written (atomically) to ``<data dir>/exports/`` and their path printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.adapters.console_lines import Lines, terminal_lines
from bot.dialogue.engine import Engine
from bot.dialogue.types import Button, Event, EventKind, Reply
from bot.store.files import write_atomic

CONSOLE_USER_ID = 0
ESCAPE = "="


def run_console(
    engine: Engine,
    stdin: TextIO,
    stdout: TextIO,
    *,
    export_dir: Path | None = None,
    user_id: int = CONSOLE_USER_ID,
    lines: Lines | None = None,
) -> int:
    """Read lines (``lines``, by default from ``stdin``: see ``console_lines``) until the end
    of the input; 0 when it ends."""
    exports = export_dir or (engine.data_dir or Path.cwd()) / "exports"
    source = lines or terminal_lines(stdin, stdout)
    stdout.write(engine.messages.text("console_hint") + "\n")
    # Like opening the chat: greet and show again whatever was unfinished (also after a restart).
    start = Event(kind=EventKind.COMMAND, command="start", user_id=user_id, chat_id=user_id)
    buttons = show(engine, engine.handle(start), stdout, exports)
    while True:
        stdout.flush()
        raw = source.read()
        if raw is None:
            return 0
        line = raw.strip()
        if not line:
            continue
        replies = engine.handle(to_event(line, buttons, user_id))
        shown = show(engine, replies, stdout, exports)
        buttons = shown if shown or any(r.asks_text for r in replies) else buttons


def to_event(line: str, buttons: list[Button], user_id: int) -> Event:
    """What a typed line means: a command, a button press or text."""
    base = {"user_id": user_id, "chat_id": user_id}
    if line.startswith("/"):
        command, _, rest = line[1:].partition(" ")
        return Event(kind=EventKind.COMMAND, command=command, text=rest.strip(), **base)
    if line.isdigit() and 1 <= int(line) <= len(buttons):  # numbered buttons only
        return Event(kind=EventKind.BUTTON, data=buttons[int(line) - 1].data, **base)
    text = line.removeprefix(ESCAPE) if line.startswith(ESCAPE) else line
    return Event(kind=EventKind.TEXT, text=text, **base)


def show(engine: Engine, replies: list[Reply], stdout: TextIO, exports: Path) -> list[Button]:
    """Print the replies; the buttons a typed number presses, in the order they are numbered
    (none where the last reply waits for typed text: a number typed there is the text)."""
    offered: list[Button] = []
    for reply in replies:
        if reply.notice:
            stdout.write(f"※ {reply.notice}\n")
        if reply.text:
            stdout.write(reply.text + "\n")
        for document in reply.documents:
            path = exports / Path(document.filename).name
            write_atomic(path, document.content)
            stdout.write(engine.messages.text("console_saved", path=str(path)) + "\n")
        if reply.asks_text and reply.buttons:
            offered = []
            labels = "  ".join(f"[{button.text}]" for row in reply.buttons for button in row)
            stdout.write(f"  {labels}\n{engine.messages.text('console_typed_hint')}\n")
        for row in [] if reply.asks_text else reply.buttons:
            labels_in_row = []
            for button in row:
                offered.append(button)
                labels_in_row.append(f"[{len(offered)}] {button.text}")
            stdout.write("  " + "  ".join(labels_in_row) + "\n")
        stdout.write("\n")
    return offered
