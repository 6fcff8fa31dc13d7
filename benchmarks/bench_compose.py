"""Composition: assemble a plan with every topic; load and validate a library of 1,000 clauses.

Baselines in the same run: assembly with a renderer that compiles each template every time (no
template cache), and for loading, plain YAML parsing of the same files with no validation.
Targets: assembly p50 ≤ 20 ms; load + validate 1,000 clauses ≤ 1 s.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.compose import render as render_module
from bot.compose.assemble import PlanRequest, assemble_plan, default_order
from bot.compose.context import Region
from bot.library.library import Library
from bot.library.loader import load_library
from bot.library.models import Level

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"


def timings(fn: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_assemble(library: Library) -> None:
    region = Region(province="广东省", name="清远", full_name="清远市", level=Level.CITY)
    topics = default_order([t.id for t in library.priority_topics()])
    request = PlanRequest(region=region, year=2025, topics=topics)
    ours = timings(lambda: assemble_plan(request, library), runs=200)
    cached = render_module.compile_template
    render_module.compile_template = render_module._ENV.from_string  # type: ignore[assignment]
    try:
        baseline = timings(lambda: assemble_plan(request, library), runs=30)
    finally:
        render_module.compile_template = cached
    items = sum(len(s.items) for s in assemble_plan(request, library).sections)
    print(f"assemble all {len(topics)} topics ({items} items), ms:")
    print(
        f"  planbot (template cache)   p50 {statistics.median(ours):7.2f}  p99 {p(ours, 0.99):7.2f}"
    )
    print(
        f"  baseline (compile each)    p50 {statistics.median(baseline):7.2f}"
        f"  p99 {p(baseline, 0.99):7.2f}"
    )
    print(
        f"  ratio baseline/ours p50 {statistics.median(baseline) / statistics.median(ours):.1f}x"
        f"   target p50 <= 20 ms: {'met' if statistics.median(ours) <= 20 else 'MISSED'}"
    )


def scaled_library(target: int, directory: Path) -> int:
    """Copy the shipped library, then add copies of each topic until ``target`` clauses."""
    shutil.copytree(SNIPPETS, directory, dirs_exist_ok=True)
    files = [f for f in SNIPPETS.glob("*.yaml") if not f.name.startswith("_")]
    count = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["clauses"]) for f in files)
    copy = 0
    while count < target:
        for source in files:
            text = source.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
            topic = data["topic"]
            clone = f"{topic}x{copy}"
            text = text.replace(f"topic: {topic}", f"topic: {clone}").replace(
                f"{topic}.", f"{clone}."
            )
            (directory / f"{clone}.yaml").write_text(text, encoding="utf-8")
            count += len(data["clauses"])
            if count >= target:
                break
        copy += 1
    return count


def bench_load() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        count = scaled_library(1000, directory)
        ours = timings(lambda: load_library(directory), runs=5, warmup=1)
        texts = [f.read_text(encoding="utf-8") for f in directory.glob("*.yaml")]
        baseline = timings(lambda: [yaml.safe_load(t) for t in texts], runs=5, warmup=1)
    print(f"load + validate {count} clauses, ms:")
    print(f"  planbot (parse + validate)  p50 {statistics.median(ours):8.1f}")
    print(f"  baseline (yaml.safe_load only) p50 {statistics.median(baseline):8.1f}")
    print(
        f"  ratio ours/baseline {statistics.median(ours) / statistics.median(baseline):.2f}x"
        f"   target <= 1000 ms: {'met' if statistics.median(ours) <= 1000 else 'MISSED'}"
    )


def main() -> None:
    library = load_library(SNIPPETS)
    bench_assemble(library)
    bench_load()


if __name__ == "__main__":
    main()
