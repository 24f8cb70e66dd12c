"""How a grading run isolates its submissions, and running one ``Job`` that way.

``Isolation.for_run`` decides once per run: the bubblewrap sandbox (``course_lib.homework.bwrap``)
when ``bwrap`` is installed, with the run's own folders hidden, else a plain process with a loud
warning. ``probe`` starts the sandbox once with nothing to grade, so that a sandbox that cannot
start (no user namespaces, a course folder the user ``nobody`` may not read) fails the run with
the reason before any submission is graded, instead of failing every submission.
``run_job`` sends one ``Job`` to ``python -m course_lib.homework.jail`` and reads its
``Outcome``.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import sys
import warnings
from pathlib import Path

from course_lib.homework import bwrap
from course_lib.homework.held_out import held_out_files, read_report
from course_lib.homework.jail import (
    KEEP_ENV,
    Job,
    Outcome,
    keras_datasets,
    read_outcome,
    run_in_group,
)
from course_lib.homework.limits import Limits

__all__ = ["SandboxError"]

NO_SANDBOX = (
    "bubblewrap (bwrap) is not installed: grading WITHOUT the sandbox. Submissions run as "
    "your user with your rights: they can read the solutions and other submissions, reach "
    "the network and leave processes behind; only time, memory, file-size and CPU limits "
    "apply. Install it (Debian/Ubuntu: apt-get install bubblewrap) before grading work you "
    "do not trust."
)


SCORE_TIMEOUT = 600  # seconds to load a trained model and score it on the test split


class SandboxError(RuntimeError):
    """The sandbox could not start at all (not a submission's fault)."""


@dataclasses.dataclass(frozen=True)
class Isolation:
    """The sandbox of one grading run: ``bwrap`` None means a plain process."""

    limits: Limits
    bwrap: str | None
    hide: tuple[tuple[str, str], ...] = ()
    visible: tuple[str, ...] = ()
    user: int | None = None
    why_not: str = ""  # why there is no sandbox, when there is none

    @classmethod
    def for_run(cls, limits: Limits, hide: dict[str, Path], sandbox: bool = True) -> Isolation:
        """The sandbox when bwrap is installed (and ``sandbox``), else a plain process and a
        warning. ``hide``: ``{argument name: folder}`` of the run's own folders."""
        if not sandbox:
            return cls(limits, None, why_not="sandbox=False")
        program = bwrap.find_bwrap()
        if program is None:
            warnings.warn(NO_SANDBOX, UserWarning, stacklevel=3)
            return cls(limits, None, why_not="bubblewrap is not installed")
        folders = [(name, str(path)) for name, path in hide.items()]
        home = bwrap.home_to_hide()
        if home is not None:
            folders.append(("home folder", str(home)))
        datasets = keras_datasets()
        user = bwrap.sandbox_user()
        shown = datasets is not None and (user is None or _everyone_can_read(datasets))
        visible = (str(datasets.resolve()),) if shown else ()
        # checks the folders now (a folder that would hide the environment is refused)
        bwrap.sandbox_command(["true"], hide=folders, limits=limits, bwrap=program)
        return cls(limits, program, tuple(folders), visible, user)

    @property
    def sandboxed(self) -> bool:
        return self.bwrap is not None

    def command(self, inner: list[str], held_out: str | None = None) -> list[str]:
        """``inner`` in the sandbox; ``held_out``: an assignment whose test files it hides."""
        if self.bwrap is None:
            return inner
        return bwrap.sandbox_command(
            inner,
            hide=self.hide,
            limits=self.limits,
            bwrap=self.bwrap,
            visible=self.visible,
            held_out=held_out_files(held_out) if held_out else (),
        )

    def run(self, job: Job) -> tuple[Outcome | None, str, str]:
        """Grade ``job`` here: ``(outcome, the jail's raw output, why there was no sandbox
        or "")`` (see ``run_job``)."""
        outcome, raw = run_job(job, self)
        return outcome, raw, "" if self.sandboxed else self.why_not

    def score(self, assignment: str, model: bytes) -> dict:
        """The held-out score of a model the jail trained (``held_out.score``), in a sandbox
        of its own that shows the test split and runs no code of the submission: the model
        is loaded in Keras's safe mode. Its report, with ``error`` when it failed."""
        command = [sys.executable, "-m", "course_lib.homework.held_out", "score", assignment]
        code, out = _run(
            self.command(command),
            base64.b64encode(model).decode(),
            self.user,
            timeout=SCORE_TIMEOUT,
            keras_home=Path(self.visible[0]).parent if self.visible else keras_home(),
        )
        report = read_report(out)
        if report is None:
            tail = " | ".join(out.strip().splitlines()[-3:])
            return {"error": f"scoring failed (exit code {code}): {tail[-400:]}"}
        return report

    def probe(self) -> None:
        """Start the sandbox once, importing what grading needs; ``SandboxError`` if not."""
        if self.bwrap is None:
            return
        code, out = _run(
            self.command([sys.executable, "-c", "import nbgrader, course_lib.homework.jail"]),
            "",
            self.user,
            timeout=120,
        )
        if code != 0:
            who = f" as the user nobody (uid {self.user})" if self.user is not None else ""
            raise SandboxError(
                f"the grading sandbox (bubblewrap) does not start{who}: exit code {code}. "
                "Unprivileged user namespaces must be allowed, and the Python environment "
                f"({sys.prefix}) and the course must be readable by that user. Its output:\n"
                f"{out[-2000:]}"
            )


def _everyone_can_read(folder: Path) -> bool:
    """Whether any user may list ``folder`` (and pass through every folder above it)."""
    folder = folder.resolve()
    try:
        if folder.stat().st_mode & 0o005 != 0o005:
            return False
        return all(parent.stat().st_mode & 0o001 for parent in folder.parents)
    except OSError:
        return False


def keras_home() -> Path | None:
    """The folder above Keras's downloaded datasets, if there are any."""
    datasets = keras_datasets()
    return datasets.parent if datasets else None


def _run(
    args: list[str],
    stdin: str,
    user: int | None,
    timeout: float,
    keras_home: Path | None = None,
) -> tuple[int | None, str]:
    """``args`` with only the kept environment, ``stdin`` and ``user`` (``run_in_group``)."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    if keras_home is not None:
        env["KERAS_HOME"] = str(keras_home)
    return run_in_group(args, cwd="/", env=env, timeout=timeout, stdin=stdin, user=user)


def run_job(job: Job, isolation: Isolation) -> tuple[Outcome | None, str]:
    """Grade ``job`` in ``isolation``: its ``Outcome`` (None if the jail printed none: it was
    killed or crashed) and the jail's raw output (for the reason)."""
    job = dataclasses.replace(job, sandboxed=isolation.sandboxed)
    held_out = job.assignment if job.held_out else None
    command = isolation.command([sys.executable, "-m", "course_lib.homework.jail"], held_out)
    # The jail stops nbgrader at total_timeout itself; this limit is for a jail that hangs.
    code, out = _run(command, job.encode(), isolation.user, timeout=job.total_timeout + 60)
    outcome = read_outcome(out)
    if outcome is None and code is None:
        outcome = Outcome(code=None, log=out[-3000:])
    return outcome, out
