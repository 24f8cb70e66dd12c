"""What the plot families share: figures on demand, Axes arguments, colours, titles, names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from course_lib import argument_validation as check

if TYPE_CHECKING:
    from matplotlib.colors import Colormap


def pyplot():
    """``matplotlib.pyplot``, imported on first use so that importing the package stays light."""
    import matplotlib.pyplot as plt

    return plt


def check_ax(ax: Any, name: str = "ax") -> Axes:
    """``ax`` if it is a matplotlib Axes (a ``TypeError`` naming ``name`` otherwise)."""
    return check.instance(ax, name, Axes, "None or a matplotlib Axes")


def axes_list(axes: Any, name: str, count: int) -> list[Axes]:
    """``axes`` (one Axes, or a sequence / array of them) as a list of exactly ``count`` Axes."""
    if isinstance(axes, Axes):
        items = [axes]
    else:
        check.instance(
            axes,
            name,
            (list, tuple, np.ndarray),
            "None, a matplotlib Axes or a sequence of them",
        )
        items = list(np.asarray(axes, dtype=object).ravel())
    if len(items) != count:
        raise ValueError(
            f"`{name}` must hold one Axes per panel: {count} needed. Received: {len(items)} Axes"
        )
    for item in items:
        check_ax(item, name)
    return items


def axes_array(items: Sequence[Axes]) -> np.ndarray:
    """A 1-D object array of Axes (``np.array`` would try to iterate the Axes)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def title(value: Any) -> str | None:
    """A title: None or a string (empty allowed)."""
    return check.optional(check.string, value, "title", allow_empty=True)


def class_names(value: Any) -> list[str] | None:
    """None, or a non-empty list / tuple / array of class names (strings)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return check.optional(check.string_list, value, "class_names", allow_empty=False)


def colormap(cmap: Any, name: str = "cmap", *, allow_none: bool = False) -> Colormap | None:
    """A matplotlib Colormap from a Colormap or the name of a registered one."""
    import matplotlib as mpl

    if cmap is None and allow_none:
        return None
    if isinstance(cmap, mpl.colors.Colormap):
        return cmap
    what = "None, a Colormap" if allow_none else "a Colormap"
    check.string(cmap, name)
    try:
        return mpl.colormaps[cmap]
    except KeyError:
        raise ValueError(
            f"`{name}` must be {what} or the name of a registered colormap "
            f"(e.g. 'tab10', 'viridis'). Received: {name}={cmap!r}"
        ) from None


def class_colors(cmap: str | Colormap | None, k: int) -> np.ndarray:
    """``k`` RGBA colours, one per class index 0..k-1 (``cmap`` None: tab10, tab20, viridis)."""
    import matplotlib as mpl

    if cmap is None:
        cmap = "tab10" if k <= 10 else ("tab20" if k <= 20 else "viridis")
    cm = colormap(cmap)
    # Qualitative maps (few entries) give their first k colours; continuous ones are sampled.
    if isinstance(cm, mpl.colors.ListedColormap) and k <= cm.N < 256:
        return cm(np.arange(k))
    return cm(np.linspace(0.0, 1.0, k)) if k > 1 else cm(np.array([0.0]))


def short(values: Any, limit: int = 60) -> str:
    """``repr(values)``, cut to ``limit`` characters."""
    text = repr(values)
    return text if len(text) <= limit else text[: limit - 3] + "..."
