"""The sandbox a submission is graded in: bubblewrap (``bwrap``), Debian's ``bubblewrap``.

``sandbox_command`` wraps the command that grades one submission (``python -m
course_lib.homework.jail``) in ``bwrap``, which gives it Linux namespaces of its own:

- the whole file system read-only (``--ro-bind / /``), with the instructor's folders covered by
  empty in-memory folders: the solutions (``source``), the submissions, the grader's output and
  the home folder (when the course's environment is not inside it);
- its own ``/tmp`` and ``/dev/shm``, in memory and ``Limits.disk_mb`` in size each: the only
  places it can write; the working copies of other submissions are not in them (a course
  checked out in ``/tmp`` is shown again in it, read-only: its environment and package);
- no network but its own loopback (``--unshare-net``), its own process ids (``--unshare-pid``:
  whatever it leaves running, a detached daemon included, is killed when it ends) and its own
  session (``--new-session``); it dies with the grader (``--die-with-parent``);
- as root, the sandbox runs as the user ``nobody`` (uid 65534): resource limits on the number
  of processes do not apply to root, and nothing a student wrote should run as root.

Where ``bwrap`` is missing, ``find_bwrap`` returns None and the grader says loudly that it
grades without the sandbox (``course_lib.homework.grading``).

Example:
    >>> command = sandbox_command(["python", "-V"], hide=[], limits=Limits(disk_mb=64),
    ...                           bwrap="/usr/bin/bwrap")
    >>> command[:3], command[-3:]
    (['/usr/bin/bwrap', '--ro-bind', '/'], ['--', 'python', '-V'])
    >>> "--unshare-all" in command and "--die-with-parent" in command
    True
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from course_lib import argument_validation as check
from course_lib.homework.limits import MB, Limits

__all__ = ["find_bwrap", "sandbox_command"]

NOBODY = 65534  # uid and gid of the user ``nobody`` on Debian and most Linux systems


def find_bwrap() -> str | None:
    """The ``bwrap`` program on PATH, or None (then grading runs without the sandbox)."""
    return shutil.which("bwrap")


def sandbox_user() -> int | None:
    """The uid (and gid) the sandbox runs as: ``NOBODY`` when the grader is root, else None
    (the grader's own user)."""
    return NOBODY if os.geteuid() == 0 else None


def needed_paths() -> list[Path]:
    """What the sandbox must see: the Python environment and the course's package."""
    import course_lib

    return [Path(sys.prefix).resolve(), Path(course_lib.__file__).resolve().parent]


def _contains(folder: Path, path: Path) -> bool:
    return path == folder or folder in path.parents


def home_to_hide() -> Path | None:
    """The grader's home folder, unless the Python environment or the course is inside it."""
    home = Path.home().resolve()
    return None if any(_contains(home, path) for path in needed_paths()) else home


def sandbox_command(
    inner: Sequence[str],
    *,
    hide: Sequence[tuple[str, str | os.PathLike]],
    limits: Limits,
    bwrap: str,
    visible: Sequence[str | os.PathLike] = (),
    held_out: Sequence[tuple[str | os.PathLike, Sequence[str | os.PathLike]]] = (),
) -> list[str]:
    """``inner`` run in the sandbox (see the module).

    Args:
        inner: the command and its arguments.
        hide: ``(argument name, folder)`` pairs of the folders to cover; a folder that would
            cover the Python environment or the course's package is refused, with the
            argument's name.
        limits: its ``disk_mb`` sizes ``/tmp`` and ``/dev/shm``.
        bwrap: the ``bwrap`` program (``find_bwrap()``).
        visible: folders shown again, read-only, inside a covered one (e.g. Keras's datasets
            in a covered home folder).
        held_out: ``(folder, files to keep)`` pairs: each folder is covered and only those of
            its files are shown again (a dataset's training files, its test files held out:
            ``course_lib.homework.held_out``).
    """
    inner = check.string_list(inner, "inner")
    check.instance(hide, "hide", (list, tuple), "a list of (argument name, folder) pairs")
    check.instance(limits, "limits", Limits, "a course_lib.homework.limits.Limits")
    bwrap = check.string(bwrap, "bwrap")
    size = str(limits.disk_mb * MB)
    args = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/dev/shm"]
    needed = needed_paths()
    for path in needed:  # a checkout in /tmp: its environment shown again over the new /tmp
        if _contains(Path("/tmp"), path):
            args += ["--ro-bind", str(path), str(path)]
    for pair in hide:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(
                f"`hide` must be a list of (argument name, folder) pairs. Received: hide={hide!r}"
            )
        name, folder = check.string(pair[0], "hide"), pair[1]
        folder = Path(check.path(folder, "hide")).resolve()
        clash = [path for path in needed if _contains(folder, path)]
        if clash:
            raise ValueError(
                f"`{name}` holds what the sandbox must see ({clash[0]}), so it cannot be "
                f"hidden from the submissions: use a folder outside it. Received: "
                f"{name}={str(folder)!r}"
            )
        if folder.is_dir() and not _contains(Path("/tmp"), folder):  # /tmp is covered already
            args += ["--tmpfs", str(folder)]
    for folder in visible:
        folder = Path(folder).resolve()
        if folder.is_dir():
            args += ["--ro-bind", str(folder), str(folder)]
    for folder, keep in held_out:
        folder = Path(folder).resolve()
        if folder.is_dir():
            args += ["--tmpfs", str(folder)]
            for path in keep:
                args += ["--ro-bind", str(Path(path).resolve()), str(folder / Path(path).name)]
    args += ["--unshare-all", "--die-with-parent", "--new-session", "--chdir", "/tmp"]
    return [*args, "--", *inner]
