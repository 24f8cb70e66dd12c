"""Student versions of the assignments, made by ``nbgrader generate_assignment``.

Also the small pieces of nbgrader that grading shares: the ``nbgrader`` command of this
environment, the nbgrader steps that run in this process, and ``generate``.

Example:
    >>> from course_lib.homework import release
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [path.relative_to(out).as_posix() for path in release(["hw1"], out=out)]
    ['hw1/hw1.ipynb']
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check

__all__ = [
    "DEFAULT_SOURCE",
    "IN_PROCESS_STEPS",
    "NbgraderError",
    "assignments",
    "generate",
    "nbgrader_command",
    "release",
    "run_in_process",
    "with_scripts_on_path",
]

#: The solution notebooks, ``<DEFAULT_SOURCE>/<hw>/<hw>.ipynb``.
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "assignments" / "source"


class NbgraderError(RuntimeError):
    """nbgrader failed; the message holds the end of its log."""


#: The nbgrader steps ``run_in_process`` runs: they execute no submitted code.
IN_PROCESS_STEPS = ("generate_assignment", "generate_feedback")


def _string_args(args: Sequence[Any]) -> list[str]:
    """``*args`` of a command: non-empty strings (a number or a Path would fail later)."""
    return check.string_list(list(args), "args")


def nbgrader_command(*args: str) -> list[str]:
    """``python -m nbgrader ARGS`` with this interpreter (so the kernel is this environment's).

    Example:
        >>> nbgrader_command("autograde", "hw1")[1:]
        ['-m', 'nbgrader', 'autograde', 'hw1']
    """
    return [sys.executable, "-m", "nbgrader", *_string_args(args)]


def with_scripts_on_path(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with this environment's scripts first on PATH (nbgrader runs ``alembic``).

    Example:
        >>> path = with_scripts_on_path({"PATH": "/usr/bin"})["PATH"]
        >>> path.split(os.pathsep) == [str(Path(sys.executable).parent), "/usr/bin"]
        True
    """
    check.instance(env, "env", Mapping, "a mapping of environment variables (e.g. os.environ)")
    scripts = str(Path(sys.executable).parent)
    return {**env, "PATH": os.pathsep.join([scripts, env.get("PATH", os.defpath)])}


def assignments(source: str | os.PathLike = DEFAULT_SOURCE) -> list[str]:
    """The assignment names in ``source``: folders ``<hw>`` that hold ``<hw>.ipynb``.

    Example:
        >>> assignments()
        ['hw1', 'hw2', 'hw3', 'hw4']
    """
    source = Path(check.path(source, "source"))
    if not source.is_dir():
        raise ValueError(f"`source` must be a folder of assignments. Received: source={source}")
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _known_names(names: list[str] | None, source: Path) -> list[str]:
    """``names`` (checked by ``release``) if all are assignments in ``source``; None: all."""
    known = assignments(source)
    if names is None:
        return known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"Unknown assignment(s) {unknown}; the assignments in {source} are {known}. "
            f"Received: names={list(names)}"
        )
    return list(names)


# nbgrader's apps keep global state (logging, the working directory of some steps): one at a
# time in this process. Only the steps that run no submitted code run in-process.
_NBGRADER_LOCK = threading.Lock()


def _cache_alembic_head() -> None:
    """Ask ``alembic`` for nbgrader's schema version once a process, not once a gradebook.

    nbgrader starts ``alembic heads`` (a Python process that imports nbgrader, seconds) for
    every new gradebook; the answer is fixed by the installed nbgrader. Called under the lock.
    """
    import nbgrader.api

    if not hasattr(nbgrader.api.get_alembic_version, "cache_info"):
        nbgrader.api.get_alembic_version = functools.cache(nbgrader.api.get_alembic_version)


@contextlib.contextmanager
def _scripts_on_path():
    """This environment's scripts first on PATH while nbgrader runs (it calls ``alembic``)."""
    old = os.environ.get("PATH")
    os.environ["PATH"] = with_scripts_on_path(dict(os.environ))["PATH"]
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = old


