"""Clause search: normalisation, segmentation, ranking quality, filters, misses and the CLI."""

from __future__ import annotations

import datetime
import io
import json
import logging
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

from bot.cli import main
from bot.cli._search import parse_search_topic
from bot.library.library import Library
from bot.library.loader import LibraryError
from bot.library.models import ClauseKind, Level, Topic
from bot.search import Analyzer, Hit, MissLog, SearchIndex, SearchService, is_good
from bot.search.analysis import SEARCH_FILE, SYNONYMS_FILE, USERDICT_FILE
from bot.search.evaluate import evaluate, load_cases
from bot.search.misses import MAX_ENTRIES, MISSES_FILE
from bot.search.normalise import normalise, runs
from bot.search.preview import neutral_region, preview
from bot.search.segment import DICTIONARY_FILE, jieba_tokenizer, read_userdict
from tests.search_support import shipped_runs

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
EVAL = ROOT / "tests" / "data" / "search_eval.yaml"
REQUIRED_TERMS = [
    "立德树人", "五育并举", "双减", "优质均衡", "普及普惠", "县中振兴", "教共体", "大思政课",
    "产教融合", "县管校聘", "控辍保学",
]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("search-data")


@pytest.fixture(scope="session")
def analyzer(data_dir: Path) -> Analyzer:
    return Analyzer.load(SNIPPETS, data_dir)


@pytest.fixture(scope="session")
def index(library: Library, analyzer: Analyzer) -> SearchIndex:
    return SearchIndex.build(library, analyzer)


def ids(hits: list[Hit]) -> list[str]:
    return [h.clause_id for h in hits]


# ── normalisation and segmentation ────────────────────────────────────────────


def test_normalise_width_script_case_punctuation() -> None:
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert normalise("促進義務教育優質均衡發展") == "促进义务教育优质均衡发展"
    assert normalise("深化“双减”，提升【课后服务】！") == "深化 双减 提升 课后服务"
    assert runs(normalise("推进5G＋智慧教育")) == ["推进", "5g", "智慧教育"]


@pytest.fixture(scope="session")
def reference(analyzer: Analyzer, data_dir: Path) -> Any:
    """jieba itself with our user dictionary (its cache is in the data dir by now)."""
    return jieba_tokenizer(data_dir / "cache", SNIPPETS / USERDICT_FILE)


def test_the_dictionary_is_cached_in_the_data_dir_and_jieba_is_quiet(
    analyzer: Analyzer, data_dir: Path, reference: Any
) -> None:
    assert (data_dir / "cache" / DICTIONARY_FILE).is_file()
    assert logging.getLogger("jieba").level >= logging.WARNING


def test_words_are_jiebas_words_and_search_tokens_include_jiebas(
    library: Library, analyzer: Analyzer, reference: Any
) -> None:
    segmenter = analyzer._segmenter
    han = shipped_runs(library)
    assert len(han) > 5000
    for run in han:
        assert segmenter.words(run) == reference.lcut(run, HMM=False), run
        tokens = segmenter.search_tokens(run)
        expected = set(reference.lcut_for_search(run, HMM=False)) - analyzer.stopwords
        assert expected - set(tokens) <= _inside_stopwords(run, analyzer)


def _inside_stopwords(run: str, analyzer: Analyzer) -> set[str]:
    """Pieces of the stop words in a run (dropped with them)."""
    stops = [w for w in analyzer._segmenter.words(run) if w in analyzer.stopwords]
    return {w[i:j] for w in stops for i in range(len(w)) for j in range(i + 1, len(w) + 1)}


def test_userdict_has_the_policy_terms_and_keeps_them_whole(analyzer: Analyzer) -> None:
    entries = read_userdict(SNIPPETS / USERDICT_FILE)
    words = [w for w, _, _ in entries]
    assert len(words) >= 300
    assert len(words) == len(set(words)), "duplicate terms"
    assert set(REQUIRED_TERMS) <= set(words)
    for word in words:
        if word.isascii():
            continue
        assert analyzer._segmenter.words(normalise(word)) == [normalise(word)], word
    assert analyzer._segmenter.words("主题教育学深悟透")[0] == "主题教育"
    assert analyzer._segmenter.words("全县中小学") == ["全县", "中小学"]


