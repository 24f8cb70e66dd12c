"""What counts as an integer or a number, ``optional``, and the one way a check fails."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np


def received(name: str, value: Any) -> str:
    return f"Received: {name}={value!r}"


def fail(name: str, what: str, value: Any, error: type[Exception] = ValueError) -> None:
    raise error(f"`{name}` must be {what}. {received(name, value)}")


def is_int(value: object) -> bool:
    """True for Python and NumPy integers, False for ``bool`` (an int in Python) and all else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_number(value: object) -> bool:
    """True for real numbers (Python or NumPy, ints included), False for ``bool`` and all else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def optional(check: Callable[..., Any], value: Any, name: str, **kwargs: Any) -> Any:
    """``None`` passes through; anything else goes to ``check(value, name, **kwargs)``.

    Example:
        >>> from course_lib.argument_validation import positive_int
        >>> optional(positive_int, None, "limit") is None
        True
        >>> optional(positive_int, np.int64(3), "limit")
        3
    """
    return None if value is None else check(value, name, **kwargs)
