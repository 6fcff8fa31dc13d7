"""Run every ``benchmarks/bench_*.py`` main(), or some: ``python -m benchmarks NAME ...``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main() -> None:
    wanted = set(sys.argv[1:])
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if wanted and path.stem not in wanted and path.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"== {path.stem}")
        importlib.import_module(f"benchmarks.{path.stem}").main()
        print()


main()
