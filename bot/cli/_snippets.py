"""``planbot snippets``: check the library; the admins' library from the command line.

    planbot snippets validate [--dir DIR]          check every file, list every problem
    planbot snippets export DIR                    the effective library as files ready to commit
    planbot snippets import FILE [--yes]           a topic file, with the same checks as an upload
    planbot snippets history [--limit N] [--json]  revisions, newest first
    planbot snippets rollback N [--yes]            back to revision N (0: the shipped library)

``import`` and ``rollback`` print what would change and apply it only with ``--yes``; problems
are listed one per line and the exit status is 1. The revision's author is ``cli:<--author>``
(default: the operating-system user). The command line is trusted like the files themselves, so
the admin list is not consulted.
"""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING

from bot.compose.tasks import TASKS_FILE, TaskSpecError, load_task_spec
from bot.config import Settings
from bot.errors import InputError
from bot.library.loader import LibraryError, load_library

if TYPE_CHECKING:  # curation pulls in the search package: imported when a command runs
    from bot.curation import ChangePreview, LibraryService, Operator


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The subcommands above, under ``planbot snippets``."""
    validate = sub.add_parser("validate", help="check every file, list every problem")
    validate.add_argument("--dir", type=Path, default=None, help="library directory")
    export = sub.add_parser("export", help="write the effective library (base + revisions)")
    export.add_argument("dir", type=Path, help="directory to write the YAML files into")
    imp = sub.add_parser("import", help="apply a topic file with the upload checks")
    imp.add_argument("file", type=Path, help="a topic file in the library's format")
    history = sub.add_parser("history", help="library revisions, newest first")
    history.add_argument("--limit", type=int, default=20)
    history.add_argument("--json", action="store_true", help="machine-readable output")
    rollback = sub.add_parser("rollback", help="back to revision N (a new revision)")
    rollback.add_argument("number", type=int, help="revision to return to (0: shipped library)")
    for p in (imp, rollback):
        p.add_argument("--yes", action="store_true", help="apply (default: only show)")
        p.add_argument("--author", default=None, help="recorded as cli:AUTHOR (default: $USER)")


def _open(settings: Settings) -> LibraryService:
    from bot.curation import LibraryService

    return LibraryService.open(settings)


def run(args: argparse.Namespace, settings: Settings) -> int:
    handlers = {"validate": validate, "export": export, "import": import_file,
                "history": history, "rollback": rollback}
    return handlers[args.snippets_command](args, settings)


def validate(args: argparse.Namespace, settings: Settings) -> int:
    directory = args.dir or settings.snippets_dir
    try:
        library = load_library(directory)
    except LibraryError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s)")
        return 1
    if (directory / TASKS_FILE).exists():  # the 任务分解表's words and deadline rules
        try:
            load_task_spec(directory / TASKS_FILE)
        except TaskSpecError as exc:
            print(exc)
            return 1
    print(f"ok: {len(library.topics)} topics, {len(library)} clauses, {len(library.kinds)} kinds")
    return 0


def export(args: argparse.Namespace, settings: Settings) -> int:
    service = _open(settings)
    try:
        written = service.export(_operator(args), args.dir)
    except OSError as exc:
        raise InputError("export_failed", path=str(args.dir),
                         reason=exc.strerror or type(exc).__name__) from exc
    print(f"revision {service.revision}: {len(service.library.topics)} topics in {args.dir}, "
          f"{len(written)} written from the revisions, the rest copied")
    for path in written:
        print(f"  {path}")
    return 0


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise InputError("import_unreadable", path=str(args.file),
                         reason=exc.strerror or type(exc).__name__) from exc
    service = _open(settings)
    actor = _operator(args)
    from bot.curation import RevisionAction

    preview = service.preview_upload(actor, args.file.name, data, action=RevisionAction.IMPORT)
    return _finish(service, actor, preview, args.yes)


def history(args: argparse.Namespace, settings: Settings) -> int:
    service = _open(settings)
    revisions = service.history(_operator(args), limit=max(1, args.limit))
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in revisions], ensure_ascii=False,
                         indent=2))
        return 0
    for info in revisions:
        back = f" (back to {info.rollback_to})" if info.rollback_to is not None else ""
        note = f" {info.note}" if info.note else ""
        print(f"{info.number:>5}  {info.at:%Y-%m-%d %H:%M}  {info.author}  "
              f"{info.action.value}{back}{note}: {_summary(info.summary.model_dump())}")
    if not revisions:
        print("no revisions: the library is the shipped one")
    return 0


def rollback(args: argparse.Namespace, settings: Settings) -> int:
    service = _open(settings)
    actor = _operator(args)
    return _finish(service, actor, service.preview_rollback(actor, args.number), args.yes)


def _finish(service: LibraryService, actor: Operator, preview: ChangePreview, yes: bool) -> int:
    for problem in preview.problems:
        print(problem)
    if preview.problems:
        print(f"{len(preview.problems)} problem(s); nothing applied")
        return 1
    if preview.token is None:
        print("nothing to change")
        return 0
    print(_summary(preview.summary.model_dump()))
    if not yes:
        service.discard(actor, preview.token)
        print("dry run: nothing applied (add --yes to apply)")
        return 0
    info = service.apply(actor, preview.token)
    print(f"applied: revision {info.number}")
    return 0


def _summary(summary: dict[str, list[str]]) -> str:
    parts = [f"{name.replace('_', ' ')}: {', '.join(ids)}" for name, ids in summary.items() if ids]
    return "; ".join(parts) or "no change"


def _operator(args: argparse.Namespace) -> Operator:
    from bot.curation import Operator

    name = getattr(args, "author", None) or getpass.getuser()
    return Operator(name)
