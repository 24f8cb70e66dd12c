"""Image grids: ``plot_image_grid`` tiles up to 100 images into one mosaic, labelled below."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check
from course_lib.metrics import _to_labels
from course_lib.plots import _common

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from numpy.typing import ArrayLike

__all__ = ["MAX_GRID_IMAGES", "plot_image_grid"]

#: The most images ``plot_image_grid`` draws in one call.
MAX_GRID_IMAGES = 100


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
        >>> import matplotlib.pyplot as plt
        >>> images = np.random.default_rng(0).random((3, 8, 8))
        >>> ax = plot_image_grid(images, labels=[0, 1, 1], class_names=["cat", "dog"],
        ...                      predictions=[[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]])
        >>> [t.get_text() for t in ax.texts]     # pred/true, red where wrong
        ['cat/cat', 'cat/dog', 'dog/dog']
        >>> plt.close(ax.figure)
    """
    pixels = _images_as_float(images)
    n, h, w = pixels.shape[:3]
    ncols = check.positive_int(ncols, "ncols")
    class_names = _common.class_names(class_names)
    true = None if labels is None else _to_labels(labels, "labels", n=n, reference="images")
    if predictions is not None and true is None:
        raise ValueError(
            "`predictions` needs `labels` (the text shows pred/true). Received: labels=None"
        )
    pred = (
        None
        if predictions is None
        else _to_labels(predictions, "predictions", n=n, reference="images")
    )
    if class_names is not None:
        for name, arr in (("labels", true), ("predictions", pred)):
            if arr is not None and (arr.min() < 0 or arr.max() >= len(class_names)):
                raise ValueError(
                    f"`{name}` must be class numbers in [0, {len(class_names) - 1}] to index "
                    f"`class_names`. Received values from {arr.min()} to {arr.max()}"
                )
    cmap = _common.colormap(cmap, allow_none=True)
    title = _common.title(title)
    if ax is not None:
        _common.check_ax(ax)

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
        _, ax = _common.pyplot().subplots(figsize=(fig_w, fig_h), layout="constrained")
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
