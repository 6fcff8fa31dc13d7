"""Many users drafting at once over Telegram: updates/s and the time from an update to its reply.

Usage::

    .venv/bin/python -m benchmarks chat [--users 200] [--think 0.6] [--workers N]
                                          [--runs direct paced flat hook pg1 pg2 pg2-limits]
                                          [--telegram-limits]

Each user makes one whole draft (11 updates: /new, region, year, kind, two priorities, done, one
figure, skip the rest, numbering, generate) with the shipped library. Three runs, each over a
fresh TinyDB store in a temporary directory:

- ``direct``: the baseline, no Telegram. The same conversations through ``Engine.handle`` in this
  process, one update after another (users interleaved step by step).
- ``paced``: the real ``planbot telegram`` (child processes: with ``--workers N``, default one
  per CPU, a poller and N workers, each a PTB Application with concurrent updates, the engine
  and the store; see ``bot.adapters.workers``) against the fake Bot API of this process over
  loopback. The users start within the first ``--think`` seconds; each reads the reply, then
  thinks ``--think`` seconds (uniform, ±50 %) before the next step, as people do. The target is
  for this run.
- ``flat``: the same without thinking: every user acts as soon as the reply arrives, so the bot is
  saturated and the figure is its capacity (the latency is then mostly queueing).
- ``hook``, ``pg1``, ``pg2``: the paced run against ``planbot webhook`` instances behind one entry
  point (``benchmarks/chat_instances.py``): one instance on TinyDB (the baseline of these rows),
  one and two instances on one PostgreSQL (``PLANBOT_DATABASE_URL``: the store, the update ledger
  and the rate buckets in the database; a server started for the run, fsync on, or
  ``PLANBOT_BENCH_DATABASE_URL``). Their ratios to ``hook`` are printed; ``pg2-limits``
  (``--telegram-limits``) is ``pg2`` with Telegram's limits on messages (30 a second, one a
  second per chat), the other rows with limits set far above what the users cause.

Rates: ``rate`` is all updates over the time from the first update sent to the last reply, ramps
included (users start within the first think time and finish at different times, so in the paced
run it stays below the 200 / (think + latency) the users offer); "all users active" counts the
updates answered while every user is at it, from the moment the last user began to the moment the
first one was done: the sustained rate the target is about. The flat run's rate is the capacity.
Latency is from the moment ``getUpdates`` hands an update to the bot to the first
``sendMessage``/``editMessageText`` for that chat after it (both stamped by the fake server);
"sent" adds the wait of the update on the server until the bot polled; the target is checked on it
(the poller waits a moment between calls on purpose, ``bot.adapters.workers.POLL_GATHER``). The
transport overhead is the direct run's updates/s over the flat run's, and the bot's CPU time per
update over the engine's. CPU seconds of the bot process and of this one (server and users) say
where the time goes; ``--profile PREFIX`` samples the bot with py-spy (``pip install py-spy``),
``--by-step`` splits the latency by question. ``--think 3`` shows the latency at a load the bot can
carry.
Figures are printed, never asserted; the load average printed first says how busy the machine was.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import math
import os
import random
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import build_engine
from bot.config import Settings
from bot.dialogue.types import Button, Event, EventKind, Reply

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake Bot API lives in tests/

from benchmarks.chat_instances import (  # noqa: E402
    TELEGRAM_LIMITS,
    UNBINDING_LIMITS,
    EntryPoint,
    free_port,
    instances,
    pg_schema,
    postgres_server,
)
from tests.fakebot.process import BotProcess  # noqa: E402
from tests.fakebot.server import ApiCall, FakeBotApi  # noqa: E402
from tests.fakebot.user import SimulatedUser  # noqa: E402

ALL_RUNS = ("direct", "paced", "flat", "hook", "pg1", "pg2")
PG_RUNS = ("pg1", "pg2", "pg2-limits")
TARGET_RATE = 300.0  # updates/s
TARGET_P99_MS = 100.0
FIRST_USER = 100_000
REPLIES = ("sendMessage", "editMessageText")


@dataclass(frozen=True)
class Step:
    action: str  # command | text | press | first (the first button of the newest buttons)
    argument: str
    expect: str  # a reply holding this text ends the step


CONVERSATION = (
    Step("command", "new", "哪个地区"),
    Step("text", "修文县", "哪一年"),
    Step("first", "", "起草哪种文件"),
    Step("press", "工作要点", "重点工作"),
    Step("press", "党的建设", "已选：1.党的建设"),
    Step("press", "学前教育", "2.学前教育"),
    Step("press", "完成", "目标 1/"),
    Step("text", "95", "目标 2/"),
    Step("press", "全部跳过", "怎样编号"),
    Step("press", "分级编号", "请核对"),
    Step("press", "✅ 生成草稿", "草稿已生成并保存"),
)


@dataclass
class Result:
    name: str
    updates: int
    seconds: float
    latencies_ms: list[float]
    sent_ms: list[float] = field(default_factory=list)
    done_users: int = 0
    users: int = 0
    cpu_bot: float = 0.0
    cpu_here: float = 0.0
    by_step: dict[int, list[float]] = field(default_factory=dict)
    steady: float = 0.0  # updates/s with all users active (see _steady)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


def percentile(samples: Sequence[float], q: float) -> float:
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# -- the baseline: the engine in this process -------------------------------------------------


def run_direct(users: int, data_dir: Path) -> Result:
    engine = build_engine(Settings().model_copy(update={"data_dir": data_dir}))
    buttons: dict[int, list[Button]] = defaultdict(list)
    samples: list[float] = []
    by_step: dict[int, list[float]] = defaultdict(list)
    started, started_cpu = time.perf_counter(), time.process_time()
    for index, step in enumerate(CONVERSATION):
        for user_id in range(FIRST_USER, FIRST_USER + users):
            event = _event(user_id, step, buttons[user_id])
            begin = time.perf_counter()
            replies = engine.handle(event)
            samples.append((time.perf_counter() - begin) * 1000)
            by_step[index].append(samples[-1])
            _check(replies, step, user_id)
            offered = [b for r in replies for row in r.buttons for b in row]
            buttons[user_id] = offered or buttons[user_id]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return Result("direct", len(samples), elapsed, samples, done_users=users, users=users,
                  cpu_bot=cpu, by_step=dict(by_step))


def _event(user_id: int, step: Step, buttons: list[Button]) -> Event:
    base = {"user_id": user_id, "chat_id": user_id}
    if step.action == "command":
        return Event(kind=EventKind.COMMAND, command=step.argument, **base)
    if step.action == "text":
        return Event(kind=EventKind.TEXT, text=step.argument, **base)
    wanted = buttons[:1] if step.action == "first" else [
        b for b in buttons if b.text == step.argument]
    assert wanted, f"user {user_id}: no button {step.argument!r} in {[b.text for b in buttons]}"
    return Event(kind=EventKind.BUTTON, data=wanted[0].data, message_id=1, **base)


def _check(replies: list[Reply], step: Step, user_id: int) -> None:
    if not any(step.expect in r.text for r in replies):
        shown = [r.text[:60] for r in replies]
        raise AssertionError(f"user {user_id}: expected {step.expect!r}, got {shown}")


# -- over Telegram: the real planbot telegram against the fake Bot API ------------------------


@dataclass
class Chatter:
    user: SimulatedUser
    step: int = 0
    acted_at: float = 0.0
    update_id: int = 0
    waiting: bool = False


class Driver:
    """All users: act, wait for the expected reply, think, act again. They are driven from the
    fake server's event loop (:meth:`FakeBotApi.call_soon`), so that no thread of theirs vies
    with the server's for the GIL; the loop runs them between requests."""

    def __init__(self, server: FakeBotApi, users: int, think: float, rng: random.Random) -> None:
        self.server = server
        self.think = think
        self.rng = rng
        self.chatters = {
            uid: Chatter(SimulatedUser(server, uid))
            for uid in range(FIRST_USER, FIRST_USER + users)
        }
        self.sent: dict[int, float] = {}  # update id → when the user sent it
        self.updates: list[tuple[int, int, int]] = []  # (chat id, update id, step)
        self.done = 0
        self.error: BaseException | None = None
        self._finished = threading.Event()
        self._stopped = False
        server.observers.append(self._observe)

    def _observe(self, call: ApiCall) -> None:  # on the server's loop, under its lock
        if call.method in REPLIES:
            self._guarded(self._arrived, int(str(call.params.get("chat_id"))))

    def run(self, timeout: float) -> None:
        """Users start within the first think time (at once when there is none), then go on;
        returns when all are done or after ``timeout`` seconds."""
        for chatter in self.chatters.values():
            delay = self.rng.uniform(0, self.think)
            self.server.call_soon(self._guarded, self._act, chatter, delay=delay)
        if self.chatters:
            self._finished.wait(timeout)
        stopped = threading.Event()
        self.server.call_soon(self._stop, stopped)
        stopped.wait(5)  # after this no step of the users runs
        if self.error is not None:
            raise self.error

    def _stop(self, stopped: threading.Event) -> None:
        self._stopped = True
        stopped.set()

    def _guarded(self, step: Callable[..., None], *args: object) -> None:
        """Run a step on the server's loop; a failure ends the run and :meth:`run` raises it."""
        if self._stopped:
            return
        try:
            step(*args)
        except BaseException as exc:
            self.error, self._stopped = exc, True
            self._finished.set()

    def _act(self, chatter: Chatter) -> None:
        step = CONVERSATION[chatter.step]
        user = chatter.user
        if step.action == "command":
            user.command(step.argument)
        elif step.action == "text":
            user.send_text(step.argument)
        elif step.action == "press":
            user.press(step.argument)
        else:
            message = self.server.last_bot_message(user.chat_id, lambda m: bool(m.buttons))
            assert message is not None, f"user {user.chat_id}: no buttons to press"
            data = message.buttons[0][0].callback_data
            assert data is not None
            user.press_data(data, message=message)
        update_id = user.last_update_id
        assert update_id is not None
        chatter.update_id, chatter.waiting = update_id, True
        self.sent[update_id] = time.monotonic()
        self.updates.append((user.chat_id, update_id, chatter.step))

    def _arrived(self, chat_id: int) -> None:
        chatter = self.chatters.get(chat_id)
        if chatter is None or not chatter.waiting:
            return
        expect = CONVERSATION[chatter.step].expect
        if not any(expect in m.text for m in chatter.user.changed()):
            return
        chatter.waiting = False
        chatter.step += 1
        if chatter.step == len(CONVERSATION):
            self.done += 1
            if self.done == len(self.chatters):
                self._finished.set()
            return
        pause = self.think * self.rng.uniform(0.5, 1.5) if self.think else 0.0
        self.server.call_soon(self._guarded, self._act, chatter, delay=pause)


