"""Command line: ``python -m course_lib.homework release|grade ...`` (see ``--help``).

Example:
    python -m course_lib.homework release --out build/student
    python -m course_lib.homework grade hw1 submissions/hw1 --out graded/hw1
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course_lib.homework.grading import grade
from course_lib.homework.release import DEFAULT_SOURCE, release


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course.py homework",
        description="Make the student versions of the homework, or grade submissions.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser(
        "release", help="write the student versions (no solutions, no hidden tests)"
    )
    rel.add_argument("assignments", nargs="*", help="e.g. hw1 hw3 (default: all)")
    rel.add_argument("--out", default="release", help="output folder (default: ./release)")
    rel.add_argument("--source", default=str(DEFAULT_SOURCE), help="solution notebooks")
    gra = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    gra.add_argument("assignment", help="e.g. hw1")
    gra.add_argument("submissions", help="folder of <student>.ipynb or <student>/<hw>.ipynb")
    gra.add_argument("--out", default=None, help="gradebook folder (default: ./graded/<hw>)")
    gra.add_argument("--source", default=str(DEFAULT_SOURCE), help="solution notebooks")
    gra.add_argument("--cell-timeout", type=float, default=120, help="seconds per cell")
    gra.add_argument("--total-timeout", type=float, default=1800, help="seconds per submission")
    gra.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    gra.add_argument("--no-html", action="store_true", help="skip nbgrader's HTML feedback")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "release":
        for path in release(args.assignments, out=args.out, source=args.source):
            print(f"student version: {path}")
        return 0
    out = Path(args.out or Path("graded") / args.assignment)
    results = grade(
        args.assignment,
        args.submissions,
        out=out,
        source=args.source,
        cell_timeout=args.cell_timeout,
        total_timeout=args.total_timeout,
        jobs=args.jobs,
        html_feedback=not args.no_html,
    )
    for r in results:
        print(f"{r.student:<24} {r.status:<11} {r.score:g} / {r.max_score:g}")
        for note in r.notes:
            print(f"    - {note}")
    print(f"gradebook: {out / 'grades.csv'}; feedback: {out / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
