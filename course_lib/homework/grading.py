"""Grade a folder of submissions with ``nbgrader autograde``, each in its own working copy.

A submission is a notebook ``<student>.ipynb`` in the submissions folder (or
``<student>/<hw>.ipynb``). For each one the grader

1. checks that the file is a notebook at all (else: not graded, with the reason);
2. notes which test cells or provided cells it changed or deleted (nbgrader puts the
   originals back) and which answer cells use files, processes or the reference solutions;
3. makes a fresh temporary course folder holding only the gradebook and this submission, and
   runs ``nbgrader autograde`` there in a separate process, with a time limit per cell, a
   limit for the whole run, a scrubbed environment and a temporary home folder;
4. reads the points of every part from that gradebook and the errors (with the cell's part)
   from the graded notebook, and writes nbgrader's HTML feedback with the hidden tests removed;
5. deletes the temporary folder.

``grade`` then writes ``grades.csv`` (one row a submission: status, points of each part, total,
notes) and ``feedback/<student>/<hw>.html`` and ``.txt``.

Example:
    >>> from course_lib.homework import grade
    >>> results = grade("hw1", "submissions/hw1", out="graded/hw1")
    >>> results[0].score, results[0].max_score
    (12.0, 12.0)
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat

from course_lib.homework.release import (
    DEFAULT_SOURCE,
    NbgraderError,
    assignments,
    generate,
    nbgrader_command,
    run_in_process,
    with_scripts_on_path,
)

__all__ = ["GradingSetupError", "Result", "find_submissions", "grade", "scan_answer_cells"]

_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

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

# Answer cells that use these are flagged for a human to look at: none of the homework needs
# them, and they are how a submission would reach files, processes or the hidden tests.
_SUSPICIOUS = {
    r"(?<![\w.])open\s*\(": "open()",
    r"\bos\.(remove|unlink|rmdir|rename|replace|system|walk|listdir|scandir|chdir|popen|kill|"
    r"environ|path|makedirs|mkdir)\b": "os",
    r"\bshutil\b": "shutil",
    r"\bsubprocess\b": "subprocess",
    r"\bpathlib\b|\bPath\s*\(": "pathlib",
    r"\bglob\b": "glob",
    r"\bsocket\b": "socket",
    r"(?<![\w.])(exec|eval|compile|__import__)\s*\(": "exec/eval",
    r"\bimportlib\b": "importlib",
    r"\bget_ipython\b|\b_ih\b|\bIn\s*\[|\b_iii?\b": "the kernel's input history",
    r"\bsys\.modules\b|\bbuiltins\b|\bgc\.get_objects\b": "interpreter internals",
    r"^\s*[!%]": "shell or magic commands",
    r"course_lib\.reference|from\s+course_lib\s+import\s+reference": "course_lib.reference",
}

_TIMEOUT_ENAMES = ("CellTimeoutError", "TimeoutError")


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


def find_submissions(folder: Path, assignment: str) -> list[tuple[str, Path]]:
    """``(student id, notebook path)`` for ``<student>.ipynb`` and ``<student>/<hw>.ipynb``."""
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix == ".ipynb":
            found[path.stem] = path
        elif path.is_dir() and (path / f"{assignment}.ipynb").is_file():
            found[path.name] = path / f"{assignment}.ipynb"
    return sorted(found.items())


def scan_answer_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Notes on answer cells that use files, processes, the kernel or the reference solutions.

    Example:
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import shutil")])
        >>> nb.cells[0].metadata["nbgrader"] = {"solution": True, "grade_id": "neuron"}
        >>> scan_answer_cells(nb)
        ["answer cell 'neuron' uses shutil: flagged for review"]
    """
    notes = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        hits = [
            what
            for pattern, what in _SUSPICIOUS.items()
            if re.search(pattern, cell.get("source", ""), re.M)
        ]
        if hits:
            uses = ", ".join(dict.fromkeys(hits))
            notes.append(f"answer cell '{meta.get('grade_id')}' uses {uses}: flagged for review")
    return notes


_HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def _protected_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """``{grade_id: source}`` of the test cells and locked (provided) cells, hidden tests cut."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") and (meta.get("locked") or meta.get("grade")):
            if not meta.get("solution"):
                cells[meta["grade_id"]] = _HIDDEN_REGION.sub("", cell.get("source", "")).strip()
    return cells


def _changed_cells(released: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> list[str]:
    original = _protected_cells(released)
    seen = _protected_cells(submitted)
    notes = []
    changed = [g for g in original if g in seen and seen[g] != original[g]]
    missing = [g for g in original if g not in seen]
    if changed:
        notes.append(
            f"the submission changed the test/provided cell(s) {changed}; "
            "the originals were put back before grading"
        )
    if missing:
        notes.append(
            f"the submission deleted or un-marked the test/provided cell(s) {missing}; "
            "the originals were put back before grading"
        )
    return notes


def _read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, f"the file could not be read as UTF-8 text ({error})"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"the file is not valid JSON, so not a notebook ({error})"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # nbformat raises several kinds for a malformed notebook
        kind = type(error).__name__
        return None, f"the file is JSON but not a valid notebook ({kind}: {str(error)[:200]})"
    return nb, None


def _kernel_env(work: Path) -> dict[str, str]:
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


def _run(args: list[str], *, cwd: Path, env: dict, timeout: float) -> tuple[int | None, str]:
    """Run a command in its own process group; kill the whole group when done or overdue."""
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


def _errors(graded: nbformat.NotebookNode, cell_timeout: float) -> list[str]:
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
                notes.append(f"{where}: stopped after the time limit of {cell_timeout:g} s")
            else:
                value = str(output.get("evalue", "")).strip().splitlines()
                notes.append(f"{where}: {ename}: {value[0][:200] if value else ''}".rstrip(": "))
    return notes


@dataclasses.dataclass
class _Build:
    """What grading needs from ``nbgrader generate_assignment``, held in memory only."""

    assignment: str
    gradebook: bytes
    config: str
    released: nbformat.NotebookNode
    max_points: dict[str, float]


def _build(assignment: str, source: Path, cell_timeout: float) -> _Build:
    """Generate the gradebook in a temporary folder, keep it in memory, delete the folder.

    So no file outside the instructor's source folder holds the hidden tests while
    submissions run (except the working copy of a submission graded at the same time).
    """
    with tempfile.TemporaryDirectory(prefix=f"course-build-{assignment}-") as tmp:
        root = Path(tmp)
        generate(assignment, source, root)
        gradebook = (root / "gradebook.db").read_bytes()
        released = nbformat.read(root / "release" / assignment / f"{assignment}.ipynb", 4)
    config = _CONFIG.format(timeout=int(cell_timeout))
    solution = nbformat.read(source / assignment / f"{assignment}.ipynb", 4)
    max_points = {}
    for cell in solution.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            max_points[meta["grade_id"]] = float(meta.get("points", 0))
    return _Build(assignment, gradebook, config, released, max_points)


def _not_graded(build: _Build, student: str, notes: list[str], start: float) -> Result:
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


def _grade_one(
    build: _Build,
    student: str,
    path: Path,
    feedback_dir: Path,
    cell_timeout: float,
    total_timeout: float,
    html_feedback: bool,
) -> Result:
    start = time.monotonic()
    hw = build.assignment
    if not _STUDENT_ID.match(student):
        reason = f"file name {path.name!r} is not a usable student id (letters, digits, _ . -)"
        return _not_graded(build, student, [reason], start)
    nb, problem = _read_notebook(path)
    if nb is None:
        return _not_graded(build, student, [f"not graded: {problem}"], start)
    notes = _changed_cells(build.released, nb) + scan_answer_cells(nb)

    work = Path(tempfile.mkdtemp(prefix=f"course-grade-{hw}-{student}-"))
    try:
        root = work / "course"
        submitted = root / "submitted" / student / hw
        submitted.mkdir(parents=True)
        (root / "gradebook.db").write_bytes(build.gradebook)
        shutil.copyfile(path, submitted / f"{hw}.ipynb")
        env = _kernel_env(work)
        # nbgrader reads its configuration from the course root. It is loaded before the
        # submission runs; the later steps run in this process and read no config file.
        config = root / "nbgrader_config.py"
        config.write_text(build.config)
        common = [f"--CourseDirectory.root={root}"]
        code, log = _run(
            nbgrader_command("autograde", hw, f"--student={student}", "--force", *common),
            cwd=root,
            env=env,
            timeout=total_timeout,
        )
        graded_path = root / "autograded" / student / hw / f"{hw}.ipynb"
        if code is None:
            notes.append(
                f"grading stopped after the limit of {total_timeout:g} s for a submission"
            )
            return _not_graded(build, student, notes, start)
        if code != 0 or not graded_path.exists():
            tail = " | ".join(line for line in log.strip().splitlines()[-5:])
            notes.append(f"nbgrader autograde failed (exit code {code}): {tail[-600:]}")
            return _not_graded(build, student, notes, start)
        if not (submitted / f"{hw}.ipynb").exists():
            notes.append("the submission deleted files in its working copy while it ran")
        parts = _scores(root, hw, student, build.max_points)
        notes += _errors(nbformat.read(graded_path, 4), cell_timeout)
        if html_feedback:
            _feedback(root, hw, student, feedback_dir, notes)
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


def _feedback(root: Path, hw: str, student: str, feedback_dir: Path, notes: list[str]) -> None:
    """nbgrader's HTML feedback with the hidden tests and the tracebacks of test cells taken
    out, run in this process (it executes nothing from the submission and reads no config
    file from the working copy)."""
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


def _report(result: Result) -> str:
    lines = [
        f"{result.assignment} · {result.student}: {result.status}, "
        f"{result.score:g} of {result.max_score:g} points",
        "",
    ]
    lines += [f"  {part:<20} {s:g} / {m:g}" for part, (s, m) in result.parts.items()]
    if result.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _write_outputs(results: list[Result], out: Path, parts: Sequence[str]) -> None:
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
        (target / f"{r.assignment}.txt").write_text(_report(r), encoding="utf-8")


def _check_seconds(name: str, value) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    if not ok:
        raise ValueError(
            f"`{name}` must be a positive number of seconds. Received: {name}={value!r}"
        )
    return float(value)


def grade(
    assignment: str,
    submissions: str | os.PathLike,
    *,
    out: str | os.PathLike,
    source: str | os.PathLike = DEFAULT_SOURCE,
    cell_timeout: float = 120,
    total_timeout: float = 1800,
    jobs: int = 1,
    html_feedback: bool = True,
) -> list[Result]:
    """Grade every submission of ``assignment`` in ``submissions``; write the gradebook.

    Args:
        assignment: the assignment's name, e.g. ``"hw1"``.
        submissions: folder of ``<student>.ipynb`` files (or ``<student>/<hw>.ipynb``).
        out: folder for ``grades.csv`` and ``feedback/<student>/<hw>.html|.txt``.
        source: folder of the solution notebooks.
        cell_timeout: seconds one cell may run before it is interrupted.
        total_timeout: seconds one submission's whole run may take before it is killed.
        jobs: how many submissions are graded at the same time. With more than one, the
            working copy of one submission is on disk while another one runs.
        html_feedback: also write nbgrader's HTML feedback (one more nbgrader run each).

    Returns:
        One ``Result`` a submission, sorted by student id.

    Example:
        >>> [r.score for r in grade("hw1", "submissions/hw1", out="graded/hw1")]
        [12.0, 7.0]
    """
    source = Path(source).resolve()
    if assignment not in assignments(source):
        raise ValueError(
            f"Unknown assignment {assignment!r}; the assignments in {source} are "
            f"{assignments(source)}. Received: assignment={assignment!r}"
        )
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise ValueError(
            f"`submissions` must be a folder of notebooks. Received: submissions={submissions}"
        )
    cell_timeout = _check_seconds("cell_timeout", cell_timeout)
    total_timeout = _check_seconds("total_timeout", total_timeout)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"`jobs` must be a positive integer. Received: jobs={jobs!r}")
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    found = find_submissions(submissions.resolve(), assignment)

    build = _build(assignment, source, cell_timeout)
    feedback_dir = out / "feedback"
    args = (feedback_dir, cell_timeout, total_timeout, html_feedback)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_grade_one, build, s, p, *args) for s, p in found]
        results = [f.result() for f in futures]
    _write_outputs(results, out, list(build.max_points))
    return results