def run_telegram(
    name: str, users: int, think: float, data_dir: Path, args: argparse.Namespace
) -> Result:
    timeout = args.timeout
    with FakeBotApi(max_poll_wait=1.0) as server:
        argv = shlex.split(args.bot_argv) if args.bot_argv else None
        logs = Path(args.logs) / name if args.logs else data_dir
        logs.mkdir(parents=True, exist_ok=True)
        bot = BotProcess(server, data_dir, log_dir=logs, log_level="INFO", argv=argv,
                         extra_env={"PLANBOT_WORKERS": str(args.workers)})
        cpu_before = _cpu()
        bot.start()
        assert bot.process is not None
        started = _process_cpu(bot.process.pid)  # loading the library, the index …: not counted
        profiler = _profile(bot, Path(f"{args.profile}.{name}.txt")) if args.profile else None
        try:
            driver = Driver(server, users, think, random.Random(users))
            driver.run(timeout)
        finally:
            bot.stop(signal.SIGTERM)
            if profiler is not None:
                profiler.wait(60)
        cpu_after = _cpu()
        cpu_before = (cpu_before[0], cpu_before[1] + started)
        assert server.violations == [], server.violations[:5]
        return _measure(name, server, driver, users, cpu_before, cpu_after)


def run_webhook(name: str, users: int, think: float, data_dir: Path, args: argparse.Namespace,
                count: int, database_url: str, limits: dict[str, str]) -> Result:
    """``count`` ``planbot webhook`` instances behind the entry point (chat_instances)."""
    logs = Path(args.logs) / name if args.logs else data_dir / "logs"
    with FakeBotApi(max_poll_wait=1.0) as server, \
            EntryPoint([free_port() for _ in range(count)]) as entry:
        bots = instances(server, data_dir, entry, database_url, limits, logs)
        cpu_before, started = _cpu(), 0.0
        for bot in bots:
            bot.start()
            assert bot.process is not None
            started += _process_cpu(bot.process.pid)
        try:
            driver = Driver(server, users, think, random.Random(users))
            driver.run(args.timeout)
        finally:
            for bot in bots:
                bot.stop(signal.SIGTERM)
        cpu_after = _cpu()
        assert server.violations == [], server.violations[:5]
        return _measure(name, server, driver, users, (cpu_before[0], cpu_before[1] + started),
                        cpu_after)


