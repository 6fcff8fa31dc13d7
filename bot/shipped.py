"""Where the files shipped with the package are: the clause library and the bot's messages.

``snippets/`` and ``prompts/`` live at the top of the repository; the build maps them into the
package as ``bot.snippets`` and ``bot.prompts`` (``setup.py``), so a wheel carries them and
:func:`importlib.resources.files` finds them wherever the package is installed. An editable
install (``make run``, ``make test``) maps the same names onto the checkout's directories. Run
from a source tree that was never installed, the top-level directories are used directly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent  # the checkout, when run from one


def shipped_dir(name: str) -> Path:
    """The directory shipped as ``bot.<name>`` (``snippets``, ``prompts``)."""
    try:
        found = resources.files(f"bot.{name}")
    except ModuleNotFoundError:  # a source tree, not installed
        return SOURCE_ROOT / name
    if not isinstance(found, Path):  # e.g. a zipped package: the loaders need real files
        raise RuntimeError(f"bot.{name} must be installed as files, not inside {found}")
    return found


def in_checkout() -> bool:
    """Whether the package runs from a checkout of the repository (not from site-packages)."""
    return (SOURCE_ROOT / "pyproject.toml").is_file() and (SOURCE_ROOT / "storage").is_dir()
