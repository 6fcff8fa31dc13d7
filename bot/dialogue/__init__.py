"""The transport-free dialogue engine (``Engine.handle(event) -> list[Reply]``; inline queries:
``Engine.inline(event) -> InlineAnswer``).

The core, which names no feature:

=============  ===============================================================================
module         what it holds
=============  ===============================================================================
types          Event, Reply, Button, Document, InlineAnswer: the contract with the adapters
engine         Engine: loads the session, offers the event to the router, saves the session
router         Feature (what a feature registers) and Router (offers events by priority)
features       the features, in the order the router offers them events
session        the session stored as plain JSON: one stack of modes, and two notes
state/         the parts of the session: each mode and note, plain data
actions        compact button data with a nonce, ≤ 64 bytes
turn           one event being handled: library, store, words, the session being changed
typed          which button of a screen typed words name
layout         labels cut short, times in China Standard Time
usage          what the dialogue records for /admin_stats (inserted, swapped away, edited, drafts)
=============  ===============================================================================

The features (a package each; what others may use is in its ``__all__``):

=============  ===============================================================================
admin/         admins: the menu, guided clause changes, uploads, history, stats, the admin list
clauses/       /clause: find clauses, read them, insert one into a draft; inline mode answers
sharing/       share links: make, expire, revoke, open; access; a draft read only; /post
draft/         the drafts: list, overview, sections, items, editing, wordings, conflict, export,
               and the text the bot asked for
interview/     the questions of a new draft, the answers, the review, the new draft
=============  ===============================================================================
"""
