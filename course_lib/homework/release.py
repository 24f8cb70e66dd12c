"""Student versions of the assignments, made by ``nbgrader generate_assignment``.

Example:
    >>> from course_lib.homework import release
    >>> release(["hw1"], out="build/student")
    [PosixPath('build/student/hw1/hw1.ipynb')]
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "DEFAULT_SOURCE",
    "NbgraderError",
    "assignments",
    "generate",
    "nbgrader_command",
    "run_in_process",
    "with_scripts_on_path",
]

#: The solution notebooks, ``<DEFAULT_SOURCE>/<hw>/<hw>.ipynb``.
DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "assignments" / "source"


class NbgraderError(RuntimeError):
    """nbgrader failed; the message holds the end of its log."""


def nbgrader_command(*args: str) -> list[str]:
    """``python -m nbgrader ARGS`` with this interpreter (so the kernel is this environment's)."""
    return [sys.executable, "-m", "nbgrader", *args]


def with_scripts_on_path(env: dict[str, str]) -> dict[str, str]:
    """``env`` with this environment's scripts first on PATH (nbgrader runs ``alembic``)."""
    scripts = str(Path(sys.executable).parent)
    return {**env, "PATH": os.pathsep.join([scripts, env.get("PATH", os.defpath)])}


def assignments(source: str | os.PathLike = DEFAULT_SOURCE) -> list[str]:
    """The assignment names in ``source``: folders ``<hw>`` that hold ``<hw>.ipynb``.

    Example:
        >>> assignments()
        ['hw1', 'hw2', 'hw3', 'hw4']
    """
    source = Path(source)
    if not source.is_dir():
        raise ValueError(f"`source` must be a folder of assignments. Received: source={source}")
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _check_names(names: Sequence[str] | None, source: Path) -> list[str]:
    known = assignments(source)
    if names is None or len(names) == 0:
        return known
    if isinstance(names, str):
        raise TypeError(f"`names` must be a list of assignment names. Received: names={names!r}")
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


def run_in_process(step: str, root: Path, *args: str, config: dict | None = None) -> None:
    """Run the nbgrader API method ``step`` for the course folder ``root``.

    Used for the steps that execute no submitted code (``generate_assignment``,
    ``generate_feedback``); it saves starting a Python process with nbgrader each time.
    ``config`` maps ``"Class.trait"`` to a value. No ``nbgrader_config.py`` is read.

    Raises:
        NbgraderError: with the end of nbgrader's log, when the step failed.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    cfg = Config()
    cfg.CourseDirectory.root = str(root)
    for key, value in (config or {}).items():
        section, trait = key.split(".")
        cfg[section][trait] = value
    with _NBGRADER_LOCK, _scripts_on_path():
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        result = getattr(api, step)(*args)
    if not result.get("success"):
        log = (str(result.get("log", "")) + str(result.get("error", "")))[-4000:]
        raise NbgraderError(f"nbgrader {step} {' '.join(args)} failed:\n{log}")


def generate(name: str, source: Path, root: Path) -> None:
    """Run ``nbgrader generate_assignment`` for ``name`` in the course folder ``root``.

    Copies ``source/<name>`` to ``root/source/<name>``; nbgrader then writes the student
    version to ``root/release/<name>`` and the gradebook (with the hidden tests) to
    ``root/gradebook.db``.
    """
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
        names: assignment names (default: all in ``source``).
        out: folder for the student versions; existing versions there are replaced.
        source: folder of the solution notebooks, ``source/<hw>/<hw>.ipynb``.

    Returns:
        The paths of the student notebooks.

    Example:
        >>> release(["hw2"], out="/tmp/student")
        [PosixPath('/tmp/student/hw2/hw2.ipynb')]
    """
    source = Path(source).resolve()
    names = _check_names(names, source)
    out = Path(out).resolve()
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
