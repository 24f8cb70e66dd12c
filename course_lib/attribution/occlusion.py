"""Attribution by occlusion: grey out part of the image and watch the class score fall.

- ``occlusion_map`` (Zeiler and Fergus, 2014) slides a patch over each image; no gradient is
  needed, only predictions, so it explains any model, but costs one prediction per position.
- ``occlusion_check`` tests whether a map (from any method) points at what the model uses: it
  occludes the most salient pixels and as many random ones; the class score must fall more
  for the salient ones.

All occluded copies go through the model in large chunks (one ``predict`` call each), not one
copy at a time.
"""

from __future__ import annotations

from typing import NamedTuple

import keras
import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.attribution import graph as g
from course_lib.attribution.gradient import SCORES

__all__ = ["OcclusionCheck", "occlusion_check", "occlusion_map"]

#: The most bytes of occluded copies built at a time (one ``predict`` call each).
CHUNK_BYTES = 64 * 2**20


class OcclusionCheck(NamedTuple):
    """What ``occlusion_check`` returns: the drop of each image's class score when its most
    salient pixels are occluded (``salient``), and when as many random pixels are
    (``random``), two (N,) arrays. A map that points at the object has
    ``salient.mean() > random.mean()``."""

    salient: np.ndarray
    random: np.ndarray


