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

``COURSE_QUICK`` and ``COURSE_OFFLINE`` (:mod:`course_lib.datasets`) are read by one rule,
``argument_validation.env_flag``: ``1``, ``true``, ``yes``, ``on`` (any case) mean on; ``0``,
``false``, ``no``, ``off``, an empty value or no variable mean off; anything else is refused
with an error, so that a typo such as ``COURSE_QUICK=ture`` never silently picks a mode.
"""

from __future__ import annotations

from typing import TypeVar

from course_lib import argument_validation as check

__all__ = ["QUICK_ENV_VAR", "epochs", "is_quick", "mode", "pick", "subset_size"]

QUICK_ENV_VAR = "COURSE_QUICK"

T = TypeVar("T")


def is_quick() -> bool:
    """Whether quick mode is on, read from ``COURSE_QUICK`` at every call.

    Raises:
        ValueError: if the variable holds something other than the allowed spellings.

    Example:
        >>> is_quick() in (True, False)
        True
    """
    return check.env_flag(QUICK_ENV_VAR)


def mode() -> str:
    """``"quick"`` or ``"full"``.

    Example:
        >>> mode() == ("quick" if is_quick() else "full")
        True
    """
    return "quick" if is_quick() else "full"


def pick(*, quick: T, full: T) -> T:
    """Return ``quick`` in quick mode and ``full`` in full mode (any values).

    Example:
        >>> batch_size = pick(quick=64, full=128)
    """
    return quick if is_quick() else full


def epochs(full: int, quick: int = 1) -> int:
    """Number of training epochs for the current mode, a Python int.

    Example:
        >>> n = epochs(full=20, quick=2)
    """
    full = check.positive_int(full, "full")
    quick = check.positive_int(quick, "quick")
    return pick(quick=quick, full=full)


def subset_size(full: int | None, quick: int) -> int | None:
    """Number of examples to use for the current mode (``None`` means the whole set).

    Example:
        >>> n_train = subset_size(full=None, quick=2_000)
    """
    full = check.optional(check.positive_int, full, "full")
    quick = check.positive_int(quick, "quick")
    return pick(quick=quick, full=full)
