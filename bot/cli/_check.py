"""``planbot check FILE`` and ``planbot roll FILE --year Y``.

check: the report on standard output (``--json``: as JSON); exit 1 when problems were found, 0
when none, 2 when the file cannot be read (with the reason) or the year is not known.
roll: the new plan on standard output or in ``-o OUT`` (the change list beside it, in
``OUT.changes.txt``), the change list on standard error; ``--json``: both as one JSON document.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.check import check_outline
from bot.check.words import report_lines, summary
from bot.cli._draft import render_plan
from bot.compose.region import Region
from bot.compose.regions import pick_region
from bot.compose.targets import parse_year
from bot.config import Settings
from bot.curation import load_effective_library
from bot.errors import InputError
from bot.messages import Messages
from bot.reading import MAX_BYTES, Outline, read_document, read_outline
from bot.roll import plan_region, roll_forward
from bot.roll.words import change_lines, roll_summary
from bot.store.files import write_atomic

EXIT_PROBLEMS = 1


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser("check", help="report the problems of a plan (.docx, .txt, .md)")
    check.add_argument("file", type=Path)
    check.add_argument("--year", help="the plan's year (default: from its title)")
    check.add_argument("--region", help="the region the plan is for (default: from its title)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    roll = sub.add_parser("roll", help="last year's plan as this year's draft")
    roll.add_argument("file", type=Path)
    roll.add_argument("--year", required=True, help="the new plan's year")
    roll.add_argument("--region", help="the region (default: from the plan's title)")
    roll.add_argument("--format", choices=["md", "txt", "json", "docx"], default="md")
    roll.add_argument("-o", "--output", type=Path, help="write the plan to FILE")
    roll.add_argument("--json", action="store_true", help="the plan and the change list as JSON")


def check(args: argparse.Namespace, settings: Settings) -> int:
    library = load_effective_library(settings)
    outline = read_file(args.file)
    year = parse_year(args.year) if args.year else outline.year
    if year is None:
        raise InputError("check_year_needed")
    region = _region(args.region, outline)
    report = check_outline(outline, library, year=year, region=region)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        say = Messages(settings.prompts_dir).text
        lines, _ = report_lines(report, say)
        print("\n".join([summary(report, say), *lines]))
    return EXIT_PROBLEMS if report.problems else 0


def roll(args: argparse.Namespace, settings: Settings) -> int:
    from bot.search.service import SearchService

    library = load_effective_library(settings)
    outline = read_file(args.file)
    year = parse_year(args.year)
    region = _region(args.region, outline)
    search = SearchService.start(settings, library).index
    result = roll_forward(outline, library, year=year, region=region, search=search)
    say = Messages(settings.prompts_dir).text
    lines, _ = change_lines(result, say)
    if args.json:
        data = {"plan": result.plan.model_dump(mode="json"), "from_year": result.from_year,
                "changes": [c.as_json() for c in result.changes]}
        _write(json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n", args.output)
        return 0
    _write(render_plan(result.plan, args.format), args.output)
    listing = "\n".join([roll_summary(result, say, outline.title, len(lines)), *lines]) + "\n"
    if args.output is not None:
        _write(listing.encode(), args.output.with_name(args.output.name + ".changes.txt"))
    print(listing, end="", file=sys.stderr)
    return 0


def read_file(path: Path) -> Outline:
    """The file's outline; InputError (exit 2) with the reason if it cannot be read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError("document_too_large", limit=MAX_BYTES // (1024 * 1024))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("input_read_failed", path=str(path),
                         reason=exc.strerror or type(exc).__name__) from exc
    document = read_document(path.name, data)
    return read_outline(document.paragraphs, traditional=document.traditional)


def _region(text: str | None, outline: Outline) -> Region:
    return pick_region(text) if text else plan_region(outline)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_atomic(output, data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError("output_write_failed", path=str(output), reason=reason) from exc
