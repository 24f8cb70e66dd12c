"""Checks of single numbers: integers, seeds, shapes, real numbers in intervals, time limits."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_lib.argument_validation._kinds import fail as _fail
from course_lib.argument_validation._kinds import is_int, is_number


def integer(
    value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer in ``[minimum, maximum]`` (either end may be open-ended), as a Python int.

    Example:
        >>> integer(np.int32(3), "depth", minimum=1, maximum=5)
        3
    """
    if not is_int(value):
        what = "an integer"
        if minimum is not None and maximum is not None:
            what = f"an integer in [{minimum}, {maximum}]"
        elif minimum is not None:
            what = f"an integer >= {minimum}"
        elif maximum is not None:
            what = f"an integer <= {maximum}"
        _fail(name, what, value)
    value = int(value)
    low_ok = minimum is None or value >= minimum
    high_ok = maximum is None or value <= maximum
    if not (low_ok and high_ok):
        if minimum is not None and maximum is not None:
            _fail(name, f"an integer in [{minimum}, {maximum}]", value)
        elif minimum == 1:
            _fail(name, "a positive integer", value)
        elif minimum == 0:
            _fail(name, "a non-negative integer", value)
        elif minimum is not None:
            _fail(name, f"an integer >= {minimum}", value)
        _fail(name, f"an integer <= {maximum}", value)
    return value


def positive_int(value: Any, name: str) -> int:
    """An integer >= 1."""
    if not is_int(value) or value < 1:
        _fail(name, "a positive integer", value)
    return int(value)


def non_negative_int(value: Any, name: str) -> int:
    """An integer >= 0."""
    if not is_int(value) or value < 0:
        _fail(name, "a non-negative integer", value)
    return int(value)


def seed(value: Any, name: str = "seed", *, allow_none: bool = True) -> int | None:
    """A random seed: a non-negative integer, or None (fresh randomness) where allowed."""
    if value is None and allow_none:
        return None
    if not is_int(value) or value < 0:
        what = "a non-negative integer" + (" or None" if allow_none else "")
        _fail(name, what, value)
    return int(value)


def int_pair(value: Any, name: str) -> tuple[int, int]:
    """A positive integer ``k`` (read as ``(k, k)``) or a pair of positive integers."""
    pair = (value, value) if is_int(value) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or any(not is_int(v) or v < 1 for v in pair)
    ):
        _fail(name, "a positive integer or a pair of them", value)
    return (int(pair[0]), int(pair[1]))


def shape(
    value: Any,
    name: str,
    *,
    length: int | None = None,
    layout: str | None = None,
    what: str | None = None,
    allow_empty: bool = False,
) -> tuple[int, ...]:
    """A non-empty tuple of positive integers (of ``length`` entries if given), e.g. an input
    shape (an empty one only with ``allow_empty``). ``layout`` spells the expected entries
    ("(height, width, channels)"); ``what`` replaces the whole description in the message.

    Example:
        >>> shape([28, 28, np.int64(1)], "input_shape", length=3)
        (28, 28, 1)
    """
    ok = isinstance(value, (tuple, list)) and (allow_empty or len(value) > 0)
    ok = ok and (length is None or len(value) == length)
    ok = ok and all(is_int(d) and d >= 1 for d in value)
    if not ok:
        if what is None:
            spelled = f"{length} positive integers" if length else "positive integers"
            what = f"a tuple {layout} of positive integers" if layout else f"a tuple of {spelled}"
        _fail(name, what, value)
    return tuple(int(d) for d in value)


def number(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_open: bool = False,
    max_open: bool = False,
) -> float:
    """A finite real number in the given interval, as a Python float.

    ``min_open``/``max_open`` exclude the ends: ``number(x, "rate", minimum=0, maximum=1,
    max_open=True)`` allows [0, 1).

    Example:
        >>> number(np.float32(0.5), "rate", minimum=0, maximum=1, max_open=True)
        0.5
    """
    low = "" if minimum is None else ("(" if min_open else "[") + f"{minimum:g}"
    high = "" if maximum is None else f"{maximum:g}" + (")" if max_open else "]")
    if minimum is not None and maximum is not None:
        what = f"a number in {low}, {high}"
    elif minimum is not None:
        what = ("a number > " if min_open else "a number >= ") + f"{minimum:g}"
        if minimum == 0:
            what = "a positive number" if min_open else "a non-negative number"
    elif maximum is not None:
        what = ("a number < " if max_open else "a number <= ") + f"{maximum:g}"
    else:
        what = "a finite number"
    if not is_number(value):
        _fail(name, what, value)
    if not math.isfinite(value):
        _fail(name, f"{what} (finite)" if "finite" not in what else what, value)
    value = float(value)
    if minimum is not None and (value <= minimum if min_open else value < minimum):
        _fail(name, what, value)
    if maximum is not None and (value >= maximum if max_open else value > maximum):
        _fail(name, what, value)
    return value


def positive_number(value: Any, name: str) -> float:
    """A finite number > 0."""
    return number(value, name, minimum=0, min_open=True)


def non_negative_number(value: Any, name: str) -> float:
    """A finite number >= 0."""
    return number(value, name, minimum=0)


def fraction(value: Any, name: str, *, upper_open: bool = True) -> float:
    """A rate such as dropout: a number in [0, 1) (or [0, 1] with ``upper_open=False``)."""
    return number(value, name, minimum=0, maximum=1, max_open=upper_open)


def whole_seconds(value: Any, name: str) -> int:
    """A time limit: a whole, positive, finite number of seconds (``30`` or ``30.0``).

    A fraction of a second is refused rather than rounded: rounding 0.5 down gives 0, which
    several tools (nbclient among them) read as "no limit at all".

    Example:
        >>> whole_seconds(30.0, "cell_timeout")
        30
    """
    if not is_number(value):
        _fail(name, "a whole positive number of seconds", value)
    if not math.isfinite(value) or value < 1 or value != int(value):
        _fail(name, "a whole positive number of seconds (1, 2, ...)", value)
    return int(value)


def interval(value: Any, name: str) -> tuple[float, float]:
    """A pair ``(low, high)`` of finite numbers with ``low < high``, e.g. a pixel value range.

    Example:
        >>> interval([0, np.float32(1)], "value_range")
        (0.0, 1.0)
    """
    if (
        not isinstance(value, (tuple, list, np.ndarray))
        or len(value) != 2
        or not all(is_number(v) and math.isfinite(v) for v in value)
        or not value[0] < value[1]
    ):
        _fail(name, "a pair (low, high) of finite numbers with low < high", value)
    return float(value[0]), float(value[1])
