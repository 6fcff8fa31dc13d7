"""A draft as the user works on it: the list of drafts (open, copy, delete), a draft's screens
(overview, sections, items, add, to-do list, export) with their presses, the text the bot asks
for (a new wording, a name, a value) and the conflict when the draft changed meanwhile, the newer
wordings after an admin's change, the files.

Two features: ``FEATURE`` (the screens of a draft, ``Session.view``) and ``INPUT`` (the text the
bot waits for, ``Session.pending``). What other features use of a draft is listed in ``__all__``.
"""

from bot.dialogue.draft._common import Labels, load_plan, save, section_name
from bot.dialogue.draft._export import EXPORT_FORMATS, export_document, word_exporter
from bot.dialogue.draft._feature import FEATURE, show, up
from bot.dialogue.draft._input import FEATURE as INPUT
from bot.dialogue.draft._items import item_view
from bot.dialogue.draft._overview import DEFAULT_EXPIRY, overview
from bot.dialogue.draft._wordings import carried, stamp

__all__ = [
    "DEFAULT_EXPIRY", "EXPORT_FORMATS", "FEATURE", "INPUT", "Labels", "carried",
    "export_document", "item_view", "load_plan", "overview", "save", "section_name", "show",
    "stamp", "up", "word_exporter",
]
