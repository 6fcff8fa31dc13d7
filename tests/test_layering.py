"""Layering: which part of bot/ may import which, no import cycles between them, and the rules
that keep the seams: the core knows no transport, a package's private modules stay inside it,
files are written through the store.

A *unit* is a package directly under bot/ (``bot.dialogue`` with all its sub-packages) or a
top-level module (``bot.config``). ``ALLOWED`` is the table of the imports between units; an
import under ``if TYPE_CHECKING:`` is only for the type checker: it is listed when a check fails,
never refused.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"

# unit → the units it may import at run time. Read from the top: each one only imports units
# below it (the table itself has no cycle, a test keeps it so).
ALLOWED: dict[str, frozenset[str]] = {
    "bot.__main__": frozenset({"bot.cli"}),
    "bot.cli": frozenset({
        "bot.app", "bot.adapters", "bot.curation", "bot.compose", "bot.search", "bot.library",
        "bot.export", "bot.store", "bot.config", "bot.errors", "bot.messages",
        "bot.check", "bot.roll", "bot.reading",
    }),
    "bot.app": frozenset({
        "bot.dialogue", "bot.curation", "bot.search", "bot.library", "bot.store", "bot.config",
        "bot.messages",
    }),
    "bot.adapters": frozenset({
        "bot.dialogue", "bot.compose", "bot.store", "bot.config", "bot.errors", "bot.messages",
    }),
    "bot.dialogue": frozenset({  # settings are passed down to it, never read (bot.app does)
        "bot.curation", "bot.compose", "bot.search", "bot.library", "bot.export", "bot.store",
        "bot.errors", "bot.messages", "bot.check", "bot.roll", "bot.reading",
    }),
    # last year's plan into this year's draft: rebuilt by the outline, wording rolled by the
    # library's eras and rules, checked (review marks); the search index is passed in, typed
    # by a protocol of its own (no import of bot.search)
    "bot.roll": frozenset({"bot.check", "bot.reading", "bot.compose", "bot.library",
                           "bot.errors"}),
    # the checker: a plan (a file's outline, or a draft) against the library's rules
    "bot.check": frozenset({"bot.reading", "bot.compose", "bot.library", "bot.errors"}),
    # files in, paragraphs and an outline out (python-docx, opencc); writes nothing
    "bot.reading": frozenset({"bot.library", "bot.errors"}),
    "bot.curation": frozenset({
        "bot.compose", "bot.search", "bot.library", "bot.store", "bot.config", "bot.errors",
    }),
    "bot.search": frozenset({
        "bot.compose", "bot.library", "bot.store", "bot.config", "bot.errors",
    }),
    # a plan in, bytes out; a long title is cut into words by the search's segmenter (loaded at
    # the first long title, bot.export.titles), over the shipped user dictionary; the task
    # table's words and deadline rules are the shipped snippets/_tasks.yaml (bot.export.tasks)
    "bot.export": frozenset({"bot.compose", "bot.search", "bot.shipped", "bot.errors"}),
    "bot.compose": frozenset({"bot.library", "bot.errors"}),
    "bot.library": frozenset({"bot.errors"}),  # the ground floor
    "bot.store": frozenset({"bot.errors"}),
    "bot.messages": frozenset({"bot.errors", "bot.shipped"}),
    "bot.config": frozenset({"bot.shipped"}),
    "bot.shipped": frozenset(),  # where snippets/ and prompts/ are installed
    "bot.errors": frozenset(),
    "bot": frozenset(),
}

# The modules of bot.store others may import; the rest are the implementations'.
STORE_PUBLIC = frozenset({"bot.store", "bot.store.base", "bot.store.models", "bot.store.files",
                          "bot.store.rates",  # rate buckets: the rule, in memory
                          "bot.store.postgres"})  # the PostgreSQL store and its Database


@dataclass(frozen=True)
class Import:
    source: str  # the importing module: bot.dialogue.engine
    target: str  # the imported module: bot.store.models
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``

    def __str__(self) -> str:
        marker = " (TYPE_CHECKING)" if self.type_only else ""
        return f"{self.source}:{self.line} imports {self.target}{marker}"


def unit_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                inside.update(id(n) for n in ast.walk(child))
    return inside


def imports_in(source: str, module: str, *, is_package: bool = False) -> list[Import]:
    """Every import of a bot module in ``source`` (relative ones resolved), at any depth."""
    tree = ast.parse(source)
    type_only = _type_checking_nodes(tree)
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            targets = [".".join([*base, *([node.module] if node.module else [])])]
        elif isinstance(node, ast.ImportFrom) and node.module:
            private = [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            targets = private or [node.module]  # a private name counts as its own module
        found += [Import(module, t, node.lineno, id(node) in type_only)
                  for t in targets if t == "bot" or t.startswith("bot.")]
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    out: list[Import] = []
    for path in sorted(BOT.rglob("*.py")):
        module = module_name(path, BOT)
        out += imports_in(path.read_text(encoding="utf-8"), module,
                          is_package=path.name == "__init__.py")
    return tuple(out)


def units() -> set[str]:
    return {unit_of(module_name(path, BOT)) for path in BOT.rglob("*.py")}


def between_units(imports: Iterable[Import]) -> list[Import]:
    return [i for i in imports if unit_of(i.source) != unit_of(i.target)]


def graph(imports: Iterable[Import]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for i in between_units(imports):
        out.setdefault(unit_of(i.source), set()).add(unit_of(i.target))
    return out


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    nodes = set(edges) | {n for targets in edges.values() for n in targets}
    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return sorted(found)


def _report(problems: list[str], type_only: Iterable[Import]) -> str:
    notes = [f"  allowed, type checking only: {i}" for i in type_only]
    return "\n".join([*problems, *notes])


# -- the table --------------------------------------------------------------------------------


def test_the_table_names_every_unit_and_only_those() -> None:
    assert units() == set(ALLOWED)


def test_the_table_is_a_layering() -> None:
    assert cycles(ALLOWED) == []
    assert all(target in ALLOWED for targets in ALLOWED.values() for target in targets)


def test_every_import_between_units_is_in_the_table() -> None:
    imports = between_units(all_imports())
    refused = [str(i) for i in imports
               if not i.type_only and unit_of(i.target) not in ALLOWED[unit_of(i.source)]]
    type_only = [i for i in imports
                 if i.type_only and unit_of(i.target) not in ALLOWED[unit_of(i.source)]]
    assert refused == [], _report(refused, type_only)


def test_no_import_cycle_between_units() -> None:
    run_time = [i for i in all_imports() if not i.type_only]
    found = cycles(graph(run_time))
    type_only = [i for i in between_units(all_imports()) if i.type_only]
    assert found == [], _report([" -> ".join(c) for c in found], type_only)


# -- the checker finds what it must (so the tests above can fail) -----------------------------


def test_the_checker_reads_relative_and_type_only_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "from ..store import files\n"
        "import bot.errors\n"
        "if TYPE_CHECKING:\n"
        "    from bot.app import build_engine\n"
        "def later() -> None:\n"
        "    from bot.search import SearchService\n"
        "from bot.curation import _service\n"
    )
    found = imports_in(source, "bot.dialogue.engine")
    assert [(i.target, i.type_only) for i in sorted(found, key=lambda i: i.line)] == [
        ("bot.dialogue", False), ("bot.store", False), ("bot.errors", False),
        ("bot.app", True), ("bot.search", False), ("bot.curation._service", False),
    ]


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


# -- the seams --------------------------------------------------------------------------------


def test_private_modules_stay_inside_their_package() -> None:
    leaks = [str(i) for i in between_units(all_imports())
             if any(part.startswith("_") and part != "__init__" for part in i.target.split("."))]
    assert leaks == []


def test_the_store_is_used_through_its_public_modules() -> None:
    leaks = [str(i) for i in between_units(all_imports())
             if unit_of(i.target) == "bot.store" and i.target not in STORE_PUBLIC]
    assert leaks == []


def exported(module: str) -> frozenset[str] | None:
    """The module's ``__all__``, or None when it has none (or is not a module of bot/)."""
    path = BOT.parent / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = path.with_suffix("") / "__init__.py"
    if not path.exists():
        return None
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    return None