def run_in_process(
    step: str,
    root: str | os.PathLike,
    assignment: str,
    student: str | None = None,
    *,
    config: Mapping[str, Any] | None = None,
) -> None:
    """Run the nbgrader API method ``step`` for ``assignment`` in the course folder ``root``.

    Only for the steps that execute no submitted code (``IN_PROCESS_STEPS``:
    ``generate_assignment``, ``generate_feedback``); it saves starting a Python process with
    nbgrader each time. ``autograde`` runs submitted code, so it always runs in a process of
    its own (``course_lib.homework.runner``) and is refused here. ``student`` (feedback only)
    limits the step to one student. ``config`` maps ``"Class.trait"`` to a value; no
    ``nbgrader_config.py`` is read.

    Raises:
        NbgraderError: with the end of nbgrader's log, when the step failed.
    """
    step = check.one_of(step, "step", IN_PROCESS_STEPS)
    root = Path(check.path(root, "root"))
    assignment = check.string(assignment, "assignment")
    student = check.optional(check.string, student, "student")
    if student is not None and step != "generate_feedback":
        raise ValueError(
            f"`student` is only for step='generate_feedback'. Received: student={student!r}"
        )
    check.optional(
        check.instance, config, "config", types=Mapping, what="a mapping of 'Class.trait' keys"
    )
    for key in check.string_list(list(config or {}), "config"):
        if key.count(".") != 1 or not all(key.split(".")):
            raise ValueError(f"`config` keys must be 'Class.trait'. Received: config key {key!r}")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    cfg = Config()
    cfg.CourseDirectory.root = str(root)
    for key, value in (config or {}).items():
        section, trait = key.split(".")
        cfg[section][trait] = value
    args = (assignment,) if student is None else (assignment, student)
    with _NBGRADER_LOCK, _scripts_on_path():
        _cache_alembic_head()
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        result = getattr(api, step)(*args)
    if not result.get("success"):
        log = (str(result.get("log", "")) + str(result.get("error", "")))[-4000:]
        raise NbgraderError(f"nbgrader {step} {' '.join(args)} failed:\n{log}")


def generate(name: str, source: str | os.PathLike, root: str | os.PathLike) -> None:
    """Run ``nbgrader generate_assignment`` for ``name`` in the course folder ``root``.

    Copies ``source/<name>`` to ``root/source/<name>``; nbgrader then writes the student
    version to ``root/release/<name>`` and the gradebook (with the hidden tests) to
    ``root/gradebook.db``.
    """
    name = check.string(name, "name")
    source = Path(check.path(source, "source"))
    root = Path(check.path(root, "root"))
    known = assignments(source)
    if name not in known:
        raise ValueError(
            f"Unknown assignment {name!r}; the assignments in {source} are {known}. "
            f"Received: name={name!r}"
        )
    shutil.copytree(source / name, root / "source" / name)
    run_in_process("generate_assignment", root, name)


def release(
    names: Sequence[str] | None = None,
    *,
    out: str | os.PathLike,
    source: str | os.PathLike = DEFAULT_SOURCE,
) -> list[Path]:
    """Write the student version of each assignment to ``out/<hw>/<hw>.ipynb``.

    Args:
        names: a non-empty list of assignment names, or None (the default) for all of them.
        out: folder for the student versions; existing versions there are replaced.
        source: folder of the solution notebooks, ``source/<hw>/<hw>.ipynb``.

    Returns:
        The paths of the student notebooks.

    Example: see the module's (each assignment takes nbgrader a few seconds).
    """
    names = check.optional(check.string_list, names, "names", allow_empty=False)
    out = Path(check.path(out, "out")).resolve()
    source = Path(check.path(source, "source")).resolve()
    names = _known_names(names, source)
    written = []
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        root = Path(tmp)
        for name in names:
            generate(name, source, root)
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(root / "release" / name, target)
            written.append(target / f"{name}.ipynb")
    return written
