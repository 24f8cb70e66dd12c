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

from course_lib import argument_validation as check
from course_lib.homework.grading import grade
from course_lib.homework.limits import Limits
from course_lib.homework.release import DEFAULT_SOURCE, release


def _checked(parse, check_value, option: str):
    """An argparse ``type``: ``parse`` the text, then ``check_value`` it as ``grade`` does, so
    the command line refuses what the function refuses (a usage error, not a traceback)."""

    def convert(text: str):
        try:
            value = parse(text)
        except ValueError:
            value = text  # not a number at all: the check refuses it, by the option's name
        try:
            return check_value(value, option)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


# The limits of each submission (course_lib.homework.limits.Limits), one option each.
_LIMITS = {
    "memory_mb": "address space of each process, MiB",
    "file_size_mb": "largest file it may write, MiB",
    "processes": "processes and threads at once (in the sandbox)",
    "cpu_seconds": "CPU seconds of each process",
    "disk_mb": "size of its writable /tmp and /dev/shm, MiB each (in the sandbox)",
}


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
    seconds = _checked(float, check.whole_seconds, "--cell-timeout")
    gra.add_argument("--cell-timeout", type=seconds, default=120, help="whole seconds a cell")
    seconds = _checked(float, check.whole_seconds, "--total-timeout")
    gra.add_argument(
        "--total-timeout", type=seconds, default=1800, help="whole seconds a submission"
    )
    count = _checked(int, check.positive_int, "--jobs")
    gra.add_argument("--jobs", type=count, default=1, help="submissions graded at once")
    gra.add_argument("--no-html", action="store_true", help="skip nbgrader's HTML feedback")
    gra.add_argument(
        "--no-progress", action="store_true", help="no line as each submission is graded"
    )
    defaults = Limits()
    for field, unit in _LIMITS.items():
        option = "--" + field.replace("_", "-")
        gra.add_argument(
            option,
            type=_checked(int, check.positive_int, option),
            default=getattr(defaults, field),
            help=f"{unit} (default: %(default)s)",
        )
    gra.add_argument(
        "--scheduler",
        default=None,
        help="a Dask scheduler (tcp://HOST:8786): its workers grade the submissions",
    )
    gra.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without the bubblewrap sandbox (only for submissions you trust)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "release":
        for path in release(args.assignments or None, out=args.out, source=args.source):
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
        progress=not args.no_progress,
        limits=Limits(**{field: getattr(args, field) for field in _LIMITS}),
        sandbox=not args.no_sandbox,
        scheduler=args.scheduler,
    )
    for r in results:
        print(f"{r.student:<24} {r.status:<11} {r.score:g} / {r.max_score:g}")
        for note in r.notes:
            print(f"    - {note}")
    print(f"gradebook: {out / 'grades.csv'}; feedback: {out / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
