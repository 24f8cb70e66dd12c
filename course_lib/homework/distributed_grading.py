"""Grading on several machines: each submission one task on Dask's distributed scheduler.

Start a scheduler on one machine and workers on every machine that should grade (each with
this course installed, bubblewrap too)::

    dask scheduler --port 8786                       # on HOST
    dask worker tcp://HOST:8786 --nthreads 1         # on each grading machine, as often as
                                                     # it has cores to spare
    python3 course.py homework grade hw4 submissions/hw4 --scheduler tcp://HOST:8786

The grader's machine keeps what it does for local grading: it checks the submissions, sends
each one as a ``Job`` (course_lib.homework.jail: the gradebook and the notebook, nothing that
needs a shared folder) to the scheduler, and reads the points, notes and feedback from the
``Outcome`` that comes back, so the gradebook is the one local grading writes. A worker runs
the job in its own sandbox (``course_lib.homework.isolation``: bubblewrap and the limits, or a
plain process and a note where that worker has no bubblewrap). A worker that dies (killed,
its machine gone) loses nothing: the scheduler gives its tasks to another worker.

Example (no scheduler runs in the doctest; the address is checked first)::

    >>> DaskGrading("localhost:8786", Limits(), {}, True)
    Traceback (most recent call last):
    ...
    ValueError: `scheduler` must be tcp://HOST:PORT. Received: scheduler='localhost:8786'
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from course_lib import argument_validation as check
from course_lib.homework.isolation import Isolation
from course_lib.homework.jail import Job, Outcome, keras_datasets
from course_lib.homework.limits import Limits

__all__ = ["DaskGrading"]

CONNECT_TIMEOUT = 30  # seconds to reach the scheduler before grading gives up


def grade_on_worker(
    job_text: str, limits: dict[str, int], hide: dict[str, str], sandbox: bool
) -> tuple[str | None, str, str]:
    """The task a worker runs: ``job_text`` (an encoded ``Job``) graded in this machine's own
    sandbox. Returns the encoded ``Outcome`` (or None), the jail's raw output and why there
    was no sandbox (or "")."""
    folders = {name: Path(folder) for name, folder in hide.items()}
    isolation = Isolation.for_run(Limits.from_dict(limits), folders, sandbox)
    isolation.probe()
    job = Job.decode(job_text)
    datasets = keras_datasets()  # this machine's, not the grader's
    job.datasets = str(datasets) if datasets else None
    outcome, raw, why_not = isolation.run(job)
    return (outcome.encode() if outcome else None), raw, why_not


class DaskGrading:
    """Grades each job as a task of the Dask scheduler at ``scheduler`` (``tcp://HOST:PORT``)."""

    def __init__(self, scheduler: str, limits: Limits, hide: dict[str, Path], sandbox: bool):
        scheduler = check.string(scheduler, "scheduler")
        if "://" not in scheduler:
            raise ValueError(
                f"`scheduler` must be tcp://HOST:PORT. Received: scheduler={scheduler!r}"
            )
        try:
            from distributed import Client
        except ImportError as error:  # pragma: no cover - the homework extra installs it
            raise ImportError(
                "grading with a scheduler needs Dask's distributed package: "
                "pip install -e '.[homework]'"
            ) from error
        self.limits = limits
        self._hide = {name: os.fspath(path) for name, path in hide.items()}
        self._sandbox = sandbox
        self._local: Isolation | None = None
        try:
            self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as error:
            raise ConnectionError(
                f"no Dask scheduler answered at {scheduler} within {CONNECT_TIMEOUT} s "
                f"({error}). Start one with `dask scheduler`, and workers with "
                f"`dask worker {scheduler}`."
            ) from None

    def run(self, job: Job) -> tuple[Outcome | None, str, str]:
        """Send ``job`` to the scheduler and wait for its result (see ``grade_on_worker``)."""
        future = self.client.submit(
            grade_on_worker,
            job.encode(),
            self.limits.to_dict(),
            self._hide,
            self._sandbox,
            key=f"grade-{job.assignment}-{job.student}-{uuid.uuid4().hex[:8]}",
            pure=False,
            retries=2,  # an error of the worker itself (its sandbox did not start), not a death
        )
        encoded, raw, why_not = future.result()
        return (Outcome.decode(encoded) if encoded else None), raw, why_not

    def score(self, assignment: str, model: bytes) -> dict:
        """A held-out part's score, here in this machine's sandbox (``Isolation.score``):
        the training ran on a worker, the test split stays on the grader's machine."""
        if self._local is None:
            hide = {name: Path(folder) for name, folder in self._hide.items()}
            self._local = Isolation.for_run(self.limits, hide, self._sandbox)
        return self._local.score(assignment, model)

    def close(self) -> None:
        self.client.close()
