"""Text → search tokens, the same way for clauses and queries; the search data files.

Data (``snippets/``):

- ``_userdict.txt``  jieba user dictionary (``word [freq] [tag]`` per line) of policy terms;
- ``_synonyms.yaml`` ``equivalent`` groups (信息化 ↔ 数字化) and one-way ``expands``
  (幼儿园 → 学前教育), applied to queries only;
- ``_search.yaml``   stop words (dropped from clauses and queries) and the neutral region used
  to preview clause text (see ``bot.search.preview``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.library.loader import LibraryError, Problem
from bot.library.models import Level, VarSpec
from bot.search.normalise import normalise, runs
from bot.search.segment import MEMO_LIMIT, Segmenter, load_dictionary

__all__ = [
    "CACHE_DIR", "SEARCH_FILE", "SYNONYMS_FILE", "USERDICT_FILE", "Analyzer", "NeutralRegion",
    "QueryTerm", "SearchFile", "SynonymFile", "plain_text", "synonym_map",
]


USERDICT_FILE = "_userdict.txt"
SYNONYMS_FILE = "_synonyms.yaml"
SEARCH_FILE = "_search.yaml"
CACHE_DIR = "cache"  # under the data directory: the segmentation dictionary
SYNONYM_WEIGHT = 0.6  # a term found through a synonym counts this much of the term itself
QUERY_PIECE = 3  # shortest word inside a known query word that is looked up too

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~7× faster
_TEMPLATE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{\s*([A-Za-z_][\w.]*)[^}]*\}\}", re.DOTALL)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SynonymFile(_Strict):
    schema_version: Literal[1]
    equivalent: list[list[str]] = Field(default_factory=list)
    expands: dict[str, list[str]] = Field(default_factory=dict)


class NeutralRegion(_Strict):
    name: str
    full_name: str
    level: Level


class SearchFile(_Strict):
    schema_version: Literal[1]
    neutral_region: NeutralRegion
    stopwords: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class QueryTerm:
    """A term to look up; ``covers`` are the query's own tokens a match stands for."""

    term: str
    weight: float
    covers: tuple[str, ...]

    @property
    def own(self) -> bool:
        """A token of the query itself (not one found through a synonym)."""
        return self.covers == (self.term,)


def plain_text(source: str, declared: Mapping[str, VarSpec]) -> str:
    """A template's words for matching: a declared variable becomes its label, markup goes."""

    def replace(match: re.Match[str]) -> str:
        spec = declared.get(match.group(1) or "")
        return f" {spec.label} " if spec is not None else " "

    return _TEMPLATE.sub(replace, source)


