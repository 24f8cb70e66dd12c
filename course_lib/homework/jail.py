"""One submission graded from start to end, by a program that needs no shared folder.

``python -m course_lib.homework.jail`` reads a ``Job`` (JSON) from its standard input: the
assignment's gradebook and nbgrader configuration, the submission, the limits. It builds a
course folder in a fresh temporary folder (inside the sandbox: its private ``/tmp``), runs
``nbgrader autograde`` there under ``Limits`` (``course_lib.homework.limits``), and prints an
``Outcome`` (JSON, the last line of its output, after ``MARK``): nbgrader's exit code and log,
the graded gradebook and notebook, and what it had to clean up. Then it deletes the folder.

In the sandbox (``course_lib.homework.bwrap``) the program is the only process besides
bubblewrap's own init that should be left once nbgrader has ended; it kills every other one
(a daemon a submission detached, say) before it reads the results, so nothing of the
submission runs while they are read, and says how many it killed.

The grader (``course_lib.homework.runner``) starts it, in the sandbox or, without bubblewrap,
as a plain process; a distributed grader can send the same job to another machine.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from course_lib.homework.release import with_scripts_on_path

__all__ = ["main"]

# Environment variables the kernel keeps; everything else (tokens, paths into the instructor's
# folders) is dropped. HOME, TMPDIR and the Jupyter/Matplotlib folders point into the copy.
KEEP_ENV = (
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "COURSE_QUICK",
    "COURSE_OFFLINE",
    "KERAS_BACKEND",
    "JAX_ENABLE_X64",
    "CUDA_VISIBLE_DEVICES",
    "TF_CPP_MIN_LOG_LEVEL",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
)

MARK = "COURSE-JAIL-OUTCOME "
_BYTES = ("gradebook", "submission", "graded", "model")


def keras_datasets() -> Path | None:
    """The folder of the datasets Keras downloaded before, if there is one."""
    folder = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"
    return folder if folder.is_dir() else None


def kernel_env(work: Path, datasets: str | None = None) -> dict[str, str]:
    """The kernel's environment: a few variables kept, home and caches inside ``work``;
    ``datasets`` (Keras's downloaded datasets) stays visible through a link in the copy."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
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
    if datasets and Path(datasets).is_dir():
        (home / "keras" / "datasets").symlink_to(datasets, target_is_directory=True)
    return with_scripts_on_path(env)


def _encode(obj: Any) -> str:
    fields = dataclasses.asdict(obj)
    for key in _BYTES:
        if isinstance(fields.get(key), bytes):
            fields[key] = base64.b64encode(fields[key]).decode()
    return json.dumps(fields)


def _decode(cls, text: str):
    fields = json.loads(text)
    for key in _BYTES:
        if isinstance(fields.get(key), str):
            fields[key] = base64.b64decode(fields[key])
    return cls(**fields)


@dataclasses.dataclass
class Job:
    """What grading one submission needs, and nothing else."""

    assignment: str
    student: str
    gradebook: bytes
    submission: bytes
    config: str
    total_timeout: int
    limits: dict[str, int]
    datasets: str | None = None  # Keras's downloaded datasets, linked into the home folder
    sandboxed: bool = False
    held_out: bool = False  # a part trained here and scored by the grader (held_out.RULES)

    def encode(self) -> str:
        return _encode(self)

    @classmethod
    def decode(cls, text: str) -> Job:
        return _decode(cls, text)


@dataclasses.dataclass
class Outcome:
    """What came of it: ``code`` is None when the whole run went over ``total_timeout``."""

    code: int | None
    log: str
    gradebook: bytes | None = None
    graded: bytes | None = None
    submission_kept: bool = True
    killed: int = 0
    model: bytes | None = None  # the network the grader trained (a held-out part)
    trained: dict | None = None  # what its training reported (or its error)

    def encode(self) -> str:
        return _encode(self)

    @classmethod
    def decode(cls, text: str) -> Outcome:
        return _decode(cls, text)


def read_outcome(output: str) -> Outcome | None:
    """The ``Outcome`` on the last line of the jail's output that starts with ``MARK`` (a
    submission may print its own such lines earlier; they come before the jail's own)."""
    for line in reversed(output.splitlines()):
        if line.startswith(MARK):
            return Outcome.decode(line[len(MARK) :])
    return None


def run_in_group(
    args: list[str],
    *,
    cwd: str | os.PathLike,
    env: dict[str, str],
    timeout: float,
    stdin: str | None = None,
    user: int | None = None,
    preexec_fn: Any = None,
) -> tuple[int | None, str]:
    """Run ``args`` in a process group of its own (as ``user`` and its group, if given), with
    ``stdin``; kill the whole group when it ends or is overdue, so that what it started ends
    too. Returns ``(exit code, or None when it ran past timeout; its output)``."""
    ids = {"user": user, "group": user, "extra_groups": []} if user is not None else {}
    with subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
        preexec_fn=preexec_fn,
        **ids,
    ) as proc:
        try:
            out, _ = proc.communicate(stdin, timeout=timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            code, out = None, ""
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if code is None:
                out, _ = proc.communicate()
    return code, out or ""


def _in_sandbox() -> bool:
    """Whether this process runs under bubblewrap's init in a process namespace of its own,
    where every other process is the submission's (never true outside the sandbox)."""
    try:
        return os.getppid() == 1 and Path("/proc/1/comm").read_text().strip() == "bwrap"
    except OSError:
        return False


def _kill_the_rest() -> int:
    """Kill every process of the sandbox but bubblewrap's init and this one; how many."""
    me, killed = os.getpid(), set()
    for _ in range(50):  # a process may fork while the others are killed: look again
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.05)
    # reap the children among them (the others are re-parented to bubblewrap's init)
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break
    return len(killed)


