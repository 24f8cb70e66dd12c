"""Plots for the course: training curves, decision regions, image grids, histograms, confusions,
convolution filters and feature maps.

Every function draws on an Axes you pass (``ax=`` or, for multi-panel plots, ``axes=``) or, when
you pass nothing, on a new figure of a sensible size, and returns what it drew on. Nothing here
calls ``plt.show()`` or changes matplotlib's global settings, and importing the module imports
neither TensorFlow nor Keras nor ``matplotlib.pyplot``: the functions take plain arrays, a
``History`` (anything with a ``.history`` dict) or a callable, so they work with any backend.

Example::

    from course_lib.plots import plot_history, plot_confusion_matrix

    history = model.fit(x, y, validation_split=0.1, epochs=5, verbose=0)
    plot_history(history)
    plot_confusion_matrix(y_test, model.predict(x_test, verbose=0), class_names=names)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from numpy.typing import ArrayLike

__all__ = [
    "MAX_GRID_IMAGES",
    "MAX_TILES",
    "confusion_matrix",
    "plot_activation_histograms",
    "plot_confusion_matrix",
    "plot_decision_regions",
    "plot_feature_maps",
    "plot_filters",
    "plot_history",
    "plot_image_grid",
]

#: The most images ``plot_image_grid`` draws in one call.
MAX_GRID_IMAGES = 100

# Confusion matrices with more classes than this are drawn without per-cell numbers.
_MAX_ANNOTATED_CLASSES = 20

# Substrings that make a history key "loss-like" or "accuracy-like" (see ``plot_history``).
_LOSS_HINTS = ("loss", "error", "crossentropy", "hinge", "divergence")
_LOSS_NAMES = ("mse", "mae", "rmse", "mape", "msle", "kld", "kl_divergence")
_SCORE_HINTS = ("acc", "auc", "precision", "recall", "f1", "iou", "dice")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _pyplot():
    """``matplotlib.pyplot``, imported on first use so that importing this module stays light."""
    import matplotlib.pyplot as plt

    return plt


def _check_ax(ax: Any, name: str = "ax") -> None:
    if not isinstance(ax, Axes):
        raise ValueError(
            f"`{name}` must be None or a matplotlib Axes. Received: {name}={ax!r} "
            f"(type {type(ax).__name__})"
        )


def _axes_list(axes: Any, name: str, count: int) -> list[Axes]:
    """``axes`` (one Axes, or a sequence / array of them) as a list of exactly ``count`` Axes."""
    if isinstance(axes, Axes):
        items = [axes]
    elif isinstance(axes, np.ndarray) or (
        isinstance(axes, Sequence) and not isinstance(axes, str)
    ):
        items = list(np.asarray(axes, dtype=object).ravel())
    else:
        raise ValueError(
            f"`{name}` must be None, a matplotlib Axes or a sequence of them. "
            f"Received: {name}={axes!r}"
        )
    if len(items) != count:
        raise ValueError(
            f"`{name}` must hold one Axes per panel: {count} needed. Received: {len(items)} Axes"
        )
    for item in items:
        _check_ax(item, name)
    return items


def _axes_array(items: Sequence[Axes]) -> np.ndarray:
    """A 1-D object array of Axes (``np.array`` would try to iterate the Axes)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_class_names(class_names) -> None:
    if class_names is not None and (
        isinstance(class_names, str)
        or not isinstance(class_names, Sequence | np.ndarray)
        or len(class_names) == 0
    ):
        raise ValueError(
            "`class_names` must be None or a non-empty sequence of names. "
            f"Received: class_names={_short(class_names)}"
        )


def _check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if not _is_int(value) or value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


