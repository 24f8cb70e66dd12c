"""Decision regions: ``plot_decision_regions`` colours the plane by a classifier's prediction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from course_lib import argument_validation as check
from course_lib.metrics import _to_labels
from course_lib.plots import _common

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from numpy.typing import ArrayLike

__all__ = ["plot_decision_regions"]

#: The most grid points per axis ``plot_decision_regions`` evaluates.
_MAX_RESOLUTION = 2000


def plot_decision_regions(
    predict: Callable[[np.ndarray], ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    cmap: str | Colormap | None = None,
    title: str | None = None,
) -> Axes:
    """Decision regions of a classifier of 2-D points, with the data on top.

    ``predict`` is called once, on a ``resolution x resolution`` grid covering the data plus
    ``padding`` on every side (an array of shape ``(resolution**2, 2)`` with ``X``'s float
    dtype). Its output becomes labels: class scores ``(n, k)`` -> argmax; probabilities
    ``(n,)`` or ``(n, 1)`` in [0, 1] -> 1 where > 0.5; integers -> as they are. The regions are
    a filled contour (``ax.collections[0]``, one filled level per class index, levels at
    -0.5, 0.5, 1.5, ...); the points are coloured by their class ``y``.

    Class colours: for non-negative labels, class ``c`` gets colour number ``c`` of ``cmap``
    (default "tab10"; "tab20" above 10 classes), so the same class keeps its colour from plot
    to plot; labels with negatives (e.g. -1/+1) are numbered in sorted order.

    Args:
        predict: maps an ``(m, 2)`` array to scores ``(m, k)``, probabilities ``(m,)`` /
            ``(m, 1)`` or labels ``(m,)``.
        X: the data, shape ``(n, 2)``.
        y: the classes of ``X``: labels ``(n,)`` or one-hot ``(n, k)``.
        ax: the Axes to draw on; None creates a figure.
        resolution: grid points per axis, an integer from 2 to 2000.
        padding: margin around the data, in data units (a number >= 0).
        cmap: colormap (name or object) for the classes.
        title: the Axes title.

    Returns:
        The Axes drawn on.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> X = np.array([[-1.0, 0.0], [-0.5, 1.0], [0.5, -1.0], [1.0, 0.0]])
        >>> y = np.array([0, 0, 1, 1])
        >>> ax = plot_decision_regions(lambda a: (a[:, 0] > 0).astype(int), X, y, resolution=20)
        >>> [t.get_text() for t in ax.get_legend().get_texts()]
        ['class 0', 'class 1']
        >>> plt.close(ax.figure)

    With a Keras model: ``plot_decision_regions(lambda a: model.predict(a, verbose=0), X, y)``.
    """
    check.instance(
        predict,
        "predict",
        Callable,
        "a callable mapping an (m, 2) array to scores or labels, e.g. "
        "`lambda a: model.predict(a, verbose=0)`",
    )
    X = check.float_array(X, "X", allow_empty=True, finite=True)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            "`X` must have shape (n, 2) with n >= 1: one row per point, two features. "
            f"Received: X.shape={X.shape}"
        )
    y_labels = _to_labels(y, "y", n=X.shape[0], reference="X")
    resolution = check.integer(resolution, "resolution", minimum=2, maximum=_MAX_RESOLUTION)
    padding = check.non_negative_number(padding, "padding")
    cmap = _common.colormap(cmap, allow_none=True)
    title = _common.title(title)
    if ax is not None:
        _common.check_ax(ax)

    lo = X.min(axis=0) - padding
    hi = X.max(axis=0) + padding
    hi = np.where(hi > lo, hi, lo + 1.0)  # one point and no padding: still a region to show
    xs = np.linspace(lo[0], hi[0], resolution, dtype=X.dtype)
    ys = np.linspace(lo[1], hi[1], resolution, dtype=X.dtype)
    xx, yy = np.meshgrid(xs, ys)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    grid_labels = _to_labels(predict(grid), "predict(grid)", n=grid.shape[0])

    classes = np.union1d(y_labels, grid_labels)
    if classes.min() >= 0:
        n_colors = int(classes.max()) + 1
        grid_idx, y_idx = grid_labels, y_labels
    else:
        n_colors = len(classes)
        grid_idx = np.searchsorted(classes, grid_labels)
        y_idx = np.searchsorted(classes, y_labels)
    colors = _common.class_colors(cmap, n_colors)

    if ax is None:
        _, ax = _common.pyplot().subplots(figsize=(5.5, 4.6), layout="constrained")
    levels = np.arange(n_colors + 1) - 0.5
    ax.contourf(xx, yy, grid_idx.reshape(xx.shape), levels=levels, colors=list(colors), alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=colors[y_idx], edgecolors="black", linewidths=0.5, s=22)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    present = np.unique(y_labels)
    if len(present) <= 10:
        idx_of = dict(zip(classes.tolist(), range(len(classes)), strict=True))
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markerfacecolor=colors[c if classes.min() >= 0 else idx_of[c]],
                markeredgecolor="black",
                label=f"class {c}",
            )
            for c in present.tolist()
        ]
        ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.8)
    if title is not None:
        ax.set_title(title)
    return ax
