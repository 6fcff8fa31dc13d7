"""Time the Word export of a ~10-page plan against a bare python-docx document.

Usage::

    .venv/bin/python -m benchmarks.bench_export [--runs 30]

The plan has 8 sections and ~30 items of ~200 characters with placeholders. The baseline, in
the same run, writes the same paragraphs with python-docx and no styling at all; the ratio
shows what the GB/T 9704 layout (styles, fonts on every run, footers, placeholder runs) costs.
Target: p50 ≤ 300 ms. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import sys
import time
from collections.abc import Callable

from docx import Document

from bot.compose.context import Region
from bot.compose.numbering import lines
from bot.compose.plan import Item, Plan, Section, SectionRole
from bot.compose.render import Missing
from bot.export.docx import plan_to_docx
from bot.library.models import Level

SECTIONS = 8
ITEMS = 30
ITEM_CHARS = 200
TARGET_P50_MS = 300.0
_CJK = (0x4E00, 0x9FA5)  # generated text: the load is the same as real prose


def _text(rng: random.Random, n: int, placeholder: bool) -> str:
    chars = [chr(rng.randint(*_CJK)) for _ in range(n)]
    for i in range(17, n, 18):
        chars[i] = "，"
    chars[-1] = "。"
    text = "".join(chars)
    if placeholder:
        middle = n // 2
        text = text[:middle] + str(Missing(_text(rng, 6, False)[:-1])) + text[middle:]
    return text


def make_plan(seed: int = 9704) -> Plan:
    """A ~10-page plan: 8 sections, 30 items of ~200 characters, every third with a placeholder."""
    rng = random.Random(seed)
    sections = []
    for s in range(SECTIONS):
        count = ITEMS // SECTIONS + (1 if s < ITEMS % SECTIONS else 0)
        items = [Item(title=_text(rng, 10, False)[:-1], text=_text(rng, ITEM_CHARS, i % 3 == 0))
                 for i in range(count)]
        sections.append(Section(id=f"s{s}", role=SectionRole.TOPIC,
                                heading=_text(rng, 12, False)[:-1], items=items))
    return Plan(
        title=_text(rng, 16, False)[:-1], kind="work_points", kind_name=_text(rng, 4, False),
        region=Region(province=_text(rng, 3, False), name=_text(rng, 2, False),
                      full_name=_text(rng, 3, False), level=Level.CITY),
        year=2024, bureau=_text(rng, 8, False), sections=sections,
    )


def bare_docx(plan: Plan) -> bytes:
    """Baseline: the same paragraphs in a default python-docx document, no styling."""
    doc = Document()
    for line in lines(plan):
        doc.add_paragraph(line.label + line.title + line.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _time(fn: Callable[[Plan], bytes], plan: Plan, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn(plan)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(plan)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv or [])  # the benchmarks runner calls main() with no arguments
    plan = make_plan()
    chars = sum(len(t) for t in plan.texts())
    size = len(plan_to_docx(plan))
    print(f"export docx: {len(plan.sections)} sections, {sum(len(s.items) for s in plan.sections)}"
          f" items, {chars} characters, {size / 1024:.0f} KiB; {args.runs} runs")
    ours = _time(plan_to_docx, plan, args.runs, args.warmup)
    base = _time(bare_docx, plan, args.runs, args.warmup)
    for name, samples in (("plan_to_docx", ours), ("bare python-docx", base)):
        print(f"  {name:<17} p50 {statistics.median(samples):7.1f} ms"
              f"   p99 {_percentile(samples, 0.99):7.1f} ms")
    p50 = statistics.median(ours)
    verdict = "ok" if p50 <= TARGET_P50_MS else "OVER TARGET"
    print(f"  ratio p50 {p50 / statistics.median(base):.2f}x bare python-docx;"
          f" target p50 <= {TARGET_P50_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