def _short(values: Any, limit: int = 60) -> str:
    text = repr(values)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _to_labels(values: ArrayLike, name: str, n: int | None = None) -> np.ndarray:
    """Class labels from labels, one-hot rows, class scores or binary probabilities.

    * ``(n, k)`` with ``k >= 2`` (scores, probabilities, one-hot): the argmax of each row;
    * ``(n,)`` or ``(n, 1)`` floats in [0, 1] (a sigmoid output): 1 where > 0.5, else 0;
    * ``(n,)`` or ``(n, 1)`` integers, booleans or whole-number floats: as they are.
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
        raise ValueError(
            f"`{name}` must have one entry per example ({n}). Received: {labels.shape[0]} entries"
        )
    return labels


def _class_colors(cmap: str | Colormap | None, k: int) -> np.ndarray:
    """``k`` RGBA colours, one per class index 0..k-1."""
    import matplotlib as mpl

    if cmap is None:
        cmap = "tab10" if k <= 10 else ("tab20" if k <= 20 else "viridis")
    if isinstance(cmap, str):
        try:
            cm = mpl.colormaps[cmap]
        except KeyError:
            raise ValueError(
                f"`cmap` must be None, a Colormap or the name of a registered colormap "
                f"(e.g. 'tab10', 'viridis'). Received: cmap={cmap!r}"
            ) from None
    elif isinstance(cmap, mpl.colors.Colormap):
        cm = cmap
    else:
        raise ValueError(
            f"`cmap` must be None, a Colormap or a colormap name. Received: cmap={cmap!r}"
        )
    # Qualitative maps (few entries) give their first k colours; continuous ones are sampled.
    if isinstance(cm, mpl.colors.ListedColormap) and k <= cm.N < 256:
        return cm(np.arange(k))
    return cm(np.linspace(0.0, 1.0, k)) if k > 1 else cm(np.array([0.0]))


# --------------------------------------------------------------------------------------------
# 1. Training curves
# --------------------------------------------------------------------------------------------


def _history_dict(history: Any) -> dict[str, np.ndarray]:
    raw = getattr(history, "history", history)
    if not isinstance(raw, Mapping):
        raise ValueError(
            "`history` must be a keras History (anything with a `.history` dict) or a dict "
            f"mapping metric names to per-epoch values. Received: history={_short(history)}"
        )
    out: dict[str, np.ndarray] = {}
    for key, values in raw.items():
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                f"`history[{key!r}]` must be a sequence of numbers. Received: {_short(values)}"
            ) from None
        if arr.ndim != 1:
            raise ValueError(
                f"`history[{key!r}]` must be a 1-D sequence (one value per epoch). "
                f"Received shape {arr.shape}"
            )
        out[str(key)] = arr
    if not out:
        raise ValueError("`history` is empty: there is nothing to plot.")
    return out


def _metric_kind(name: str) -> str:
    base = name[4:] if name.startswith("val_") else name
    low = base.lower()
    if low in _LOSS_NAMES or any(hint in low for hint in _LOSS_HINTS):
        return "loss"
    if any(hint in low for hint in _SCORE_HINTS):
        return "accuracy"
    return "other:" + low


def plot_history(
    history: Any,
    metrics: str | Sequence[str] | None = None,
    ax: Axes | Sequence[Axes] | None = None,
    title: str | None = None,
) -> Axes | np.ndarray:
    """Training curves from a ``model.fit`` History, one colour per metric.

    Each metric ``m`` is drawn as a solid line and, where the history has ``val_m``, the
    validation curve as a dashed line of the same colour. The x axis is the epoch, starting
    at 1; every series is drawn against its own epochs 1, 2, ..., len(series).

    Args:
        history: a Keras ``History`` (anything with a ``.history`` dict) or the dict itself,
            mapping a metric name to its per-epoch values.
        metrics: a key or a list of keys of the history to draw. None draws every key that
            does not start with ``val_``. Naming a ``val_`` key directly draws it on its own,
            dashed.
        ax: where to draw. One Axes: every curve on it. A sequence (or array) of Axes, one per
            metric: one metric per Axes. None: see Returns.
        title: a title for the Axes (or, for several panels, for the figure).

    Returns:
        * ``ax`` itself when ``ax`` is one Axes;
        * a 1-D ``np.ndarray`` of the given Axes (one per metric) when ``ax`` is a sequence;
        * when ``ax`` is None: a single new Axes holding every curve if all metrics are of one
          kind (all loss-like -- a name containing "loss", "error", "crossentropy" or a short
          name such as "mse"/"mae" -- or all accuracy-like -- containing "acc", "auc",
          "precision", "recall", "f1", "iou" or "dice"), otherwise -- loss and accuracy
          mixed, or any other key such as "learning_rate" alongside others -- a 1-D
          ``np.ndarray`` of new side-by-side Axes, one per metric, in the order of
          ``metrics``.

    Raises:
        ValueError: if ``history`` is not a History or dict of 1-D sequences, or ``metrics``
            names a key that the history lacks.

    Example:
        >>> history = model.fit(x, y, validation_split=0.2, epochs=10, verbose=0)
        >>> axes = plot_history(history)                # loss and accuracy: two panels
        >>> ax = plot_history(history, metrics="loss")  # one Axes
    """
    data = _history_dict(history)
    if metrics is None:
        names = [key for key in data if not key.startswith("val_")]
        if not names:  # only validation keys recorded
            names = list(data)
    else:
        names = [metrics] if isinstance(metrics, str) else list(metrics)
        missing = [m for m in names if not isinstance(m, str) or m not in data]
        if not names or missing:
            shown = [metrics] if isinstance(metrics, str) else names
            raise ValueError(
                "`metrics` must name keys of the history. "
                f"Received: metrics={shown!r}; available: {list(data)!r}"
            )
    names = list(dict.fromkeys(names))  # drop repeats, keep order
    # A val_ key named next to its training key is drawn with it, not twice.
    names = [m for m in names if not (m.startswith("val_") and m[4:] in names)]

    if ax is None:
        kinds = {_metric_kind(m) for m in names}
        if len(kinds) > 1:
            plt = _pyplot()
            _, grid = plt.subplots(
                1, len(names), figsize=(4.2 * len(names), 3.4), layout="constrained"
            )
            panels = list(np.atleast_1d(grid))
        else:
            plt = _pyplot()
            _, single = plt.subplots(figsize=(6.4, 4.0), layout="constrained")
            panels = [single]
    elif isinstance(ax, Axes):
        panels = [ax]
    else:
        panels = _axes_list(ax, "ax", len(names))

    for i, metric in enumerate(names):
        target = panels[i] if len(panels) > 1 else panels[0]
        color = f"C{i % 10}"
        series = [(metric, "--" if metric.startswith("val_") else "-")]
        if not metric.startswith("val_") and "val_" + metric in data:
            series.append(("val_" + metric, "--"))
        for key, style in series:
            values = data[key]
            epochs = np.arange(1, len(values) + 1)
            target.plot(epochs, values, linestyle=style, color=color, label=key)

    from matplotlib.ticker import MaxNLocator

    for i, target in enumerate(panels):
        target.set_xlabel("epoch")
        if len(panels) > 1:
            target.set_ylabel(names[i])
        else:
            target.set_ylabel(names[0] if len(names) == 1 else "value")
        target.xaxis.set_major_locator(MaxNLocator(integer=True))
        target.grid(True, alpha=0.3)
        target.legend()

    if len(panels) == 1 and (ax is None or isinstance(ax, Axes)):
        if title is not None:
            panels[0].set_title(title)
        return panels[0]
    if title is not None:
        panels[0].figure.suptitle(title)
    return _axes_array(panels)


# --------------------------------------------------------------------------------------------
# 2. Decision regions
# --------------------------------------------------------------------------------------------


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
        resolution: grid points per axis (2 to 2000).
        padding: margin around the data, in data units (>= 0).
        cmap: colormap (name or object) for the classes.
        title: the Axes title.

    Returns:
        The Axes drawn on.

    Example:
        >>> ax = plot_decision_regions(lambda a: model.predict(a, batch_size=4096, verbose=0),
        ...                            x_train, y_train)
    """
    if not callable(predict):
        raise ValueError(
            "`predict` must be a callable mapping an (m, 2) array to scores or labels, e.g. "
            f"`lambda a: model.predict(a, verbose=0)`. Received: predict={_short(predict)}"
        )
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            "`X` must have shape (n, 2) with n >= 1: one row per point, two features. "
            f"Received: X.shape={X.shape}"
        )
    if X.dtype.kind not in "biuf":
        raise ValueError(f"`X` must be numeric. Received dtype {X.dtype}")
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError("`X` contains NaN or infinite values.")
    y_labels = _to_labels(y, "y", n=X.shape[0])
    resolution = _check_positive_int(resolution, "resolution", minimum=2)
    if resolution > 2000:
        raise ValueError(f"`resolution` must be at most 2000. Received: resolution={resolution}")
    if (
        isinstance(padding, bool)
        or not isinstance(padding, (int, float, np.integer, np.floating))
        or not np.isfinite(padding)
        or padding < 0
    ):
        raise ValueError(f"`padding` must be a finite number >= 0. Received: padding={padding!r}")
    if ax is not None:
        _check_ax(ax)

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
    colors = _class_colors(cmap, n_colors)

    if ax is None:
        _, ax = _pyplot().subplots(figsize=(5.5, 4.6), layout="constrained")
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


