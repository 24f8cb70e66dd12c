"""Softmax and loss functions, each returning the loss and its gradient.

Every loss is the mean over the examples of the batch (what Keras reports with its default
``reduction="sum_over_batch_size"``), so each gradient carries a factor 1/N. An empty batch
is refused with an error that names the argument (its mean would be nan).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.reference.activations import sigmoid


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: p_j = exp(z_j) / sum_k exp(z_k).

    The maximum along ``axis`` is subtracted first; the result is unchanged (the factor
    exp(-max) cancels) but ``exp`` can no longer overflow.

    Args:
        z: scores of any shape, e.g. (N, C).
        axis: the axis that holds the classes.

    Returns:
        Array of the shape of ``z`` whose entries along ``axis`` are positive and sum to 1.

    Example:
        >>> softmax([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]).round(3)
        array([[0.09 , 0.245, 0.665],
               [0.333, 0.333, 0.333]])
    """
    z = check.float_array(z, "z")
    if z.ndim == 0:
        raise ValueError(f"`z` must have at least one axis. Received: z={z!r}")
    axis = check.integer(axis, "axis", minimum=-z.ndim, maximum=z.ndim - 1)
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _integer_labels(y: ArrayLike, n: int, num_classes: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(
            f"`y` must have shape (N,) = ({n},), one integer label per row of `scores`. "
            f"Received: y.shape={y.shape}"
        )
    if y.dtype == np.bool_ or not np.issubdtype(y.dtype, np.number):
        raise ValueError(f"`y` must hold integer class labels. Received: y.dtype={y.dtype}")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"`y` must hold integer class labels. Received: y={y}")
        y = y.astype(np.int64)
    bad = (y < 0) | (y >= num_classes)
    if np.any(bad):
        raise ValueError(
            f"`y` must hold class labels in [0, {num_classes - 1}] (scores has {num_classes} "
            f"columns). Received: y[{int(np.argmax(bad))}]={y[bad][0]}"
        )
    return y


def _scores_2d(scores: ArrayLike) -> np.ndarray:
    return check.float_array(scores, "scores", ndim=2, layout="(N, C)")


