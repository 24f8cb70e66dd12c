"""2-D convolution (cross-correlation, as in ``keras.layers.Conv2D``), channels-last.

Shapes: x (N, H, W, C), kernel w (KH, KW, C, F), bias b (F,), out (N, H_out, W_out, F) with
H_out = (H - KH + 2*padding) / stride + 1 (and the same for the width).

The forward pass loops over the KH * KW kernel offsets. For offset (i, j) it takes, for
every output position at once, the input pixel that this kernel tap looks at
(a strided slice of the padded input, shape (N, H_out, W_out, C)) and multiplies it by the
(C, F) matrix w[i, j]. Summing these KH * KW matrix products gives the output. The backward
pass walks through the same offsets and sends each product's gradient back to its slice.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.reference import _cache


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a convolution or pooling along one axis: (n - k + 2p) / s + 1.

    The window must fit exactly: a result that is not a positive integer is an error here
    (Keras would silently drop the last rows instead).

    Args:
        n: input size (height or width), a positive integer.
        k: kernel (window) size, a positive integer.
        stride: step between windows, a positive integer.
        padding: zeros added on each side, a non-negative integer.

    Returns:
        The output size.

    Example:
        >>> conv_output_size(7, 3), conv_output_size(7, 3, stride=2)
        (5, 3)
        >>> conv_output_size(7, 3, stride=3)
        Traceback (most recent call last):
        ...
        ValueError: kernel_size=3 with stride=3 and padding=0 does not fit input size 7: (7 - 3 + 2*0)/3 + 1 = 2.33 is not an integer
    """  # noqa: E501
    n = check.positive_int(n, "n")
    k = check.positive_int(k, "k")
    stride = check.positive_int(stride, "stride")
    padding = check.non_negative_int(padding, "padding")

    # (The wording is that of notebook 13's stored output: keep the two in step.)
    return _fitted_size(n, k, stride, padding, n_said=f"input size {n}", k_said=f"kernel_size={k}")


def _fitted_size(n: int, k: int, stride: int, padding: int, *, n_said: str, k_said: str) -> int:
    """``conv_output_size`` for checked integers; the error names the sizes the way the caller's
    arguments hold them (``n_said``, ``k_said``, e.g. "input height x.shape[1]=4",
    "pool_size=5")."""
    span = n - k + 2 * padding
    value = span / stride + 1
    shown = f"{value:.0f}" if span % stride == 0 else f"{value:.2f}"
    where = (
        f"{k_said} with stride={stride} and padding={padding} does not fit {n_said}: "
        f"({n} - {k} + 2*{padding})/{stride} + 1 = {shown}"
    )
    if span < 0:
        raise ValueError(f"{where} is not positive (the window is larger than the padded input)")
    if span % stride != 0:
        raise ValueError(f"{where} is not an integer")
    return span // stride + 1


def same_padding(k: int) -> int:
    """Padding that keeps the size at stride 1 ("same"): p = (k - 1) / 2, for odd k.

    Then (n - k + 2p) / 1 + 1 = n. For even k no symmetric padding does this.

    Example:
        >>> same_padding(3), same_padding(5)
        (1, 2)
    """
    k = check.positive_int(k, "k")
    if k % 2 == 0:
        raise ValueError(
            "`k` must be odd: 'same' padding (k - 1)/2 is a whole number only for an odd "
            f"kernel size. Received: k={k}"
        )
    return (k - 1) // 2


def conv_param_count(k: int | tuple[int, int], in_channels: int, filters: int) -> int:
    """Number of trainable parameters of a Conv2D layer: (KH * KW * C + 1) * F.

    Each of the F filters has KH * KW * C weights and one bias.

    Args:
        k: kernel size, an int for square kernels or a pair (KH, KW).
        in_channels: C, the channels of the input.
        filters: F, the number of filters (output channels).

    Example:
        >>> conv_param_count(3, in_channels=1, filters=5)
        50
        >>> conv_param_count((1, 3), in_channels=2, filters=4)
        28
    """
    kh, kw = check.int_pair(k, "k")
    in_channels = check.positive_int(in_channels, "in_channels")
    filters = check.positive_int(filters, "filters")
    return (kh * kw * in_channels + 1) * filters


