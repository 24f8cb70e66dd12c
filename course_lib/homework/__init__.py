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
reading and scanning notebooks), ``runner`` (one submission in its working copy and nbgrader
process), ``sandbox`` (the hidden files off the disk while the kernel runs), ``gradebook``
(``Result``, ``grades.csv``, the text and HTML feedback) and ``feedback`` (tracebacks cut).

What grading isolates (nbgrader plus ``course_lib.homework.runner``):

- every submission is graded in its own fresh temporary copy of the course folder, in its own
  nbgrader process and kernel, one after the other or in parallel; a crash, a hang or a broken
  file in one submission leaves the others' grades untouched;
- each cell has a time limit (``cell_timeout``, whole seconds); a cell that runs over it is
  interrupted, its part scores zero and the reason is recorded, and the whole run has a limit
  too;
- test cells and provided cells are put back from the source before execution (nbgrader), and
  the grader records which ones a submission changed or deleted;
- the kernel runs with a temporary home folder and working directory inside that copy; while it
  runs, the files of the run that hold hidden tests (gradebook, graded notebook) are not on disk
  (``course_lib.homework.sandbox``), and the build folder nbgrader made them in is already
  deleted; the student versions and the feedback never contain them.

What it does not isolate: the kernel runs as the instructor's user, with that user's rights, on
the same machine. Code in a submission that looks up the instructor's files by absolute path
(the solutions in ``assignments/source``, the course checkout found through ``sys.executable``)
can read, change or delete them; it can read the source of a hidden test cell that already ran
from the kernel's input history; with ``jobs > 1`` it can find another submission's working
copy while that one is set up or saved; a process it detaches from its process group survives;
and because tests run in the same Python process as the submission, a submission written to
cheat can fool them (e.g. by replacing ``numpy`` functions).
Grade submissions you do not trust in a container or a virtual machine, or as a separate user.
"""

from course_lib.homework.grading import Result, grade
from course_lib.homework.release import DEFAULT_SOURCE, assignments, release

__all__ = ["DEFAULT_SOURCE", "Result", "assignments", "grade", "release"]
