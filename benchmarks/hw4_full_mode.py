#!/usr/bin/env python3
"""HW4 graded in full mode: the solution and a copy of the handed-out example, by the grader.

Grades two submissions of ``hw4`` with ``course_lib.homework.grade`` in full mode (the
``COURSE_QUICK`` variable removed): the solution notebook, and the solution with
``build_model`` replaced by the notebook's ``example_model`` (the dense network the text says
stays under the bar). The grader trains each network itself on the 60,000 training images by
the submission's recipe and scores it on the 10,000 test images (``held_out``). The table gives
the parameters, the grader's training time, the test accuracy and the points of part 3; with
``--out`` it is also written to that file, with the date and this machine (the receipt the
notebook's text quotes).

    python benchmarks/hw4_full_mode.py [--out receipts/hw4_full_mode.md] [--jobs 2]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "assignments" / "source" / "hw4" / "hw4.ipynb"
NOTE = re.compile(
    r"\(([\d,]+) parameters\) on ([\d,]+) training images for (\d+) epoch\(s\).*\((\d+) s\); "
    r"on ([\d,]+) test images .* scored ([\d.]+)% \(bar ([\d.]+)%\): ([\d.]+) of"
)


def submissions(folder: Path) -> None:
    nb = nbformat.read(SOLUTION, as_version=4)
    nbformat.write(nb, folder / "solution.ipynb")
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "model":
            cell.source = "def build_model():\n    return example_model()\n"
    nbformat.write(nb, folder / "example_copy.ipynb")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ.pop("COURSE_QUICK", None)  # full mode: the grader's real training and bar

    from course_lib.homework import grade

    with tempfile.TemporaryDirectory(prefix="hw4-full-") as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        submissions(folder)
        results = grade(
            "hw4",
            folder,
            out=Path(tmp) / "graded",
            cell_timeout=1800,
            total_timeout=3600,
            jobs=args.jobs,
            html_feedback=False,
        )
    lines = [
        "| submission | parameters | training images | epochs | grader's training | "
        "test images | test accuracy | bar | part 3 | total |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        [note] = [n for n in result.notes if n.startswith("accuracy_tests:")]
        found = NOTE.search(note)
        if found is None:
            print(f"{result.student}: {note}", file=sys.stderr)
            return 1
        params, images, epochs, seconds, tests, accuracy, bar, points = found.groups()
        lines.append(
            f"| {result.student} | {params} | {images} | {epochs} | {seconds} s | {tests} | "
            f"{accuracy} % | {bar} % | {points} / 5 | {result.score:g} / {result.max_score:g} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.out:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
        args.out.write_text(
            "# HW4 in full mode, graded by the grader\n\n"
            f"`python benchmarks/hw4_full_mode.py --out {args.out}` on {stamp} ({machine}).\n\n"
            f"{table}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
