"""When a failed call to a chat platform may be made again: one rule, for every adapter.

A message or a file must reach the chat once. A call that failed is made again only when doing
so cannot show the user something twice:

- a call that *adds* to the chat (``sendMessage``, ``sendDocument`` …) is repeated only where
  the request surely did not take effect: no connection was made (:attr:`Outcome.NOT_SENT`),
  the platform refused it for now and said how long to wait (:attr:`Outcome.WAIT`, Telegram's
  429 with ``retry_after``), or a gateway answered that the service behind it is unreachable
  (:attr:`Outcome.UNAVAILABLE`, HTTP 502 and 503, answered before any Bot API answer);
- a call that is *safe to repeat* (an edit to the same text, the answer to a button press, a
  read) is repeated after those failures and also where the outcome is unknown
  (:attr:`Outcome.UNKNOWN`: the request went out and no answer came in time, the connection
  broke after sending, a 500 or 504). Done twice, it leaves the same chat.

A call that adds and whose outcome is unknown is *not* repeated: the platform may have delivered
it (a Bot API that delivers a message and answers after the read timeout did so, and a second
welcome followed). The adapter logs it and goes on as if it was delivered.

The rule knows no transport: an adapter maps its failures to an :class:`Outcome` (for HTTP,
:func:`outcome_of_status` does the status codes) and asks :meth:`RetryPolicy.may_retry` with the
method's name. :data:`TELEGRAM` lists the Bot API methods the Telegram adapter calls; another
platform's adapter makes its own :class:`RetryPolicy` with its safe methods. A method not listed
as safe counts as one that adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class Outcome(Enum):
    """What a failed call tells about whether the request took effect."""

    NOT_SENT = "not sent"  # no connection was made (refused, DNS, connect timeout, proxy)
    WAIT = "refused for now"  # rate-limited with a wait to observe (429 retry_after)
    UNAVAILABLE = "unavailable"  # a gateway's 502 or 503: the service was not reached
    UNKNOWN = "outcome unknown"  # sent, then no answer in time, or cut off, or a 500 / 504


SURELY_NOT_DONE: Final = frozenset({Outcome.NOT_SENT, Outcome.WAIT, Outcome.UNAVAILABLE})
_UNAVAILABLE_STATUS: Final = frozenset({502, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """``safe``: the methods that may be repeated whatever the outcome; the others add to the
    chat and are repeated only when the request surely did not take effect. ``attempts`` is the
    most tries in all (the first included)."""

    safe: frozenset[str]
    attempts: int = 4

    def adds(self, method: str) -> bool:
        """Whether ``method`` adds to the chat (not listed as safe)."""
        return method not in self.safe

    def may_retry(self, method: str, outcome: Outcome) -> bool:
        """Whether a call of ``method`` that failed with ``outcome`` may be made again."""
        return outcome in SURELY_NOT_DONE or not self.adds(method)


def outcome_of_status(status: int) -> Outcome | None:
    """The outcome an HTTP error status tells (None: an answer not worth repeating, 4xx)."""
    if status == 429:
        return Outcome.WAIT
    if status in _UNAVAILABLE_STATUS:
        return Outcome.UNAVAILABLE
    if status >= 500:
        return Outcome.UNKNOWN
    return None


TELEGRAM: Final = RetryPolicy(
    safe=frozenset({
        # reads and settings: the same result however often
        "getMe", "getUpdates", "getFile", "download", "setMyCommands", "deleteWebhook",
        # the same edit twice: "message is not modified", taken as done
        "editMessageText", "editMessageReplyMarkup",
        # a second answer to a button press or an inline query is refused ("query is too old"),
        # a second "typing…" shows the same
        "answerCallbackQuery", "answerInlineQuery", "sendChatAction",
    }),
)

DINGTALK: Final = RetryPolicy(
    safe=frozenset({
        # reads and set-up: the same result however often
        "accessToken", "connections/open", "messageFiles/download", "download",
        # an uploaded file is shown to nobody until a message names its media_id
        "media/upload",
    }),
)