def run_job(job: Job) -> Outcome:
    """Grade ``job`` in a fresh temporary course folder (see the module)."""
    from course_lib.homework.limits import Limits, set_rlimits
    from course_lib.homework.release import nbgrader_command

    limits = Limits.from_dict(job.limits)
    hw, student = job.assignment, job.student
    work = Path(tempfile.mkdtemp(prefix=f"course-jail-{hw}-{student}-"))
    try:
        root = work / "course"
        submitted = root / "submitted" / student / hw
        submitted.mkdir(parents=True)
        (root / "gradebook.db").write_bytes(job.gradebook)
        (submitted / f"{hw}.ipynb").write_bytes(job.submission)
        # nbgrader reads its configuration from the course root before the submission runs.
        (root / "nbgrader_config.py").write_text(job.config)
        env = kernel_env(work, job.datasets)
        command = nbgrader_command(
            "autograde", hw, f"--student={student}", "--force", f"--CourseDirectory.root={root}"
        )
        code, log = run_in_group(
            command,
            cwd=root,
            env=env,
            timeout=job.total_timeout,
            preexec_fn=lambda: set_rlimits(limits, processes=job.sandboxed),
        )
        killed = _kill_the_rest() if job.sandboxed and _in_sandbox() else 0
        graded = root / "autograded" / student / hw / f"{hw}.ipynb"
        book = root / "gradebook.db"
        model, trained = None, None
        if job.held_out and code is not None:
            model, trained = _train_held_out(job, graded.parent, work, env, limits)
            if job.sandboxed and _in_sandbox():
                killed += _kill_the_rest()
        return Outcome(
            code=code,
            log=(log or "")[-20000:],
            gradebook=book.read_bytes() if code is not None and book.exists() else None,
            graded=graded.read_bytes() if graded.exists() else None,
            submission_kept=(submitted / f"{hw}.ipynb").exists(),
            killed=killed,
            model=model,
            trained=trained,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _train_held_out(job: Job, folder: Path, work: Path, env: dict, limits) -> tuple:
    """Train the network the notebook handed in (``held_out.Rules.hand_in`` wrote it to
    ``folder``), in a fresh process that runs none of the submission's code: ``(the trained
    model file's bytes or None, the training's report)``."""
    from course_lib.homework.held_out import RULES, read_report
    from course_lib.homework.limits import set_rlimits

    rules = RULES[job.assignment]
    entry = folder / rules.entry
    if not entry.is_file():
        return None, {"error": f"no {rules.entry}: the cell that hands the network in did not run"}
    out = work / "trained.keras"
    limit = rules.now("train_seconds")
    command = [sys.executable, "-m", "course_lib.homework.held_out", "train", job.assignment]
    code, log = run_in_group(
        [*command, str(entry), str(out)],
        cwd=work,
        env=env,
        timeout=limit,
        preexec_fn=lambda: set_rlimits(limits, processes=job.sandboxed),
    )
    report = read_report(log)
    if code is None:
        return None, {"error": f"the grader's training went over its limit of {limit} s"}
    if report is None:
        tail = " | ".join(log.strip().splitlines()[-3:])
        return None, {"error": f"the grader's training failed (exit code {code}): {tail[-400:]}"}
    if "error" in report or not out.is_file():
        return None, report
    return out.read_bytes(), report


def main() -> int:
    job = Job.decode(sys.stdin.read())
    outcome = run_job(job)
    sys.stdout.write("\n" + MARK + outcome.encode() + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