def occlusion_map(
    model: keras.Model,
    images: ArrayLike,
    class_index: int | ArrayLike | None = None,
    patch: int | tuple[int, int] = 4,
    stride: int | tuple[int, int] = 2,
    fill: float = 0.0,
    *,
    score: str = "probability",
    upsample: bool = True,
    batch_size: int = 256,
) -> np.ndarray:
    """Occlusion sensitivity: how much the class score drops when a patch is greyed out.

    A ``patch`` of pixels (all channels) is set to ``fill`` at positions ``stride`` apart
    (the last row and column of positions touch the image's edge, so every pixel is covered),
    and the drop S_c(image) - S_c(occluded) is recorded at each position: positive where the
    patch hid evidence for the class, negative where it hid evidence against it. S_c is the
    probability of class c (softmax of the logits) unless ``score="logit"``.

    Args:
        model: a Sequential or functional ``keras.Model`` of images (not subclassed).
        images: a batch of its inputs, (N, H, W, C) floats.
        class_index: None (the predicted class), one integer, or one per image, shape (N,).
        patch: the patch's side, or (height, width), at most the image's.
        stride: the step between positions, or (down, across), at most the patch's (so that
            the patches cover every pixel).
        fill: the value the occluded pixels get (0.0: black for images in [0, 1]; the data's
            mean is the other usual choice).
        score: ``"probability"`` or ``"logit"``.
        upsample: True gives (N, H, W): each pixel gets the mean drop of the patches that
            cover it. False gives the grid (N, rows, cols), one drop per position.
        batch_size: the batch size of the ``predict`` calls.

    Returns:
        float64 NumPy array of drops, (N, H, W) or (N, rows, cols).

    Example:
        >>> from course_lib.models import lenet5
        >>> images = np.random.default_rng(0).random((2, 28, 28, 1))
        >>> occlusion_map(lenet5(), images, patch=7, stride=7).shape
        (2, 28, 28)
        >>> occlusion_map(lenet5(), images, patch=7, stride=7, upsample=False).shape
        (2, 4, 4)
    """
    graph, x = g.graph_and_images(model, images)
    patch = check.int_pair(patch, "patch")
    stride = check.int_pair(stride, "stride")
    fill = check.number(fill, "fill")
    score = check.one_of(score, "score", SCORES)
    upsample = check.boolean(upsample, "upsample")
    batch_size = check.positive_int(batch_size, "batch_size")
    height, width = x.shape[1:3]
    if patch[0] > height or patch[1] > width:
        raise ValueError(
            f"`patch` must fit in the images ({height}x{width}). Received: patch={patch}"
        )
    if stride[0] > patch[0] or stride[1] > patch[1]:
        raise ValueError(
            f"`stride` must be at most `patch` ({patch}), or some pixels are never occluded. "
            f"Received: stride={stride}"
        )
    rows, cols = _starts(height, patch[0], stride[0]), _starts(width, patch[1], stride[1])
    windows = [(slice(r, r + patch[0]), slice(c, c + patch[1])) for r in rows for c in cols]

    net = keras.Model(graph.inputs, graph.logits)
    original = _scores(g.predict(net, x, batch_size), score, graph.squash)
    classes = g.class_indices(class_index, original.argmax(axis=1), original.shape[1])
    picked = np.arange(len(x))
    drops = np.empty((len(x), len(windows)))
    per_chunk = max(1, CHUNK_BYTES // (x[0].nbytes * len(windows)))
    for start in range(0, len(x), per_chunk):
        block = x[start : start + per_chunk]
        copies = np.repeat(block[:, None], len(windows), axis=1)
        for p, (r, c) in enumerate(windows):
            copies[:, p, r, c, :] = fill
        flat = copies.reshape(-1, *x.shape[1:])
        occluded = _scores(g.predict(net, flat, batch_size), score, graph.squash)
        occluded = occluded.reshape(len(block), len(windows), -1)
        who = picked[start : start + per_chunk]
        drops[who] = (
            original[who, classes[who], None] - occluded[np.arange(len(block)), :, classes[who]]
        )
    grid = drops.reshape(len(x), len(rows), len(cols))
    if not upsample:
        return grid
    total, count = np.zeros((len(x), height, width)), np.zeros((height, width))
    for p, (r, c) in enumerate(windows):
        total[:, r, c] += drops[:, p, None, None]
        count[r, c] += 1
    return total / count


def occlusion_check(
    model: keras.Model,
    images: ArrayLike,
    maps: ArrayLike,
    class_index: int | ArrayLike | None = None,
    fraction: float = 0.1,
    fill: float = 0.0,
    *,
    score: str = "probability",
    seed: int | None = 0,
    batch_size: int = 256,
) -> OcclusionCheck:
    """Does a map point at what the model looks at? Occlude its top pixels vs random ones.

    For each image the ``fraction`` of its pixels where its map is largest (at least one
    pixel; ties in stable order) are set to ``fill`` in all channels, and so are as many
    pixels drawn at random (uniformly, without replacement, from the whole image); each time
    the drop of the class score S_c(image) - S_c(occluded) is recorded.

    Args:
        model: a Sequential or functional ``keras.Model`` of images (not subclassed).
        images: a batch of its inputs, (N, H, W, C) floats.
        maps: one map per image, (N, H, W), larger = more important (from ``saliency_map``,
            ``occlusion_map`` or ``grad_cam``).
        class_index: None (the predicted class), one integer, or one per image, shape (N,).
        fraction: the share of the pixels occluded, in (0, 1).
        fill: the value the occluded pixels get.
        score: ``"probability"`` or ``"logit"``.
        seed: seed of the random pixels (None: fresh randomness).
        batch_size: the batch size of the ``predict`` call.

    Returns:
        ``OcclusionCheck(salient, random)``: the two drops of each image, (N,) arrays.

    Example:
        >>> from course_lib.models import lenet5
        >>> images = np.random.default_rng(0).random((3, 28, 28, 1))
        >>> maps = np.zeros((3, 28, 28)); maps[:, :14, :14] = 1.0
        >>> result = occlusion_check(lenet5(), images, maps, fraction=0.25)
        >>> result.salient.shape, result.random.shape
        ((3,), (3,))
    """
    graph, x = g.graph_and_images(model, images)
    m = check.float_array(maps, "maps", ndim=3, layout="(N, H, W)", finite=True)
    if m.shape != x.shape[:3]:
        raise ValueError(
            f"`maps` must hold one map per image, of the images' height and width: shape "
            f"{x.shape[:3]}. Received: maps.shape={m.shape}"
        )
    fraction = check.number(
        fraction, "fraction", minimum=0, maximum=1, min_open=True, max_open=True
    )
    fill = check.number(fill, "fill")
    score = check.one_of(score, "score", SCORES)
    rng = np.random.default_rng(check.seed(seed, "seed"))
    batch_size = check.positive_int(batch_size, "batch_size")

    net = keras.Model(graph.inputs, graph.logits)
    original = _scores(g.predict(net, x, batch_size), score, graph.squash)
    classes = g.class_indices(class_index, original.argmax(axis=1), original.shape[1])
    n, height, width = m.shape
    k = max(1, round(fraction * height * width))
    copies = np.repeat(x[:, None], 2, axis=1)  # (N, 2, H, W, C): salient, random
    for i in range(n):
        top = np.argsort(-m[i].ravel(), kind="stable")[:k]
        chance = rng.choice(height * width, size=k, replace=False)
        for j, pixels in enumerate((top, chance)):
            rr, cc = np.unravel_index(pixels, (height, width))
            copies[i, j, rr, cc, :] = fill
    occluded = _scores(
        g.predict(net, copies.reshape(-1, *x.shape[1:]), batch_size), score, graph.squash
    )
    occluded = occluded.reshape(n, 2, -1)[np.arange(n), :, classes]  # (N, 2)
    drops = original[np.arange(n), classes][:, None] - occluded
    return OcclusionCheck(salient=drops[:, 0], random=drops[:, 1])


def _starts(size: int, patch: int, stride: int) -> list[int]:
    """Patch positions along one axis: every ``stride``, the last one at the edge."""
    starts = list(range(0, size - patch + 1, stride))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def _scores(logits: np.ndarray, score: str, squash: str) -> np.ndarray:
    return logits if score == "logit" else g.squash_numpy(logits, squash)
