"""What a convolution layer holds and gives: ``plot_filters`` draws its kernels, one tile per
filter, and ``plot_feature_maps`` its output for one image, one tile per channel."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check
from course_lib.plots import _common

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from numpy.typing import ArrayLike

__all__ = ["MAX_TILES", "plot_feature_maps", "plot_filters"]

#: The most tiles ``plot_filters`` and ``plot_feature_maps`` draw in one call.
MAX_TILES = 64


def _tile_axes(count: int, ncols: int, axes: Any, tile_inches: float) -> list[Axes]:
    """``count`` Axes: the given ones (exactly ``count``), or a new grid of ``ncols`` columns
    whose unused cells are removed."""
    if axes is not None:
        return _common.axes_list(axes, "axes", count)
    cols = min(ncols, count)
    rows = math.ceil(count / cols)
    fig, grid = _common.pyplot().subplots(
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
        >>> import matplotlib.pyplot as plt
        >>> conv = keras.layers.Conv2D(6, 5)
        >>> conv.build((None, 28, 28, 1))
        >>> kernel = conv.get_weights()[0]                          # (5, 5, 1, 6)
        >>> axes = plot_filters(kernel, title="first-layer filters")
        >>> len(axes), axes[0].images[0].get_array().shape
        (6, (5, 5))
        >>> plt.close(axes[0].figure)
    """
    arr = check.float_array(kernel, "kernel", allow_empty=True, finite=True)
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
    else:
        channel = check.integer(channel, "channel", minimum=0, maximum=c - 1)
    ncols = check.positive_int(ncols, "ncols")
    cmap = _common.colormap(cmap)
    title = _common.title(title)
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
    return _common.axes_array(panels)


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
        >>> import matplotlib.pyplot as plt
        >>> maps = np.random.default_rng(0).random((1, 6, 6, 4))   # model.predict on 1 image
        >>> axes = plot_feature_maps(maps, ncols=2, title="c1, one image")
        >>> len(axes), axes[3].images[0].get_array().shape
        (4, (6, 6))
        >>> plt.close(axes[0].figure)

    From a model: ``course_lib.inspection.layer_outputs(model, x_test[:1], "c1")["c1"]``.
    """
    arr = check.float_array(activations, "activations", allow_empty=True, finite=True)
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
    ncols = check.positive_int(ncols, "ncols")
    shared_scale = check.boolean(shared_scale, "shared_scale")
    cmap = _common.colormap(cmap)
    title = _common.title(title)
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
    return _common.axes_array(panels)
