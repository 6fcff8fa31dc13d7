"""Posting a draft into a group chat: ``/post`` in the group, pick a draft, the bot posts it.

A bot cannot send into a group it is not in, and a private chat cannot name a group, so the
user adds the bot to the group and sends ``/post`` there. The bot answers in the group with the
user's drafts (owned or shared with them) as buttons; only that user's press counts (the
buttons carry the user's session nonce, and every press is checked against the draft's owner
and collaborators). The picked draft goes into the group as a summary (title, sections, the
number of 【待填】 left, who posted it) and the Word file. Sessions stay keyed by the user; the
replies go to the chat the event came from. In a private chat ``/post`` explains all this.
"""

from __future__ import annotations

from bot.dialogue.actions import Action
from bot.dialogue.codes.sharing import PostAct
from bot.dialogue.draft import export_document, load_plan
from bot.dialogue.layout import LABEL, short
from bot.dialogue.router import Feature
from bot.dialogue.sharing._common import placeholder_count, summaries
from bot.dialogue.turn import Turn, rows
from bot.dialogue.types import Event, EventKind, Reply

MAX_CHOICES = 8


def in_group(turn: Turn) -> bool:
    """A group or channel chat (a private chat's id is the user's id)."""
    return turn.event.chat_id != turn.user_id


def leaves_dialogue(event: Event, action: Action | None) -> bool:
    """/post and its pick in a group leave the user's private dialogue as it was: its buttons
    stay valid (the engine does not renew the session's nonce for them)."""
    if event.chat_id == event.user_id:
        return False
    if action is not None:
        return action.act is PostAct.POST
    name = event.command.strip().lstrip("/").split("@")[0].lower()
    return event.kind is EventKind.COMMAND and name == "post"


def post(turn: Turn) -> list[Reply]:
    """/post: in a group, the user's latest drafts to pick from; in private, how it works."""
    if not in_group(turn):
        return [Reply(text=turn.screen("post_howto", bot=turn.event.bot_username))]
    records = turn.deps.store.drafts.list_for(turn.user_id)
    if not records:
        return [Reply(text=turn.say("post_no_drafts"))]
    shown = records[:MAX_CHOICES]
    picks = [turn.button(short(r.name, LABEL), PostAct.POST, r.id) for r in shown]
    text = turn.screen("post_pick", user=turn.event.user_name, more=len(records) > len(shown))
    return [turn.reply(text, rows(picks, 1), edit=False)]


def on_button(turn: Turn, action: Action) -> list[Reply]:
    """The picked draft: the picker becomes the summary, the file follows."""
    record = turn.draft(action.draft)
    plan = load_plan(record)
    fmt = "docx" if turn.deps.word_export is not None else "md"
    document = export_document(turn, record, fmt)
    summary = turn.screen(
        "post_summary", title=plan.title, sections=summaries(turn, plan),
        placeholders=placeholder_count(plan), user=turn.event.user_name,
    )
    file = Reply(text=turn.say("exported", filename=document.filename), documents=[document])
    return [turn.reply(summary), file]


PRIORITY = 36
FEATURE = Feature(
    name="posting", priority=PRIORITY, acts=frozenset({PostAct.POST}), press=on_button,
    keeps_input=True, commands={"post": post}, leaves_dialogue=leaves_dialogue,
)
