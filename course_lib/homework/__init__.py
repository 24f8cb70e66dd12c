"""Homework that grades itself: student versions from solutions, and a grader for submissions.

The assignments live in ``assignments/source/<hw>/<hw>.ipynb``, one solution notebook each,
written in nbgrader's format (solution regions between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, hidden tests between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``, points in the metadata of the test cells). nbgrader does the work:

- ``release(...)`` runs ``nbgrader generate_assignment`` and writes the student versions, with
  the solutions replaced by ``raise NotImplementedError()`` and the hidden tests removed.
- ``grade(...)`` runs ``nbgrader autograde`` on every notebook of a folder of submissions and
  writes ``grades.csv`` and per-student feedback (nbgrader's HTML, with the hidden tests taken
  out, and a short text report of points and reasons).

On the command line: ``python3 course.py homework release`` and
``python3 course.py homework grade hw1 SUBMISSIONS_DIR`` (or ``python -m course_lib.homework``).

The package's files: ``release`` (student versions, the nbgrader steps run in this process),
``grading`` (``grade``: checks, then one run a submission), ``scan`` (finding the submissions,
reading and scanning notebooks), ``runner`` (one submission: its job out, its results back),
``jail`` (the program that grades one job: a private course folder, ``nbgrader autograde``
under the limits), ``isolation`` and ``bwrap`` (the bubblewrap sandbox the jail runs in),
``limits`` (memory, file size, processes, CPU, disk), ``distributed_grading`` (each
submission a task of a Dask scheduler's workers), ``sandbox`` (the hidden files off the disk
while the kernel runs; a cell that ignores the interrupt stopped), ``gradebook`` (``Result``,
``grades.csv``, the text and HTML feedback), ``feedback`` (tracebacks cut) and ``held_out``
(HW4's part that the grader trains and scores itself, on a test split the sandbox hides).

What grading guarantees, with bubblewrap installed (README, "What the grader guarantees"):
every submission in its own sandbox, with a read-only view of the machine in which the
solutions, the submissions, the output folder and the home folder are covered; its own
in-memory ``/tmp`` of bounded size; no network; its own process ids, so nothing it starts
outlives it; limits on memory, file size, processes and CPU time, each named in the notes when
it is hit; as root, the user ``nobody``. Always: a time limit per cell (also for a cell that
ignores SIGINT) and per submission, test cells put back, the hidden tests off the disk while
student code runs and never in the feedback.

What it does not: without bubblewrap (a loud warning, a note in every row), the submission runs
as the grader's user with the grader's rights; a cell can read the source of a hidden test cell
that already ran from the kernel's input history (``In``); and because tests run in the same
Python process as the submission, a submission written to cheat can fool them (e.g. by
replacing ``numpy`` functions), except HW4's accuracy, measured outside that process.
"""

from course_lib.homework.grading import Result, grade
from course_lib.homework.release import DEFAULT_SOURCE, assignments, release

__all__ = ["DEFAULT_SOURCE", "Result", "assignments", "grade", "release"]