def _profile(bot: BotProcess, output: Path) -> subprocess.Popen[bytes]:
    """py-spy (``pip install py-spy``) on the bot until it ends: samples of the threads that
    hold the GIL, as collapsed stacks (``flamegraph.pl`` or speedscope read them)."""
    assert bot.process is not None
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return subprocess.Popen(
        [spy, "record", "--pid", str(bot.process.pid), "--subprocesses", "--gil", "--rate", "200",
         "--format", "raw", "--output", str(output), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _measure(
    name: str,
    server: FakeBotApi,
    driver: Driver,
    users: int,
    cpu_before: tuple[float, float],
    cpu_after: tuple[float, float],
) -> Result:
    replies: dict[int, list[float]] = defaultdict(list)
    for call in server.calls:
        if call.method in REPLIES:
            replies[int(str(call.params.get("chat_id")))].append(call.at)
    latencies, sent_waits, ends = [], [], []
    handed = server.handed_out
    by_step: dict[int, list[float]] = defaultdict(list)
    began: dict[int, float] = {}  # chat → when its user sent the first update
    finished: dict[int, float] = {}  # chat → the reply to its user's last update
    for chat_id, update_id, step in driver.updates:
        began.setdefault(chat_id, driver.sent[update_id])
        times = replies[chat_id]
        given = handed.get(update_id)
        if given is None:
            continue
        i = bisect.bisect_left(times, given)
        if i == len(times):
            continue
        latencies.append((times[i] - given) * 1000)
        by_step[step].append(latencies[-1])
        sent_waits.append((times[i] - driver.sent[update_id]) * 1000)
        ends.append(times[i])
        finished[chat_id] = times[i]
    first = min(driver.sent.values(), default=0.0)
    seconds = (max(ends) - first) if ends else 0.0
    return Result(
        name, len(latencies), seconds, latencies, sent_waits, driver.done, users,
        cpu_bot=cpu_after[1] - cpu_before[1], cpu_here=cpu_after[0] - cpu_before[0],
        by_step=dict(by_step), steady=_steady(ends, began, finished),
    )


def _steady(ends: list[float], began: dict[int, float], finished: dict[int, float]) -> float:
    """Updates/s while every user is at it: from the moment the last user began to the moment
    the first user was done (the ramps at either end are left out); 0 if there is no such
    window. In the paced run this is the load the users offer, as long as the bot keeps up."""
    if not began or not finished:
        return 0.0
    start, end = max(began.values()), min(finished.values())
    if end - start < 1.0:
        return 0.0
    return sum(start <= t <= end for t in ends) / (end - start)


def _process_cpu(pid: int) -> float:
    """CPU seconds a running process has used so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its waited-for children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


# -- report -----------------------------------------------------------------------------------


def row(result: Result) -> str:
    lat = result.latencies_ms
    sent = result.sent_ms
    per_update = result.cpu_bot / result.updates * 1000 if result.updates else math.nan
    cpu = (f"   CPU: bot {result.cpu_bot:5.1f} s ({per_update:.1f} ms/update),"
           f" here {result.cpu_here:4.1f} s" if result.name != "direct" else
           f"   CPU: {result.cpu_bot:5.1f} s ({per_update:.1f} ms/update)")
    extra = (f"   sent→reply p50 {statistics.median(sent):6.1f} p99 {percentile(sent, 0.99):6.1f}"
             if sent else "")
    if result.steady:
        extra = f"   all users active {result.steady:4.0f}/s{extra}"
    return (
        f"{result.name:<10} {result.done_users:>4}/{result.users:<4} {result.updates:>6}"
        f" {result.seconds:7.2f} s {result.rate:8.0f}/s   p50 {statistics.median(lat):6.1f}"
        f"  p99 {percentile(lat, 0.99):6.1f} ms{extra}{cpu}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--think", type=float, default=0.6, help="mean seconds between steps")
    parser.add_argument("--runs", nargs="+", choices=[*ALL_RUNS, "pg2-limits"],
                        default=list(ALL_RUNS))
    parser.add_argument("--telegram-limits", action="store_true",
                        help="add pg2-limits: two instances with Telegram's limits on messages")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per run, at most")
    parser.add_argument("--by-step", action="store_true", help="latency of each step")
    parser.add_argument("--logs", metavar="DIR", default="", help="keep the bot's logs here")
    parser.add_argument("--profile", metavar="PREFIX", default="",
                        help="profile the bot with py-spy into PREFIX.<run>.txt")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="PLANBOT_WORKERS of the bot (default: one per CPU)")
    parser.add_argument("--bot-argv", default="", help="run the bot with this command instead "
                        "(a wrapper that tunes the application, say)")
    args, _ = parser.parse_known_args(argv)  # `python -m benchmarks chat` passes its own args
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.users} users, one draft each ({len(CONVERSATION)} updates); think time"
          f" {args.think:.2f} s ±50 % in the paced run; latency from getUpdates to the first reply;"
          f" {os.cpu_count()} CPUs, load average {load}; the bot with PLANBOT_WORKERS="
          f"{args.workers}")
    wanted = [*args.runs, *(["pg2-limits"] if args.telegram_limits else [])]
    with postgres_server() if any(r in PG_RUNS for r in wanted) else _no_server() as pg:
        results = _run_all(args, wanted, pg)
    _verdict(results)
    _instances_verdict(results)


@contextlib.contextmanager
def _no_server() -> Iterator[str | None]:
    yield None


def _run_all(args: argparse.Namespace, wanted: list[str], pg: str | None) -> dict[str, Result]:
    def hook(name: str, count: int, limits: dict[str, str]) -> Callable[[Path], Result]:
        def run(d: Path) -> Result:
            if name == "hook":
                return run_webhook(name, args.users, args.think, d, args, count, "", limits)
            assert pg is not None
            with pg_schema(pg) as url:
                return run_webhook(name, args.users, args.think, d, args, count, url, limits)
        return run

    runs: dict[str, Callable[[Path], Result]] = {
        "direct": lambda d: run_direct(args.users, d),
        "paced": lambda d: run_telegram("paced", args.users, args.think, d, args),
        "flat": lambda d: run_telegram("flat", args.users, 0.0, d, args),
        "hook": hook("hook", 1, UNBINDING_LIMITS),
        "pg1": hook("pg1", 1, UNBINDING_LIMITS),
        "pg2": hook("pg2", 2, UNBINDING_LIMITS),
        "pg2-limits": hook("pg2-limits", 2, TELEGRAM_LIMITS),
    }
    results: dict[str, Result] = {}
    print(f"{'run':<10} {'users':>9} {'updates':>6} {'time':>9} {'rate':>10}")
    for name in wanted:
        if name in PG_RUNS and pg is None:
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench_chat-{name}-") as tmp:
            results[name] = runs[name](Path(tmp))
        print(row(results[name]), flush=True)
        if args.by_step and results[name].by_step:
            steps = results[name].by_step
            print("        p50/p99 ms by step: " + ", ".join(
                f"{CONVERSATION[k].argument or 'year'} {statistics.median(v):.0f}/"
                f"{percentile(v, 0.99):.0f}" for k, v in sorted(steps.items())))
    return results


def _instances_verdict(results: dict[str, Result]) -> None:
    """The webhook rows against one TinyDB instance (``hook``): rate and p99 sent→reply."""
    base = results.get("hook")
    if base is None:
        return
    base_p99 = percentile(base.sent_ms, 0.99)
    base_rate = base.steady or base.rate
    for name in ("pg1", "pg2", "pg2-limits"):
        other = results.get(name)
        if other is None:
            continue
        rate, p99 = other.steady or other.rate, percentile(other.sent_ms, 0.99)
        print(f"{name} vs hook (one instance, TinyDB): {rate:.0f} vs {base_rate:.0f} updates/s"
              f" with all users active = {rate / base_rate:.2f}x; p99 sent→reply {p99:.1f} vs"
              f" {base_p99:.1f} ms = {p99 / base_p99:.2f}x")


def _verdict(results: dict[str, Result]) -> None:
    direct, flat, paced = results.get("direct"), results.get("flat"), results.get("paced")
    if direct and flat and flat.rate and flat.updates:
        engine_ms = direct.cpu_bot / direct.updates * 1000
        bot_ms = flat.cpu_bot / flat.updates * 1000
        print(f"transport overhead: direct {direct.rate:.0f}/s vs Telegram flat out"
              f" {flat.rate:.0f}/s = {direct.rate / flat.rate:.2f}x; CPU per update"
              f" {engine_ms:.1f} ms in Engine.handle vs {bot_ms:.1f} ms in the bot's processes"
              f" = {bot_ms / engine_ms:.1f}x")
    if flat is not None:
        print(f"capacity (flat): {flat.rate:.0f} updates/s"
              f" ({'>=' if flat.rate >= TARGET_RATE else '<'} {TARGET_RATE:.0f})")
    measured = paced or flat
    if measured is not None:  # from the user's update, so a poller that waits pays for it
        p99 = percentile(measured.sent_ms or measured.latencies_ms, 0.99)
        rate = measured.steady or measured.rate
        ok = rate >= TARGET_RATE and p99 <= TARGET_P99_MS
        print(f"target ({measured.name}): >= {TARGET_RATE:.0f} updates/s with all users active"
              f" and p99 sent→reply <= {TARGET_P99_MS:.0f} ms: {'ok' if ok else 'MISSED'}"
              f" ({rate:.0f}/s, p99 {p99:.1f} ms)")


if __name__ == "__main__":
    main()