def test_synonyms_file_loads_and_expands_queries(analyzer: Analyzer) -> None:
    data = yaml.safe_load((SNIPPETS / SYNONYMS_FILE).read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    terms = {t.term: t for t in analyzer.query("推进教育信息化")}
    assert terms["数字化"].weight < 1 and "信息化" in terms["数字化"].covers
    assert terms["信息化"].own
    one_way = {t.term for t in analyzer.query("学前教育")}
    assert "幼儿园" not in one_way
    assert "学前教育" in {t.term for t in analyzer.query("幼儿园")}


def test_bad_search_data_files_are_reported_by_name(tmp_path: Path) -> None:
    (tmp_path / SYNONYMS_FILE).write_text("schema_version: 1\nequivalent: oops\n", "utf-8")
    with pytest.raises(LibraryError) as caught:
        Analyzer.load(tmp_path, tmp_path / "data")
    problems = {(p.file, p.field) for p in caught.value.problems}
    assert (SYNONYMS_FILE, "equivalent") in problems
    assert (SEARCH_FILE, "file") in problems and (USERDICT_FILE, "file") in problems


def test_stopwords_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.tokens("进一步加强和推进") == []  # no 一步 from inside 进一步
    assert analyzer.query("的") == []


# ── ranking ───────────────────────────────────────────────────────────────────


def test_top5_accuracy_on_published_headings(index: SearchIndex, library: Library) -> None:
    cases = load_cases(EVAL)
    assert len(cases) >= 60
    assert sum(c.script == "traditional" for c in cases) >= 10
    assert {c.topic for c in cases} <= set(library.topics)
    report = evaluate(index, cases, k=5)
    failures = "\n".join(f"{c.query} ({c.topic}): {got}" for c, got in report.failures)
    assert report.accuracy >= 0.90, f"top-5 accuracy {report.accuracy:.1%}\n{failures}"


def test_traditional_queries_find_what_simplified_ones_find(index: SearchIndex) -> None:
    to_traditional = opencc.OpenCC("s2t")
    for case in load_cases(EVAL):
        simplified = normalise(case.query)
        traditional = to_traditional.convert(simplified)
        assert index.search(traditional) == index.search(simplified), case.query
    full_width = "促進義務教育優質均衡！"
    assert ids(index.search(full_width))[:3] == ids(index.search("促进义务教育优质均衡"))[:3]


def test_title_and_keywords_lift_a_clause(index: SearchIndex) -> None:
    hits = index.search("深入推进师德师风建设", limit=3)
    assert all("师德" in h.title for h in hits)


def test_empty_and_unmatched_queries(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("，。！？") == []
    assert index.search("火星探测") == []
    assert index.search("双减", limit=0) == []
    assert index.search("双减" * 400)  # a pasted paragraph still works


def test_pages_are_slices_of_one_ranking(index: SearchIndex) -> None:
    whole = index.search("学生", limit=20)
    assert len(whole) == 20
    assert index.search("学生", limit=5, offset=5) == whole[5:10]
    assert [h.score for h in whole] == sorted((h.score for h in whole), reverse=True)


def test_untitled_clauses_get_a_title(index: SearchIndex) -> None:
    hits = index.search("总体要求 指导思想", kinds={ClauseKind.GENERAL, ClauseKind.CLOSING})
    assert hits and all(h.title and "{" not in h.title for h in hits)


# ── filters ───────────────────────────────────────────────────────────────────


def test_topic_filter(index: SearchIndex) -> None:
    hits = index.search("教师培训", topic="preschool", limit=20)
    assert hits and {h.topic for h in hits} == {"preschool"}
    assert index.search("教师培训", topic="no_such_topic") == []


def test_year_filter_drops_clauses_that_do_not_fit(index: SearchIndex, library: Library) -> None:
    dated = next(c for c in library.clauses() if c.years[1] is not None and c.title)
    start, end = dated.years
    assert end is not None
    assert dated.id in ids(index.search(dated.title, year=start, limit=50))
    assert dated.id not in ids(index.search(dated.title, year=end + 1, limit=50))
    for year in (2012, 2025):
        for hit in index.search("学前教育", year=year, limit=50):
            clause = library.clause(hit.clause_id)
            assert clause is not None
            assert clause.years[0] <= year and (clause.years[1] or 9999) >= year


def test_level_and_kind_filters(index: SearchIndex, library: Library) -> None:
    for hit in index.search("学前教育", level=Level.PROVINCE, limit=50):
        clause = library.clause(hit.clause_id)
        assert clause is not None and Level.PROVINCE in clause.levels
    kinds = {ClauseKind.TASK}
    assert {h.kind for h in index.search("学前教育", kinds=kinds, limit=50)} == kinds


def test_retired_clauses_are_never_offered(library: Library, analyzer: Analyzer) -> None:
    target = next(c for c in library.clauses() if c.kind is ClauseKind.TASK and c.title)
    topics = [
        t.model_copy(update={"clauses": [
            c.model_copy(update={"retired": True}) if c.id == target.id else c
            for c in t.clauses
        ]})
        for t in library.topics.values()
    ]
    retired = _with_topics(library, topics)
    index = SearchIndex.build(retired, analyzer)
    assert len(index) == len(library) - 1
    assert target.id not in ids(index.search(target.title, limit=50))
    assert target.id not in ids(index.search(target.title, topic=topics[0].id, limit=50))


def _with_topics(library: Library, topics: list[Topic]) -> Library:
    return Library(topics, library.eras, library.lint, list(library.kinds.values()))


# ── misses ────────────────────────────────────────────────────────────────────


def test_miss_log_groups_counts_and_keeps_readable_json(tmp_path: Path) -> None:
    times = iter(datetime.datetime(2025, 3, d, tzinfo=datetime.UTC) for d in range(1, 10))
    log = MissLog(tmp_path / MISSES_FILE, clock=lambda: next(times))
    log.record_miss("高等教育内涵发展")
    log.record_miss("高等教育內涵發展！")  # traditional, full-width: the same query
    log.record_miss("火星探测")
    log.record_miss("   ")
    first, second = log.misses(10)
    assert (first.query, first.count) == ("高等教育內涵發展！", 2)
    assert first.last_seen.day == 2
    assert (second.query, second.count) == ("火星探测", 1)
    text = (tmp_path / MISSES_FILE).read_text(encoding="utf-8")
    assert "火星探测" in text and json.loads(text)["schema_version"] == 1
    assert log.misses(1) == [first]


def test_miss_log_survives_a_corrupt_file_and_caps_its_size(tmp_path: Path) -> None:
    path = tmp_path / MISSES_FILE
    path.write_text("{not json", encoding="utf-8")
    log = MissLog(path)
    assert log.misses() == []
    assert (tmp_path / (MISSES_FILE + ".bad")).exists()
    entries = {
        f"q{i}": {"query": f"q{i}", "count": 1, "last_seen": "2025-01-01T00:00:00+00:00"}
        for i in range(MAX_ENTRIES)
    }
    path.write_text(json.dumps({"schema_version": 1, "misses": entries}), encoding="utf-8")
    log.record_miss("新的查询")
    log.record_miss("新的查询")
    kept = log.misses(MAX_ENTRIES + 10)
    assert len(kept) == MAX_ENTRIES and kept[0].query == "新的查询"


def test_service_records_misses_only_for_final_queries(
    library: Library, analyzer: Analyzer, tmp_path: Path
) -> None:
    service = SearchService(analyzer, library, MissLog(tmp_path / MISSES_FILE))
    assert is_good(service.search("控辍保学"))
    assert not service.search("火星探测", record=False)
    assert service.misses() == []
    service.search("火星探测")
    service.search("火星探测", offset=10)  # a later page is not a new query
    assert [(m.query, m.count) for m in service.misses()] == [("火星探测", 1)]
    service.record_miss("老年大学")
    assert len(service.misses()) == 2


def test_service_rebuild_swaps_the_index(
    library: Library, analyzer: Analyzer, tmp_path: Path
) -> None:
    service = SearchService(analyzer, library, MissLog(tmp_path / MISSES_FILE))
    topics = [t for t in library.topics.values() if t.id != "preschool"]
    service.rebuild(_with_topics(library, topics))
    assert service.search("幼儿园", topic="preschool") == []
    assert service.index.build_seconds > 0


# ── preview and CLI ───────────────────────────────────────────────────────────


def test_preview_renders_for_a_neutral_region(library: Library, analyzer: Analyzer) -> None:
    assert analyzer.neutral_region is not None
    region = neutral_region(analyzer.neutral_region)
    with_vars = next(c for c in library.clauses() if c.vars and c.kind is ClauseKind.TASK)
    shown = preview(library, with_vars, region, None)
    assert "{{" not in shown.text and "【待填：" in shown.text
    start, end = with_vars.years
    assert start <= shown.year <= (end or 9999)
    with_scope = next(c for c in library.clauses() if "{{ scope }}" in c.text)
    assert "全市" in preview(library, with_scope, region, None).text


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("PLANBOT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PLANBOT_LOG_LEVEL", "WARNING")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("cli_env")
def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "促進義務教育優質均衡", "--json", "--limit", "3",
                       "--year", "2024")
    assert code == 0
    results = json.loads(out)
    assert len(results) == 3
    assert set(results[0]) == {"id", "topic", "topic_name", "title", "text", "score"}
    assert results[0]["topic"] == "compulsory"
    assert all("{{" not in r["text"] for r in results)


def test_cli_topic_by_id_or_name(library: Library) -> None:
    assert parse_search_topic("学前教育", library) == "preschool"
    assert parse_search_topic(" preschool ", library) == "preschool"
    assert parse_search_topic(None, library) is None


@pytest.mark.usefixtures("cli_env")
def test_cli_text_and_no_good_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "防溺水", "--limit", "2")
    assert code == 0 and len(out.splitlines()) == 2 and "溺水" in out
    code, out, err = run(capsys, "search", "火星探测")
    assert code == 0 and out == "" and "火星探测" in err


