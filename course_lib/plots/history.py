"""Training curves: ``plot_history`` draws a ``model.fit`` History, one colour per metric."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check
from course_lib.plots import _common

__all__ = ["plot_history"]

# Substrings that make a history key "loss-like" or "accuracy-like" (see ``plot_history``).
_LOSS_HINTS = ("loss", "error", "crossentropy", "hinge", "divergence")
_LOSS_NAMES = ("mse", "mae", "rmse", "mape", "msle", "kld", "kl_divergence")
_SCORE_HINTS = ("acc", "auc", "precision", "recall", "f1", "iou", "dice")


def _history_dict(history: Any) -> dict[str, np.ndarray]:
    raw = getattr(history, "history", history)
    check.instance(
        raw,
        "history",
        Mapping,
        "a keras History (anything with a `.history` dict) or a dict mapping metric names "
        "to per-epoch values",
    )
    out: dict[str, np.ndarray] = {}
    for key, values in raw.items():
        # NaN and inf are kept: a diverging run records them, and the plot should show it.
        out[str(key)] = check.float_array(
            values, f"history[{key!r}]", ndim=1, layout="(epochs,)", allow_empty=True
        )
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
        TypeError: if ``history`` is neither a History nor a dict.
        ValueError: if a history entry is not a 1-D sequence of numbers, or ``metrics``
            names a key that the history lacks.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7],
        ...            "accuracy": [0.6, 0.8], "val_accuracy": [0.5, 0.7]}
        >>> axes = plot_history(history)                # loss and accuracy: two panels
        >>> [a.get_ylabel() for a in axes]
        ['loss', 'accuracy']
        >>> ax = plot_history(history, metrics="loss")  # one Axes
        >>> sorted(line.get_label() for line in ax.lines)
        ['loss', 'val_loss']
        >>> plt.close(axes[0].figure); plt.close(ax.figure)
    """
    data = _history_dict(history)
    title = _common.title(title)
    if metrics is None:
        names = [key for key in data if not key.startswith("val_")]
        if not names:  # only validation keys recorded
            names = list(data)
    else:
        if isinstance(metrics, str):
            names = [metrics]
        else:
            names = check.string_list(metrics, "metrics", allow_empty=False)
        missing = [m for m in names if m not in data]
        if missing:
            raise ValueError(
                "`metrics` must name keys of the history. "
                f"Received: metrics={names!r}; available: {list(data)!r}"
            )
    names = list(dict.fromkeys(names))  # drop repeats, keep order
    # A val_ key named next to its training key is drawn with it, not twice.
    names = [m for m in names if not (m.startswith("val_") and m[4:] in names)]

    if ax is None:
        kinds = {_metric_kind(m) for m in names}
        if len(kinds) > 1:
            _, grid = _common.pyplot().subplots(
                1, len(names), figsize=(4.2 * len(names), 3.4), layout="constrained"
            )
            panels = list(np.atleast_1d(grid))
        else:
            _, single = _common.pyplot().subplots(figsize=(6.4, 4.0), layout="constrained")
            panels = [single]
    elif isinstance(ax, Axes):
        panels = [ax]
    else:
        panels = _common.axes_list(ax, "ax", len(names))

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
    return _common.axes_array(panels)


# --------------------------------------------------------------------------------------------
