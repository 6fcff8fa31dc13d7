"""Time one draft write (``put``) as the store grows, against one plain TinyDB file.

Usage::

    .venv/bin/python -m benchmarks.bench_store [--sizes 100 10000 100000] [--writes 1000]

For each size the drafts (10 per user) are generated directly as files in a temporary
directory: our per-user shards, and for the baseline the same drafts in one file of TinyDB's
default ``JSONStorage``. Then drafts of random users are written one at a time: ours through
``store.drafts.put`` (revision check, atomic replace, two fsyncs), the baseline through
``table.update`` (whole file re-read, re-written and fsynced). The baseline is slow by design, so
it is time-boxed: few writes at large sizes. Target: ours flat, p99 ≤ 5 ms at 100,000 drafts.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where

from bot.atomic import write_atomic
from bot.store import open_store
from bot.store.storage import dumps_shard

DRAFTS_PER_USER = 10
TARGET_P99_MS = 5.0
_CJK = (0x4E00, 0x9FA5)


def _text(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(*_CJK)) for _ in range(n - 1)) + "。"


def make_plan(rng: random.Random, chars: int) -> dict[str, Any]:
    """A plan-shaped dict (Plan.model_dump(mode="json")) with about ``chars`` characters."""
    per_item = 120
    items = max(1, chars // per_item)
    sections = [
        {
            "id": f"s{s}",
            "role": "topic",
            "heading": _text(rng, 10),
            "items": [
                {"clause_id": f"t{s}.{i}", "variant": 0, "title": "", "text": _text(rng, per_item),
                 "numbered": True, "edited": False}
                for i in range(s, items, 4)
            ],
        }
        for s in range(min(4, items))
    ]
    return {"schema_version": 1, "title": _text(rng, 16), "kind": "work_points", "year": 2025,
            "bureau": _text(rng, 6), "sections": sections, "targets": {}, "notes": []}


def _doc(user_id: int, n: int, plan: dict[str, Any], stamp: str) -> dict[str, Any]:
    return {
        "schema_version": 1, "id": f"{user_id}-bench{n:03d}", "owner": user_id,
        "name": f"draft {n}", "created_at": stamp, "updated_at": stamp, "revision": 0,
        "plan": plan, "collaborators": [], "meta": {},
    }


def write_shards(data_dir: Path, users: int, plan: dict[str, Any]) -> None:
    users_dir = data_dir / "users"
    users_dir.mkdir(parents=True)
    stamp = datetime.now(UTC).isoformat()
    for user_id in range(1, users + 1):
        docs = {str(n + 1): _doc(user_id, n, plan, stamp) for n in range(DRAFTS_PER_USER)}
        text = dumps_shard({"drafts": docs}, user_id)
        (users_dir / f"{user_id}.json").write_text(text, encoding="utf-8")


def write_single_file(path: Path, users: int, plan: dict[str, Any]) -> None:
    """The same drafts as TinyDB's JSONStorage would write them (default json.dumps)."""
    stamp = datetime.now(UTC).isoformat()
    with path.open("w", encoding="utf-8") as out:
        out.write('{"_default": {')
        doc_id = 0
        for user_id in range(1, users + 1):
            for n in range(DRAFTS_PER_USER):
                doc_id += 1
                sep = ", " if doc_id > 1 else ""
                out.write(f'{sep}"{doc_id}": {json.dumps(_doc(user_id, n, plan, stamp))}')
        out.write("}}")


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def bench_shards(data_dir: Path, users: int, writes: int, rng: random.Random) -> list[float]:
    store = open_store(data_dir)
    samples = []
    for i in range(writes + 5):
        draft_id = f"{rng.randint(1, users)}-bench{rng.randrange(DRAFTS_PER_USER):03d}"
        record = store.drafts.get(draft_id)
        assert record is not None
        edited = record.model_copy(update={"name": f"edit {i}"})
        start = time.perf_counter()
        store.drafts.put(edited, expected_revision=record.revision)
        if i >= 5:  # warm-up
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_single_file(path: Path, users: int, writes: int, rng: random.Random) -> list[float]:
    samples = []
    with TinyDB(path) as db:
        table = db.table("_default")
        for i in range(writes):
            draft_id = f"{rng.randint(1, users)}-bench{rng.randrange(DRAFTS_PER_USER):03d}"
            fields = {"name": f"edit {i}", "updated_at": datetime.now(UTC).isoformat()}
            start = time.perf_counter()
            table.update(fields, where("id") == draft_id)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def baseline_writes(writes: int, budget_s: float, first_ms: float) -> int:
    """How many baseline writes fit the time box, given how long the first one took."""
    return max(1, min(writes, int(budget_s * 1000 / max(first_ms, 1e-3))))


