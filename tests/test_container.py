"""The Dockerfile, read without a Docker engine: it installs the project as the README says, runs
``planbot telegram`` as a non-root user with ``PLANBOT_DATA_DIR=/data`` on a volume, and the
package it installs finds its clause library and messages.

``pip install .`` puts ``bot/`` into site-packages, away from ``snippets/`` and ``prompts/``: the
last test lays the image's files out the same way (the Dockerfile's COPY lines, the package
alone in a site directory, the Dockerfile's ENV) and runs the installed package there.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
README = ROOT / "README.md"


@dataclass(frozen=True)
class Instruction:
    name: str  # upper case: RUN, ENV, USER …
    args: str  # continuation lines joined


@cache
def instructions() -> list[Instruction]:
    """The Dockerfile's instructions, comments dropped and ``\\`` continuations joined."""
    lines = [line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    out = []
    for line in joined.splitlines():
        if line.strip():
            name, _, args = line.strip().partition(" ")
            out.append(Instruction(name.upper(), " ".join(args.split())))
    return out


def named(name: str) -> list[Instruction]:
    return [i for i in instructions() if i.name == name]


def argv(args: str) -> list[str]:
    """The exec form (a JSON array) or the shell form of CMD, VOLUME …"""
    if args.startswith("["):
        value = json.loads(args)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
        return value
    return shlex.split(args)


def env() -> dict[str, str]:
    """Every ENV of the Dockerfile (``KEY=value`` pairs; the old ``KEY value`` form too)."""
    out: dict[str, str] = {}
    for instruction in named("ENV"):
        words = shlex.split(instruction.args)
        if "=" not in words[0]:
            out[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, value = word.partition("=")
            out[key] = value
    return out


def pip_commands(script: str) -> list[str]:
    """The ``pip install`` commands of a shell script, one string each, spaces normalised."""
    commands = re.split(r"&&|;|\|\||\n", script)
    return [" ".join(shlex.split(c)) for c in commands if re.search(r"\bpip3? install\b", c)]


def readme_container_section() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Container\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, "README has no '## Container' section"
    return match.group(1)


def test_install_command_is_the_readme_one() -> None:
    in_docker = [c for i in named("RUN") for c in pip_commands(i.args)]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme_container_section(), re.S)
    in_readme = [c for block in blocks for c in pip_commands(block)]
    assert len(in_docker) == 1, in_docker
    assert in_readme == in_docker


def test_runs_planbot_telegram_as_a_non_root_user() -> None:
    users = named("USER")
    assert users, "the image would run as root"
    user = users[-1].args.split(":")[0]
    assert user not in ("root", "0"), user
    order = [i.name for i in instructions()]
    assert order.index("CMD") > len(order) - 1 - order[::-1].index("USER")
    assert not named("ENTRYPOINT")  # CMD is the whole command
    [cmd] = named("CMD")
    assert argv(cmd.args) == ["planbot", "telegram"]


def test_data_directory_is_a_volume() -> None:
    assert env().get("PLANBOT_DATA_DIR") == "/data"
    volumes = [v for i in named("VOLUME") for v in argv(i.args)]
    assert "/data" in volumes
    runs = " ".join(i.args for i in named("RUN"))
    user = named("USER")[-1].args.split(":")[0]
    assert re.search(rf"chown (-R )?{user}(:{user})? /data", runs), "the user cannot write /data"


def test_the_installed_package_finds_its_library_and_messages(tmp_path: Path) -> None:
    """Lay out the image: COPY lines under WORKDIR, ``bot/`` alone in site-packages (what
    ``pip install .`` does), the Dockerfile's ENV; the installed planbot must load the library
    and the messages from there."""
    image = tmp_path / "image"
    workdir = PurePosixPath(named("WORKDIR")[-1].args)

    def inside(path: str) -> Path:
        full = workdir / path  # an absolute path stays as it is
        return image / str(full).lstrip("/")

    for copy in named("COPY"):
        *sources, target = argv(copy.args)
        for source in sources:
            src = ROOT / source
            dest = inside(target) / src.name if target.endswith("/") or len(sources) > 1 \
                else inside(target)
            if src.is_dir():
                shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
    site = tmp_path / "site-packages"
    shutil.copytree(inside("bot"), site / "bot")
    variables = {key: str(inside(value)) if value.startswith("/") else value
                 for key, value in env().items()}
    inside("/data").mkdir(parents=True, exist_ok=True)
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PLANBOT_", "BOT_TOKEN"))}
    done = subprocess.run(
        [sys.executable, "-P", "-c", "import bot.cli as c; print(c.__file__); "
         "raise SystemExit(c.main(['snippets', 'validate']))"],
        env={**keep, **variables, "PYTHONPATH": str(site)}, cwd=inside("."),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.stdout.startswith(str(site / "bot")), done.stdout  # not the source tree's
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok:" in done.stdout