@pytest.mark.usefixtures("cli_env")
def test_cli_batch_file_and_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = tmp_path / "queries.txt"
    batch.write_text("双减\n\n# a comment\n火星探测\n做好防溺水工作\n", encoding="utf-8")
    code, out, _ = run(capsys, "search", "--batch", str(batch), "--limit", "2")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [line["query"] for line in lines] == ["双减", "火星探测", "做好防溺水工作"]
    assert [line["good"] for line in lines] == [True, False, True]
    assert len(lines[0]["results"]) == 2 and lines[1]["results"] == []
    monkeypatch.setattr("sys.stdin", io.StringIO("控辍保学\n"))
    code, out, _ = run(capsys, "search", "--batch", "-")
    assert code == 0 and json.loads(out)["results"][0]["topic"] == "compulsory"


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("argv", "english"),
    [
        (["search"], "give a QUERY or --batch FILE"),
        (["search", "x", "--batch", "-"], "give a QUERY or --batch FILE"),
        (["search", "x", "--limit", "0"], "the limit must be a whole number from 1 to 50"),
        (["search", "x", "--limit", "many"], "the limit must be"),
        (["search", "x", "--topic", "nope"], "unknown topic: nope"),
        (["search", "x", "--year", "1990"], "the year must be between"),
        (["search", "--batch", "/no/such/file"], "cannot read the query file"),
    ],
)
def test_cli_bad_input_exits_2_with_zh_and_en(
    capsys: pytest.CaptureFixture[str], argv: list[str], english: str
) -> None:
    code, out, err = run(capsys, *argv)
    zh, en = err.strip().splitlines()[-2:]
    assert code == 2 and out == ""
    assert not zh.isascii() and en.startswith("Error: ") and english in en


@pytest.mark.usefixtures("cli_env")
def test_cli_misses(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    MissLog(data_dir / MISSES_FILE).record_miss("老年大学建设")
    code, out, _ = run(capsys, "search", "--misses", "--json")
    assert code == 0 and json.loads(out)[0]["query"] == "老年大学建设"