class Analyzer:
    """Normalise, segment, drop stop words; expand queries with synonyms."""

    def __init__(
        self,
        dictionary: Any,
        stopwords: Iterable[str] = (),
        synonyms: Mapping[str, Iterable[str]] | None = None,
        neutral_region: NeutralRegion | None = None,
    ) -> None:
        """``dictionary``: a ``Dictionary`` (see ``load_dictionary``) or an initialised jieba
        tokenizer."""
        self.stopwords = frozenset(normalise(w) for w in stopwords)
        self._segmenter = Segmenter(dictionary, self.stopwords)
        self._keywords: dict[str, list[str]] = {}  # memo: keyword → tokens
        self.synonyms: dict[str, tuple[str, ...]] = {
            normalise(k): tuple(normalise(v) for v in vs) for k, vs in (synonyms or {}).items()
        }
        self.neutral_region = neutral_region

    @classmethod
    def load(cls, snippets_dir: Path, data_dir: Path) -> Analyzer:
        """Load the segmentation dictionary (built by jieba into ``data_dir/cache`` if need be)
        and read the search data files; LibraryError on problems."""
        problems: list[Problem] = []
        synonyms = _load(snippets_dir / SYNONYMS_FILE, SynonymFile, problems)
        config = _load(snippets_dir / SEARCH_FILE, SearchFile, problems)
        userdict = snippets_dir / USERDICT_FILE
        if not userdict.is_file():
            problems.append(Problem(USERDICT_FILE, "", "file", "missing"))
        if problems or synonyms is None or config is None:
            raise LibraryError(problems)
        return cls(
            load_dictionary(data_dir / CACHE_DIR, userdict),
            config.stopwords,
            synonym_map(synonyms),
            config.neutral_region,
        )

    def bulk(self) -> None:
        """Before tokenising many new texts: segment with jieba-rs (``Segmenter.bulk``)."""
        self._segmenter.bulk()

    def forget(self) -> None:
        """Drop everything remembered (memos, the Rust cutter): the state of a new analyzer."""
        self._segmenter.forget()
        self._keywords.clear()

    def words(self, run: str) -> list[str]:
        """A run of Han characters cut into words (jieba's precise mode, no HMM), as the index
        cuts it; the Word export breaks long titles between them."""
        return self._segmenter.words(run)

    def tokens(self, text: str) -> list[str]:
        """Search tokens of a text (any script, any width), stop words removed."""
        out: list[str] = []
        stop = self.stopwords
        search_tokens = self._segmenter.search_tokens
        for run in runs(normalise(text)):
            if run[0] < "\u3400":
                if run not in stop:
                    out.append(run)
                continue
            out.extend(search_tokens(run))
        return out

    def keyword_tokens(self, keywords: Iterable[str]) -> list[str]:
        """Tokens of keywords, plus each whole keyword (so a query token equal to it matches)."""
        out: list[str] = []
        for keyword in keywords:
            found = self._keywords.get(keyword)
            if found is None:
                whole = normalise(keyword).replace(" ", "")
                found = list(dict.fromkeys([*self.tokens(keyword), *([whole] if whole else [])]))
                if len(self._keywords) >= MEMO_LIMIT:
                    self._keywords.clear()
                self._keywords[keyword] = found
            out.extend(found)
        return out

    def query(self, text: str, known: Callable[[str], bool] | None = None) -> list[QueryTerm]:
        """Query terms: the query's own tokens (weight 1) and those of its synonyms.

        With ``known`` (is a term in the index?), a word the index knows stands for itself and
        the longer words inside it (``QUERY_PIECE`` characters or more); a word it does not know
        is replaced by the dictionary words inside it. Without, all search tokens are used.
        """
        own = list(dict.fromkeys(self.query_tokens(text, known)))
        terms = {t: QueryTerm(t, 1.0, (t,)) for t in own}
        flat = normalise(text).replace(" ", "")
        for key, alternatives in self.synonyms.items():
            if key not in flat:
                continue
            covers = tuple(t for t in self.query_tokens(key, known) if t in terms)
            for alternative in alternatives:
                for term in self.query_tokens(alternative, known):
                    if term not in terms:
                        terms[term] = QueryTerm(term, SYNONYM_WEIGHT, covers)
        return list(terms.values())

    def query_tokens(self, text: str, known: Callable[[str], bool] | None) -> list[str]:
        if known is None:
            return self.tokens(text)
        segmenter = self._segmenter
        out: list[str] = []
        for run in runs(normalise(text)):
            if run[0] < "\u3400":
                if run not in self.stopwords:
                    out.append(run)
                continue
            for word in segmenter.words(run):
                if word in self.stopwords:
                    continue
                if known(word):
                    out.extend(segmenter.pieces(word, QUERY_PIECE))
                    out.append(word)
                else:
                    out.extend(segmenter.pieces(word))
        return out


def synonym_map(data: SynonymFile) -> dict[str, list[str]]:
    """One-way expansions: every member of a group expands to the others."""
    out: dict[str, list[str]] = {}
    for group in data.equivalent:
        for term in group:
            out.setdefault(term, []).extend(t for t in group if t != term)
    for key, values in data.expands.items():
        out.setdefault(key, []).extend(values)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


_M = TypeVar("_M", bound=BaseModel)


def _load(path: Path, model: type[_M], problems: list[Problem]) -> _M | None:
    try:
        raw: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
        return model.model_validate(raw)
    except FileNotFoundError:
        problems.append(Problem(path.name, "", "file", "missing"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.append(Problem(path.name, "", "yaml", str(getattr(exc, "problem", exc)), line))
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(map(str, err["loc"])) or "file"
            problems.append(Problem(path.name, "", field, err["msg"]))
    return None
