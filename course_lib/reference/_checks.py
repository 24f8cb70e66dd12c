"""Argument checks shared by the reference implementations (private).

Every check raises ``ValueError`` with a Keras-style message that names the argument, says
what is allowed and shows what was received.
"""

from __future__ import annotations

import numbers

import numpy as np


def is_int(value: object) -> bool:
    """True for Python and NumPy integers, False for ``bool`` (which is an int in Python)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def positive_int(value: object, name: str) -> int:
    if not is_int(value) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def non_negative_int(value: object, name: str) -> int:
    if not is_int(value) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer. Received: {name}={value!r}")
    return int(value)


def non_negative_number(value: object, name: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not ok or not np.isfinite(value) or value < 0:
        raise ValueError(
            f"`{name}` must be a finite non-negative number. Received: {name}={value!r}"
        )
    return float(value)


def positive_number(value: object, name: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not ok or not np.isfinite(value) or value <= 0:
        raise ValueError(f"`{name}` must be a finite positive number. Received: {name}={value!r}")
    return float(value)


def float_array(x: object, name: str) -> np.ndarray:
    """``x`` as a floating-point array; bools and integers become float64, floats keep their
    precision, anything else (strings, complex, objects) is refused."""
    arr = np.asarray(x)
    if arr.dtype == np.bool_ or np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.float64)
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"`{name}` must hold real numbers. Received: {name}.dtype={arr.dtype}")
    return arr


def ndim(arr: np.ndarray, expected: int, name: str, layout: str) -> None:
    """Refuse an array with the wrong number of axes; ``layout`` spells the expected shape."""
    if arr.ndim != expected:
        raise ValueError(
            f"`{name}` must be a {expected}-D array of shape {layout}. "
            f"Received: {name}.shape={arr.shape}"
        )
