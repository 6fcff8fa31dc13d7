"""Plain-text and Markdown renderings of a plan (numbering computed, never stored)."""

from __future__ import annotations

from bot.compose.numbering import PARAGRAPH, TITLE, Line, lines
from bot.compose.plan import Plan

_END_PUNCT = "。！？；：.!?;:"


def item_line(line: Line) -> str:
    """“（一）标题。正文” — a title is closed with 。 unless it ends with punctuation."""
    title = line.title
    if title and line.text and title[-1] not in _END_PUNCT:
        title += "。"
    return f"{line.label}{title}{line.text}"


def plan_to_text(plan: Plan) -> str:
    out: list[str] = []
    for line in lines(plan):
        if line.level == TITLE:
            out.extend((line.title, ""))
        elif line.item < 0:
            out.append(f"{line.label}{line.title}")
        elif line.level == PARAGRAPH:
            out.append(f"　　{line.title}{line.text}")
        else:
            out.append(f"　　{item_line(line)}")
    return "\n".join(out).rstrip() + "\n"


def plan_to_markdown(plan: Plan) -> str:
    out: list[str] = []
    for line in lines(plan):
        if line.level == TITLE:
            out.append(f"# {line.title}")
        elif line.item < 0:
            out.append(f"{'#' * (line.level + 1)} {line.label}{line.title}")
        elif line.level == PARAGRAPH:
            out.append(f"{line.title}{line.text}")
        else:
            out.append(_md_item(line))
    return "\n\n".join(out).rstrip() + "\n"


def _md_item(line: Line) -> str:
    title = line.title
    if title and line.text and title[-1] not in _END_PUNCT:
        title += "。"
    lead = f"**{line.label}{title}**" if title else line.label
    return f"{lead}{line.text}"
