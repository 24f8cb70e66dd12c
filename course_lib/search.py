"""Random hyperparameter search on a log scale, coarse to fine.

Learning rates and penalty strengths act multiplicatively: 1e-4 and 1e-3 differ as much as 1e-2
and 1e-1. So they are sampled *uniformly in the exponent*:

    log10(value) ~ Uniform(log10(low), log10(high))

Random search (not a grid) tries a new value of every hyperparameter in every trial. The search
runs in stages: many short runs over a wide range, then fewer, longer runs in the region the
best short runs point to (``best_region``), and so on as the budget allows.

For real projects use a tool built for it, such as KerasTuner (``keras_tuner.RandomSearch``,
``Hyperband``, ``BayesianOptimization``); this module only shows the idea.

Example::

    from course_lib.search import best_region, log_uniform

    lrs = log_uniform(1e-5, 1.0, size=12, seed=0)          # stage 1: wide
    scores = [short_run(lr) for lr in lrs]
    low, high = best_region(lrs, scores, top=3)             # stage 2: where the best were
    lrs_fine = log_uniform(low, high, size=4, seed=1)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from course_lib import argument_validation as check

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["best_region", "log_uniform"]

_MODES = ("max", "min")


def log_uniform(
    low: float, high: float, size: int, *, seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """``size`` values drawn log-uniformly from ``[low, high)``.

    Args:
        low, high: the range, ``0 < low < high``.
        size: number of values, a positive integer.
        seed: a non-negative integer seed, a ``np.random.Generator``, or None (fresh
            randomness).

    Returns:
        A float64 array of shape ``(size,)``.

    Example:
        >>> values = log_uniform(1e-4, 1e-1, size=5, seed=0)
        >>> bool(np.all((values >= 1e-4) & (values < 1e-1)))
        True
    """
    low = check.positive_number(low, "low")
    high = check.positive_number(high, "high")
    if not low < high:
        raise ValueError(f"`high` must be greater than `low`={low!r}. Received: high={high!r}")
    size = check.positive_int(size, "size")
    if isinstance(seed, np.random.Generator):
        rng = seed
    else:
        rng = np.random.default_rng(check.seed(seed, "seed"))
    exponents = rng.uniform(math.log10(low), math.log10(high), size=size)
    return 10.0**exponents


def best_region(
    values: ArrayLike,
    scores: ArrayLike,
    *,
    top: int = 3,
    mode: str = "max",
    widen: float = 2.0,
) -> tuple[float, float]:
    """The log-scale range spanned by the ``top`` best trials, widened by a factor each side.

    Args:
        values: the hyperparameter value of each trial (positive numbers).
        scores: the score of each trial (e.g. validation accuracy); NaN counts as worst.
        top: how many of the best trials span the region (1 <= top <= number of trials).
        mode: ``"max"`` if a higher score is better, ``"min"`` if lower is better (a loss).
        widen: the region is ``[min / widen, max * widen]`` of the best values (>= 1).

    Returns:
        ``(low, high)`` for the next, finer stage.

    Example:
        >>> best_region([1e-4, 1e-3, 1e-2, 1e-1], [0.2, 0.6, 0.8, 0.3], top=2, widen=1.0)
        (0.001, 0.01)
    """
    v = check.float_array(values, "values", ndim=1, layout="(trials,)")
    s = check.float_array(scores, "scores", ndim=1, layout="(trials,)")
    if s.shape != v.shape:
        raise ValueError(
            "`values` and `scores` must have the same length (one score per trial). "
            f"Received: values.shape={v.shape}, scores.shape={s.shape}"
        )
    if not np.all(np.isfinite(v) & (v > 0)):
        raise ValueError(f"`values` must be positive finite numbers. Received: values={v!r}")
    top = check.integer(top, "top", minimum=1, maximum=v.size)
    mode = check.one_of(mode, "mode", _MODES)
    widen = check.number(widen, "widen", minimum=1)
    worst = -np.inf if mode == "max" else np.inf
    s = np.where(np.isnan(s), worst, s)
    order = np.argsort(-s if mode == "max" else s, kind="stable")
    best = v[order[:top]]
    return float(best.min() / widen), float(best.max() * widen)
