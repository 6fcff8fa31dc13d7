"""``planbot check`` and 检查 in the chat: what is wrong in a plan, where, and the fix.

    report = check_outline(outline, library, year=2026, region=region)   # a file someone sent
    report = check_plan(plan, library)                                  # one of our drafts

A plan is read as pieces of text, each with its place (``pieces``); the checks each look for one
kind of problem: 提法 out of date for the year and leftovers of other plans (``terms``, by the
rules of ``_lint.yaml``, the same rules the library is held to), numbering (``numbers``),
punctuation (``marks``), self reference that does not fit the region and passages said twice
(``regional``). ``findings`` holds what they report; ``report`` puts it in order and in words.
"""

from bot.check.checker import check_outline, check_plan
from bot.check.findings import Finding, Group, Report

__all__ = ["Finding", "Group", "Report", "check_outline", "check_plan"]
