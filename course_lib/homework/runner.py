"""Grading one submission: its own working copy, ``nbgrader autograde`` in its own process.

``build`` runs ``nbgrader generate_assignment`` once per assignment in a temporary folder and
keeps what grading needs (gradebook, released notebook, points, nbgrader config) in memory.
``grade_one`` then, for one submission:

1. checks that the file is a notebook at all (else: not graded, with the reason);
2. notes which test cells or provided cells it changed or deleted (nbgrader puts the
   originals back) and which answer cells use files, processes or the reference solutions;
3. sends the gradebook and this submission, as a ``Job``, to ``python -m
   course_lib.homework.jail`` in the run's sandbox (``course_lib.homework.isolation``): there
   a fresh temporary course folder holds only them, and ``nbgrader autograde`` runs in a
   separate process group, with a time limit per cell, a limit for the whole run, resource
   limits (``course_lib.homework.limits``), a scrubbed environment and a temporary home folder
   (``jail.kernel_env``), and the hidden files off the disk while the kernel runs
   (``course_lib.homework.sandbox``);
4. reads the points of every part from the gradebook that comes back and the errors (with
   the cell's part and the limit it hit, if any) from the graded notebook, and writes
   nbgrader's HTML feedback with the hidden tests removed, in a temporary folder it deletes.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from course_lib import argument_validation as check
from course_lib.homework.gradebook import Result, html_feedback
from course_lib.homework.held_out import RULES
from course_lib.homework.held_out import points as held_out_points
from course_lib.homework.isolation import Isolation
from course_lib.homework.jail import Job, keras_datasets
from course_lib.homework.limits import Limits, limit_note
from course_lib.homework.release import generate
from course_lib.homework.scan import STUDENT_ID, changed_cells, read_notebook, scan_answer_cells

if TYPE_CHECKING:
    from course_lib.homework.distributed_grading import DaskGrading

__all__ = ["GradingSetupError"]

_TIMEOUT_ENAMES = ("CellTimeoutError", "TimeoutError")

# nbgrader's configuration for the autograde step of every submission. ``timeout`` is a whole
# number of seconds >= 1 (``grade`` checks it): 0 or None would mean "no limit" to nbclient.
_CONFIG = """\
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades,
)
from course_lib.homework.sandbox import HiddenFilesExecute

