"""A report in words (``prompts/checking.yaml``): a summary, then the findings by group, each
with its place. ``say`` is the catalogue (``Messages.text``), so the chat and the CLI print the
same lines.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.check.findings import Finding, Group, Report

__all__ = ["Say", "finding_line", "report_lines", "summary"]

Say = Callable[..., str]


def summary(report: Report, say: Say) -> str:
    open_ = len(report.findings) - len(report.problems)
    return say("check_summary", title=report.title, year=report.year, region=report.region,
               problems=len(report.problems), open=open_)


def finding_line(finding: Finding, say: Say) -> str:
    at = say("check_place", place=finding.place.path, paragraph=finding.place.paragraph or 0)
    params = {"reason": "", "source": "", "context": "", "expected": "", "other": "",
              "region": "", "year": "", **finding.params}
    return say(f"check_{finding.code}", at=at, found=finding.found, fix=finding.fix, **params)


def report_lines(report: Report, say: Say, limit: int | None = None) -> tuple[list[str], int]:
    """The report's lines (group headings and findings), at most ``limit`` findings; and how
    many findings were left out."""
    out: list[str] = []
    shown = 0
    total = len(report.findings)
    for group, found in report.grouped():
        if limit is not None and shown >= limit:
            break
        out.append(f"【{say(f'group_{group.value}')}】{len(found)}")
        for finding in found:
            if limit is not None and shown >= limit:
                break
            out.append(finding_line(finding, say))
            shown += 1
    return out, total - shown


def group_names(say: Say) -> dict[Group, str]:
    return {group: say(f"group_{group.value}") for group in Group}
