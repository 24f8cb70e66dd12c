"""Argument checks shared by every public function of course_lib (the one place they live).

Each check takes the value and the argument's name, returns the value normalized (NumPy
scalars become Python ones, pairs become tuples) and raises ``ValueError`` with a Keras-style
message that names the argument, says what is allowed and shows what was received (only
``instance`` raises ``TypeError``, for an object of the wrong class)::

    `units` must be a positive integer. Received: units=0

Rules that hold everywhere:

- an integer is a Python ``int`` or a NumPy integer, never a ``bool``;
- a number is a finite real (int, float or NumPy scalar), never a ``bool``, ``nan`` or ``inf``
  unless a check says otherwise;
- a flag is ``True`` or ``False`` (or a NumPy bool), never a string such as ``"no"``.

Example:
    >>> positive_int(np.int64(4), "units")
    4
    >>> positive_int(0, "units")
    Traceback (most recent call last):
    ...
    ValueError: `units` must be a positive integer. Received: units=0
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "FALSE_STRINGS",
    "TRUE_STRINGS",
    "axes",
    "boolean",
    "env_flag",
    "float_array",
    "fraction",
    "instance",
    "int_pair",
    "integer",
    "is_int",
    "is_number",
    "non_empty",
    "non_negative_int",
    "non_negative_number",
    "number",
    "one_of",
    "optional",
    "path",
    "positive_int",
    "positive_number",
    "seed",
    "shape",
    "string",
    "string_list",
    "whole_seconds",
]

#: The strings an environment switch reads as "on" / "off" (case-insensitive, spaces ignored).
TRUE_STRINGS = ("1", "true", "yes", "on")
FALSE_STRINGS = ("0", "false", "no", "off")


def _received(name: str, value: Any) -> str:
    return f"Received: {name}={value!r}"


def _fail(name: str, what: str, value: Any, error: type[Exception] = ValueError) -> None:
    raise error(f"`{name}` must be {what}. {_received(name, value)}")


# ---------------------------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------------------------


def is_int(value: object) -> bool:
    """True for Python and NumPy integers, False for ``bool`` (an int in Python) and all else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_number(value: object) -> bool:
    """True for real numbers (Python or NumPy, ints included), False for ``bool`` and all else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def optional(check: Callable[..., Any], value: Any, name: str, **kwargs: Any) -> Any:
    """``None`` passes through; anything else goes to ``check(value, name, **kwargs)``.

    Example:
        >>> optional(positive_int, None, "limit") is None
        True
    """
    return None if value is None else check(value, name, **kwargs)


# ---------------------------------------------------------------------------------------------
# Integers
# ---------------------------------------------------------------------------------------------


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


def shape(value: Any, name: str, *, length: int | None = None, layout: str | None = None) -> tuple:
    """A tuple of positive integers (of ``length`` entries if given), e.g. an input shape.

    Example:
        >>> shape([28, 28, 1], "input_shape", length=3)
        (28, 28, 1)
    """
    ok = isinstance(value, (tuple, list)) and len(value) > 0
    ok = ok and (length is None or len(value) == length)
    ok = ok and all(is_int(d) and d >= 1 for d in value)
    if not ok:
        spelled = layout or (f"{length} positive integers" if length else "positive integers")
        _fail(name, f"a tuple {spelled}" if layout else f"a tuple of {spelled}", value)
    return tuple(int(d) for d in value)


# ---------------------------------------------------------------------------------------------
# Real numbers
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Flags, choices, strings, objects
# ---------------------------------------------------------------------------------------------


def boolean(value: Any, name: str) -> bool:
    """``True`` or ``False`` (a NumPy bool too); strings such as ``"no"`` are refused."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(name, "True or False", value)
    return bool(value)


