"""Roll last year's plan forward into this year's draft (``planbot roll``, 结转到新年度).

    result = roll_forward(outline, library, year=2026, region=region, search=index)
    result.plan      # a normal Plan: refine, share, export it like any draft
    result.changes   # what changed and why, item by item

The outline is rebuilt into sections and items by its numbering (``structure``); year-bound
wording is rolled forward, the year, the 提法 of ``_eras.yaml`` and the plan period
(``wording``); every figure becomes a placeholder that shows last year's value (``figures``);
the check marks the items whose wording it still flags, and close matches in the library are
offered as variants (``forward``). Nothing of the user's text is dropped: a paragraph that fits
no item is kept as one and listed.
"""

from bot.roll.changes import Change
from bot.roll.forward import RollResult, roll_forward
from bot.roll.structure import plan_region

__all__ = ["Change", "RollResult", "plan_region", "roll_forward"]
