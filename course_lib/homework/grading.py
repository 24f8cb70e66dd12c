"""Grade a folder of submissions with ``nbgrader autograde``, each in its own working copy.

A submission is a notebook ``<student>.ipynb`` in the submissions folder (or
``<student>/<hw>.ipynb``; a student with both is graded on the first, and the gradebook says
so). ``grade`` checks its arguments, finds the submissions (``course_lib.homework.scan``),
grades each one in its own temporary course folder and nbgrader process
(``course_lib.homework.runner``), and writes ``grades.csv`` (one row a submission: status,
points of each part, total, notes) and ``feedback/<student>/<hw>.html`` and ``.txt``
(``course_lib.homework.gradebook``).

Example (a whole run takes about a minute an assignment, so it is not run as a doctest)::

    >>> from course_lib.homework import grade
    >>> results = grade("hw1", "submissions/hw1", out="graded/hw1")  # doctest: +SKIP
    >>> results[0].score, results[0].max_score  # doctest: +SKIP
    (15.0, 15.0)

A folder without submissions gives an empty gradebook (and a warning) at once:

    >>> import tempfile, warnings
    >>> with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     grade("hw1", folder, out=Path(folder) / "graded")
    []
"""

from __future__ import annotations

import concurrent.futures
import os
import warnings
from pathlib import Path

import nbformat

from course_lib import argument_validation as check
from course_lib.homework.distributed_grading import DaskGrading
from course_lib.homework.gradebook import Result, write_gradebook
from course_lib.homework.isolation import Isolation
from course_lib.homework.limits import Limits
from course_lib.homework.release import DEFAULT_SOURCE, assignments
from course_lib.homework.runner import GradingSetupError, build, grade_one, max_points
from course_lib.homework.scan import (
    collect_submissions,
    find_submissions,
    scan_answer_cells,
    submissions_folder,
)

__all__ = ["GradingSetupError", "Result", "find_submissions", "grade", "scan_answer_cells"]


def _progress_bar(total: int):
    import keras  # imported here: the rest of grading has no need of a backend

    return keras.utils.Progbar(total, unit_name="submission")