def conv2d_forward(
    x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1, padding: int = 0
) -> tuple[np.ndarray, tuple]:
    """Forward pass of a 2-D convolution layer (cross-correlation, channels-last).

    out[n, y, x, f] = b[f] + sum over i, j, c of
                      x_pad[n, y*stride + i, x*stride + j, c] * w[i, j, c, f]

    Args:
        x: inputs, shape (N, H, W, C).
        w: kernel, shape (KH, KW, C, F) (the layout of ``Conv2D.get_weights()[0]``).
        b: bias, shape (F,).
        stride: step of the window in both directions, a positive integer.
        padding: zeros added on every side, a non-negative integer; ``same_padding(k)``
            gives Keras' ``padding="same"`` for odd k at stride 1.

    Returns:
        ``(out, cache)``: out of shape (N, H_out, W_out, F); cache for ``conv2d_backward``.

    Example:
        >>> x = np.ones((1, 5, 5, 1))
        >>> out, _ = conv2d_forward(x, np.ones((3, 3, 1, 2)), np.array([0.0, 1.0]))
        >>> out.shape, out[0, 0, 0].tolist()
        ((1, 3, 3, 2), [9.0, 10.0])
    """
    x = check.float_array(x, "x", ndim=4, layout="(N, H, W, C)")
    w = check.float_array(w, "w", ndim=4, layout="(KH, KW, C, F)")
    b = check.float_array(b, "b", ndim=1, layout="(F,)")
    if isinstance(padding, str):
        raise ValueError(
            "`padding` must be a non-negative integer (for 'same' use padding=same_padding(k))."
            f" Received: padding={padding!r}"
        )
    stride = check.positive_int(stride, "stride")
    padding = check.non_negative_int(padding, "padding")
    n, h, wd, c = x.shape
    kh, kw, kc, f = w.shape
    if kc != c:
        raise ValueError(
            "The kernel's input channels must match the input's channels: x is (N, H, W, C) "
            f"and w is (KH, KW, C, F). Received: x.shape={x.shape}, w.shape={w.shape}"
        )
    if b.shape != (f,):
        raise ValueError(
            f"`b` must have shape (F,) = ({f},), one bias per filter. Received: b.shape={b.shape}"
        )
    h_out = _fitted_size(
        h,
        kh,
        stride,
        padding,
        n_said=f"input height x.shape[1]={h}",
        k_said=f"kernel height w.shape[0]={kh}",
    )
    w_out = _fitted_size(
        wd,
        kw,
        stride,
        padding,
        n_said=f"input width x.shape[2]={wd}",
        k_said=f"kernel width w.shape[1]={kw}",
    )

    p = padding
    x_pad = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    out = np.zeros((n, h_out, w_out, f), dtype=np.result_type(x, w, b))
    for i in range(kh):
        for j in range(kw):
            # The input pixel under kernel tap (i, j), for every output position.
            patch = x_pad[:, i : i + stride * h_out : stride, j : j + stride * w_out : stride, :]
            out += patch @ w[i, j]  # (N, H_out, W_out, C) @ (C, F)
    out += b
    cache = (x_pad, w, stride, padding, x.shape)
    return out, cache


def conv2d_backward(dout: ArrayLike, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``conv2d_forward``.

    For every kernel offset (i, j), the forward pass computed ``patch @ w[i, j]``; hence

    - dw[i, j]  = sum over n, y, x of patch^T dout  (a (C, F) matrix)
    - dx_pad[patch positions] += dout @ w[i, j]^T  (overlapping windows add up)
    - db        = sum of dout over N, H_out, W_out

    and dx is dx_pad with the padding cut off.

    Args:
        dout: upstream gradient, shape (N, H_out, W_out, F).
        cache: the cache returned by ``conv2d_forward``.

    Returns:
        ``(dx, dw, db)`` with the shapes of x, w and b.

    Example:
        >>> out, cache = conv2d_forward(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), np.zeros(1))
        >>> dx, dw, db = conv2d_backward(np.ones_like(out), cache)
        >>> dx[0, :, :, 0].tolist()[0], dw.shape, db.tolist()
        ([1.0, 2.0, 2.0, 1.0], (3, 3, 1, 1), [4.0])
    """
    x_pad, w, stride, padding, x_shape = _cache.unpack(cache, "conv2d_forward", 5)
    dout = check.float_array(dout, "dout")
    kh, kw, _, f = w.shape
    n, h, wd, _ = x_shape
    h_out = (x_pad.shape[1] - kh) // stride + 1
    w_out = (x_pad.shape[2] - kw) // stride + 1
    if dout.shape != (n, h_out, w_out, f):
        raise ValueError(
            "`dout` must have the shape of the forward output (N, H_out, W_out, F) = "
            f"{(n, h_out, w_out, f)}. Received: dout.shape={dout.shape}"
        )

    dx_pad = np.zeros_like(x_pad, dtype=np.result_type(x_pad, dout))
    dw = np.zeros_like(w, dtype=np.result_type(w, dout))
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + stride * h_out, stride)
            cols = slice(j, j + stride * w_out, stride)
            patch = x_pad[:, rows, cols, :]  # (N, H_out, W_out, C)
            dw[i, j] = np.tensordot(patch, dout, axes=([0, 1, 2], [0, 1, 2]))  # (C, F)
            dx_pad[:, rows, cols, :] += dout @ w[i, j].T  # (N, H_out, W_out, C)
    db = dout.sum(axis=(0, 1, 2))
    p = padding
    dx = dx_pad[:, p : p + h, p : p + wd, :]
    return dx, dw, db
