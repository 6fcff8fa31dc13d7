"""Plans as people send them: a file read safely into paragraphs (``files``, ``docx``), and
the paragraphs read into an outline by their numbering (``outline``).

    document = read_document("2025年工作要点.docx", data)   # InputError: one sentence why not
    outline = read_outline(document)                        # title, year, numbered blocks

Nothing here writes anything; the checker (``bot.check``) and the roll-forward (``bot.roll``)
work on the outline.
"""

from bot.reading.files import MAX_BYTES, SUFFIXES, Document, read_document, readable_name
from bot.reading.outline import Block, Outline, read_outline

__all__ = [
    "MAX_BYTES", "SUFFIXES", "Block", "Document", "Outline", "read_document", "read_outline",
    "readable_name",
]
