"""A second poller: Telegram answers ``getUpdates`` with 409 Conflict.

Telegram lets one client at a time poll a bot token ("terminated by other getUpdates request;
make sure that only one bot instance is running"), and refuses polling while a webhook is set.
Both modes of ``planbot telegram`` (one process, or a poller with workers) then do the same:

1. log one line at ERROR (:func:`report`, the same words in both modes);
2. stop polling at once (no more requests that would cut the other poller's short);
3. finish the updates in hand, wait :data:`GRACE` seconds (a supervisor restarting the bot at
   once would only meet the conflict again), and exit with :data:`EXIT_STATUS`.

Two bots on one data directory stay safe meanwhile: the store's locks serialise every user's
updates across processes (``bot.store.shards``).
"""

from __future__ import annotations

import logging
from typing import Final

logger = logging.getLogger(__name__)

GRACE: Final = 5.0  # seconds between the conflict and the exit
EXIT_STATUS: Final = 1


def report(description: str) -> None:
    """The one ERROR line of a conflict (``description``: Telegram's words)."""
    logger.error(
        "Telegram refused getUpdates with 409 Conflict (%s): another process is polling with "
        "this bot token, or a webhook is set. Stopping; exit status %d in %.0f s.",
        description, EXIT_STATUS, GRACE,
    )
