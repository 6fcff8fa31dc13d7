"""The package as a new user gets it: built, installed into a fresh virtualenv, run elsewhere.

As ``python -m build`` does, the sdist is built from the checkout and the wheel from the
unpacked sdist, so both must carry ``snippets/`` and ``prompts/`` (as ``bot/snippets``,
``bot/prompts``). The wheel goes into a new virtualenv with ``pip install --no-index --no-deps``
(CI reaches nothing but package registries, and downloading the dependencies again would cost a
minute): the dependencies come from this test's own environment, put on the new one's path by a
``.pth`` file after the install, so ``bot`` itself can only come from the wheel. From an empty
directory, with no planbot setting in the environment, the installed ``planbot`` validates its
library, drafts a Word file and searches; its data directory is the user data directory
(``~/.local/share/planbot`` here, ``HOME`` being a temporary one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("snippets", "prompts")
TIMEOUT = 180


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    assert done.returncode == 0, f"{argv}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def shipped_files() -> set[str]:
    """The files of snippets/ and prompts/ in the checkout, as the package holds them."""
    return {
        f"bot/{path.relative_to(ROOT).as_posix()}"
        for name in SHIPPED
        for path in (ROOT / name).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def build(tmp: Path) -> Path:
    """sdist from the checkout, wheel from the unpacked sdist; the wheel's path."""
    dist = tmp / "dist"
    code = f"from setuptools import build_meta; print(build_meta.build_sdist({str(dist)!r}))"
    sdist = dist / run([sys.executable, "-c", code], ROOT).strip().splitlines()[-1]
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        archive.extractall(tmp / "sdist", filter="data")
    missing = {name.removeprefix("bot/") for name in shipped_files()} - names
    assert not missing, f"not in the sdist: {sorted(missing)[:5]}"
    [unpacked] = (tmp / "sdist").iterdir()
    run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
         "--wheel-dir", str(dist), str(unpacked)], tmp)
    [wheel] = dist.glob("planbot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        missing = shipped_files() - set(archive.namelist())
    assert not missing, f"not in the wheel: {sorted(missing)[:5]}"
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    """A new virtualenv with the wheel installed; its bin directory."""
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index",
         "--no-deps", str(wheel)], tmp)
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp)
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(site.strip()) / "_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    return venv / "bin"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX virtualenv layout")
def test_the_installed_wheel_works_from_an_empty_directory(tmp_path: Path) -> None:
    bin_dir = fresh_venv(tmp_path, build(tmp_path))
    home, empty = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    empty.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PLANBOT_", "BOT_TOKEN", "XDG_", "PYTHON"))}
    env["HOME"] = str(home)
    where = run([str(bin_dir / "python"), "-c", "import bot; print(bot.__file__)"], empty, env)
    assert where.startswith(str(tmp_path / "venv")), where  # not the checkout's bot/

    planbot = str(bin_dir / "planbot")
    assert "ok:" in run([planbot, "snippets", "validate"], empty, env)
    run([planbot, "draft", "--region", "修文县", "--year", "2025", "--topics", "party,preschool",
         "--format", "docx", "-o", "plan.docx"], empty, env)
    with zipfile.ZipFile(empty / "plan.docx") as docx:
        assert "修文县" in docx.read("word/document.xml").decode("utf-8")
    results = json.loads(run([planbot, "search", "学前教育普惠", "--json", "--limit", "3"],
                             empty, env))
    assert results and results[0]["topic"] == "preschool", results

    data_dir = home / ".local" / "share" / "planbot"
    assert (data_dir / "cache").is_dir(), sorted(p.name for p in home.rglob("*"))[:10]
    assert sorted(p.name for p in empty.iterdir()) == ["plan.docx"]
