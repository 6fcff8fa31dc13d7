"""The bot's words: message catalogues and screen templates under ``prompts/``.

``prompts/errors.yaml`` maps a message id to ``zh`` and ``en`` text (Jinja2); screen templates
are ``prompts/screens/<name>.j2``. Nothing else in the code holds Chinese prose.

Templates are compiled once per process (every update renders a dozen of them): the files are
read at first use and not checked for changes again.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from bot.errors import PlanbotError
from bot.shipped import shipped_dir

PROMPTS_DIR = shipped_dir("prompts")  # the shipped messages (Settings.prompts_dir may differ)


class Messages:
    """Looks up catalogue entries and renders screen templates."""

    def __init__(self, directory: Path = PROMPTS_DIR) -> None:
        self.directory = directory
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(str(directory)),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # no stat() of the template file at every render
        )
        self._compiled: dict[str, Template] = {}  # catalogue text → its template

    @cached_property
    def _catalogue(self) -> dict[str, dict[str, str]]:
        merged: dict[str, dict[str, str]] = {}
        for path in sorted(self.directory.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            entries: Mapping[str, Any] = data.get("messages", {})
            for key, value in entries.items():
                merged[key] = value if isinstance(value, dict) else {"zh": str(value)}
        return merged

    def warm_up(self) -> int:
        """Read the catalogue and compile every entry and screen template now, not at first use
        (by the first users after a start, who would wait for it); how many were compiled."""
        compiled = 0
        for entry in self._catalogue.values():
            for source in entry.values():
                if "{" in source and source not in self._compiled:
                    self._compiled[source] = self._env.from_string(source)
                    compiled += 1
        for path in sorted(self.directory.glob("screens/*.j2")):
            self._env.get_template(path.relative_to(self.directory).as_posix())
            compiled += 1
        return compiled

    def has(self, message_id: str) -> bool:
        return message_id in self._catalogue

    def text(self, message_id: str, lang: str = "zh", **params: Any) -> str:
        """The catalogue entry ``message_id`` in ``lang`` (falls back to zh)."""
        entry = self._catalogue[message_id]
        source = entry.get(lang) or entry["zh"]
        if "{" not in source:  # no Jinja markup: the text is itself (most buttons and notices)
            return source.strip()
        template = self._compiled.get(source)
        if template is None:  # threads may compile the same text twice: harmless
            template = self._compiled[source] = self._env.from_string(source)
        return template.render(**params).strip()

    def error(self, exc: PlanbotError, lang: str = "zh") -> str:
        return self.text(exc.message_id, lang, **exc.params)

    def screen(self, name: str, **params: Any) -> str:
        """Render ``prompts/screens/<name>.j2``."""
        return self._env.get_template(f"screens/{name}.j2").render(**params).strip()
