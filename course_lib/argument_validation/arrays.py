"""Checks of arrays: real numbers, the number of axes, not empty, finite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


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