# --------------------------------------------------------------------------------------------
# 3. Image grid
# --------------------------------------------------------------------------------------------


def _images_as_float(images: ArrayLike) -> np.ndarray:
    """``images`` as float64 in [0, 1], shape (n, h, w) or (n, h, w, 3)."""
    arr = np.asarray(images)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if not (arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] == 3)):
        raise ValueError(
            "`images` must have shape (n, h, w), (n, h, w, 1) or (n, h, w, 3); for one image "
            f"use images[None]. Received: images.shape={arr.shape}"
        )
    n = arr.shape[0]
    if n == 0 or arr.shape[1] == 0 or arr.shape[2] == 0:
        raise ValueError(f"`images` is empty. Received: images.shape={arr.shape}")
    if n > MAX_GRID_IMAGES:
        raise ValueError(
            f"`images` holds {n} images; plot_image_grid draws at most {MAX_GRID_IMAGES}. "
            f"Pass a slice, e.g. images[:{MAX_GRID_IMAGES}]."
        )
    kind = arr.dtype.kind
    if kind in "biu":
        if arr.min() < 0 or arr.max() > 255:
            raise ValueError(
                "Integer `images` must hold pixel values in [0, 255]. "
                f"Received values from {arr.min()} to {arr.max()}"
            )
        return arr.astype(np.float64) / 255.0
    if kind == "f":
        lo, hi = float(np.min(arr)), float(np.max(arr))
        if not (lo >= 0.0 and hi <= 1.0):  # also catches NaN
            raise ValueError(
                "Float `images` must hold pixel values in [0, 1] (divide uint8 pixels by 255). "
                f"Received values from {lo:.4g} to {hi:.4g}"
            )
        return arr.astype(np.float64)
    raise ValueError(f"`images` must be uint8 or float. Received dtype {arr.dtype}")


