"""What grading writes: one ``Result`` a submission, ``grades.csv``, and the feedback files.

- ``Result``: the grade of one submission (status, points of every part, notes);
- ``write_gradebook``: ``grades.csv`` (a row a submission) and ``feedback/<student>/<hw>.txt``;
- ``html_feedback``: nbgrader's HTML feedback page, with the hidden tests and the tracebacks
  of test cells taken out (``course_lib.homework.feedback``).
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
from collections.abc import Sequence
from pathlib import Path

from course_lib.homework.release import NbgraderError, run_in_process

__all__ = ["Result"]


@dataclasses.dataclass
class Result:
    """The grade of one submission.

    Attributes:
        student: the student id (the file name without ``.ipynb``).
        assignment: e.g. ``"hw1"``.
        status: ``"graded"`` or ``"not graded"`` (then ``score`` is 0 and ``notes`` say why).
        score: points scored.
        max_score: points possible.
        parts: ``{part id: (points scored, points possible)}`` in notebook order.
        notes: reasons and observations, in words, for the gradebook and the feedback.
        seconds: wall time of the grading run.
    """

    student: str
    assignment: str
    status: str
    score: float
    max_score: float
    parts: dict[str, tuple[float, float]]
    notes: list[str]
    seconds: float = 0.0


def html_feedback(root: Path, hw: str, student: str, feedback_dir: Path, notes: list[str]) -> None:
    """nbgrader's HTML feedback with the hidden tests and the tracebacks of test cells taken
    out, run in this process (it executes nothing from the submission and reads no config
    file from the working copy). A failure is added to ``notes``, not raised."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    from course_lib.homework.feedback import ShortTestTracebacks

    steps = [GetGrades, ClearHiddenTests, ShortTestTracebacks, CSSHTMLHeaderPreprocessor]
    try:
        run_in_process(
            "generate_feedback",
            root,
            hw,
            student,
            config={"GenerateFeedback.preprocessors": steps},
        )
    except NbgraderError as error:
        notes.append(f"no HTML feedback: {str(error).splitlines()[0]}")
        return
    html = root / "feedback" / student / hw / f"{hw}.html"
    target = feedback_dir / student
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(html, target / f"{hw}.html")


def report(result: Result) -> str:
    """The text feedback of one submission: status, points of every part, notes.

    Example:
        >>> r = Result("ann", "hw1", "graded", 9.0, 12.0, {"a": (3.0, 3.0), "b": (6.0, 9.0)},
        ...            ["cell 'b' (cell 4): ValueError: shapes"])
        >>> print(report(r))
        hw1 · ann: graded, 9 of 12 points
        <BLANKLINE>
          a                    3 / 3
          b                    6 / 9
        <BLANKLINE>
        Notes:
          - cell 'b' (cell 4): ValueError: shapes
        <BLANKLINE>
    """
    lines = [
        f"{result.assignment} · {result.student}: {result.status}, "
        f"{result.score:g} of {result.max_score:g} points",
        "",
    ]
    lines += [f"  {part:<20} {s:g} / {m:g}" for part, (s, m) in result.parts.items()]
    if result.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def write_gradebook(results: Sequence[Result], out: Path, parts: Sequence[str]) -> None:
    """``out/grades.csv`` (a row a result, a column a part) and ``out/feedback/<s>/<hw>.txt``."""
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "status", *parts, "score", "max_score", "notes"])
        for r in results:
            points = [f"{r.parts[p][0]:g}" for p in parts]
            row = [r.student, r.assignment, r.status, *points, f"{r.score:g}", f"{r.max_score:g}"]
            writer.writerow([*row, " | ".join(r.notes)])
    for r in results:
        target = out / "feedback" / r.student
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{r.assignment}.txt").write_text(report(r), encoding="utf-8")
