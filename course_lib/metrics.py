"""Evaluation metrics on plain arrays: accuracy and the confusion matrix.

Both read a model's outputs the way ``model.predict`` returns them:

* class scores or probabilities of shape ``(n, classes)`` with ``classes >= 2`` (softmax): the
  predicted class is the arg-max of each row;
* binary probabilities of shape ``(n,)`` or ``(n, 1)`` (one sigmoid unit): the predicted class
  is 1 where ``p > 0.5``, else 0. (The arg-max of an ``(n, 1)`` array is always 0, which is why
  these outputs are never arg-maxed.)

Example::

    from course_lib.metrics import accuracy, confusion_matrix

    probs = model.predict(x_test, verbose=0)
    print(accuracy(probs, y_test))
    print(confusion_matrix(y_test, probs))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from course_lib import argument_validation as check

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["accuracy", "confusion_matrix"]


def accuracy(probabilities: ArrayLike, labels: ArrayLike) -> float:
    """The fraction of examples whose predicted class equals the true label.

    Args:
        probabilities: the model's outputs for ``n`` examples: ``(n, classes)`` scores or
            probabilities (the predicted class is the arg-max of each row), or binary
            probabilities ``(n,)`` / ``(n, 1)`` from one sigmoid unit (the predicted class is
            1 where ``p > 0.5``, else 0; the values must lie in [0, 1]: apply a sigmoid to
            logits first).
        labels: the true classes, shape ``(n,)``: whole numbers in ``[0, classes - 1]``
            (0 or 1 for binary outputs).

    Returns:
        The accuracy, a float in [0, 1].

    Raises:
        ValueError: for an empty batch, shapes that do not match, binary outputs outside
            [0, 1], or labels that are not class numbers of the output.

    Example:
        >>> accuracy([[0.2, 0.8], [0.6, 0.4]], [1, 1])
        0.5
        >>> accuracy([[0.9], [0.1]], [1, 0])   # one sigmoid unit: p > 0.5 is class 1
        1.0
    """
    p = check.float_array(probabilities, "probabilities")
    y = check.float_array(labels, "labels")
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if p.ndim not in (1, 2) or y.ndim != 1 or p.shape[0] != y.shape[0]:
        raise ValueError(
            "`probabilities` must have shape (n, classes), (n,) or (n, 1) and `labels` shape "
            f"(n,). Received: probabilities.shape={np.shape(probabilities)}, "
            f"labels.shape={y.shape}"
        )
    if not np.all(np.isfinite(p)):
        raise ValueError("`probabilities` must hold finite numbers; it holds nan or inf.")
    if p.ndim == 1:
        if p.min() < 0.0 or p.max() > 1.0:
            raise ValueError(
                "Binary `probabilities` ((n,) or (n, 1)) must lie in [0, 1] (they are "
                f"thresholded at 0.5; apply a sigmoid to logits). Received values from "
                f"{p.min():.4g} to {p.max():.4g}"
            )
        predicted, classes = (p > 0.5).astype(np.int64), 2
    else:
        predicted, classes = p.argmax(axis=1), p.shape[1]
    if not np.all(np.isfinite(y) & (y == np.round(y)) & (y >= 0) & (y < classes)):
        raise ValueError(
            f"`labels` must be class numbers in [0, {classes - 1}] (the classes of "
            f"`probabilities`). Received values from {y.min():.4g} to {y.max():.4g}"
        )
    return float(np.mean(predicted == y))


def _to_labels(
    values: ArrayLike, name: str, n: int | None = None, reference: str | None = None
) -> np.ndarray:
    """Class labels from labels, one-hot rows, class scores or binary probabilities.

    * ``(n, k)`` with ``k >= 2`` (scores, probabilities, one-hot): the argmax of each row;
    * ``(n,)`` or ``(n, 1)`` floats in [0, 1] (a sigmoid output): 1 where > 0.5, else 0;
    * ``(n,)`` or ``(n, 1)`` integers, booleans or whole-number floats: as they are.

    With ``n``, the number of entries must be ``n``; ``reference`` names the argument that
    fixed ``n`` (for the message).
    """
    arr = np.asarray(values)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim == 2:
        if arr.shape[1] == 0:
            raise ValueError(f"`{name}` has zero columns. Received: {name}.shape={arr.shape}")
        if arr.dtype.kind not in "biuf":
            raise ValueError(f"`{name}` must be numeric. Received dtype {arr.dtype}")
        labels = np.argmax(arr, axis=1)
    elif arr.ndim == 1:
        kind = arr.dtype.kind
        if kind in "biu":
            labels = arr.astype(np.int64)
        elif kind == "f":
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"`{name}` contains NaN or infinite values.")
            if arr.size == 0 or (arr.min() >= 0.0 and arr.max() <= 1.0):
                labels = (arr > 0.5).astype(np.int64)
            elif np.all(arr == np.round(arr)):
                labels = arr.astype(np.int64)
            else:
                raise ValueError(
                    f"1-D float `{name}` must be probabilities in [0, 1] (thresholded at 0.5) "
                    f"or whole-number class labels. Received values from {arr.min():.4g} to "
                    f"{arr.max():.4g}; for a logit output apply a sigmoid first."
                )
        else:
            raise ValueError(
                f"`{name}` must hold numeric class labels or scores. Received dtype {arr.dtype}"
            )
    else:
        raise ValueError(
            f"`{name}` must have shape (n,) (labels or binary probabilities) or (n, k) "
            f"(class scores or one-hot). Received: {name}.shape={arr.shape}"
        )
    if n is not None and labels.shape[0] != n:
        of = f" of `{reference}`" if reference else ""
        raise ValueError(
            f"`{name}` must have one entry per example{of} ({n}). "
            f"Received: {labels.shape[0]} entries"
        )
    return labels


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None
) -> np.ndarray:
    """Counts of (true class, predicted class) pairs: rows are true classes, columns predicted.

    ``y_true`` and ``y_pred`` may be labels ``(n,)``, one-hot or class scores ``(n, k)``
    (argmax is taken) or binary probabilities ``(n,)`` / ``(n, 1)`` (thresholded at 0.5).

    Args:
        y_true: the true classes.
        y_pred: the predicted classes (or the model's outputs), one entry per entry of
            ``y_true``.
        num_classes: the size of the matrix; None uses the largest label seen plus one.
            With ``num_classes``, empty inputs give an all-zero matrix.

    Returns:
        An int64 array of shape ``(num_classes, num_classes)``; entry ``[i, j]`` counts the
        examples of class ``i`` predicted as class ``j``.

    Example:
        >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
        array([[1, 0, 0],
               [0, 1, 1],
               [0, 0, 1]])
    """
    k = check.optional(check.positive_int, num_classes, "num_classes")
    true, pred = _label_pair(y_true, y_pred)
    largest = _largest_label(true, pred)
    if k is None:
        if largest is None:
            raise ValueError(
                "`y_true` and `y_pred` are empty; pass `num_classes` to get an all-zero matrix."
            )
        k = largest[1] + 1
    elif largest is not None and largest[1] >= k:
        raise ValueError(
            f"`num_classes` must be larger than every label. Received: num_classes={k}, "
            f"but `{largest[0]}` holds the label {largest[1]}"
        )
    counts = np.bincount(true * k + pred, minlength=k * k)
    return counts.reshape(k, k).astype(np.int64)


def _label_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The true and predicted class numbers (>= 0), one per example each."""
    true = _to_labels(y_true, "y_true")
    pred = _to_labels(y_pred, "y_pred", n=true.shape[0], reference="y_true")
    for name, arr in (("y_true", true), ("y_pred", pred)):
        if arr.size and arr.min() < 0:
            raise ValueError(
                f"`{name}` must hold class numbers >= 0. Received a minimum of {arr.min()}"
            )
    return true, pred


def _largest_label(true: np.ndarray, pred: np.ndarray) -> tuple[str, int] | None:
    """``(argument, label)`` of the largest label of either array; None when both are empty."""
    if not true.size:
        return None
    top_true, top_pred = int(true.max()), int(pred.max())
    return ("y_true", top_true) if top_true >= top_pred else ("y_pred", top_pred)