def _grid_layout(n: int, h: int, w: int, ncols: int, with_text: bool) -> dict[str, int]:
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    pad = max(1, round(max(h, w) / 16))
    text_h = math.ceil(0.35 * h) if with_text else 0
    return {
        "rows": rows,
        "cols": cols,
        "pad": pad,
        "text_h": text_h,
        "height": rows * (h + text_h) + (rows - 1) * pad,
        "width": cols * w + (cols - 1) * pad,
    }


def plot_image_grid(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    class_names: Sequence[str] | None = None,
    predictions: ArrayLike | None = None,
    ncols: int = 8,
    ax: Axes | None = None,
    cmap: str | Colormap | None = "gray",
    title: str | None = None,
) -> Axes:
    """Draw up to 100 images as one tiled mosaic on a single Axes, each with its label below.

    The mosaic is one image (``ax.images[-1]``), laid out row by row in ``min(ncols, n)``
    columns. Tiles are ``h x w`` pixels, separated by ``pad = max(1, round(max(h, w) / 16))``
    transparent pixels; when there is text, a transparent strip of ``ceil(0.35 * h)`` pixels
    under each tile row holds it. So the mosaic has
    ``rows * (h + strip) + (rows - 1) * pad`` rows and ``cols * w + (cols - 1) * pad`` columns.
    Greyscale images give a masked 2-D array (gaps masked) drawn with ``cmap`` on a fixed
    0..1 scale; colour images give an RGBA array whose gaps have alpha 0. Pixel values are
    scaled to [0, 1] (uint8 divided by 255).

    The text under tile ``i`` is ``class_names[labels[i]]`` (or the label number); with
    ``predictions`` it is ``"pred/true"``, in red where the prediction is wrong.

    Args:
        images: ``(n, h, w)``, ``(n, h, w, 1)`` or ``(n, h, w, 3)``; uint8 in [0, 255] or
            float in [0, 1]; n <= 100.
        labels: the true classes: labels ``(n,)`` or one-hot ``(n, k)``.
        class_names: names for the class numbers.
        predictions: predicted classes: labels ``(n,)``, scores ``(n, k)`` (argmax is taken)
            or binary probabilities ``(n,)``. Needs ``labels``.
        ncols: the most tiles per row.
        ax: the Axes to draw on; None creates a figure.
        cmap: colormap for greyscale images (ignored for colour images).
        title: the Axes title.

    Returns:
        The Axes drawn on.

    Example:
        >>> ax = plot_image_grid(x_test[:32], y_test[:32], class_names=names,
        ...                      predictions=model.predict(x_test[:32], verbose=0))
    """
    pixels = _images_as_float(images)
    n, h, w = pixels.shape[:3]
    ncols = _check_positive_int(ncols, "ncols")
    _check_class_names(class_names)
    true = None if labels is None else _to_labels(labels, "labels", n=n)
    if predictions is not None and true is None:
        raise ValueError(
            "`predictions` needs `labels` (the text shows pred/true). Received: labels=None"
        )
    pred = None if predictions is None else _to_labels(predictions, "predictions", n=n)
    if class_names is not None:
        for name, arr in (("labels", true), ("predictions", pred)):
            if arr is not None and (arr.min() < 0 or arr.max() >= len(class_names)):
                raise ValueError(
                    f"`{name}` must be class numbers in [0, {len(class_names) - 1}] to index "
                    f"`class_names`. Received values from {arr.min()} to {arr.max()}"
                )
    if ax is not None:
        _check_ax(ax)

    def name_of(label: int) -> str:
        return str(class_names[label]) if class_names is not None else str(label)

    layout = _grid_layout(n, h, w, ncols, with_text=true is not None)
    cols, pad, text_h = layout["cols"], layout["pad"], layout["text_h"]
    color = pixels.ndim == 4
    if color:
        mosaic = np.zeros((layout["height"], layout["width"], 4))
    else:
        mosaic = np.zeros((layout["height"], layout["width"]))
        filled = np.zeros(mosaic.shape, dtype=bool)
    for i in np.arange(n):
        r, c = divmod(int(i), cols)
        top, left = r * (h + text_h + pad), c * (w + pad)
        if color:
            mosaic[top : top + h, left : left + w, :3] = pixels[i]
            mosaic[top : top + h, left : left + w, 3] = 1.0
        else:
            mosaic[top : top + h, left : left + w] = pixels[i]
            filled[top : top + h, left : left + w] = True

    if ax is None:
        tile_in = 1.15 if true is not None else 0.9
        fig_w = min(max(cols * tile_in, 2.0), 16.0)
        fig_h = min(fig_w * layout["height"] / layout["width"] + (0.4 if title else 0.1), 30.0)
        _, ax = _pyplot().subplots(figsize=(fig_w, fig_h), layout="constrained")
    if color:
        ax.imshow(mosaic, interpolation="nearest")
    else:
        ax.imshow(
            np.ma.masked_array(mosaic, mask=~filled),
            cmap=cmap,
            vmin=0.0,
            vmax=1.0,
            interpolation="nearest",
        )
    if true is not None:
        for i in np.arange(n):
            r, c = divmod(int(i), cols)
            x = c * (w + pad) + (w - 1) / 2
            y_text = r * (h + text_h + pad) + h - 0.5 + 0.1 * text_h
            if pred is None:
                text, text_color = name_of(int(true[i])), "black"
            else:
                wrong = pred[i] != true[i]
                text = f"{name_of(int(pred[i]))}/{name_of(int(true[i]))}"
                text_color = "red" if wrong else "black"
            ax.text(
                x, y_text, text, color=text_color, fontsize=8, ha="center", va="top",
                clip_on=False,
            )  # fmt: skip
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return ax


