"""``planbot draft``: a plan without any chat, as Markdown, text, JSON or Word; its task table
as an .xlsx."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli._topics import resolve_topic, topic_choices
from bot.compose.assemble import PlanRequest, assemble_plan, default_order
from bot.compose.plan import Layout, NumberingStyle, Plan
from bot.compose.regions import pick_region
from bot.compose.targets import normalise_target, parse_year
from bot.config import Settings
from bot.curation import load_effective_library
from bot.errors import InputError
from bot.export.options import ExportOptions, WordCut, parse_doc_date
from bot.export.text import plan_to_markdown, plan_to_text
from bot.library.kinds import PlanKind
from bot.library.library import Library
from bot.library.loader import LibraryError
from bot.library.models import Level
from bot.library.topic_names import split_names
from bot.messages import Messages
from bot.store.files import write_atomic

DOCUMENT_OPTIONS = ("sign", "date", "notice", "doc_number", "copy_to")
FILE_FORMATS = ("docx", "xlsx")  # written to a file named after the plan unless -o is given


def draft(args: argparse.Namespace, settings: Settings) -> int:
    library = load_effective_library(settings)
    request = build_request(args, library)
    messages = Messages(settings.prompts_dir)
    options = export_options(args, messages, settings)  # a bad date is told before the work
    plan = assemble_plan(request, library)
    _emit(plan, args.format, args.output, options)
    for note in plan.notes:
        print(messages.text(note.id, "zh", **note.params), file=sys.stderr)
    if plan.placeholders():
        print(messages.text("placeholders_listed", labels=plan.placeholders()), file=sys.stderr)
    return 0


def build_request(args: argparse.Namespace, library: Library) -> PlanRequest:
    """Check every argument of ``planbot draft``; InputError names the first bad one."""
    year = parse_year(args.year)
    region = pick_region(args.region, Level(args.level) if args.level else None)
    kind = library.kind(args.kind)
    if kind is None:
        raise InputError("unknown_kind", kind=args.kind,
                         choices="、".join(k.name for k in library.kinds.values()))
    chosen = kind_topics_arg(args.topics, kind, library)
    if args.topics is not None and args.topics.strip() == "all":
        chosen = [t.id for t in library.priority_topics(year, region.level)]
    return PlanRequest(
        region=region, year=year, kind=kind.id,
        topics=chosen if args.keep_order else default_order(chosen),
        targets=parse_targets(args.target, library), style=NumberingStyle(args.style),
        bureau=args.bureau, layout=Layout(args.layout),
    )


def kind_topics_arg(text: str | None, kind: PlanKind, library: Library) -> list[str]:
    """The chosen priorities for a kind that asks for them (then ``--topics`` is required); a kind
    with its own sections takes none."""
    if not kind.asks_priorities:
        if text is not None:
            names = "、".join(t.name for t in library.kind_topics(kind))
            raise InputError("topics_fixed", kind=kind.name, sections=names)
        return []
    if text is None:
        choices = ",".join(t.id for t in library.priority_topics())
        raise InputError("topics_required", kind=kind.name, choices=choices)
    return parse_topics(text, library)


def parse_topics(text: str, library: Library) -> list[str]:
    """``all``, or priorities by id, name, short name or keyword (学前,德育 or 学前、德育)."""
    if text.strip() == "all":
        return [t.id for t in library.priority_topics()]
    topics = library.priority_topics()
    chosen = [resolve_topic(word, topics) for word in split_names(text)]
    if not chosen:
        raise InputError("unknown_topic", topic=text, choices=topic_choices(topics))
    return list(dict.fromkeys(chosen))


def parse_targets(pairs: list[str], library: Library) -> dict[str, str]:
    targets: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError("bad_target_syntax")
        spec = library.vars.get(key)
        if spec is None:
            raise InputError("unknown_target", key=key)
        targets[key] = normalise_target(key, spec, value)
    return targets


def plan_json(plan: Plan) -> dict[str, object]:
    data = plan.model_dump(mode="json")
    data["placeholders"] = plan.placeholders()
    return data


def export_options(args: argparse.Namespace, messages: Messages,
                   settings: Settings) -> ExportOptions:
    """``--sign``, ``--date``, ``--notice``, ``--doc-number``, ``--copy-to`` and ``--tasks``
    (Word only; an .xlsx is the task table itself)."""
    if args.tasks and args.format != "docx":
        raise InputError("tasks_need_docx")
    given = [getattr(args, name, None) for name in DOCUMENT_OPTIONS]
    if not any(given):
        return ExportOptions(say=messages.text, tasks=args.tasks)
    if args.format != "docx":
        raise InputError("doc_options_need_docx")
    when = parse_doc_date(args.date) if args.date else None
    return ExportOptions(sign=args.sign or when is not None, date=when, notice=args.notice,
                         doc_number=args.doc_number, copy_to=args.copy_to, say=messages.text,
                         words=_title_words(settings), tasks=args.tasks)


def _title_words(settings: Settings) -> WordCut | None:
    """The search's segmenter over the data directory's dictionary, for long titles."""
    from bot.search.analysis import Analyzer

    try:
        return Analyzer.load(settings.snippets_dir, settings.data_dir).words
    except (LibraryError, OSError):
        return None  # the export loads the shipped one


def render_plan(plan: Plan, fmt: str, options: ExportOptions | None = None) -> bytes:
    if fmt == "docx":
        from bot.export.docx import plan_to_docx

        return plan_to_docx(plan, options or ExportOptions())
    if fmt == "xlsx":
        from bot.export.tasks import plan_to_xlsx

        return plan_to_xlsx(plan)
    if fmt == "json":
        return (json.dumps(plan_json(plan), ensure_ascii=False, indent=2) + "\n").encode()
    text = plan_to_markdown(plan) if fmt == "md" else plan_to_text(plan)
    return text.encode("utf-8")


def _emit(plan: Plan, fmt: str, output: Path | None, options: ExportOptions) -> None:
    data = render_plan(plan, fmt, options)
    if output is None and fmt in FILE_FORMATS:
        output = Path(f"{plan.title}.{fmt}")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        write_atomic(output, data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError("output_write_failed", path=str(output), reason=reason) from exc
