"""Check a prepared change against the whole library and render samples of what it changes.

The candidate library (base + the current overlay + the draft's changes) must pass the
loader's checks and the template policy (``bot.curation._candidate``); the clauses it adds,
changes or restores must render for their years and levels; up to ``MAX_SAMPLES`` of them are
rendered for the sample region (the neutral 本市 of ``_search.yaml``) for the admin to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.compose.context import Region
from bot.curation._candidate import build_library, check_renders
from bot.curation._changes import Draft, Sample
from bot.curation._overlay import ChangeSummary, summarise
from bot.curation._revisions import Effective
from bot.library.library import Library
from bot.library.loader import Problem
from bot.search.analysis import SEARCH_FILE, SearchFile
from bot.search.preview import neutral_region, preview

MAX_SAMPLES = 3  # clauses rendered in a preview


@dataclass(frozen=True)
class Checked:
    summary: ChangeSummary
    problems: list[Problem]
    samples: list[Sample]


def check_draft(
    base: Library, current: Effective, draft: Draft, region: Region, sample_year: int | None
) -> Checked:
    """What the draft does to ``current`` and every problem it has (then no samples)."""
    if draft.problems:
        return Checked(ChangeSummary(), list(draft.problems), [])
    candidate, problems = build_library(
        base, current.overlay.apply(draft.changes), draft.sources, draft.check)
    summary = summarise(current.library, candidate)
    shown = [*summary.added, *summary.changed, *summary.restored]
    if not problems:
        problems = check_renders(candidate, shown, region, draft.sources)
    samples: list[Sample] = []
    if not problems:
        samples = samples_of(candidate, shown[:MAX_SAMPLES], region, sample_year)
    return Checked(summary, problems, samples)


def samples_of(
    library: Library, ids: list[str], region: Region, year: int | None
) -> list[Sample]:
    out: list[Sample] = []
    for clause_id in ids:
        clause = library.clause(clause_id)
        if clause is not None:
            shown = preview(library, clause, region, year)
            out.append(Sample(clause_id, shown.title, shown.text, shown.year))
    return out


def sample_region(snippets_dir: Path) -> Region:
    """The neutral region of ``_search.yaml`` (本市), used to render previews."""
    raw = yaml.safe_load((snippets_dir / SEARCH_FILE).read_text(encoding="utf-8"))
    return neutral_region(SearchFile.model_validate(raw).neutral_region)