# --------------------------------------------------------------------------------------------
# 4. Per-layer histograms
# --------------------------------------------------------------------------------------------


def plot_activation_histograms(
    activations: Mapping[str, ArrayLike] | Sequence[ArrayLike],
    axes: Axes | Sequence[Axes] | None = None,
    bins: int = 50,
    range: tuple[float, float] | None = None,  # the name np.histogram uses
    title: str | None = None,
) -> np.ndarray:
    """One histogram per layer, side by side, each titled with the layer's name, mean and std.

    The picture of the classic weight-initialization experiment: how the activations (or
    weights, or gradients) of each layer are spread.

    Args:
        activations: a dict ``layer name -> array`` (any shape; all values are counted), or a
            list of arrays, named "layer 1", "layer 2", ...
        axes: one Axes per layer (a sequence or array; one Axes if there is one layer).
            None creates a figure with one row of panels.
        bins: number of bins (>= 1).
        range: ``(low, high)`` shared by every panel; values outside it are not counted. None
            uses the smallest and largest value over all layers, so the panels compare
            directly. NaN and infinite values are left out and the count shown in the title.
        title: a title for the figure.

    Returns:
        A 1-D ``np.ndarray`` of the Axes drawn on, one per layer, in order.

    Example:
        >>> model_acts = {"dense_1": a1, "dense_2": a2, "dense_3": a3}
        >>> axes = plot_activation_histograms(model_acts, range=(-1, 1))
    """
    if isinstance(activations, Mapping):
        items = [(str(k), v) for k, v in activations.items()]
    elif isinstance(activations, (list, tuple)):
        items = [(f"layer {i + 1}", v) for i, v in enumerate(activations)]
    else:
        raise ValueError(
            "`activations` must be a dict mapping layer names to arrays, or a list of arrays "
            f"(for one array use [array]). Received: activations of type "
            f"{type(activations).__name__}"
        )
    if not items:
        raise ValueError("`activations` is empty: give at least one layer.")
    bins = _check_positive_int(bins, "bins")

    flat: list[tuple[str, np.ndarray, int]] = []
    for name, values in items:
        arr = np.asarray(values)
        if arr.dtype.kind not in "biuf":
            raise ValueError(
                f"`activations[{name!r}]` must be numeric. Received dtype {arr.dtype}"
            )
        arr = arr.astype(np.float64).ravel()
        finite = np.isfinite(arr)
        if not finite.any():
            raise ValueError(f"`activations[{name!r}]` has no finite values (size {arr.size}).")
        flat.append((name, arr[finite], int(arr.size - finite.sum())))

    if range is None:
        low = min(float(v.min()) for _, v, _ in flat)
        high = max(float(v.max()) for _, v, _ in flat)
        if low == high:
            low, high = low - 0.5, high + 0.5
    else:
        try:
            low, high = (float(v) for v in range)
        except (TypeError, ValueError):
            raise ValueError(
                f"`range` must be None or a pair (low, high). Received: range={range!r}"
            ) from None
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"`range` must be finite with low < high. Received: range={range!r}")
    edges = np.linspace(low, high, bins + 1)

    if axes is None:
        _, grid = _pyplot().subplots(
            1, len(flat), figsize=(2.8 * len(flat), 2.8), layout="constrained", squeeze=False
        )
        panels = list(grid.ravel())
    else:
        panels = _axes_list(axes, "axes", len(flat))

    for i, (target, (name, values, dropped)) in enumerate(zip(panels, flat, strict=True)):
        target.hist(values, bins=edges, color=f"C{i % 10}", alpha=0.85)
        label = f"{name}\nmean={values.mean():.3g}, std={values.std():.3g}"
        if dropped:
            label += f"\n({dropped} non-finite left out)"
        target.set_title(label, fontsize="small")
        target.set_xlim(low, high)
        target.tick_params(labelsize="small")
        if i == 0:
            target.set_ylabel("count")
    if title is not None:
        panels[0].figure.suptitle(title)
    return _axes_array(panels)