def one_of(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """One of ``choices`` (compared with ``==``; unhashable values are refused cleanly).

    Example:
        >>> one_of("max", "pooling", ("max", "average"))
        'max'
    """
    choices = tuple(choices)
    try:
        ok = any(value == choice and type(value) is type(choice) for choice in choices)
    except Exception:  # an array compared with a string, say
        ok = False
    if not ok:
        _fail(name, f"one of {list(choices)}", value)
    return value


def string(value: Any, name: str, *, allow_empty: bool = False) -> str:
    """A string (non-empty unless ``allow_empty``)."""
    if not isinstance(value, str):
        _fail(name, "a string", value)
    if not allow_empty and not value.strip():
        _fail(name, "a non-empty string", value)
    return value


def string_list(value: Any, name: str, *, allow_empty: bool = True) -> list[str]:
    """A list or tuple of non-empty strings. A bare string is refused: iterating over it would
    give its letters (``metrics="accuracy"`` means ``["a", "c", ...]``)."""
    if isinstance(value, str):
        _fail(name, f"a list of strings, e.g. [{value!r}], not a bare string", value)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        _fail(name, "a list of non-empty strings", value)
    if not allow_empty and not value:
        _fail(name, "a non-empty list of strings", value)
    return list(value)


def path(value: Any, name: str) -> str:
    """A path (a ``str`` or ``os.PathLike``) that is not empty: ``""`` would silently mean the
    current folder."""
    if not isinstance(value, (str, os.PathLike)):
        _fail(name, "a path (a string or pathlib.Path)", value)
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        _fail(name, "a non-empty path", value)
    return text


def instance(value: Any, name: str, types: type | tuple[type, ...], what: str) -> Any:
    """An instance of ``types``; ``what`` says it in words ("a Keras model")."""
    if not isinstance(value, types):
        raise TypeError(
            f"`{name}` must be {what}. Received: {name} of type {type(value).__name__}"
        )
    return value


# ---------------------------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------------------------


def float_array(
    x: Any,
    name: str,
    *,
    ndim: int | None = None,
    layout: str | None = None,
    allow_empty: bool = False,
    finite: bool = False,
) -> np.ndarray:
    """``x`` as a floating-point array.

    Bools and integers become float64; floats keep their precision; strings, complex numbers
    and objects are refused. With ``ndim``, the number of axes is checked (``layout`` spells
    the expected shape for the message, e.g. ``"(N, H, W, C)"``); unless ``allow_empty``, an
    array with no elements is refused; with ``finite``, nan and inf are refused.

    Example:
        >>> float_array([[1, 2]], "x", ndim=2).dtype
        dtype('float64')
    """
    try:
        arr = np.asarray(x)
    except Exception as error:  # ragged nested lists
        raise ValueError(f"`{name}` must be an array of numbers ({error}).") from None
    if arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.integer):
        arr = arr.astype(np.float64)
    elif not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"`{name}` must hold real numbers. Received: {name}.dtype={arr.dtype}")
    if ndim is not None:
        axes(arr, ndim, name, layout or f"with {ndim} axes")
    if not allow_empty:
        non_empty(arr, name)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must hold finite numbers; it holds nan or inf.")
    return arr


def axes(arr: np.ndarray, expected: int, name: str, layout: str) -> None:
    """Refuse an array with the wrong number of axes; ``layout`` spells the expected shape."""
    if arr.ndim != expected:
        raise ValueError(
            f"`{name}` must be a {expected}-D array of shape {layout}. "
            f"Received: {name}.shape={arr.shape}"
        )


def non_empty(arr: np.ndarray | Sequence[Any], name: str) -> None:
    """Refuse an array (or sequence) with no elements: its mean would be nan, not an error."""
    size = arr.size if isinstance(arr, np.ndarray) else len(arr)
    if size == 0:
        shape_text = f"{name}.shape={arr.shape}" if isinstance(arr, np.ndarray) else "length 0"
        raise ValueError(f"`{name}` is empty ({shape_text}): give at least one example.")


# ---------------------------------------------------------------------------------------------
# Environment switches
# ---------------------------------------------------------------------------------------------


def env_flag(variable: str, default: bool = False) -> bool:
    """Read an on/off environment variable, the one rule for every switch of the course
    (``COURSE_QUICK``, ``COURSE_OFFLINE``).

    One of ``TRUE_STRINGS`` (any case, spaces ignored) means on, one of ``FALSE_STRINGS``
    off, unset or empty gives ``default``; anything else raises ``ValueError``, so that a typo
    such as ``COURSE_QUICK=ture`` never silently picks a mode.

    Example:
        >>> os.environ["COURSE_EXAMPLE"] = " Yes "
        >>> env_flag("COURSE_EXAMPLE")
        True
        >>> os.environ["COURSE_EXAMPLE"] = "ture"
        >>> env_flag("COURSE_EXAMPLE")
        Traceback (most recent call last):
        ...
        ValueError: Environment variable COURSE_EXAMPLE='ture' is not understood. ...
        >>> del os.environ["COURSE_EXAMPLE"]
    """
    raw = os.environ.get(variable, "")
    word = raw.strip().lower()
    if not word:
        return default
    if word in TRUE_STRINGS:
        return True
    if word in FALSE_STRINGS:
        return False
    raise ValueError(
        f"Environment variable {variable}={raw!r} is not understood. Use one of "
        f"{list(TRUE_STRINGS)} to switch it on, or one of {list(FALSE_STRINGS)} "
        "(or leave it empty or unset) to switch it off."
    )
