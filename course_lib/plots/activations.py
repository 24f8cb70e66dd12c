"""Per-layer histograms: ``plot_activation_histograms`` shows how each layer's values spread."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check
from course_lib.plots import _common

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["plot_activation_histograms"]


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
        >>> import matplotlib.pyplot as plt
        >>> rng = np.random.default_rng(0)
        >>> acts = {"dense_1": rng.normal(size=100), "dense_2": 0.1 * rng.normal(size=100)}
        >>> axes = plot_activation_histograms(acts, bins=20, range=(-3, 3))
        >>> [a.get_title().splitlines()[0] for a in axes]
        ['dense_1', 'dense_2']
        >>> plt.close(axes[0].figure)
    """
    check.instance(
        activations,
        "activations",
        (Mapping, list, tuple),
        "a dict mapping layer names to arrays, or a list of arrays (for one array use [array])",
    )
    if isinstance(activations, Mapping):
        items = [(str(k), v) for k, v in activations.items()]
    else:
        items = [(f"layer {i + 1}", v) for i, v in enumerate(activations)]
    check.non_empty(items, "activations")
    bins = check.positive_int(bins, "bins")
    value_range = check.optional(check.interval, range, "range")
    title = _common.title(title)
    if axes is not None:
        _common.axes_list(axes, "axes", len(items))

    flat: list[tuple[str, np.ndarray, int]] = []
    for name, values in items:
        arr = check.float_array(values, f"activations[{name!r}]", allow_empty=True).ravel()
        finite = np.isfinite(arr)
        if not finite.any():
            raise ValueError(f"`activations[{name!r}]` has no finite values (size {arr.size}).")
        flat.append((name, arr[finite], int(arr.size - finite.sum())))

    if value_range is None:
        low = min(float(v.min()) for _, v, _ in flat)
        high = max(float(v.max()) for _, v, _ in flat)
        if low == high:
            low, high = low - 0.5, high + 0.5
    else:
        low, high = value_range
    edges = np.linspace(low, high, bins + 1)

    if axes is None:
        _, grid = _common.pyplot().subplots(
            1, len(flat), figsize=(2.8 * len(flat), 2.8), layout="constrained", squeeze=False
        )
        panels = list(grid.ravel())
    else:
        panels = _common.axes_list(axes, "axes", len(flat))

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
    return _common.axes_array(panels)
