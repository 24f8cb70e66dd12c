"""Max and average pooling, channels-last, no padding.

Shapes: x (N, H, W, C), out (N, H_out, W_out, C) with H_out = (H - pool_size) / stride + 1.
Each channel is pooled on its own. As in ``conv.py``, the loops run over the
pool_size * pool_size offsets inside a window; offset (i, j) picks, for every window at
once, the strided slice ``x[:, i::stride, j::stride, :]`` (cut to H_out x W_out).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.reference import _cache
from course_lib.reference.conv import _fitted_size


def _pool_setup(x: ArrayLike, pool_size: int, stride: int | None):
    x = check.float_array(x, "x", ndim=4, layout="(N, H, W, C)")
    pool_size = check.positive_int(pool_size, "pool_size")
    stride = check.optional(check.positive_int, stride, "stride")
    if stride is None:
        stride = pool_size
    h_out = _fitted_size(
        x.shape[1],
        pool_size,
        stride,
        0,
        n_said=f"input height x.shape[1]={x.shape[1]}",
        k_said=f"pool_size={pool_size}",
    )
    w_out = _fitted_size(
        x.shape[2],
        pool_size,
        stride,
        0,
        n_said=f"input width x.shape[2]={x.shape[2]}",
        k_said=f"pool_size={pool_size}",
    )
    return x, pool_size, stride, h_out, w_out


def _window_offsets(pool_size: int, stride: int, h_out: int, w_out: int):
    """Yield ``(rows, cols)`` for each offset (i, j) of the window, in row-major order.

    ``x[:, rows, cols, :]`` is the pixel at offset (i, j) of every window, (N, H_out, W_out, C).
    """
    for i in range(pool_size):
        for j in range(pool_size):
            rows = slice(i, i + stride * h_out, stride)
            cols = slice(j, j + stride * w_out, stride)
            yield rows, cols


def _check_dout(dout: ArrayLike, expected: tuple[int, ...]) -> np.ndarray:
    dout = check.float_array(dout, "dout")
    if dout.shape != expected:
        raise ValueError(
            "`dout` must have the shape of the forward output (N, H_out, W_out, C) = "
            f"{expected}. Received: dout.shape={dout.shape}"
        )
    return dout


def maxpool_forward(
    x: ArrayLike, pool_size: int = 2, stride: int | None = None
) -> tuple[np.ndarray, tuple]:
    """Max pooling: each output is the largest value of its pool_size x pool_size window.

    The cache keeps the "switches": for every output, which offset in its window held the
    maximum (0 .. pool_size**2 - 1, row-major). On exact ties the first maximum in row-major
    order wins.

    Args:
        x: inputs, shape (N, H, W, C).
        pool_size: window height and width, a positive integer.
        stride: step between windows; ``None`` (default) means ``pool_size``, i.e.
            windows that do not overlap, like ``keras.layers.MaxPooling2D``.

    Returns:
        ``(out, cache)``: out of shape (N, H_out, W_out, C).

    Example:
        >>> x = np.array([[1.0, 2.0], [4.0, 3.0]]).reshape(1, 2, 2, 1)
        >>> out, cache = maxpool_forward(x)
        >>> out.ravel().tolist()
        [4.0]
    """
    x, pool_size, stride, h_out, w_out = _pool_setup(x, pool_size, stride)
    # (pool_size**2, N, H_out, W_out, C): the candidates of every window, offset by offset.
    candidates = np.stack(
        [x[:, rows, cols, :] for rows, cols in _window_offsets(pool_size, stride, h_out, w_out)]
    )
    switches = np.argmax(candidates, axis=0)  # argmax returns the first maximum on ties
    out = np.take_along_axis(candidates, switches[None], axis=0)[0]
    cache = (x.shape, switches, pool_size, stride)
    return out, cache


def maxpool_backward(dout: ArrayLike, cache: tuple) -> np.ndarray:
    """Backward pass of max pooling: each upstream gradient goes to its window's maximum.

    All other inputs of the window get 0 from it (they did not affect the output). With
    overlapping windows (stride < pool_size) one input can be the maximum of several
    windows and then receives the sum of their gradients.

    Args:
        dout: upstream gradient, shape (N, H_out, W_out, C).
        cache: the cache returned by ``maxpool_forward``.

    Returns:
        dx, shape (N, H, W, C).

    Example:
        >>> x = np.array([[1.0, 2.0], [4.0, 3.0]]).reshape(1, 2, 2, 1)
        >>> out, cache = maxpool_forward(x)
        >>> maxpool_backward(np.ones((1, 1, 1, 1)), cache)[0, :, :, 0].tolist()
        [[0.0, 0.0], [1.0, 0.0]]
    """
    x_shape, switches, pool_size, stride = _cache.unpack(cache, "maxpool_forward", 4)
    dout = _check_dout(dout, switches.shape)
    h_out, w_out = switches.shape[1:3]
    dx = np.zeros(x_shape, dtype=dout.dtype)
    offsets = _window_offsets(pool_size, stride, h_out, w_out)
    for index, (rows, cols) in enumerate(offsets):
        dx[:, rows, cols, :] += np.where(switches == index, dout, 0.0)
    return dx


def avgpool_forward(
    x: ArrayLike, pool_size: int = 2, stride: int | None = None
) -> tuple[np.ndarray, tuple]:
    """Average pooling: each output is the mean of its pool_size x pool_size window.

    Args:
        x: inputs, shape (N, H, W, C).
        pool_size: window height and width, a positive integer.
        stride: step between windows; ``None`` (default) means ``pool_size``.

    Returns:
        ``(out, cache)``: out of shape (N, H_out, W_out, C).

    Example:
        >>> x = np.array([[1.0, 2.0], [4.0, 3.0]]).reshape(1, 2, 2, 1)
        >>> avgpool_forward(x)[0].ravel().tolist()
        [2.5]
    """
    x, pool_size, stride, h_out, w_out = _pool_setup(x, pool_size, stride)
    out = np.zeros((x.shape[0], h_out, w_out, x.shape[3]), dtype=x.dtype)
    for rows, cols in _window_offsets(pool_size, stride, h_out, w_out):
        out += x[:, rows, cols, :]
    out /= pool_size * pool_size
    cache = (x.shape, pool_size, stride)
    return out, cache


def avgpool_backward(dout: ArrayLike, cache: tuple) -> np.ndarray:
    """Backward pass of average pooling: every input of a window gets dout / pool_size**2.

    Example:
        >>> x = np.array([[1.0, 2.0], [4.0, 3.0]]).reshape(1, 2, 2, 1)
        >>> out, cache = avgpool_forward(x)
        >>> avgpool_backward(np.ones((1, 1, 1, 1)), cache)[0, :, :, 0].tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    x_shape, pool_size, stride = _cache.unpack(cache, "avgpool_forward", 3)
    n, h, w, c = x_shape
    h_out = (h - pool_size) // stride + 1
    w_out = (w - pool_size) // stride + 1
    dout = _check_dout(dout, (n, h_out, w_out, c))
    dx = np.zeros(x_shape, dtype=dout.dtype)
    share = dout / (pool_size * pool_size)
    for rows, cols in _window_offsets(pool_size, stride, h_out, w_out):
        dx[:, rows, cols, :] += share
    return dx
