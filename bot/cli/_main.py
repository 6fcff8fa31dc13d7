"""The ``planbot`` command line.

    planbot topics [--json]                      priority areas (topic ids and names)
    planbot kinds [--json]                       plan kinds
    planbot draft --region 清远市 --year 2019 --topics party,preschool [--format md|txt|json|docx]
    planbot draft … --format docx --tasks | --format xlsx    the 任务分解表 appended | alone
    planbot draft --region 修文县 --year 2025 --kind 人才工作计划    a kind with its own sections
    planbot snippets validate [--dir DIR]        check the clause library, exit 1 on problems
    planbot snippets export DIR                  the effective library: shipped + admins' revisions
    planbot snippets import FILE [--yes]         apply a topic file (without --yes: only show)
    planbot snippets history | rollback N [--yes]   library revisions
    planbot check FILE [--year Y] [--region R] [--json]   problems: exit 1; unreadable: exit 2
    planbot roll FILE --year Y [--region R] [--format md|txt|json|docx] [-o OUT] [--json]
    planbot search "QUERY" [--topic T] [--year Y] [--limit N] [--json] | --batch FILE | --misses
    planbot run                                  DingTalk, Telegram or both if set, else console
    planbot console | telegram | dingtalk        one adapter explicitly
    planbot webhook                              Telegram over a webhook (TELEGRAM_WEBHOOK_URL)

User errors are translated here, in one place: one line in Chinese and English, exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.cli._check import add_arguments as add_check_commands
from bot.cli._snippets import add_arguments as add_snippets_commands
from bot.compose.plan import Layout
from bot.config import Settings
from bot.errors import PlanbotError
from bot.library.loader import LibraryError
from bot.messages import Messages

EXIT_USAGE = 2
Handler = Callable[[argparse.Namespace, Settings], int]
# command → (module of this package, function): imported when the command runs
COMMANDS: dict[str, tuple[str, str]] = {
    "topics": ("_listing", "topics"),
    "kinds": ("_listing", "kinds"),
    "draft": ("_draft", "draft"),
    "snippets": ("_snippets", "run"),
    "search": ("_search", "search"),
    "check": ("_check", "check"),
    "roll": ("_check", "roll"),
    "run": ("_run", "run"),
    "console": ("_run", "console"),
    "telegram": ("_run", "telegram"),
    "dingtalk": ("_run", "dingtalk"),
    "webhook": ("_run", "webhook"),
}

# commands that run until stopped: their INFO lines are the operator's record
SERVICES = frozenset({"run", "console", "telegram", "dingtalk", "webhook"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planbot", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("topics", "kinds"):
        p = sub.add_parser(name, help=f"list {name}")
        p.add_argument("--json", action="store_true", help="machine-readable output")
    _add_draft(sub.add_parser("draft", help="draft a plan without any chat"))
    snippets = sub.add_parser("snippets", help="the clause library")
    add_snippets_commands(snippets.add_subparsers(dest="snippets_command", required=True))
    _add_search(sub.add_parser("search", help="find clauses (see bot/cli/_search.py)"))
    add_check_commands(sub)
    sub.add_parser("run", help="DingTalk and/or Telegram where their credentials are set, "
                   "otherwise the terminal dialogue")
    sub.add_parser("console", help="the dialogue in the terminal")
    sub.add_parser("telegram", help="the bot on Telegram (long polling)")
    sub.add_parser("dingtalk", help="the robot on DingTalk (Stream mode, DINGTALK_CLIENT_ID)")
    sub.add_parser("webhook", help="the bot on Telegram, updates over HTTP (TELEGRAM_WEBHOOK_URL)")
    return parser


def _add_draft(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", required=True, help="清远市, 修文县, 广东清远 …")
    p.add_argument("--level", choices=["province", "city", "county", "district"],
                   help="level of a region that is not in the dataset")
    p.add_argument("--year", required=True, help="plan year (2000–2035)")
    p.add_argument("--layout", choices=[x.value for x in Layout], default=Layout.THEMES.value,
                   help="annual plans: priorities in thematic sections (default) or one section "
                   "per topic")
    p.add_argument("--topics", help="topics by id, name or short name, separated by commas or "
                   "、 (学前,德育), or 'all' (annual plans only; a special-purpose kind has its "
                   "own sections)")
    p.add_argument("--kind", default="工作要点", help="plan kind, by name or id (see `kinds`)")
    p.add_argument("--style", choices=["hierarchical", "flat"], default="hierarchical")
    p.add_argument("--target", action="append", default=[], metavar="KEY=VALUE",
                   help="a target value, repeatable")
    p.add_argument("--bureau", help="bureau name, e.g. 修文县教育和体育局")
    p.add_argument("--keep-order", action="store_true",
                   help="keep the topics in the order given (default: party leadership first)")
    p.add_argument("--tasks", action="store_true",
                   help="docx: the 重点工作任务分解表 appended on landscape pages")
    p.add_argument("--format", choices=["md", "txt", "json", "docx", "xlsx"], default="md",
                   help="xlsx: the 重点工作任务分解表 alone")
    p.add_argument("-o", "--output", type=Path, help="write to FILE instead of standard output")
    _add_document_options(p)


def _add_document_options(p: argparse.ArgumentParser) -> None:
    """What a Word file carries besides the plan (bot.export.options.ExportOptions)."""
    p.add_argument("--sign", action="store_true",
                   help="docx: the bureau's name (落款) and the date (成文日期) under the plan")
    p.add_argument("--date",
                   help="docx: 成文日期, e.g. 2026-02-09 (default: today); implies --sign")
    p.add_argument("--notice", action="store_true",
                   help="docx: issued with a 印发通知, the plan as its 附件")
    p.add_argument("--doc-number", help="docx, --notice: 发文字号, e.g. 修教体发〔2026〕1号")
    p.add_argument("--copy-to", help="docx, --notice: 抄送机关 of the 版记")


def _add_search(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="?", help="what to look for, e.g. 推进学前教育补短提质")
    p.add_argument("--topic", help="only this topic (id, name or short name, see `topics`)")
    p.add_argument("--year", help="only clauses that fit a plan of this year")
    p.add_argument("--limit", default="10", help="results per query, 1-50")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--batch", metavar="FILE", help="one query per line ('-': standard input)")
    p.add_argument("--misses", action="store_true", help="queries that found no good result")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=_log_level(args.command, settings),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    messages = Messages(settings.prompts_dir)
    try:
        return _dispatch(args, settings)
    except PlanbotError as exc:
        print(messages.error(exc, "zh"), file=sys.stderr)
        print(f"Error: {messages.error(exc, 'en')}", file=sys.stderr)
        return EXIT_USAGE
    except LibraryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _log_level(command: str, settings: Settings) -> str:
    """The services log at ``PLANBOT_LOG_LEVEL`` (INFO); a one-shot command (search, draft …)
    prints its answer and only warnings, unless PLANBOT_LOG_LEVEL asks for more."""
    if command in SERVICES or "log_level" in settings.model_fields_set:
        return settings.log_level
    return "WARNING"


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command; its module (and what it needs) is imported only now."""
    module, name = COMMANDS[args.command]
    handler: Handler = getattr(importlib.import_module(f"bot.cli.{module}"), name)
    return handler(args, settings)
