"""The router: each feature registers, by priority, what it handles; every event is offered to
the features in that order until one takes it.

In the spirit of python-telegram-bot's handler groups: a feature's handler looks at the event and
either answers it (a list of replies) or lets it go on (``None``). What a feature registers:

- ``acts``: its button codes (a press of one goes to its ``press``; ``claims`` may take others);
- ``mode``: the kind of mode it puts on the session's stack (``bot.dialogue.state``), if any;
- ``commands``: its slash commands;
- ``text``, ``file``: a typed message, an uploaded document; ``file_types``: the suffixes of
  the documents its ``file`` reads (``.yaml``): a document is offered only to the features that
  read its type, which then decide by the sender's role or their mode whether it is theirs;
- ``screen``: what the user is looking at in this feature, shown again (after /help, an error);
- ``back``, ``skip``, ``cancel``, ``help``: the four commands (and the ⬅ / 取消 buttons) every
  screen knows, asked of the features in turn: the first whose mode is current answers;
- ``first``: sees every event before the feature's own handlers; ``otherwise``: told that the
  event was not its own; ``interrupted``: a press elsewhere ended what it waited for;
- ``words``: the screen whose buttons typed words may press, where that is not the current one;
- ``inline``: answers inline queries; ``leaves_dialogue``: an event that leaves the private
  dialogue as it was (its buttons stay valid).

The router knows no feature by name; ``bot.dialogue.features`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from bot.dialogue.actions import Action, Code
from bot.dialogue.codes.common import Common
from bot.dialogue.state.mode import Mode
from bot.dialogue.turn import Deps, Rejected, Turn
from bot.dialogue.types import Event, EventKind, InlineAnswer, Reply
from bot.errors import InputError

Replies = list[Reply] | None  # None: not this feature's event
Handler = Callable[[Turn], Replies]
Press = Callable[[Turn, Action], list[Reply]]
Typed = Callable[[Turn, str], Replies]
Inline = Callable[[Deps, Event], InlineAnswer]
HOOKS = ("back", "skip", "cancel", "help")
_HOOK_ACTS: dict[Code, str] = {Common.BACK: "back", Common.CANCEL: "cancel"}  # like the command


@dataclass(frozen=True)
class Feature:
    """What one feature handles; every handler is optional (see the module docstring)."""

    name: str
    priority: int
    acts: frozenset[Code] = frozenset()
    mode: type[Mode] | None = None
    press: Press | None = None
    claims: Callable[[Turn, Action], bool] | None = None  # default: the act is one of ``acts``
    keeps_input: bool = False  # its presses leave what another feature waits for alone
    commands: Mapping[str, Handler] = field(default_factory=dict)
    text: Typed | None = None
    file: Handler | None = None
    file_types: frozenset[str] = frozenset()  # suffixes, lower case with the dot
    screen: Handler | None = None
    back: Handler | None = None
    skip: Handler | None = None
    cancel: Handler | None = None
    help: Handler | None = None
    first: Callable[[Turn, Action | None], Replies] | None = None
    otherwise: Callable[[Turn], None] | None = None
    interrupted: Callable[[Turn], None] | None = None
    words: Callable[[Turn], tuple[list[Reply], bool] | None] | None = None
    inline: Inline | None = None
    leaves_dialogue: Callable[[Event, Action | None], bool] | None = None

    def hook(self, name: str) -> Handler | None:
        return {"back": self.back, "skip": self.skip, "cancel": self.cancel,
                "help": self.help}.get(name)

    def takes(self, turn: Turn, action: Action) -> bool:
        if self.claims is not None:
            return self.claims(turn, action)
        return action.act in self.acts


def reads(feature: Feature, event: Event) -> bool:
    """Whether the feature reads documents of this one's type (by the file name's suffix)."""
    return PurePath(event.file_name.lower()).suffix in feature.file_types


def command_name(command: str) -> str:
    return command.strip().lstrip("/").split("@")[0].lower()


class Router:
    """The features in order of priority, and what the engine asks of them."""

    def __init__(self, features: Iterable[Feature]) -> None:
        self.features = tuple(sorted(features, key=lambda f: f.priority))
        owners: dict[Code, str] = {}
        for feature in self.features:
            for act in feature.acts:
                assert act not in owners, (act, owners.get(act), feature.name)
                owners[act] = feature.name

    def route(self, turn: Turn, action: Action | None) -> list[Reply]:
        """The replies to the event (``action``: the decoded button, if one was pressed)."""
        for feature in self.features:
            replies = self._offer(feature, turn, action)
            if replies is not None:
                return replies
        return self._unclaimed(turn, action)

    def press(self, turn: Turn, action: Action) -> list[Reply]:
        """A button named by typed words: offered like a press."""
        return self.route(turn, action)

    def current_screen(self, turn: Turn) -> list[Reply]:
        """What the user is looking at, shown again (nothing when idle)."""
        for feature in self.features:
            shown = feature.screen(turn) if feature.screen is not None else None
            if shown:
                return shown
        return []

    def words(self, turn: Turn) -> tuple[list[Reply], bool]:
        """The screen typed words are matched against, and whether a part of a label will do."""
        for feature in self.features:
            found = feature.words(turn) if feature.words is not None else None
            if found is not None:
                return found
        return self.current_screen(turn), True

    def help_screen(self, turn: Turn, step: str) -> list[Reply]:
        return [Reply(text=turn.screen("help", step=step)), *self.current_screen(turn)]

    def inline(self, deps: Deps, event: Event) -> InlineAnswer:
        for feature in self.features:
            if feature.inline is not None:
                return feature.inline(deps, event)
        return InlineAnswer()

    def leaves_dialogue(self, event: Event, action: Action | None) -> bool:
        return any(f.leaves_dialogue(event, action) for f in self.features
                   if f.leaves_dialogue is not None)

    def _offer(self, feature: Feature, turn: Turn, action: Action | None) -> Replies:
        if feature.first is not None:
            replies = feature.first(turn, action)
            if replies is not None:
                return replies
        replies = self._own(feature, turn, action)
        if replies is None and feature.otherwise is not None:
            feature.otherwise(turn)
        return replies

    def _own(self, feature: Feature, turn: Turn, action: Action | None) -> Replies:
        event = turn.event
        if event.kind is EventKind.COMMAND:
            name = command_name(event.command)
            if name in feature.commands:
                return feature.commands[name](turn)
            hook = feature.hook(name)
            return hook(turn) if hook is not None else None
        if action is not None:
            return self._pressed(feature, turn, action)
        if event.kind is EventKind.TEXT:
            return feature.text(turn, event.text) if feature.text is not None else None
        return feature.file(turn) if feature.file is not None and reads(feature, event) else None

    def _pressed(self, feature: Feature, turn: Turn, action: Action) -> Replies:
        if action.act in _HOOK_ACTS:
            hook = feature.hook(_HOOK_ACTS[action.act])
            return hook(turn) if hook is not None else None
        if feature.press is None or not feature.takes(turn, action):
            return None
        if not feature.keeps_input:
            for other in self.features:
                if other.interrupted is not None:
                    other.interrupted(turn)
        return feature.press(turn, action)

    def _unclaimed(self, turn: Turn, action: Action | None) -> list[Reply]:
        """What no feature took: the answers of an idle dialogue."""
        event = turn.event
        name = command_name(event.command) if event.kind is EventKind.COMMAND else ""
        if action is not None:
            name = _HOOK_ACTS.get(action.act, "")
            if not name:
                raise Rejected("button_invalid")
        if name == "back":
            return [Reply(text=turn.say("idle_hint"))]
        if name == "cancel":
            return [Reply(text=turn.say("nothing_to_cancel"))]
        if name == "skip":
            raise InputError("nothing_to_skip")
        if name == "help":
            return self.help_screen(turn, "")
        if name == "start":
            return [Reply(text=turn.screen("start")), *self.current_screen(turn)]
        if event.kind is EventKind.COMMAND:
            raise InputError("unknown_command", command=name[:30])
        if event.kind is EventKind.TEXT:
            return [Reply(text=turn.say("idle_hint"))]
        raise InputError("files_unsupported")