def softmax_cross_entropy(scores: ArrayLike, y: ArrayLike) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy of raw scores (logits) and integer labels, mean over the batch.

    L = (1/N) sum_i -log p_{i, y_i}, with p = softmax(scores) row by row.
    log p is computed as (s - max) - log(sum exp(s - max)), so no probability is rounded to 0.
    The gradient is dL/ds = (p - onehot(y)) / N.

    This is ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``.

    Args:
        scores: logits, shape (N, C).
        y: integer labels in [0, C), shape (N,).

    Returns:
        ``(loss, dscores)``: a float and an array of shape (N, C).

    Example:
        >>> loss, dscores = softmax_cross_entropy([[0.0, 0.0], [0.0, 0.0]], [0, 1])
        >>> round(loss, 4), dscores.tolist()
        (0.6931, [[-0.25, 0.25], [0.25, -0.25]])
    """
    scores = _scores_2d(scores)
    n, c = scores.shape
    y = _integer_labels(y, n, c)
    rows = np.arange(n)

    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()

    dscores = np.exp(log_probs)  # the softmax probabilities
    dscores[rows, y] -= 1.0
    dscores /= n
    return float(loss), dscores


def _same_shape(scores: np.ndarray, y: np.ndarray, s_name: str) -> None:
    # (N,) against (N, 1) would broadcast to (N, N) and give a silently wrong loss.
    if y.shape != scores.shape:
        raise ValueError(
            f"`y` must have the same shape as `{s_name}`. "
            f"Received: {s_name}.shape={scores.shape}, y.shape={y.shape}"
        )


def binary_cross_entropy(logits: ArrayLike, y: ArrayLike) -> tuple[float, np.ndarray]:
    """Binary cross-entropy of logits z and labels y in {0, 1}, mean over all entries.

    L = mean(-y log sigma(z) - (1 - y) log(1 - sigma(z))), rewritten so that nothing
    overflows and no log(0) occurs:

        -y log sigma(z) - (1 - y) log(1 - sigma(z)) = max(z, 0) - z*y + log(1 + exp(-|z|))

    The gradient is dL/dz = (sigma(z) - y) / n, with n the number of entries.

    This is ``keras.losses.BinaryCrossentropy(from_logits=True)``.

    Args:
        logits: raw scores, any shape, e.g. (N,) or (N, 1).
        y: labels 0 or 1 (ints, floats or bools), the same shape as ``logits``.

    Returns:
        ``(loss, dlogits)``: a float and an array of the shape of ``logits``.

    Example:
        >>> loss, dlogits = binary_cross_entropy([0.0, 1000.0], [1, 1])
        >>> round(loss, 4), dlogits.tolist()
        (0.3466, [-0.25, 0.0])
    """
    z = check.float_array(logits, "logits")
    y_arr = np.asarray(y)
    _same_shape(z, y_arr, "logits")
    if not np.all((y_arr == 0) | (y_arr == 1)):
        raise ValueError(
            "`y` must hold binary labels, 0 or 1. "
            f"Received values: {np.unique(y_arr)[:10].tolist()}"
        )
    y_arr = y_arr.astype(z.dtype)

    per_entry = np.maximum(z, 0.0) - z * y_arr + np.log1p(np.exp(-np.abs(z)))
    loss = per_entry.mean()
    dlogits = (sigmoid(z) - y_arr) / z.size
    return float(loss), dlogits


def binary_hinge_loss(
    scores: ArrayLike, y: ArrayLike, margin: float = 1.0
) -> tuple[float, np.ndarray]:
    """Hinge loss for labels y in {-1, +1}: L = mean(max(0, margin - y * s)).

    A score on the correct side by at least ``margin`` costs nothing. Where the hinge is
    active (margin - y*s > 0) the gradient is -y / n, elsewhere 0 (also at the kink).

    With ``margin=1`` this is ``keras.losses.Hinge``. (Keras also turns labels 0/1 into
    -1/+1 silently; here {0, 1} labels are refused, convert them with ``2 * y - 1``.)

    Args:
        scores: raw scores, any shape, e.g. (N,).
        y: labels -1 or +1, the same shape as ``scores``.
        margin: a finite number >= 0.

    Returns:
        ``(loss, dscores)``: a float and an array of the shape of ``scores``.

    Example:
        >>> loss, dscores = binary_hinge_loss([2.0, 0.5, -1.0], [1, 1, 1])
        >>> loss, dscores.round(4).tolist()
        (0.8333333333333334, [0.0, -0.3333, -0.3333])
    """
    margin = check.non_negative_number(margin, "margin")
    s = check.float_array(scores, "scores")
    y_arr = np.asarray(y)
    _same_shape(s, y_arr, "scores")
    if not np.all((y_arr == -1) | (y_arr == 1)):
        raise ValueError(
            "`y` must hold labels -1 or +1 (convert 0/1 labels with 2 * y - 1). "
            f"Received values: {np.unique(y_arr)[:10].tolist()}"
        )
    y_arr = y_arr.astype(s.dtype)

    hinge = margin - y_arr * s
    loss = np.maximum(hinge, 0.0).mean()
    dscores = np.where(hinge > 0, -y_arr, 0.0) / s.size
    return float(loss), dscores


def multiclass_hinge_loss(
    scores: ArrayLike, y: ArrayLike, margin: float = 1.0
) -> tuple[float, np.ndarray]:
    """Multiclass SVM (Weston-Watkins) hinge loss, mean over the batch.

    L_i = sum over j != y_i of max(0, s_ij - s_{i,y_i} + margin): every wrong class whose
    score comes within ``margin`` of the correct one adds to the loss.

    Gradient of L_i: +1 for each wrong class j with an active term, and minus the number of
    active terms for the correct class y_i; divided by N for the mean.

    (Not the same as ``keras.losses.CategoricalHinge``, which keeps only the largest wrong
    score instead of summing.)

    Args:
        scores: raw scores, shape (N, C).
        y: integer labels in [0, C), shape (N,).
        margin: a finite number >= 0.

    Returns:
        ``(loss, dscores)``: a float and an array of shape (N, C).

    Example:
        >>> loss, dscores = multiclass_hinge_loss([[3.0, 2.5, 0.0]], [0])
        >>> loss, dscores.tolist()
        (0.5, [[-1.0, 1.0, 0.0]])
    """
    margin = check.non_negative_number(margin, "margin")
    scores = _scores_2d(scores)
    n, c = scores.shape
    y = _integer_labels(y, n, c)
    rows = np.arange(n)

    correct = scores[rows, y][:, None]  # (N, 1)
    margins = np.maximum(0.0, scores - correct + margin)  # (N, C)
    margins[rows, y] = 0.0  # the sum skips j == y_i
    loss = margins.sum() / n

    active = (margins > 0).astype(scores.dtype)
    active[rows, y] = -active.sum(axis=1)
    dscores = active / n
    return float(loss), dscores
