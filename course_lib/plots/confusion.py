"""Confusion matrices drawn as heat maps: ``plot_confusion_matrix``.

The counting itself is ``course_lib.metrics.confusion_matrix`` (importable from here too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check
from course_lib.metrics import _label_pair, _largest_label, confusion_matrix
from course_lib.plots import _common

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# ``confusion_matrix`` is course_lib.metrics.confusion_matrix (the same object).
__all__ = ["confusion_matrix", "plot_confusion_matrix"]

# Confusion matrices with more classes than this are drawn without per-cell numbers.
_MAX_ANNOTATED_CLASSES = 20

_NORMALIZE = (False, True, "true", "pred", "all")


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    normalize: bool | str = False,
) -> Axes:
    """Draw the confusion matrix as a heat map, each cell annotated with its value.

    Rows are the true classes, columns the predicted ones (as in ``confusion_matrix``). The
    drawn matrix is ``ax.images[-1].get_array()``; cells are annotated (counts, or fractions
    with two decimals when normalized) when there are at most 20 classes.

    Args:
        y_true: the true classes: labels ``(n,)`` or one-hot ``(n, k)``.
        y_pred: predicted labels, or the model's scores ``(n, k)`` / probabilities ``(n,)``.
        class_names: names of the classes; also fixes their number.
        ax: the Axes to draw on; None creates a figure.
        normalize: False for counts; True or "true" to divide each row by its total (recall
            per class); "pred" to divide each column (precision per class); "all" to divide by
            the number of examples. An empty row or column shows 0.

    Returns:
        The Axes drawn on.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> ax = plot_confusion_matrix([0, 0, 1, 1], [[0.8, 0.2], [0.4, 0.6], [0.3, 0.7],
        ...                            [0.1, 0.9]], class_names=["cat", "dog"], normalize=True)
        >>> ax.images[0].get_array().tolist()     # row i: how class i was predicted
        [[0.5, 0.5], [0.0, 1.0]]
        >>> plt.close(ax.figure)

    With a model: ``plot_confusion_matrix(y_test, model.predict(x_test, verbose=0))``.
    """
    if isinstance(normalize, np.bool_):
        normalize = bool(normalize)
    normalize = check.one_of(normalize, "normalize", _NORMALIZE)
    class_names = _common.class_names(class_names)
    if ax is not None:
        _common.check_ax(ax)
    true, pred = _label_pair(y_true, y_pred)
    if class_names is not None:
        largest = _largest_label(true, pred)
        if largest is not None and largest[1] >= len(class_names):
            raise ValueError(
                f"`class_names` names {len(class_names)} classes, but `{largest[0]}` holds the "
                f"label {largest[1]}. Received: class_names={_common.short(class_names)}"
            )
    num = None if class_names is None else len(class_names)
    counts = confusion_matrix(true, pred, num_classes=num)
    k = counts.shape[0]
    mode = "true" if normalize is True else normalize
    if mode is False:
        shown = counts.astype(np.float64)
    else:
        totals = {
            "true": counts.sum(axis=1, keepdims=True),
            "pred": counts.sum(axis=0, keepdims=True),
            "all": np.array([[counts.sum()]]),
        }[mode]
        shown = np.divide(
            counts,
            totals,
            out=np.zeros(counts.shape),
            where=np.broadcast_to(totals > 0, counts.shape),
        )
    vmax = 1.0 if mode is not False else max(float(shown.max()), 1.0)
    names = [str(c) for c in (class_names if class_names is not None else np.arange(k))]

    if ax is None:
        side = min(max(0.5 * k + 2.0, 4.0), 14.0)
        _, ax = _common.pyplot().subplots(figsize=(side + 0.4, side), layout="constrained")
    ax.imshow(shown, cmap="Blues", vmin=0.0, vmax=vmax, interpolation="nearest")
    if k <= _MAX_ANNOTATED_CLASSES:
        for i in np.arange(k):
            for j in np.arange(k):
                value = shown[i, j]
                text = f"{int(counts[i, j])}" if mode is False else f"{value:.2f}"
                ax.text(
                    j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if value > vmax / 2 else "black",
                )  # fmt: skip
    long_names = any(len(s) > 3 for s in names)
    ax.set_xticks(
        np.arange(k),
        labels=names,
        rotation=45 if long_names else 0,
        ha="right" if long_names else "center",
        rotation_mode="anchor",
    )
    ax.set_yticks(np.arange(k), labels=names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return ax
