"""Quick mode and full mode.

The course runs in one of two modes. *Full* mode (the default) is the real experiment: the
whole dataset and enough epochs for the accuracy a notebook promises. *Quick* mode uses small
subsets and one or two epochs so that every notebook runs in well under a minute on a laptop
CPU; CI and the test suite use it.

The switch is one environment variable, ``COURSE_QUICK``, and this module is the only place
that reads it. Notebooks never look at the variable themselves; they ask::

    from course_lib import epochs, subset_size
    n_epochs = epochs(full=10, quick=1)
    n_train = subset_size(full=None, quick=2_000)   # None means "all of it"
"""

from __future__ import annotations

import os
from typing import TypeVar

QUICK_ENV_VAR = "COURSE_QUICK"

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

T = TypeVar("T")


def is_quick() -> bool:
    """Whether quick mode is on, read from ``COURSE_QUICK`` at every call.

    Raises:
        ValueError: if the variable holds something other than the allowed spellings.
    """
    raw = os.environ.get(QUICK_ENV_VAR, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"Environment variable {QUICK_ENV_VAR}={os.environ[QUICK_ENV_VAR]!r} is not understood. "
        f"Use one of {list(_TRUE)} for quick mode or {list(_FALSE)} for full mode."
    )


def mode() -> str:
    """``"quick"`` or ``"full"``."""
    return "quick" if is_quick() else "full"


def pick(*, quick: T, full: T) -> T:
    """Return ``quick`` in quick mode and ``full`` in full mode.

    Example:
        >>> batch_size = pick(quick=64, full=128)
    """
    return quick if is_quick() else full


def epochs(full: int, quick: int = 1) -> int:
    """Number of training epochs for the current mode.

    Example:
        >>> n = epochs(full=20, quick=2)
    """
    for name, value in (("full", full), ("quick", quick)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return pick(quick=quick, full=full)


def subset_size(full: int | None, quick: int) -> int | None:
    """Number of examples to use for the current mode (``None`` means the whole set).

    Example:
        >>> n_train = subset_size(full=None, quick=2_000)
    """
    if full is not None and (isinstance(full, bool) or not isinstance(full, int) or full < 1):
        raise ValueError(f"`full` must be None or a positive integer. Received: full={full!r}")
    if isinstance(quick, bool) or not isinstance(quick, int) or quick < 1:
        raise ValueError(f"`quick` must be a positive integer. Received: quick={quick!r}")
    return pick(quick=quick, full=full)
