"""``python -m tests.pg_cluster -- COMMAND``, what `make test` runs the suite under: the command
gets a live server in ``PLANBOT_TEST_DATABASE_URL``, its exit status is passed on, and the
server is stopped and its directory removed however the command ends (a failure, SIGTERM)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pg_cluster import ENV, find_bin

ROOT = Path(__file__).resolve().parent.parent
PROBE = ("import os, psycopg; url = os.environ['PLANBOT_TEST_DATABASE_URL'];"
         " print(url); psycopg.connect(url).execute('SELECT 1'); raise SystemExit(3)")


def wrapper(*command: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV}  # as when make starts it
    return subprocess.Popen([sys.executable, "-m", "tests.pg_cluster", "--", *command], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(autouse=True)
def _initdb() -> None:
    if find_bin() is None and os.geteuid() != 0:  # as root the wrapper installs it
        pytest.skip("no initdb here")


def test_the_command_gets_a_server_and_it_is_gone_after_a_failure() -> None:
    process = wrapper(sys.executable, "-c", PROBE)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 3, err  # the command's own status
    socket_dir = Path(out.strip().split("host=")[1])
    assert not socket_dir.exists()  # server stopped, directory removed


def test_sigterm_stops_the_server_too() -> None:
    process = wrapper(sys.executable, "-c", "import os, time; print(os.environ["
                      "'PLANBOT_TEST_DATABASE_URL'], flush=True); time.sleep(60)")
    assert process.stdout is not None
    socket_dir = Path(process.stdout.readline().strip().split("host=")[1])
    assert (socket_dir / "data" / "postmaster.pid").exists()  # the server runs
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode != 0
    deadline = time.monotonic() + 10
    while socket_dir.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not socket_dir.exists()
