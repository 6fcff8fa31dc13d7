"""The Dockerfile, read without a Docker engine: it installs the project as the README says, runs
``planbot telegram`` as a non-root user with ``PLANBOT_DATA_DIR=/data`` on a volume, and the
image holds the installed wheel alone (it carries the clause library and the messages).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
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


def stages() -> list[list[Instruction]]:
    """The instructions of each ``FROM`` stage, in order."""
    out: list[list[Instruction]] = []
    for instruction in instructions():
        if instruction.name == "FROM":
            out.append([])
        out[-1].append(instruction)
    return out


def test_the_image_holds_the_installed_wheel_only() -> None:
    """The build stage gets what building the wheel reads (pyproject's ``package-dir`` sources
    among them); the image gets only that wheel. The installed package finds its clause library
    and messages by itself (``tests/test_wheel.py`` runs one), so no setting points at them."""
    *builds, final = stages()
    assert builds, "no build stage"
    copied = {PurePosixPath(source).name for i in builds[-1] if i.name == "COPY"
              for source in argv(i.args)[:-1]}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapped = set(project["tool"]["setuptools"]["package-dir"].values())
    assert {"pyproject.toml", "setup.py", "bot", *mapped} <= copied, copied
    assert all(i.args.startswith("--from=") for i in final if i.name == "COPY"), final
    assert not {"PLANBOT_SNIPPETS_DIR", "PLANBOT_PROMPTS_DIR"} & env().keys()
    [wheel] = [i.args for i in builds[-1] if i.name == "RUN" and "pip wheel" in i.args]
    target = re.search(r"--wheel-dir (\S+)", wheel)
    assert target, wheel
    [install] = [c for i in final if i.name == "RUN" for c in pip_commands(i.args)]
    assert f"{target.group(1)}/planbot-" in install, install
