"""Model ensembles: average the predicted class probabilities of several models.

Models trained from different random initializations (or different snapshots of one run) make
partly independent mistakes. Averaging their predicted probabilities cancels some of those
mistakes, so the average is usually more accurate than a typical member, at the price of
training and running every member.

    p_ensemble(x) = sum_m w_m * p_m(x) / sum_m w_m        (w_m = 1 for a plain average)

Example::

    from course_lib.ensembles import average_predictions, predict_ensemble

    probs = predict_ensemble([model_a, model_b, model_c], x_test)
    accuracy = np.mean(probs.argmax(axis=1) == y_test)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras
    from numpy.typing import ArrayLike

__all__ = ["accuracy", "average_predictions", "predict_ensemble"]


def average_predictions(
    predictions: Sequence[ArrayLike], weights: Sequence[float] | None = None
) -> np.ndarray:
    """The (weighted) mean of several models' predictions on the same examples.

    Args:
        predictions: a non-empty sequence of arrays of one shape, e.g. ``(n, classes)``
            probabilities, one array per model (or a stacked array ``(models, n, classes)``).
        weights: one non-negative weight per model, not all zero; None for a plain mean.

    Returns:
        A float64 array of the members' shape.

    Example:
        >>> average_predictions([[[0.9, 0.1]], [[0.3, 0.7]]])
        array([[0.6, 0.4]])
    """
    if isinstance(predictions, np.ndarray) or (
        isinstance(predictions, Sequence) and not isinstance(predictions, str)
    ):
        members = list(predictions)
    else:
        raise ValueError(
            "`predictions` must be a sequence of arrays (one per model). "
            f"Received: predictions of type {type(predictions).__name__}"
        )
    if not members:
        raise ValueError("`predictions` is empty: give at least one model's predictions.")
    arrays = [np.asarray(p, dtype=np.float64) for p in members]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(
            "`predictions` must all have the same shape. "
            f"Received shapes: {[a.shape for a in arrays]}"
        )
    stacked = np.stack(arrays)
    if weights is None:
        return stacked.mean(axis=0)
    w = _check_weights(weights, len(arrays))
    return np.tensordot(w / w.sum(), stacked, axes=1)


def predict_ensemble(
    models: Sequence[keras.Model],
    x: Any,
    *,
    batch_size: int = 256,
    weights: Sequence[float] | None = None,
) -> np.ndarray:
    """Run every model on ``x`` (inference mode) and average their outputs.

    Args:
        models: a non-empty sequence of models with outputs of one shape.
        x: the inputs, anything ``model.predict`` accepts.
        batch_size: batch size for ``predict`` (a positive integer).
        weights: optional weight per model, see ``average_predictions``.

    Returns:
        The averaged predictions as a float64 NumPy array.

    Example:
        >>> probs = predict_ensemble(models, x_test)
    """
    if isinstance(models, str) or not isinstance(models, Sequence) or not models:
        raise ValueError(
            f"`models` must be a non-empty sequence of Keras models. Received: models={models!r}"
        )
    for i, model in enumerate(models):
        if not callable(getattr(model, "predict", None)):
            raise ValueError(
                f"`models[{i}]` has no `predict` method. Received: {type(model).__name__}"
            )
    if isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    outputs = [np.asarray(m.predict(x, batch_size=int(batch_size), verbose=0)) for m in models]
    return average_predictions(outputs, weights=weights)


def accuracy(probabilities: ArrayLike, labels: ArrayLike) -> float:
    """Fraction of rows of ``probabilities`` (n, classes) whose arg-max equals ``labels`` (n,).

    Example:
        >>> accuracy([[0.2, 0.8], [0.6, 0.4]], [1, 1])
        0.5
    """
    p = np.asarray(probabilities)
    y = np.asarray(labels)
    if p.ndim != 2 or y.ndim != 1 or p.shape[0] != y.shape[0]:
        raise ValueError(
            "`probabilities` must have shape (n, classes) and `labels` shape (n,). "
            f"Received: probabilities.shape={p.shape}, labels.shape={y.shape}"
        )
    return float(np.mean(p.argmax(axis=1) == y))


def _check_weights(weights: Sequence[float], count: int) -> np.ndarray:
    values = list(weights) if isinstance(weights, (Sequence, np.ndarray)) else None
    if (
        values is None
        or len(values) != count
        or any(
            isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v < 0
            for v in values
        )
        or not any(v > 0 for v in values)
    ):
        raise ValueError(
            f"`weights` must be {count} non-negative numbers, not all zero (one per model). "
            f"Received: weights={weights!r}"
        )
    return np.asarray(values, dtype=np.float64)
