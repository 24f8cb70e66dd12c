"""What one submission may use while it is graded: memory, file size, processes, CPU, disk.

``Limits`` holds the numbers. Inside the sandbox (``course_lib.homework.bwrap``) they are
enforced by the kernel of the operating system: ``set_rlimits`` gives the nbgrader process of a
submission, and so its Jupyter kernel and everything that starts, POSIX resource limits
(``RLIMIT_AS``, ``RLIMIT_FSIZE``, ``RLIMIT_CPU`` and, in the sandbox only, ``RLIMIT_NPROC``),
and the sandbox's only writable folders (``/tmp``, ``/dev/shm``) are in-memory file systems of
``disk_mb`` each. A submission that reaches a limit gets an error where it asked for more
(``MemoryError``, ``OSError`` "File too large" or "No space left on device", a failed fork);
``limit_note`` names the limit in its gradebook note.

Example:
    >>> Limits(memory_mb=2048).memory_mb
    2048
    >>> Limits(processes=0)
    Traceback (most recent call last):
    ...
    ValueError: `processes` must be a positive integer. Received: processes=0
"""

from __future__ import annotations

import dataclasses
import resource
from typing import Any

from course_lib import argument_validation as check

__all__ = ["Limits"]

MB = 2**20


@dataclasses.dataclass(frozen=True)
class Limits:
    """The resources of one graded submission.

    Args:
        memory_mb: address space of each of its processes, in MiB (``RLIMIT_AS``). A
            TensorFlow kernel maps about 3 GiB before it computes anything.
        file_size_mb: the largest file it may write, in MiB (``RLIMIT_FSIZE``).
        processes: processes and threads it may have at once (``RLIMIT_NPROC``; counted in
            the sandbox's own user namespace, so only there).
        cpu_seconds: CPU time of each process, in seconds (``RLIMIT_CPU``).
        disk_mb: size of each of its two writable folders (``/tmp`` with its working copy,
            and ``/dev/shm``), in MiB; in the sandbox only.
    """

    memory_mb: int = 8192
    file_size_mb: int = 256
    processes: int = 512
    cpu_seconds: int = 7200
    disk_mb: int = 1024

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            object.__setattr__(
                self, field.name, check.positive_int(getattr(self, field.name), field.name)
            )

    def to_dict(self) -> dict[str, int]:
        """The limits as a plain dictionary (for the job a sandbox is sent).

        Example:
            >>> Limits.from_dict(Limits(disk_mb=64).to_dict()) == Limits(disk_mb=64)
            True
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> Limits:
        return cls(**config)


def set_rlimits(limits: Limits, *, processes: bool) -> None:
    """Give the calling process (and what it starts) the POSIX limits of ``limits``.

    Meant for the child process between ``fork`` and ``exec`` (``preexec_fn``) of a program
    that is single-threaded. ``processes`` also sets ``RLIMIT_NPROC``: only in the sandbox,
    where the count is the sandbox's own (outside, it would count every process of the user).
    """
    pairs = [
        (resource.RLIMIT_AS, limits.memory_mb * MB),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * MB),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
    ]
    if processes:
        pairs.append((resource.RLIMIT_NPROC, limits.processes))
    for kind, value in pairs:
        resource.setrlimit(kind, (value, value))


def limit_note(ename: str, evalue: str, limits: Limits) -> str | None:
    """Which limit an error of a graded cell shows, if any, for its gradebook note.

    Example:
        >>> limit_note("OSError", "[Errno 27] File too large", Limits())
        'the file size limit of 256 MiB'
        >>> limit_note("ValueError", "shapes (2,3) and (2,3) not aligned", Limits()) is None
        True
    """
    if ename == "MemoryError" or "Cannot allocate memory" in evalue or "bad_alloc" in evalue:
        return f"the memory limit of {limits.memory_mb} MiB"
    if "[Errno 27]" in evalue or "File too large" in evalue:
        return f"the file size limit of {limits.file_size_mb} MiB"
    if "[Errno 28]" in evalue or "No space left" in evalue:
        return f"the disk limit of {limits.disk_mb} MiB"
    if "[Errno 11]" in evalue and ename in ("BlockingIOError", "OSError"):
        return f"the limit of {limits.processes} processes"
    return None
