"""A throwaway PostgreSQL server for the tests: a cluster in a temporary directory.

    python -m tests.pg_cluster -- python -m pytest    # what `make test` and .ci/run do

starts a server (``initdb`` found on PATH or under /usr/lib/postgresql/*/bin; installed from
Debian's packages with ``apt-get install -y postgresql`` when missing and we are root), listening
on a unix socket in the temporary directory only, exports ``PLANBOT_TEST_DATABASE_URL`` for the
command, and stops the server and removes the directory when the command ends, however it ends.
As root the server runs as the unprivileged ``postgres`` user (PostgreSQL refuses root). The
tests' conftest uses ``Cluster`` too when the variable is not set and ``initdb`` is there.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ENV = "PLANBOT_TEST_DATABASE_URL"
SERVER_USER = "postgres"


def find_bin() -> Path | None:
    """The directory of initdb, pg_ctl and postgres, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def install() -> Path:
    """PostgreSQL from Debian's packages (root only); the directory of its programs."""
    if os.geteuid() != 0:
        raise SystemExit("PostgreSQL (initdb) is not installed, and only root can install it: "
                         "apt-get install postgresql")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    found = find_bin()
    if found is None:
        raise SystemExit("apt-get installed postgresql, but initdb is not to be found")
    return found


class Cluster:
    """``start()`` a server in a new temporary directory; ``stop()`` it and remove the directory."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        self.bin_dir = bin_dir
        self.durable = durable  # fsync on (benchmarks); tests run without it
        self.root = Path(tempfile.mkdtemp(prefix="planbot-pg-"))
        self.data = self.root / "data"
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._as_user = ["runuser", "-u", SERVER_USER, "--"]
        self.url = f"postgresql://planbot@/postgres?host={self.root}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, stdout=subprocess.DEVNULL,
                       cwd=self.root)

    def start(self) -> str:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "planbot",
                  "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")
        return self._start()

    def restart(self) -> None:
        """Stop the server (every connection cut) and start it again on the same data."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self._start()

    def _start(self) -> str:
        options = (f"-k {self.root} -c listen_addresses='' -c max_connections=200 "
                   + ("-c shared_buffers=128MB" if self.durable
                      else "-c fsync=off -c shared_buffers=32MB"))
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-o", options, "-w", "start")
        return self.url

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print("usage: python -m tests.pg_cluster -- COMMAND ...", file=sys.stderr)
        return 2
    if os.environ.get(ENV):
        return subprocess.call(command)  # a server is given already
    signal.signal(signal.SIGTERM, _terminate)  # stop the server on SIGTERM too
    cluster = Cluster(find_bin() or install())
    try:
        url = cluster.start()
        print(f"tests.pg_cluster: PostgreSQL for the tests at {cluster.root}", file=sys.stderr)
        return subprocess.call(command, env={**os.environ, ENV: url})
    finally:
        cluster.stop()


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
