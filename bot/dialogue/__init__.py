"""The transport-free dialogue engine (``Engine.handle(event) -> list[Reply]``; inline queries:
``Engine.inline(event) -> InlineAnswer``).

=============  ===============================================================================
module         what it holds
=============  ===============================================================================
types          Event, Reply, Button, Document, InlineAnswer: the contract with the adapters
engine         Engine: loads the session, routes commands, texts and presses, saves the session
session        the session model stored as plain JSON (interview, view, pending input, undo,
               the /clause results shown)
actions        compact button data with a nonce, ≤ 64 bytes
turn           one event being handled: library, store, words, the session being changed
interview      the questions as data and the next one to ask (no messages, no buttons)
questions      the screens of the interview and the review
flow           the interview as the user meets it: answers, back, skip, the new draft
views          the screens of a draft: overview, section, item, add, to-do list, export
editing        presses on a draft and the texts the bot asked for
drafts         /drafts: list, open, copy, delete; showing the current view again
export         a plan as a file (Word when available, Markdown, text)
wordings       newer wordings of a draft's clauses after an admin's change; 换成新措辞
usage          what the dialogue records for /admin_stats (inserted, swapped away, edited, drafts)
admin          admins' commands, buttons and uploaded files (route, menu, admin list, history)
admin_flow     guided library changes: new clause, edit, retire, restore, upload, rollback, 确认
admin_views    admins' screens of what the library service returns (previews, problems, stats)
admin_state    the admin's task in the session (the preview token lives here)
share_views    the screens of sharing: access, one link, a new link, a draft opened read only
sharing        share links: make, expire, revoke, open (/start <token>, /open <token>)
conflict       a text typed for an older revision: shown, then applied again or dropped
posting        /post in a group: pick a draft, the bot posts a summary and the Word file
clauses        /clause: find clauses, read them, insert one into a draft; inline mode answers
=============  ===============================================================================
"""