def names_imported() -> list[tuple[str, int, str, str]]:
    """(importing module, line, module, name) of every ``from bot.x import name`` in bot/."""
    out: list[tuple[str, int, str, str]] = []
    for path in sorted(BOT.rglob("*.py")):
        source = module_name(path, BOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.startswith("bot."):
                out += [(source, node.lineno, node.module, a.name) for a in node.names]
    return out


def test_what_other_units_import_is_in_the_modules_all() -> None:
    """A module with ``__all__`` says what is public; another unit imports only that (add a
    name to ``__all__`` when it becomes public; a submodule of a package is fine)."""
    leaks = []
    for source, line, module, name in names_imported():
        public = exported(module)
        submodule = exported(f"{module}.{name}") is not None or \
            (BOT.parent / module.replace(".", "/") / f"{name}.py").exists()
        if unit_of(source) != unit_of(module) and public is not None \
                and name not in public and not submodule:
            leaks.append(f"{source}:{line} imports {name} from {module}, not in its __all__")
    assert leaks == []


_WRITING_ATTRS = frozenset({
    "write_text", "write_bytes", "unlink", "mkdir", "rename", "rmdir", "touch", "symlink_to",
    "hardlink_to",
})
_WRITING_OS = frozenset({
    "open", "replace", "rename", "unlink", "remove", "rmdir", "makedirs", "mkdir", "truncate",
    "link", "symlink",
})
_WRITING_MODULES = frozenset({"shutil", "tempfile", "fcntl"})


def file_writes(source: str) -> list[str]:
    """Calls in ``source`` that create, change, move, delete or lock a file."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            found += [f"{node.lineno}: import {n}" for n in names if n in _WRITING_MODULES]
        if not isinstance(node, ast.Call):
            continue
        if _writes(node):
            found.append(f"{node.lineno}: {ast.unparse(node)[:60]}")
    return found


def _writes(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):  # open(name, mode)
        return func.id == "open" and _writing_mode(call, 1)
    if not isinstance(func, ast.Attribute):
        return False
    if isinstance(func.value, ast.Name) and func.value.id == "os":
        return func.attr in _WRITING_OS
    return func.attr in _WRITING_ATTRS or (func.attr == "open" and _writing_mode(call, 0))


def _writing_mode(call: ast.Call, position: int) -> bool:
    modes = [k.value for k in call.keywords if k.arg == "mode"]
    modes += call.args[position:position + 1]
    return any(isinstance(m, ast.Constant) and isinstance(m.value, str)
               and set(m.value) & set("wax+") for m in modes)


def test_the_write_finder_finds_writes() -> None:
    source = (
        "import shutil\n"
        "path.write_text('x')\n"
        "os.replace(a, b)\n"
        "open(name, 'w')\n"
        "path.open(mode='a')\n"
        "open(name)\n"
        "path.open('rb')\n"
        "LibraryService.open(settings)\n"
        "text.replace('a', 'b')\n"
    )
    assert [w.split(":")[0] for w in file_writes(source)] == ["1", "2", "3", "4", "5"]


def test_files_are_written_through_the_store_only() -> None:
    writes = {
        str(path.relative_to(BOT)): file_writes(path.read_text(encoding="utf-8"))
        for path in BOT.rglob("*.py") if "store" not in path.relative_to(BOT).parts[:1]
    }
    assert {k: v for k, v in writes.items() if v} == {}


# -- the transport ----------------------------------------------------------------------------


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_adapters_import_telegram() -> None:
    core = [p for p in BOT.rglob("*.py") if "adapters" not in p.relative_to(BOT).parts]
    assert len(core) > 20
    leaks = {
        str(path.relative_to(BOT)): sorted(m for m in imported_modules(path)
                                          if m == "telegram" or m.startswith("telegram."))
        for path in core
    }
    assert {k: v for k, v in leaks.items() if v} == {}


def test_the_dialogue_does_not_know_its_adapters() -> None:
    for path in (BOT / "dialogue").rglob("*.py"):
        assert not any(m.startswith("bot.adapters") for m in imported_modules(path)), path


# The DingTalk adapter, module by module: what each may import from bot/ (everything else it
# imports is the standard library or aiohttp). The stream knows no engine, the API client no
# dialogue, the renderer no network; only the runner puts them together.
DINGTALK_PACKAGE = "bot.adapters.dingtalk"
DINGTALK_ALLOWED: dict[str, frozenset[str]] = {
    "bot.adapters.dingtalk": frozenset(),
    "bot.adapters.dingtalk.runner": frozenset({
        "bot.adapters.dingtalk.adapter", "bot.adapters.dingtalk.api",
        "bot.adapters.dingtalk.identity", "bot.adapters.dingtalk.stream",
        "bot.adapters.protocol", "bot.config", "bot.messages",
    }),
    "bot.adapters.dingtalk.adapter": frozenset({
        "bot.adapters.dingtalk", "bot.adapters.dingtalk.render", "bot.adapters.dingtalk.api",
        "bot.adapters.dingtalk.identity", "bot.adapters.protocol", "bot.dialogue.types",
        "bot.adapters.unsupported",
        "bot.errors", "bot.messages",
    }),
    "bot.adapters.dingtalk.stream": frozenset({"bot.adapters.dingtalk.api"}),
    "bot.adapters.dingtalk.api": frozenset({"bot.adapters.retry_policy"}),
    "bot.adapters.dingtalk.render": frozenset({"bot.adapters.split", "bot.dialogue.types"}),
    "bot.adapters.dingtalk.identity": frozenset({"bot.store.files"}),
}
DINGTALK_THIRD_PARTY = frozenset({"aiohttp"})


def test_the_dingtalk_modules_import_only_what_their_row_allows() -> None:
    directory = BOT / "adapters" / "dingtalk"
    found = {module_name(path, BOT): path for path in directory.glob("*.py")}
    assert set(found) == set(DINGTALK_ALLOWED)
    for name, path in found.items():
        imported = imported_modules(path)
        ours = {m for m in imported if m == "bot" or m.startswith("bot.")}
        assert ours <= DINGTALK_ALLOWED[name], (name, sorted(ours - DINGTALK_ALLOWED[name]))
        foreign = {m.split(".")[0] for m in imported - ours} - set(sys.stdlib_module_names)
        assert foreign <= DINGTALK_THIRD_PARTY, (name, sorted(foreign))


def test_only_the_cli_starts_the_dingtalk_adapter() -> None:
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT).parts
        if parts[0] in ("cli", "adapters"):
            continue
        assert not any(m.startswith(DINGTALK_PACKAGE) for m in imported_modules(path)), path
    for path in (BOT / "adapters").glob("*.py"):  # Telegram's modules know nothing of DingTalk
        assert not any(m.startswith(DINGTALK_PACKAGE) for m in imported_modules(path)), path