def grade(
    assignment: str,
    submissions: str | os.PathLike,
    *,
    out: str | os.PathLike,
    source: str | os.PathLike = DEFAULT_SOURCE,
    cell_timeout: int = 120,
    total_timeout: int = 1800,
    jobs: int = 1,
    html_feedback: bool = True,
    progress: bool = True,
    limits: Limits | None = None,
    sandbox: bool = True,
    scheduler: str | None = None,
) -> list[Result]:
    """Grade every submission of ``assignment`` in ``submissions``; write the gradebook.

    Every argument is checked before anything is written or run.

    Args:
        assignment: the assignment's name, e.g. ``"hw1"``.
        submissions: folder of ``<student>.ipynb`` files (or ``<student>/<hw>.ipynb``). A
            student with both is graded on ``<student>.ipynb``; a warning and a note in the
            gradebook name both files.
        out: folder for ``grades.csv`` and ``feedback/<student>/<hw>.html|.txt``.
        source: folder of the solution notebooks.
        cell_timeout: whole seconds (1 or more) one cell may run before it is interrupted.
            A fraction is refused, not rounded: 0 would mean "no limit" to nbclient.
        total_timeout: whole seconds (1 or more) one submission's whole run may take before
            it is killed.
        jobs: how many submissions are graded at the same time. With more than one, the
            working copy of one submission is on disk while another one runs.
        html_feedback: also write nbgrader's HTML feedback (one more nbgrader run each).
        progress: print how many submissions are graded so far, of how many, as each one
            ends (Keras's ``Progbar``), with its student id and score.
        limits: what each submission may use (``course_lib.homework.limits.Limits``: memory,
            file size, processes, CPU time, disk); ``Limits()`` when None.
        sandbox: grade each submission in the bubblewrap sandbox
            (``course_lib.homework.bwrap``). When ``bwrap`` is not installed, grading goes on
            without it, with a warning and a note in every row of the gradebook. False grades
            without it on purpose (still with the limits that apply outside it).
        scheduler: the address of a Dask scheduler (``tcp://HOST:8786``): each submission
            is then graded as a task by whichever of its workers takes it, in that worker's
            sandbox (``course_lib.homework.distributed_grading``); ``jobs`` is ignored. The
            gradebook and feedback are written here, as for local grading.

    Returns:
        One ``Result`` a submission, sorted by student id (an empty list, with a warning,
        when the folder holds no submission).

    Example (a whole run is not run as a doctest; the first line takes about a minute)::

        >>> [r.score for r in grade("hw1", "submissions/hw1", out="graded/hw1")]  # doctest: +SKIP
        [15.0, 7.0]

    Time limits are whole seconds, checked before anything runs:

        >>> grade("hw1", "submissions/hw1", out="graded/hw1", cell_timeout=0.5)
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: `cell_timeout` must be a whole positive number of seconds ... cell_timeout=0.5
    """
    assignment = check.string(assignment, "assignment")
    check.path(submissions, "submissions")
    out = Path(check.path(out, "out"))
    source = Path(check.path(source, "source"))
    cell_timeout = check.whole_seconds(cell_timeout, "cell_timeout")
    total_timeout = check.whole_seconds(total_timeout, "total_timeout")
    jobs = check.positive_int(jobs, "jobs")
    html_feedback = check.boolean(html_feedback, "html_feedback")
    progress = check.boolean(progress, "progress")
    if limits is None:
        limits = Limits()
    check.instance(limits, "limits", Limits, "a course_lib.homework.limits.Limits")
    sandbox = check.boolean(sandbox, "sandbox")
    if scheduler is not None:
        scheduler = check.string(scheduler, "scheduler")
    source = source.resolve()
    known = assignments(source)
    if assignment not in known:
        raise ValueError(
            f"Unknown assignment {assignment!r}; the assignments in {source} are "
            f"{known}. Received: assignment={assignment!r}"
        )
    folder = submissions_folder(submissions, "submissions").resolve()
    found, duplicates = collect_submissions(folder, assignment)
    for note in duplicates.values():
        warnings.warn(f"{note} (in {folder})", UserWarning, stacklevel=2)

    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not found:
        warnings.warn(
            f"no submissions of {assignment!r} in {folder} (expected <student>.ipynb or "
            f"<student>/{assignment}.ipynb); {out / 'grades.csv'} has no rows",
            UserWarning,
            stacklevel=2,
        )
        solution = nbformat.read(source / assignment / f"{assignment}.ipynb", 4)
        write_gradebook([], out, list(max_points(solution)))
        return []

    hide = {"source": source, "submissions": folder, "out": out}
    if scheduler is None:
        isolation: Isolation | DaskGrading = Isolation.for_run(limits, hide, sandbox)
        isolation.probe()
    else:
        isolation = DaskGrading(scheduler, limits, hide, sandbox)
        jobs = min(len(found), 64)  # threads here only wait for the cluster's results
    try:
        built = build(assignment, source, cell_timeout)
        args = (out / "feedback", cell_timeout, total_timeout, html_feedback)
        results = _grade_all(built, found, duplicates, isolation, args, jobs, progress)
    finally:
        if isinstance(isolation, DaskGrading):
            isolation.close()
    write_gradebook(results, out, list(built.max_points))
    return results


def _grade_all(built, found, duplicates, isolation, args, jobs: int, progress: bool):
    """Every submission of ``found`` through ``grade_one``, ``jobs`` at a time, with a line and
    Keras's progress bar (graded / total) as each one ends; in the order found."""
    bar = _progress_bar(len(found)) if progress else None
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = []
        for s, p in found:
            earlier = [duplicates[s]] if s in duplicates else []
            futures.append(pool.submit(grade_one, built, s, p, *args, earlier, isolation))
        if bar is not None:
            for future in concurrent.futures.as_completed(futures):
                r = future.result()
                print(f"graded {r.student}: {r.status}, {r.score:g} / {r.max_score:g}", flush=True)
                bar.add(1)
        return [f.result() for f in futures]  # in the order found: sorted by student id
