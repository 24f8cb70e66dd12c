"""Grading one submission: its own working copy, ``nbgrader autograde`` in its own process.

``build`` runs ``nbgrader generate_assignment`` once per assignment in a temporary folder and
keeps what grading needs (gradebook, released notebook, points, nbgrader config) in memory.
``grade_one`` then, for one submission:

1. checks that the file is a notebook at all (else: not graded, with the reason);
2. notes which test cells or provided cells it changed or deleted (nbgrader puts the
   originals back) and which answer cells use files, processes or the reference solutions;
3. makes a fresh temporary course folder holding only the gradebook and this submission, and
   runs ``nbgrader autograde`` there in a separate process group, with a time limit per cell,
   a limit for the whole run, a scrubbed environment and a temporary home folder
   (``kernel_env``), and the hidden files off the disk while the kernel runs
   (``course_lib.homework.sandbox``);
4. reads the points of every part from that gradebook and the errors (with the cell's part)
   from the graded notebook, and writes nbgrader's HTML feedback with the hidden tests removed;
5. deletes the temporary folder.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib import argument_validation as check
from course_lib.homework.gradebook import Result, html_feedback
from course_lib.homework.release import generate, nbgrader_command, with_scripts_on_path
from course_lib.homework.scan import STUDENT_ID, changed_cells, read_notebook, scan_answer_cells

__all__ = ["GradingSetupError"]

# Environment variables the kernel keeps; everything else (tokens, paths into the instructor's
# folders) is dropped. HOME, TMPDIR and the Jupyter/Matplotlib folders point into the copy.
_KEEP_ENV = (
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "COURSE_QUICK",
    "COURSE_OFFLINE",
    "KERAS_BACKEND",
    "CUDA_VISIBLE_DEVICES",
    "TF_CPP_MIN_LOG_LEVEL",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
)

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


def kernel_env(work: Path) -> dict[str, str]:
    """The kernel's environment: a few variables kept, home and caches inside ``work``."""
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    # One BLAS thread a kernel unless asked otherwise: parallel jobs do not fight over cores.
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", env["OMP_NUM_THREADS"])
    home = work / "home"
    for sub in ("tmp", "mpl", "jupyter", "ipython", "keras"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        TMPDIR=str(home / "tmp"),
        MPLCONFIGDIR=str(home / "mpl"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter"),
        JUPYTER_DATA_DIR=str(home / "jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter" / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        KERAS_HOME=str(home / "keras"),
        PYTHONDONTWRITEBYTECODE="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    # Datasets Keras downloaded before stay visible, read through a link in the copy.
    real_datasets = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"
    if real_datasets.is_dir():
        (home / "keras" / "datasets").symlink_to(real_datasets, target_is_directory=True)
    return with_scripts_on_path(env)


def run_command(args: list[str], *, cwd: Path, env: dict, timeout: int) -> tuple[int | None, str]:
    """Run a command in its own process group; kill the whole group when done or overdue.

    Returns ``(exit code, output)``; the exit code is ``None`` when it ran over ``timeout``.
    """
    with subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            code = None
            out = ""
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # also what the submission left running
            except ProcessLookupError:
                pass
            if code is None:
                out, _ = proc.communicate()
    out = out or ""
    # nbgrader only logs a broken config and goes on without it: never grade like that.
    if "Exception while loading config file" in out:
        raise GradingSetupError(
            f"nbgrader could not load the grading configuration:\n{out[-3000:]}"
        )
    return code, out


def _errors(graded: nbformat.NotebookNode, cell_timeout: int) -> list[str]:
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
                notes.append(f"{where}: stopped after the time limit of {cell_timeout} s")
            else:
                value = str(output.get("evalue", "")).strip().splitlines()
                notes.append(f"{where}: {ename}: {value[0][:200] if value else ''}".rstrip(": "))
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
) -> Result:
    """Grade the notebook ``path`` of ``student`` in a fresh working copy (see the module).

    ``notes`` are observations made before (e.g. a second submission that was not graded);
    they come first in the result's notes.
    """
    start = time.monotonic()
    hw = build.assignment
    notes = list(notes or [])
    if not STUDENT_ID.match(student):
        reason = f"file name {path.name!r} is not a usable student id (letters, digits, _ . -)"
        return _not_graded(build, student, [reason, *notes], start)
    nb, problem = read_notebook(path)
    if nb is None:
        return _not_graded(build, student, [f"not graded: {problem}", *notes], start)
    notes += changed_cells(build.released, nb) + scan_answer_cells(nb)

    work = Path(tempfile.mkdtemp(prefix=f"course-grade-{hw}-{student}-"))
    try:
        root = work / "course"
        submitted = root / "submitted" / student / hw
        submitted.mkdir(parents=True)
        (root / "gradebook.db").write_bytes(build.gradebook)
        shutil.copyfile(path, submitted / f"{hw}.ipynb")
        env = kernel_env(work)
        # nbgrader reads its configuration from the course root. It is loaded before the
        # submission runs; the later steps run in this process and read no config file.
        (root / "nbgrader_config.py").write_text(build.config)
        common = [f"--CourseDirectory.root={root}"]
        code, log = run_command(
            nbgrader_command("autograde", hw, f"--student={student}", "--force", *common),
            cwd=root,
            env=env,
            timeout=total_timeout,
        )
        graded_path = root / "autograded" / student / hw / f"{hw}.ipynb"
        if code is None:
            notes.append(f"grading stopped after the limit of {total_timeout} s for a submission")
            return _not_graded(build, student, notes, start)
        if code != 0 or not graded_path.exists():
            tail = " | ".join(line for line in log.strip().splitlines()[-5:])
            notes.append(f"nbgrader autograde failed (exit code {code}): {tail[-600:]}")
            return _not_graded(build, student, notes, start)
        if not (submitted / f"{hw}.ipynb").exists():
            notes.append("the submission deleted files in its working copy while it ran")
        parts = _scores(root, hw, student, build.max_points)
        notes += _errors(nbformat.read(graded_path, 4), cell_timeout)
        if html:
            html_feedback(root, hw, student, feedback_dir, notes)
        score = sum(s for s, _ in parts.values())
        total = sum(m for _, m in parts.values())
        return Result(student, hw, "graded", score, total, parts, notes, time.monotonic() - start)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _scores(root: Path, hw: str, student: str, max_points: dict[str, float]):
    from nbgrader.api import Gradebook

    parts = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(hw, hw, student)
        by_name = {g.name: (float(g.score), float(g.max_score)) for g in submission.grades}
    for part, points in max_points.items():
        parts[part] = by_name.get(part, (0.0, points))
    return parts
