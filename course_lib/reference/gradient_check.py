"""Numerical gradients by centred differences, to check hand-written backward passes.

Typical use: wrap the forward pass into a scalar function of one array, for instance
``f = lambda W: np.sum(dense_forward(x, W, b)[0] * dout)``, whose gradient with respect to
``W`` is exactly what ``dense_backward(dout, cache)`` returns as ``dW``; then
``gradient_check(f, W, dW)`` should be around 1e-8 or smaller in float64. An error near 1
means the backward pass is wrong.

Example:
    >>> from course_lib.reference import dense_backward, dense_forward
    >>> x, W, b = np.arange(6.0).reshape(2, 3), np.full((3, 4), 0.5), np.zeros(4)
    >>> dout = np.ones((2, 4))
    >>> _, dW, _ = dense_backward(dout, dense_forward(x, W, b)[1])
    >>> gradient_check(lambda W: np.sum(dense_forward(x, W, b)[0] * dout), W, dW) < 1e-8
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check

# Floor of the denominator in ``relative_error``: two entries that are both (almost) zero
# are compared by their absolute difference relative to this value instead of 0/0.
_DENOMINATOR_FLOOR = 1e-12


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Centred-difference estimate of the gradient of a scalar function ``f`` at ``x``.

    For every entry x_i:  df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h).
    The error of this estimate is of order h**2, and rounding adds about eps * |f| / h,
    which is why it needs float64 (in float32 a step of 1e-5 is mostly rounding noise).

    ``x`` is changed in place, one entry at a time, and ``f`` is called with it; so ``f``
    may use its argument or read the same array from outside. Each entry is put back
    afterwards, even if ``f`` raises.

    Args:
        f: function of one array returning a scalar.
        x: float64 NumPy array (any shape), writeable.
        h: step, a positive number.

    Returns:
        Array of the shape of ``x``: the estimated gradient. Costs 2 * x.size calls of f.

    Example:
        >>> x = np.array([1.0, 2.0])
        >>> numerical_gradient(lambda v: np.sum(v**2), x).round(6)
        array([2., 4.])
    """
    f = check.function(f, "f", "a function of x that returns a scalar")
    x = _writeable_float64(x, "x")
    h = check.positive_number(h, "h")

    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + h
            f_plus = _scalar(f(x))
            x[idx] = original - h
            f_minus = _scalar(f(x))
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


def _writeable_float64(x: object, name: str) -> np.ndarray:
    """The array that ``numerical_gradient`` changes in place: float64, writeable, not empty."""
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        dtype = getattr(x, "dtype", type(x).__name__)
        raise ValueError(
            f"`{name}` must be a float64 NumPy array (it is changed in place, and in lower "
            f"precision the step h drowns in rounding error). Received: {name} of type {dtype}"
        )
    if not x.flags.writeable:
        raise ValueError(
            f"`{name}` must be a writeable array; it is changed in place and restored."
        )
    check.non_empty(x, name)
    return x


def _scalar(value: object) -> float:
    if np.ndim(value) != 0:
        raise ValueError(f"`f` must return a scalar. Received a value of shape {np.shape(value)}")
    return float(value)


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """Largest elementwise relative difference of two non-empty arrays of the same shape.

        max over i of |a_i - b_i| / max(|a_i| + |b_i|, 1e-12)

    The floor 1e-12 only matters where both entries are (nearly) zero; there it avoids 0/0.
    Rough guide in float64: < 1e-7 correct, > 1e-2 almost surely a bug.

    Example:
        >>> relative_error([1.0, 2.0], [1.0, 2.0])
        0.0
        >>> round(relative_error([1.0, 0.0], [1.1, 0.0]), 4)
        0.0476
    """
    a = check.float_array(a, "a")
    b = check.float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(
            f"`a` and `b` must have the same shape. Received: a.shape={a.shape}, b.shape={b.shape}"
        )
    denominator = np.maximum(np.abs(a) + np.abs(b), _DENOMINATOR_FLOOR)
    return float(np.max(np.abs(a - b) / denominator))


def gradient_check(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    analytic_grad: ArrayLike,
    h: float = 1e-5,
) -> float:
    """Compare an analytic gradient with ``numerical_gradient(f, x, h)``.

    Args:
        f: scalar function of ``x`` (see ``numerical_gradient``).
        x: float64 array where the gradient is checked.
        analytic_grad: the gradient to check, same shape as ``x``.
        h: finite-difference step.

    Returns:
        The maximum relative error (see ``relative_error``).

    Example:
        >>> x = np.array([1.0, 2.0])
        >>> gradient_check(lambda v: np.sum(v**2), x, 2 * x) < 1e-8
        True
        >>> gradient_check(lambda v: np.sum(v**2), x, x) > 0.1     # missing factor 2
        True
    """
    f = check.function(f, "f", "a function of x that returns a scalar")
    x = _writeable_float64(x, "x")
    analytic_grad = check.float_array(analytic_grad, "analytic_grad")
    if analytic_grad.shape != x.shape:
        raise ValueError(
            "`analytic_grad` must have the shape of `x`. "
            f"Received: x.shape={x.shape}, analytic_grad.shape={analytic_grad.shape}"
        )
    numeric = numerical_gradient(f, x, h)
    return relative_error(analytic_grad, numeric)
