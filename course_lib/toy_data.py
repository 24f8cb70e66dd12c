"""Small synthetic 2-D datasets for the first notebooks and the homework.

Real data (Fashion-MNIST, digits) lives in :mod:`course_lib.datasets`. The toy problems here
exist because a 2-D input can be drawn: a decision boundary, a whitened cloud, the regions a
small network carves out. They are generated, never downloaded, and repeat exactly for a seed.

Example:
    >>> from course_lib.toy_data import spiral
    >>> x, y = spiral(n_per_class=100, n_classes=3, seed=0)
    >>> x.shape, y.shape
    ((300, 2), (300,))
"""

from __future__ import annotations

import numpy as np

from course_lib import argument_validation as check

__all__ = ["spiral"]


def spiral(
    n_per_class: int = 100,
    n_classes: int = 3,
    *,
    noise: float = 0.2,
    turns: float = 1.0,
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Points on ``n_classes`` interleaved spiral arms: a problem no linear model can solve.

    Arm ``k`` starts at the origin and winds outwards to radius 1; the angle grows linearly
    with the radius over ``turns`` full turns, and every arm is rotated by ``2π·k/n_classes``.
    Gaussian noise of standard deviation ``noise`` (in radians) is added to the angle.

    Args:
        n_per_class: points on each arm, at least 1.
        n_classes: number of arms (= classes), at least 2.
        noise: standard deviation of the angular noise, at least 0.
        turns: how many full turns each arm makes, greater than 0.
        seed: seed of the NumPy generator, a non-negative integer; ``None`` for fresh
            randomness.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(n_per_class * n_classes, 2)`` inside the unit
        disc, ``y`` int64 class labels ``0 … n_classes - 1``, grouped by class.

    Raises:
        ValueError: for an argument of the wrong kind or out of range; the message names it.

    Example:
        >>> x, y = spiral(50, 2, noise=0.0)
        >>> bool(np.all(np.linalg.norm(x, axis=1) <= 1.0 + 1e-6))
        True
    """
    n_per_class = check.positive_int(n_per_class, "n_per_class")
    n_classes = check.integer(n_classes, "n_classes", minimum=2)
    noise = check.non_negative_number(noise, "noise")
    turns = check.positive_number(turns, "turns")
    seed = check.seed(seed, "seed")

    rng = np.random.default_rng(seed)
    radius = np.linspace(0.0, 1.0, n_per_class)
    xs, ys = [], []
    for k in range(n_classes):
        angle = 2.0 * np.pi * (turns * radius + k / n_classes)
        angle = angle + rng.normal(0.0, noise, size=n_per_class)
        xs.append(np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1))
        ys.append(np.full(n_per_class, k, dtype=np.int64))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)
