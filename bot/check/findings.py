"""What a check reports: a finding (its group, its message id and parameters, its place), and
the report of one plan (the findings in reading order, grouped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Finding", "Group", "Place", "Report"]


class Group(StrEnum):
    """The kinds of problem, in the order the report lists them."""

    TERMS = "terms"  # 提法 out of date for the plan's year
    LEFTOVER = "leftover"  # 20XX, XX县, *市 … of another plan
    NUMBERING = "numbering"
    PUNCTUATION = "punctuation"
    REGION = "region"  # self reference of another level
    REPEAT = "repeat"  # a passage said in two items
    REVIEW = "review"  # an item a roll-forward marked for review, not rewritten since
    UNFILLED = "unfilled"  # 【待填】 and blanks: what is still to be filled in


@dataclass(frozen=True)
class Place:
    """Where a piece of text is: the labels above it (三、（二）) and its paragraph, when read
    from a file (counted from 1); ``order`` is its position in reading order."""

    order: int
    path: str = ""
    paragraph: int | None = None


@dataclass(frozen=True)
class Finding:
    """One problem. ``code`` names its words (``check_<code>`` in ``prompts/checking.yaml``);
    ``found`` is the text at fault, ``fix`` the text to put instead, where one is known."""

    group: Group
    code: str
    place: Place
    found: str
    fix: str = ""
    params: dict[str, str | int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "group": self.group.value, "code": self.code, "place": self.place.path,
            "paragraph": self.place.paragraph, "found": self.found, "fix": self.fix,
            **{k: v for k, v in self.params.items() if k not in ("group", "code")},
        }


@dataclass(frozen=True)
class Report:
    """The findings about one plan, and what it was checked as."""

    title: str
    year: int
    region: str
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        """What is wrong (the unfilled parts of a draft are not wrong, only open)."""
        return [f for f in self.findings if f.group is not Group.UNFILLED]

    def grouped(self) -> list[tuple[Group, list[Finding]]]:
        """The findings by group, in the order of ``Group``; each group in reading order."""
        out = []
        for group in Group:
            found = sorted((f for f in self.findings if f.group is group),
                           key=lambda f: f.place.order)
            if found:
                out.append((group, found))
        return out

    def ordered(self) -> list[Finding]:
        return [f for _, found in self.grouped() for f in found]

    def for_place(self, order: int) -> list[Finding]:
        return [f for f in self.findings if f.place.order == order]

    def as_json(self) -> dict[str, object]:
        return {"title": self.title, "year": self.year, "region": self.region,
                "problems": len(self.problems),
                "findings": [f.as_json() for f in self.ordered()]}
