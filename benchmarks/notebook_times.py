#!/usr/bin/env python3
"""Wall time of every notebook, run top to bottom in quick mode (the CI budget, made visible).

Each notebook runs in a fresh kernel through nbclient, the way nbval runs it in CI, with
``COURSE_QUICK=1``; nothing is written back. The table gives the wall time of the whole
notebook and of its slowest cell, against the course's budget of 90 s a notebook on a 2-core
CPU, and the total. (Kernel start-up, about 5 s a notebook, is included: CI pays it too.)

    python benchmarks/notebook_times.py [NN ...]     # e.g. 07 14; all notebooks by default
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 90.0


def notebooks(prefixes: list[str]) -> list[Path]:
    found = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if prefixes:
        found = [p for p in found if p.name[:2] in prefixes]
        missing = sorted(set(prefixes) - {p.name[:2] for p in found})
        if missing:
            raise SystemExit(f"no notebook numbered {', '.join(missing)} in notebooks/")
    return found


def time_notebook(path: Path) -> tuple[float, float, int]:
    """(wall seconds, slowest cell's seconds, index of the slowest cell)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    cell_times: list[tuple[float, int]] = []
    original = client.async_execute_cell

    async def timed(cell, cell_index, *args, **kwargs):
        start = time.perf_counter()
        result = await original(cell, cell_index, *args, **kwargs)
        cell_times.append((time.perf_counter() - start, cell_index))
        return result

    client.async_execute_cell = timed
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    slowest, index = max(cell_times) if cell_times else (0.0, -1)
    return wall, slowest, index


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("numbers", nargs="*", help="two-digit notebook numbers (default: all)")
    args = parser.parse_args(argv)
    os.environ["COURSE_QUICK"] = "1"
    rows = []
    print(f"{'notebook':<42} {'wall s':>7} {'slowest cell':>14}  budget {BUDGET_S:.0f} s")
    for path in notebooks(args.numbers):
        wall, slowest, index = time_notebook(path)
        flag = "ok" if wall <= BUDGET_S else "OVER"
        print(f"{path.name:<42} {wall:7.1f} {slowest:8.1f} (#{index:>2})  {flag}", flush=True)
        rows.append(wall)
    print(f"{'total':<42} {sum(rows):7.1f}")
    return 0 if all(w <= BUDGET_S for w in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