c = get_config()  # noqa: F821
c.Autograde.autograde_preprocessors = [
    HiddenFilesExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.HiddenFilesExecute.timeout = {timeout}
c.HiddenFilesExecute.interrupt_on_timeout = True
c.HiddenFilesExecute.startup_timeout = 120
c.OverwriteCells.add_missing_cells = True
"""


class GradingSetupError(RuntimeError):
    """The grader itself is broken (not the submission): e.g. nbgrader ignored its config."""


def nbgrader_config(cell_timeout: int) -> str:
    """The ``nbgrader_config.py`` of a grading run, with a limit of ``cell_timeout`` s a cell.

    Example:
        >>> [line for line in nbgrader_config(30).splitlines() if ".timeout =" in line]
        ['c.HiddenFilesExecute.timeout = 30']
    """
    return _CONFIG.format(timeout=check.whole_seconds(cell_timeout, "cell_timeout"))


def _errors(graded: nbformat.NotebookNode, cell_timeout: int, limits: Limits) -> list[str]:
    notes = []
    for index, cell in enumerate(graded.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        where = f"cell {index}"
        if meta.get("grade_id"):
            kind = "test cell" if meta.get("grade") else "cell"
            where = f"{kind} '{meta['grade_id']}' (cell {index})"
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr" and meta.get("grade"):
                notes.append(f"{where}: wrote to stderr, which nbgrader counts as a failure")
            if output.get("output_type") != "error":
                continue
            ename = output.get("ename", "")
            if ename in _TIMEOUT_ENAMES:
                note = f"{where}: stopped after the time limit of {cell_timeout} s"
                if "ignored the interrupt" in str(output.get("evalue", "")):
                    note += "; it ignored the interrupt, so its kernel was restarted"
                notes.append(note)
            else:
                value = str(output.get("evalue", "")).strip().splitlines()
                note = f"{where}: {ename}: {value[0][:200] if value else ''}".rstrip(": ")
                limit = limit_note(ename, value[0] if value else "", limits)
                notes.append(f"{note} (stopped by {limit})" if limit else note)
    return notes


def max_points(solution: nbformat.NotebookNode) -> dict[str, float]:
    """``{part id: points}`` of the test cells of a solution notebook, in notebook order."""
    points = {}
    for cell in solution.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            points[meta["grade_id"]] = float(meta.get("points", 0))
    return points


@dataclasses.dataclass
class Build:
    """What grading needs from ``nbgrader generate_assignment``, held in memory only."""

    assignment: str
    gradebook: bytes
    config: str
    released: nbformat.NotebookNode
    max_points: dict[str, float]


def build(assignment: str, source: Path, cell_timeout: int) -> Build:
    """Generate the gradebook in a temporary folder, keep it in memory, delete the folder.

    So no file outside the instructor's source folder holds the hidden tests while
    submissions run (except the working copy of a submission graded at the same time).
    """
    config = nbgrader_config(cell_timeout)
    with tempfile.TemporaryDirectory(prefix=f"course-build-{assignment}-") as tmp:
        root = Path(tmp)
        generate(assignment, source, root)
        gradebook = (root / "gradebook.db").read_bytes()
        released = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", 4)
    solution = nbformat.read(source / assignment / f"{assignment}.ipynb", 4)
    return Build(assignment, gradebook, config, released, max_points(solution))


def _not_graded(build: Build, student: str, notes: list[str], start: float) -> Result:
    parts = {part: (0.0, points) for part, points in build.max_points.items()}
    total = sum(build.max_points.values())
    return Result(
        student,
        build.assignment,
        "not graded",
        0.0,
        total,
        parts,
        notes,
        time.monotonic() - start,
    )


def grade_one(
    build: Build,
    student: str,
    path: Path,
    feedback_dir: Path,
    cell_timeout: int,
    total_timeout: int,
    html: bool,
    notes: list[str] | None = None,
    isolation: Isolation | DaskGrading | None = None,
) -> Result:
    """Grade the notebook ``path`` of ``student`` (see the module) in ``isolation``: the
    sandbox of the run, or Dask's workers that grade each job in their own sandbox; a plain
    process with default limits when None.

    ``notes`` are observations made before (e.g. a second submission that was not graded);
    they come first in the result's notes.
    """
    start = time.monotonic()
    hw = build.assignment
    notes = list(notes or [])
    isolation = isolation or Isolation(Limits(), None, why_not="no isolation given")
    if not STUDENT_ID.match(student):
        reason = f"file name {path.name!r} is not a usable student id (letters, digits, _ . -)"
        return _not_graded(build, student, [reason, *notes], start)
    nb, problem = read_notebook(path)
    if nb is None:
        return _not_graded(build, student, [f"not graded: {problem}", *notes], start)
    notes += changed_cells(build.released, nb) + scan_answer_cells(nb)
    datasets = keras_datasets()
    job = Job(
        assignment=hw,
        student=student,
        gradebook=build.gradebook,
        submission=path.read_bytes(),
        config=build.config,
        total_timeout=total_timeout,
        limits=isolation.limits.to_dict(),
        datasets=str(datasets) if datasets else None,
        held_out=hw in RULES,
    )
    outcome, raw, why_not = isolation.run(job)
    if why_not:
        notes.append(f"graded without the sandbox ({why_not})")
    # nbgrader only logs a broken config and goes on without it: never grade like that.
    log = outcome.log if outcome else raw
    if "Exception while loading config file" in log:
        raise GradingSetupError(
            f"nbgrader could not load the grading configuration:\n{log[-3000:]}"
        )
    if outcome is not None and outcome.killed:
        notes.append(f"{outcome.killed} process(es) it left running were killed at the end")
    if outcome is None or outcome.code is None:
        if outcome is None:
            tail = " | ".join(raw.strip().splitlines()[-5:])
            notes.append(f"the grading process ended without a result: {tail[-600:]}")
        else:
            notes.append(f"grading stopped after the limit of {total_timeout} s for a submission")
        return _not_graded(build, student, notes, start)
    if outcome.code != 0 or outcome.graded is None or outcome.gradebook is None:
        if "[Errno 28]" in outcome.log:
            limit = limit_note("OSError", "[Errno 28]", isolation.limits)
            notes.append(f"the submission filled its disk ({limit}): no results could be saved")
        tail = " | ".join(line for line in outcome.log.strip().splitlines()[-5:])
        notes.append(f"nbgrader autograde failed (exit code {outcome.code}): {tail[-600:]}")
        return _not_graded(build, student, notes, start)
    if not outcome.submission_kept:
        notes.append("the submission deleted files in its working copy while it ran")
    work = Path(tempfile.mkdtemp(prefix=f"course-grade-{hw}-{student}-"))
    try:
        # The results, in a course folder of their own here, for nbgrader's feedback.
        root = work / "course"
        graded_path = root / "autograded" / student / hw / f"{hw}.ipynb"
        graded_path.parent.mkdir(parents=True)
        graded_path.write_bytes(outcome.graded)
        (root / "gradebook.db").write_bytes(outcome.gradebook)
        if hw in RULES:
            notes.append(_score_held_out(build, outcome, root, student, isolation))
        parts = _scores(root, hw, student, build.max_points)
        notes += _errors(nbformat.read(graded_path, 4), cell_timeout, isolation.limits)
        if html:
            html_feedback(root, hw, student, feedback_dir, notes)
        score = sum(s for s, _ in parts.values())
        total = sum(m for _, m in parts.values())
        return Result(student, hw, "graded", score, total, parts, notes, time.monotonic() - start)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _score_held_out(build: Build, outcome, root: Path, student: str, isolation) -> str:
    """The points of the part the grader trains and scores itself (``held_out``), written
    into the gradebook at ``root`` over what nbgrader gave it; the note that says how."""
    from nbgrader.api import Gradebook

    hw, rules = build.assignment, RULES[build.assignment]
    most = build.max_points[rules.part]
    trained = outcome.trained or {"error": "nothing was handed in"}
    if outcome.model is None or "error" in trained:
        score, note = 0.0, f"{rules.part}: the grader could not train it: {trained['error']}"
    else:
        result = isolation.score(hw, outcome.model)
        if "error" in result:
            score, note = 0.0, f"{rules.part}: the grader could not score it: {result['error']}"
        else:
            score = held_out_points(result, most)
            note = (
                f"{rules.part}: the grader trained your network ({trained['parameters']:,} "
                f"parameters) on {trained['images']:,} training images for "
                f"{trained['epochs']} epoch(s), batch size {trained['batch_size']}, learning "
                f"rate {trained['learning_rate']:g} ({trained['seconds']:.0f} s); on "
                f"{result['images']:,} test images your code never saw it scored "
                f"{result['accuracy']:.1%} (bar {result['bar']:.1%})"
            )
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        grade = gb.find_grade(rules.part, hw, hw, student)
        grade.manual_score = score
        gb.db.commit()
    return f"{note}: {score:g} of {most:g} points"


def _scores(root: Path, hw: str, student: str, max_points: dict[str, float]):
    from nbgrader.api import Gradebook

    parts = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(hw, hw, student)
        by_name = {g.name: (float(g.score), float(g.max_score)) for g in submission.grades}
    for part, points in max_points.items():
        parts[part] = by_name.get(part, (0.0, points))
    return parts
