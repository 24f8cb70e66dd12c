"""Attribution maps over their images: ``plot_attribution`` draws a row of images and, under
it, one row per method (saliency, occlusion, Grad-CAM, see ``course_lib.attribution``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check
from course_lib.plots import _common

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from numpy.typing import ArrayLike

__all__ = ["MAX_ATTRIBUTION_IMAGES", "plot_attribution"]

#: The most images (columns) ``plot_attribution`` draws in one call.
MAX_ATTRIBUTION_IMAGES = 16


def plot_attribution(
    images: ArrayLike,
    maps: ArrayLike | Mapping[str, ArrayLike],
    *,
    titles: Sequence[str] | None = None,
    overlay: bool = True,
    alpha: float = 0.5,
    cmap: str | Colormap = "jet",
    axes: Sequence[Axes] | np.ndarray | None = None,
    title: str | None = None,
) -> np.ndarray:
    """Images in the first row, and under each image its map(s), one row per method.

    Each image is drawn rescaled to [0, 1] on its own (min to max), so standardized inputs
    show as well. Each map is drawn with its own colour scale, from min(0, its minimum) to
    its maximum, stretched over the whole image (a map at grid resolution, e.g. from
    ``occlusion_map(..., upsample=False)``, covers the image too). With ``overlay`` the map is
    drawn over the image in grey with opacity ``alpha``.

    Args:
        images: (N, H, W), (N, H, W, 1) or (N, H, W, 3) floats, at most 16 images.
        maps: one map per image, (N, h, w), or ``{method name: maps}`` for several rows (the
            name labels its row).
        titles: one title per image (e.g. its label and the predicted class), or None.
        overlay: draw each map over its image (False: the map alone).
        alpha: the map's opacity over the image, in [0, 1].
        cmap: the colormap of the maps.
        axes: (1 + number of methods) x N Axes, rows first (a 2-D array or a flat sequence);
            None creates a figure.
        title: a title for the figure.

    Returns:
        A 2-D ``np.ndarray`` of Axes, one row for the images and one per method.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> rng = np.random.default_rng(0)
        >>> images, maps = rng.random((3, 8, 8)), rng.random((3, 8, 8))
        >>> axes = plot_attribution(images, {"saliency": maps, "occlusion": maps[:, ::2, ::2]})
        >>> axes.shape, axes[1, 0].get_ylabel()
        ((3, 3), 'saliency')
        >>> plt.close(axes[0, 0].figure)
    """
    pictures = _pictures(images)
    n, height, width = pictures.shape[:3]
    rows = _maps(maps, n)
    if titles is not None:
        titles = check.string_list(titles, "titles", allow_empty=False)
        if len(titles) != n:
            raise ValueError(
                f"`titles` must hold one title per image ({n}). Received: {len(titles)} titles"
            )
    overlay = check.boolean(overlay, "overlay")
    alpha = check.number(alpha, "alpha", minimum=0, maximum=1)
    cmap = _common.colormap(cmap)
    title = _common.title(title)
    count = (1 + len(rows)) * n
    if axes is None:
        _, grid = _common.pyplot().subplots(
            1 + len(rows),
            n,
            figsize=(min(1.6 * n + 0.6, 16.0), 1.6 * (1 + len(rows)) + 0.4),
            layout="constrained",
            squeeze=False,
        )
        cells = list(grid.ravel())
    else:
        cells = _common.axes_list(axes, "axes", count)
    panels = _common.axes_array(cells).reshape(1 + len(rows), n)

    extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    grey = "gray" if pictures.ndim == 3 else None
    for i in range(n):
        panels[0, i].imshow(pictures[i], cmap=grey, vmin=0, vmax=1, interpolation="nearest")
        if titles is not None:
            panels[0, i].set_title(titles[i], fontsize="small")
        for r, (name, m) in enumerate(rows.items(), start=1):
            target = panels[r, i]
            if overlay:
                shown = pictures[i] if pictures.ndim == 3 else pictures[i].mean(axis=-1)
                target.imshow(shown, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            low = min(0.0, float(m[i].min()))
            high = max(float(m[i].max()), low + 1e-12)
            target.imshow(
                m[i],
                cmap=cmap,
                vmin=low,
                vmax=high,
                alpha=alpha if overlay else 1.0,
                extent=extent,
                interpolation="bilinear" if m.shape[1:] != (height, width) else "nearest",
            )
            if i == 0:
                target.set_ylabel(name)
    for target in panels.ravel():
        target.set_xticks([])
        target.set_yticks([])
    if title is not None:
        panels[0, 0].figure.suptitle(title)
    return panels


def _pictures(images: Any) -> np.ndarray:
    """``images`` as float64, (n, h, w) or (n, h, w, 3), each rescaled to [0, 1]."""
    arr = check.float_array(images, "images", finite=True)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if not (arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] == 3)):
        raise ValueError(
            "`images` must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3); for one image "
            f"use images[None]. Received: images.shape={np.shape(images)}"
        )
    if arr.shape[0] > MAX_ATTRIBUTION_IMAGES:
        raise ValueError(
            f"`images` holds {arr.shape[0]} images; plot_attribution draws at most "
            f"{MAX_ATTRIBUTION_IMAGES}. Pass a slice, e.g. images[:{MAX_ATTRIBUTION_IMAGES}]."
        )
    axes = tuple(range(1, arr.ndim))
    low, high = arr.min(axis=axes, keepdims=True), arr.max(axis=axes, keepdims=True)
    span = np.where(high > low, high - low, 1.0)
    return (arr - low) / span


def _maps(maps: Any, n: int) -> dict[str, np.ndarray]:
    """``{name: (n, h, w) array}`` from one array or a mapping of them."""
    if isinstance(maps, Mapping):
        if not maps:
            raise ValueError("`maps` must hold at least one method's maps. Received: {}")
        items = list(maps.items())
        for name, _ in items:
            check.string(name, "maps")
    else:
        items = [("map", maps)]
    out = {}
    for name, value in items:
        arr = check.float_array(value, "maps", finite=True)
        if arr.ndim != 3 or arr.shape[0] != n:
            raise ValueError(
                f"`maps` must hold one map per image, shape ({n}, h, w). "
                f"Received: maps[{name!r}].shape={arr.shape}"
            )
        out[name] = arr
    return out
