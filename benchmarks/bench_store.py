"""Time one draft write (``put``) as the store grows, against one plain TinyDB file and the disk.

Usage::

    .venv/bin/python -m benchmarks.bench_store [--sizes 100 10000 100000] [--writes 1000]

For each size the drafts (10 per user) are generated directly as files in a temporary
directory: our per-user shards, and for the baseline the same drafts in one file of TinyDB's
default ``JSONStorage``. Then drafts of random users are written one at a time, round robin:

- ``ours``: ``store.drafts.put`` of the store the bot opens (``open_store(data_dir)``: revision
  check, the older of the user's two files overwritten in place and fdatasynced, see
  ``bot.store.slots``), the same call the bot makes;
- ``replace``: a bare temporary file + write + fsync + rename of the same bytes over a file of
  its own, in the same directory: what the store did before (``bot.store.files.write_atomic``);
- ``floor``: a bare write + fdatasync of the same bytes into an existing file: the disk's share
  of our write, our honest floor on this machine.

- ``postgres``: the same ``put`` on the PostgreSQL store (``PLANBOT_DATABASE_URL``'s store) over
  the same drafts in its ``drafts`` table, on a server of its own started for the run
  (``tests/pg_cluster.py``, fsync on, a unix socket), or ``PLANBOT_BENCH_DATABASE_URL``; its
  ratio to ``ours`` is printed beside it (``--no-postgres`` skips it).

The baseline runs after them, through ``table.update`` (whole file re-read, re-written and
fsynced). It is slow by design, so it is time-boxed: few writes at large sizes. The load
average, a CPU-only loop's jitter and the garbage collections during timed writes are printed
too: the machine is shared. Target: ours flat, p99 <= 5 ms at 100,000 drafts. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where

from bot.store import Store, open_store
from bot.store.slots import encode_slot, slot_paths
from bot.store.storage import dumps_shard

DRAFTS_PER_USER = 10
TARGET_P99_MS = 5.0
_CJK = (0x4E00, 0x9FA5)
COLUMNS = ("ours", "replace", "floor")


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
    """Each user's two files, as after a few writes (the steady state: a user's first two writes
    also create the files)."""
    users_dir = data_dir / "users"
    users_dir.mkdir(parents=True)
    stamp = datetime.now(UTC).isoformat()
    for user_id in range(1, users + 1):
        docs = {str(n + 1): _doc(user_id, n, plan, stamp) for n in range(DRAFTS_PER_USER)}
        shard = dumps_shard({"drafts": docs}, user_id).encode("utf-8")
        for seq, path in enumerate(slot_paths(users_dir / f"{user_id}.json"), start=1):
            path.write_bytes(encode_slot(seq, shard))


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


class _GcCount:
    """Garbage collections while ``on`` (a ``gc.callbacks`` entry): how many, longest pause."""

    def __init__(self) -> None:
        self.count = 0
        self.longest_ms = 0.0
        self.on = False
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.on:
            return
        if phase == "start":
            self.count += 1
            self._start = time.perf_counter()
        else:
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._start) * 1000)


def _bare_replace(directory: Path, data: bytes) -> None:
    tmp, target = directory / ".replace.json.tmp", directory / "replace.json"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)


def _bare_in_place(directory: Path, data: bytes) -> None:
    fd = os.open(directory / "floor.json", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
        os.fdatasync(fd)
    finally:
        os.close(fd)


Timed = Callable[[], object]


def _put(store: Store, draft_id: str, i: int) -> Callable[[], Timed]:
    """Untimed ``get`` (the bot reads a draft before editing it), then the ``put`` to time."""

    def prepare() -> Timed:
        record = store.drafts.get(draft_id)
        assert record is not None
        edited = record.model_copy(update={"name": f"edit {i:06d}"})
        return lambda: store.drafts.put(edited, expected_revision=record.revision)

    return prepare


def _bare(
    write: Callable[[Path, bytes], None], directory: Path, data: bytes
) -> Callable[[], Timed]:
    return lambda: lambda: write(directory, data)


def bench_shards(
    data_dir: Path, users: int, writes: int, rng: random.Random, gcs: _GcCount
) -> dict[str, list[float]]:
    """Round robin over the columns; milliseconds per write, warm-up dropped."""
    ours = open_store(data_dir)
    users_dir = data_dir / "users"
    samples: dict[str, list[float]] = {name: [] for name in COLUMNS}
    for i in range(writes + 5):
        user_id = rng.randint(1, users)
        draft_id = f"{user_id}-bench{rng.randrange(DRAFTS_PER_USER):03d}"
        data = (users_dir / f"{user_id}.json").read_bytes()
        runs = {
            "ours": _put(ours, draft_id, i),
            "replace": _bare(_bare_replace, users_dir, data),
            "floor": _bare(_bare_in_place, users_dir, data),
        }
        for name in COLUMNS:
            timed = runs[name]()
            gcs.on = i >= 5 and name == "ours"
            start = time.perf_counter()
            timed()
            elapsed = (time.perf_counter() - start) * 1000
            gcs.on = False
            if i >= 5:  # warm-up
                samples[name].append(elapsed)
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


def load_postgres(url: str, users: int, plan: dict[str, Any]) -> None:
    """The same drafts as rows of the PostgreSQL store (COPY), after its migrations."""
    from bot.store.postgres import open_database

    open_database(url, max_size=1).close()  # migrated
    import psycopg

    stamp = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE drafts")
        with conn.cursor().copy("COPY drafts (id, owner, updated_at, doc) FROM STDIN") as copy:
            for user_id in range(1, users + 1):
                for n in range(DRAFTS_PER_USER):
                    doc = _doc(user_id, n, plan, stamp.isoformat())
                    copy.write_row((doc["id"], user_id, stamp,
                                    json.dumps(doc, ensure_ascii=False)))
        conn.commit()
        conn.execute("ANALYZE drafts")


def bench_postgres(url: str, users: int, writes: int, plan: dict[str, Any]) -> list[float]:
    """``put`` on the PostgreSQL store: ms per write, warm-up dropped."""
    from bot.store.postgres import open_database, open_pg_store

    load_postgres(url, users, plan)
    db = open_database(url, max_size=2)
    store = open_pg_store(db)
    rng = random.Random(users)
    samples = []
    try:
        for i in range(writes + 5):
            user_id = rng.randint(1, users)
            draft_id = f"{user_id}-bench{rng.randrange(DRAFTS_PER_USER):03d}"
            timed = _put(store, draft_id, i)()
            start = time.perf_counter()
            timed()
            if i >= 5:
                samples.append((time.perf_counter() - start) * 1000)
    finally:
        db.close()
    return samples


def baseline_writes(writes: int, budget_s: float, first_ms: float) -> int:
    """How many baseline writes fit the time box, given how long the first one took."""
    return max(1, min(writes, int(budget_s * 1000 / max(first_ms, 1e-3))))


def _p(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.2f} {_percentile(samples, 0.99):6.2f}"


def run_baseline(root: Path, drafts: int, args: argparse.Namespace, plan: dict[str, Any]) -> str:
    """The one-file TinyDB columns: p50, p99, writes, file size."""
    users = max(1, drafts // DRAFTS_PER_USER)
    rng = random.Random(-drafts)
    single = root / f"single-{drafts}.json"
    write_single_file(single, users, plan)
    os.sync()
    file_mib = single.stat().st_size / 2**20
    first = bench_single_file(single, users, 1, rng)
    more = baseline_writes(args.writes, args.baseline_budget, first[0]) - 1
    base = first + (bench_single_file(single, users, more, rng) if more > 0 else [])
    single.unlink()
    p50, p99 = statistics.median(base), _percentile(base, 0.99)
    return f"{p50:8.0f} {p99:8.0f} {len(base):>5} {file_mib:6.0f}"


def run_size(
    root: Path, drafts: int, args: argparse.Namespace, plan: dict[str, Any], pg_url: str | None
) -> tuple[str, float]:
    """One row of the table, and our p99."""
    users = max(1, drafts // DRAFTS_PER_USER)
    shard_dir = root / f"shards-{drafts}"
    write_shards(shard_dir, users, plan)
    os.sync()  # measure steady state, not the writeback of the files just generated
    gcs = _GcCount()
    gc.callbacks.append(gcs)
    try:
        cols = bench_shards(shard_dir, users, args.writes, random.Random(drafts), gcs)
    finally:
        gc.callbacks.remove(gcs)
    pg = "      -      -       -"
    if pg_url is not None:
        pg_samples = bench_postgres(pg_url, users, args.writes, plan)
        ratio = _percentile(pg_samples, 0.99) / _percentile(cols["ours"], 0.99)
        pg = f"{_p(pg_samples)} {ratio:6.1f}x"
    base = "       -        -     0      -"
    if not args.no_baseline:
        base = run_baseline(root, drafts, args, plan)
    row = (
        f"{drafts:>9,} {users:>7,} | {_p(cols['ours'])} | {_p(cols['replace'])}"
        f" | {_p(cols['floor'])} | {len(cols['ours']):>5}"
        f" {gcs.count:>3} {gcs.longest_ms:5.2f}"
        f" | {pg} | {base}"
    )
    return row, _percentile(cols["ours"], 0.99)


def cpu_jitter(runs: int = 2000) -> tuple[float, float]:
    """p50 and p99 (ms) of a fixed CPU-only loop: what the scheduler adds on this machine."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        total = 0
        for k in range(10_000):
            total += k
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), _percentile(samples, 0.99)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--writes", type=int, default=1000, help="timed writes per size")
    parser.add_argument("--plan-chars", type=int, default=1500, help="characters per draft")
    parser.add_argument("--baseline-budget", type=float, default=10.0, help="seconds per size")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-file TinyDB")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL store")
    args, _ = parser.parse_known_args(argv)  # `python -m benchmarks store` passes its own args
    plan = make_plan(random.Random(1), args.plan_chars)
    draft_kib = len(json.dumps(plan, ensure_ascii=False).encode()) / 1024
    cpu50, cpu99 = cpu_jitter()
    print(f"store put: {DRAFTS_PER_USER} drafts per user, plan {args.plan_chars} characters"
          f" ({draft_kib:.1f} KiB UTF-8); load average {_load()} on {os.cpu_count()} CPUs;"
          f" a CPU-only loop: p50 {cpu50:.2f} ms, p99 {cpu99:.2f} ms")
    print(f"{'':17} | {'ours':^13} | {'replace':^13} | {'floor':^13} |"
          f" {'':15} | {'postgres':^21} | {'one TinyDB JSON file':^29}")
    print(f"{'drafts':>9} {'users':>7} |" + "  p50ms  p99ms |" * 3
          + f" {'n':>5} {'gc':>3} {'gc ms':>5} |  p50ms  p99ms p99/ours"
          + f" | {'p50ms':>8} {'p99ms':>8} {'n':>5} {'MiB':>6}")
    p99_last = 0.0
    with tempfile.TemporaryDirectory(prefix="bench_store-") as tmp, _postgres(args) as pg_url:
        for drafts in args.sizes:
            row, p99_last = run_size(Path(tmp), drafts, args, plan, pg_url)
            print(row, flush=True)
    verdict = "ok" if p99_last <= TARGET_P99_MS else "OVER TARGET"
    print(f"target: ours p99 <= {TARGET_P99_MS:.0f} ms at {args.sizes[-1]:,} drafts: {verdict}"
          f" (load average now {_load()})")
    print("gc: garbage collections during our timed writes, and the longest one")


@contextlib.contextmanager
def _postgres(args: argparse.Namespace) -> Iterator[str | None]:
    """The server of the postgres column: given, started for this run (fsync on), or none."""
    given = os.environ.get("PLANBOT_BENCH_DATABASE_URL")
    if args.no_postgres or given:
        yield None if args.no_postgres else given
        return
    from tests.pg_cluster import Cluster, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        print("postgres: no initdb found (install postgresql): column skipped")
        yield None
        return
    cluster = Cluster(bin_dir, durable=True)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
