"""Write the effective library as YAML files in the library's own format, ready to commit.

A topic the admins never changed is copied byte for byte from ``snippets/`` (its comments and
layout survive); a changed or new topic is written from the data, fields that hold their
default left out. The other files of a library directory (``_eras.yaml``, ``_lint.yaml``,
``_search.yaml``, ``_synonyms.yaml``, ``_userdict.txt``, ``kinds/``) are copied, so the
directory is a complete library that ``planbot snippets validate --dir`` accepts and
``load_library`` loads to the same library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.curation._overlay import TopicMeta
from bot.library.library import Library
from bot.library.models import SCHEMA_VERSION, Topic
from bot.store.files import copy_file, ensure_dir, write_atomic

AUX_PATTERNS = ("_*.yaml", "_*.txt", "kinds/*.yaml")
_FOLD_AT = 60  # strings longer than this are written as folded blocks (>-) when YAML allows


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > _FOLD_AT and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _short_scalars(values: list[Any]) -> bool:
    return all(
        v is None or isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) <= 40)
        for v in values
    )


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = bool(value) and _short_scalars(value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    flow = bool(value) and "id" not in value and _short_scalars(list(value.values()))
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


def _float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if value.is_integer():
        return dumper.represent_int(int(value))
    return dumper.represent_float(value)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)
_Dumper.add_representer(float, _float)


def topic_yaml(topic: Topic) -> str:
    """The topic as a topic file (``snippets/README.md``)."""
    meta = TopicMeta.of(topic).model_dump(mode="json")
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "topic": meta.pop("id"), **meta}
    data["clauses"] = [c.model_dump(mode="json", exclude_defaults=True) for c in topic.clauses]
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def export_library(
    library: Library, base: Library, snippets_dir: Path, directory: Path
) -> list[Path]:
    """Write ``library`` into ``directory``; return the topic files written from data."""
    ensure_dir(directory)
    if directory.resolve() != snippets_dir.resolve():
        _copy_aux(snippets_dir, directory)
    written: list[Path] = []
    for topic in library.topics.values():
        shipped = base.topics.get(topic.id)
        target = directory / (shipped.source if shipped else f"{topic.id}.yaml")
        if shipped is not None and _same(shipped, topic):
            if target.resolve() != (snippets_dir / shipped.source).resolve():
                copy_file(snippets_dir / shipped.source, target)
            continue
        write_atomic(target, topic_yaml(topic).encode("utf-8"))
        written.append(target)
    return written


def _same(a: Topic, b: Topic) -> bool:
    return TopicMeta.of(a) == TopicMeta.of(b) and a.clauses == b.clauses


def _copy_aux(source: Path, target: Path) -> None:
    for pattern in AUX_PATTERNS:
        for path in sorted(source.glob(pattern)):
            copy_file(path, target / path.relative_to(source))
