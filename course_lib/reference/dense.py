"""Fully connected (dense) layer, forward and backward, in the Keras layout.

Shapes: x (N, D), W (D, M), b (M,), out (N, M), the same as ``keras.layers.Dense`` whose
``get_weights()`` returns ``[W, b]`` in exactly this layout.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.reference import _cache


def dense_forward(
    x: ArrayLike, W: ArrayLike, b: ArrayLike
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Affine map of a batch, out = x @ W + b.

    Args:
        x: inputs, shape (N, D).
        W: weights, shape (D, M).
        b: biases, shape (M,).

    Returns:
        ``(out, cache)``: out has shape (N, M); cache holds what ``dense_backward`` needs.

    Example:
        >>> out, cache = dense_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
        >>> out.shape
        (2, 4)
    """
    x = check.float_array(x, "x", ndim=2, layout="(N, D)")
    W = check.float_array(W, "W", ndim=2, layout="(D, M)")
    b = check.float_array(b, "b", ndim=1, layout="(M,)")
    if x.shape[1] != W.shape[0]:
        raise ValueError(
            "Shapes of `x` and `W` do not match: x is (N, D), so W must be (D, M). "
            f"Received: x.shape={x.shape}, W.shape={W.shape}"
        )
    if b.shape[0] != W.shape[1]:
        raise ValueError(
            f"`b` must have shape (M,) with M = W.shape[1]. "
            f"Received: W.shape={W.shape}, b.shape={b.shape}"
        )
    out = x @ W + b
    cache = (x, W)
    return out, cache


def dense_backward(
    dout: ArrayLike, cache: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a dense layer given the upstream gradient dL/dout.

    With out = x @ W + b:

    - dL/dx = dout @ W.T, shape (N, D)
    - dL/dW = x.T @ dout, shape (D, M)  (summed over the batch by the matrix product)
    - dL/db = sum of dout over the batch axis, shape (M,)

    Args:
        dout: upstream gradient, shape (N, M).
        cache: the cache returned by ``dense_forward``.

    Returns:
        ``(dx, dW, db)``.

    Example:
        >>> out, cache = dense_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
        >>> dx, dW, db = dense_backward(np.ones((2, 4)), cache)
        >>> dx.shape, dW.shape, db.tolist()
        ((2, 3), (3, 4), [2.0, 2.0, 2.0, 2.0])
    """
    x, W = _cache.unpack(cache, "dense_forward", 2)
    dout = check.float_array(dout, "dout")
    expected = (x.shape[0], W.shape[1])
    if dout.shape != expected:
        raise ValueError(
            f"`dout` must have the shape of the forward output (N, M) = {expected}. "
            f"Received: dout.shape={dout.shape}"
        )
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
