"""Packages of the distribution; everything else is in pyproject.toml.

``snippets/`` and ``prompts/`` stay at the top of the repository and are mapped into the package
as ``bot.snippets`` and ``bot.prompts`` (``package-dir`` in pyproject.toml), so the wheel and the
sdist carry them. ``[tool.setuptools.packages.find]`` cannot add packages that live outside the
directory it searches: hence this list, found and extended here.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["bot", "bot.*"]), "bot.snippets", "bot.prompts"])