def run_size(
    root: Path, drafts: int, args: argparse.Namespace, plan: dict[str, Any]
) -> tuple[str, float]:
    """One row of the table, and our p99."""
    users = max(1, drafts // DRAFTS_PER_USER)
    rng = random.Random(drafts)
    shard_dir = root / f"shards-{drafts}"
    write_shards(shard_dir, users, plan)
    os.sync()  # measure steady state, not the writeback of the files just generated
    ours = bench_shards(shard_dir, users, args.writes, rng)
    single = root / f"single-{drafts}.json"
    write_single_file(single, users, plan)
    os.sync()
    file_mib = single.stat().st_size / 2**20
    first = bench_single_file(single, users, 1, rng)
    more = baseline_writes(args.writes, args.baseline_budget, first[0]) - 1
    base = first + (bench_single_file(single, users, more, rng) if more > 0 else [])
    single.unlink()
    p99, base_p99 = _percentile(ours, 0.99), _percentile(base, 0.99)
    row = (
        f"{drafts:>9,} {users:>7,}  {statistics.median(ours):7.2f} {p99:7.2f} {len(ours):>5}"
        f"   {statistics.median(base):9.1f} {base_p99:9.1f} {len(base):>5} {file_mib:8.1f}"
        f"   {base_p99 / p99:8.0f}x"
    )
    return row, p99


def fsync_floor(root: Path, runs: int = 200) -> tuple[float, float]:
    """p50 and p99 of an atomic write of 1 KiB: the disk's share of every write (two fsyncs)."""
    path = root / "floor.json"
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        write_atomic(path, b"x" * 1024)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), _percentile(samples, 0.99)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--writes", type=int, default=1000, help="timed writes per size")
    parser.add_argument("--plan-chars", type=int, default=1500, help="characters per draft")
    parser.add_argument("--baseline-budget", type=float, default=10.0, help="seconds per size")
    args, _ = parser.parse_known_args(argv)  # `python -m benchmarks store` passes its own args
    plan = make_plan(random.Random(1), args.plan_chars)
    draft_kib = len(json.dumps(plan, ensure_ascii=False).encode()) / 1024
    with tempfile.TemporaryDirectory(prefix="bench_store-") as tmp:
        root = Path(tmp)
        floor_p50, floor_p99 = fsync_floor(root)
        print(f"store put: {DRAFTS_PER_USER} drafts per user, plan {args.plan_chars} characters"
              f" ({draft_kib:.1f} KiB UTF-8); disk floor (atomic write of 1 KiB, 2 fsyncs)"
              f" p50 {floor_p50:.2f} ms, p99 {floor_p99:.2f} ms")
        print(f"{'':19}  {'per-user shards (ms)':^21}   {'one TinyDB JSON file (ms)':^36}")
        print(f"{'drafts':>9} {'users':>7}  {'p50':>7} {'p99':>7} {'n':>5}"
              f"   {'p50':>9} {'p99':>9} {'n':>5} {'MiB':>8}   {'p99 ratio':>9}")
        p99_last = 0.0
        for drafts in args.sizes:
            row, p99_last = run_size(root, drafts, args, plan)
            print(row, flush=True)
        verdict = "ok" if p99_last <= TARGET_P99_MS else "OVER TARGET"
        print(f"target p99 <= {TARGET_P99_MS:.0f} ms at {args.sizes[-1]:,} drafts: {verdict}")


if __name__ == "__main__":
    main()