# --------------------------------------------------------------------------------------------
# 5. Confusion matrix
# --------------------------------------------------------------------------------------------


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None
) -> np.ndarray:
    """Counts of (true class, predicted class) pairs: rows are true classes, columns predicted.

    ``y_true`` and ``y_pred`` may be labels ``(n,)``, one-hot or class scores ``(n, k)``
    (argmax is taken) or binary probabilities (thresholded at 0.5).

    Args:
        y_true: the true classes.
        y_pred: the predicted classes (or the model's outputs).
        num_classes: the size of the matrix; None uses the largest label seen plus one.

    Returns:
        An int64 array of shape ``(num_classes, num_classes)``; entry ``[i, j]`` counts the
        examples of class ``i`` predicted as class ``j``.

    Example:
        >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
        array([[1, 0, 0],
               [0, 1, 1],
               [0, 0, 1]])
    """
    true = _to_labels(y_true, "y_true")
    pred = _to_labels(y_pred, "y_pred", n=true.shape[0])
    for name, arr in (("y_true", true), ("y_pred", pred)):
        if arr.size and arr.min() < 0:
            raise ValueError(
                f"`{name}` must hold class numbers >= 0. Received a minimum of {arr.min()}"
            )
    largest = max(int(true.max()), int(pred.max())) if true.size else -1
    if num_classes is None:
        if largest < 0:
            raise ValueError(
                "`y_true` and `y_pred` are empty; pass `num_classes` to get an all-zero matrix."
            )
        k = largest + 1
    else:
        k = _check_positive_int(num_classes, "num_classes")
        if largest >= k:
            raise ValueError(
                f"`num_classes` must be larger than every label. Received: num_classes={k}, "
                f"but a label is {largest}"
            )
    counts = np.bincount(true * k + pred, minlength=k * k)
    return counts.reshape(k, k).astype(np.int64)


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
        >>> ax = plot_confusion_matrix(y_test, model.predict(x_test, verbose=0),
        ...                            class_names=["cat", "dog"], normalize=True)
    """
    allowed = (False, True, "true", "pred", "all")
    if not any(normalize is a or (isinstance(a, str) and normalize == a) for a in allowed):
        raise ValueError(
            "`normalize` must be one of False, True, 'true', 'pred', 'all'. "
            f"Received: normalize={normalize!r}"
        )
    _check_class_names(class_names)
    if ax is not None:
        _check_ax(ax)
    num = None if class_names is None else len(class_names)
    try:
        counts = confusion_matrix(y_true, y_pred, num_classes=num)
    except ValueError as err:
        if num is not None and "num_classes" in str(err):
            raise ValueError(
                f"`class_names` names {num} classes, but a label is larger than {num - 1}. "
                f"Received: class_names={_short(class_names)}"
            ) from None
        raise
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
        _, ax = _pyplot().subplots(figsize=(side + 0.4, side), layout="constrained")
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


# --------------------------------------------------------------------------------------------
# 6. Convolution filters and feature maps
# --------------------------------------------------------------------------------------------

#: The most tiles ``plot_filters`` and ``plot_feature_maps`` draw in one call.
MAX_TILES = 64


def _numeric_finite(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"`{name}` must be numeric. Received dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return arr


def _tile_axes(count: int, ncols: int, axes: Any, tile_inches: float) -> list[Axes]:
    """``count`` Axes: the given ones (exactly ``count``), or a new grid of ``ncols`` columns
    whose unused cells are removed."""
    if axes is not None:
        return _axes_list(axes, "axes", count)
    cols = min(ncols, count)
    rows = math.ceil(count / cols)
    fig, grid = _pyplot().subplots(
        rows,
        cols,
        figsize=(min(cols * tile_inches + 0.3, 16.0), rows * tile_inches + 0.4),
        layout="constrained",
        squeeze=False,
    )
    cells = list(grid.ravel())
    for extra in cells[count:]:
        fig.delaxes(extra)
    return cells[:count]


def plot_filters(
    kernel: ArrayLike,
    channel: int | None = None,
    ncols: int = 8,
    axes: Axes | Sequence[Axes] | None = None,
    cmap: str | Colormap = "RdBu_r",
    title: str | None = None,
) -> np.ndarray:
    """The kernels of a convolution layer as a grid of small images, one tile per filter.

    ``kernel`` is in Keras' layout (KH, KW, C, F), e.g. ``conv_layer.get_weights()[0]``.
    Tile ``f`` is titled ``f`` and shows filter ``f``:

    * with ``channel`` given (or C == 1, where channel 0 is used): the weights of that input
      channel, ``kernel[:, :, channel, f]``, drawn with ``cmap`` on one scale shared by all
      tiles and symmetric around zero, ``[-m, m]`` with ``m`` the largest absolute weight
      shown, so zero is the colormap's middle and the tiles compare directly;
    * for colour inputs (C == 3) with ``channel=None``: the filter as an RGB picture,
      ``kernel[:, :, :, f]`` rescaled on its own to [0, 1] by ``(w - min) / (max - min)``
      (a constant filter is drawn mid-grey), the usual way to show first-layer filters.

    Args:
        kernel: the weights, shape (KH, KW, C, F); at most 64 filters.
        channel: the input channel to show, in [0, C - 1]; required when C is neither 1 nor 3.
        ncols: the most tiles per row of a new figure.
        axes: one Axes per filter (a sequence or array); None creates a figure.
        cmap: colormap of single-channel tiles (ignored for RGB tiles).
        title: a title for the figure.

    Returns:
        A 1-D ``np.ndarray`` of the F Axes drawn on, in filter order. Each Axes holds one
        image, ``axes[f].images[0]``.

    Example:
        >>> kernel = model.get_layer("conv").get_weights()[0]      # (5, 5, 1, 6)
        >>> axes = plot_filters(kernel, title="first-layer filters")
    """
    arr = _numeric_finite(kernel, "kernel")
    if arr.ndim != 4 or 0 in arr.shape:
        raise ValueError(
            "`kernel` must have shape (KH, KW, C, F), the layout of Conv2D weights, with no "
            f"zero-length axis. Received: kernel.shape={arr.shape}"
        )
    c, f = arr.shape[2:]
    if f > MAX_TILES:
        raise ValueError(
            f"`kernel` holds {f} filters; plot_filters draws at most {MAX_TILES}. "
            f"Pass a slice, e.g. kernel[..., :{MAX_TILES}]."
        )
    if channel is None:
        if c not in (1, 3):
            raise ValueError(
                f"`channel` must be given when the kernel has {c} input channels (RGB tiles "
                f"need 3, single tiles 1). Received: channel=None"
            )
        channel = 0 if c == 1 else None
    elif not _is_int(channel) or not 0 <= channel < c:
        raise ValueError(
            f"`channel` must be None or an integer in [0, {c - 1}]. Received: channel={channel!r}"
        )
    ncols = _check_positive_int(ncols, "ncols")
    panels = _tile_axes(f, ncols, axes, tile_inches=1.0)

    if channel is not None:
        shown = arr[:, :, channel, :]
        m = float(np.abs(shown).max()) or 1.0
        for i, target in enumerate(panels):
            target.imshow(shown[:, :, i], cmap=cmap, vmin=-m, vmax=m, interpolation="nearest")
    else:
        for i, target in enumerate(panels):
            w = arr[:, :, :, i]
            span = float(w.max() - w.min())
            rgb = (w - w.min()) / span if span > 0 else np.full(w.shape, 0.5)
            target.imshow(rgb, interpolation="nearest")
    for i, target in enumerate(panels):
        target.set_title(str(i), fontsize="small")
        target.set_xticks([])
        target.set_yticks([])
    if title is not None:
        panels[0].figure.suptitle(title)
    return _axes_array(panels)


def plot_feature_maps(
    activations: ArrayLike,
    ncols: int = 8,
    axes: Axes | Sequence[Axes] | None = None,
    cmap: str | Colormap = "viridis",
    shared_scale: bool = False,
    title: str | None = None,
) -> np.ndarray:
    """The feature maps of one image in one layer, one tile per channel.

    Tile ``i`` shows ``activations[:, :, i]`` and is titled ``i``. By default every map has
    its own colour scale (its minimum dark, its maximum bright), so the pattern of each is
    visible; ``shared_scale=True`` puts all maps on one scale, from the smallest to the
    largest value of the layer, so strong and weak (or dead, all-zero) maps can be told apart.

    Args:
        activations: one image's activations, shape (H, W, C) or (1, H, W, C) (a batch of
            one, as ``model.predict`` returns it); at most 64 channels.
        ncols: the most tiles per row of a new figure.
        axes: one Axes per channel (a sequence or array); None creates a figure.
        cmap: the colormap.
        shared_scale: one colour scale for all maps instead of one per map.
        title: a title for the figure.

    Returns:
        A 1-D ``np.ndarray`` of the C Axes drawn on, in channel order. Each Axes holds one
        image, ``axes[i].images[0]``.

    Example:
        >>> maps = course_lib.inspection.layer_outputs(model, x_test[:1], "c1")["c1"]
        >>> axes = plot_feature_maps(maps[0], title="c1, one image")
    """
    arr = _numeric_finite(activations, "activations")
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(
                "`activations` must be one image's maps, (H, W, C) or (1, H, W, C); pick one "
                f"image, e.g. activations[0]. Received: activations.shape={arr.shape}"
            )
        arr = arr[0]
    if arr.ndim != 3 or 0 in arr.shape:
        raise ValueError(
            "`activations` must have shape (H, W, C) or (1, H, W, C) with no zero-length "
            f"axis. Received: activations.shape={np.shape(activations)}"
        )
    c = arr.shape[2]
    if c > MAX_TILES:
        raise ValueError(
            f"`activations` holds {c} maps; plot_feature_maps draws at most {MAX_TILES}. "
            f"Pass a slice, e.g. activations[..., :{MAX_TILES}]."
        )
    ncols = _check_positive_int(ncols, "ncols")
    if not isinstance(shared_scale, (bool, np.bool_)):
        raise ValueError(
            f"`shared_scale` must be True or False. Received: shared_scale={shared_scale!r}"
        )
    panels = _tile_axes(c, ncols, axes, tile_inches=1.3)
    low, high = float(arr.min()), float(arr.max())
    for i, target in enumerate(panels):
        m = arr[:, :, i]
        if not shared_scale:
            low, high = float(m.min()), float(m.max())
        if low == high:
            low, high = low - 0.5, high + 0.5
        target.imshow(m, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
        target.set_title(str(i), fontsize="small")
        target.set_xticks([])
        target.set_yticks([])
    if title is not None:
        panels[0].figure.suptitle(title)
    return _axes_array(panels)
