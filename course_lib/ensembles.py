"""Model ensembles: average the predicted class probabilities of several models.

Models trained from different random initializations (or different snapshots of one run) make
partly independent mistakes. Averaging their predicted probabilities cancels some of those
mistakes, so the average is usually more accurate than a typical member, at the price of
training and running every member.

    p_ensemble(x) = sum_m w_m * p_m(x) / sum_m w_m        (w_m = 1 for a plain average)

``accuracy`` lives in ``course_lib.metrics`` and is importable from here as well.

Example::

    from course_lib.ensembles import accuracy, average_predictions, predict_ensemble

    probs = predict_ensemble([model_a, model_b, model_c], x_test)
    print(accuracy(probs, y_test))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from course_lib import argument_validation as check
from course_lib.metrics import accuracy

if TYPE_CHECKING:
    import keras
    from numpy.typing import ArrayLike

# ``accuracy`` is course_lib.metrics.accuracy (the same object), kept here for old imports.
__all__ = ["accuracy", "average_predictions", "predict_ensemble"]


def average_predictions(
    predictions: Sequence[ArrayLike] | np.ndarray, weights: Sequence[float] | None = None
) -> np.ndarray:
    """The (weighted) mean of several models' predictions on the same examples.

    One model's predictions are never averaged over their examples:

    * a list (or tuple) holds one array per model, all of one shape; a list of one model's
      array returns that array (as float64);
    * a NumPy array is read as stacked predictions, models on the first axis, so it must have
      at least 3 axes, ``(models, n, classes)``. A 2-D array is refused: it is one model's
      ``(n, classes)`` output as often as several models' ``(n,)`` outputs, so pass a list
      of per-model arrays instead (``[probs]`` for one model, ``list(stacked)`` for several).

    Args:
        predictions: a non-empty list of arrays of one shape, e.g. ``(n, classes)``
            probabilities, one array per model, or a stacked array ``(models, n, classes)``.
        weights: one non-negative weight per model, not all zero; None for a plain mean.

    Returns:
        A float64 array of the members' shape.

    Example:
        >>> average_predictions([[[0.9, 0.1]], [[0.3, 0.7]]])
        array([[0.6, 0.4]])
        >>> average_predictions(np.ones((5, 3)))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: `predictions` is a 2-D array of shape (5, 3), which is ambiguous: ...
    """
    if isinstance(predictions, np.ndarray):
        if predictions.ndim < 3:
            raise ValueError(
                f"`predictions` is a {predictions.ndim}-D array of shape {predictions.shape}, "
                "which is ambiguous: one model's predictions are not averaged over their "
                "examples. Pass a list of per-model arrays ([probs] for one model) or a "
                "stacked (models, n, classes) array."
            )
        members = list(predictions)
    else:
        check.instance(
            predictions, "predictions", (list, tuple), "a list of arrays (one per model)"
        )
        members = list(predictions)
    check.non_empty(members, "predictions")
    arrays = [
        check.float_array(p, f"predictions[{i}]", finite=True) for i, p in enumerate(members)
    ]
    if any(a.ndim == 0 for a in arrays):
        raise ValueError(
            "`predictions` must hold one array per model; it holds numbers. For one model's "
            "predictions pass [predictions]."
        )
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(
            "`predictions` must all have the same shape. "
            f"Received shapes: {[a.shape for a in arrays]}"
        )
    stacked = np.stack(arrays).astype(np.float64)
    if weights is None:
        return stacked.mean(axis=0)
    w = _weights(weights, len(arrays))
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
        models: a non-empty list of Keras models with outputs of one shape.
        x: the inputs, anything ``model.predict`` accepts.
        batch_size: batch size for ``predict`` (a positive integer).
        weights: optional weight per model, see ``average_predictions``.

    Returns:
        The averaged predictions as a float64 NumPy array.

    Example:
        >>> models = [keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
        ...           for _ in range(2)]
        >>> predict_ensemble(models, np.zeros((4, 2))).shape
        (4, 3)
    """
    import keras

    check.instance(models, "models", (list, tuple), "a non-empty list of Keras models")
    check.non_empty(models, "models")
    for i, model in enumerate(models):
        check.instance(model, f"models[{i}]", keras.Model, "a Keras model (with `predict`)")
    batch_size = check.positive_int(batch_size, "batch_size")
    if weights is not None:
        _weights(weights, len(models))  # refused before running any model
    outputs = [np.asarray(m.predict(x, batch_size=batch_size, verbose=0)) for m in models]
    return average_predictions(outputs, weights=weights)


# Used here only; built on argument_validation (one weight per model, not all zero).
def _weights(weights: Sequence[float], count: int) -> np.ndarray:
    """One non-negative, finite weight per model, not all zero."""
    if isinstance(weights, str) or not isinstance(weights, (Sequence, np.ndarray)):
        raise ValueError(
            f"`weights` must be None or {count} non-negative numbers (one per model). "
            f"Received: weights={weights!r}"
        )
    items = weights.tolist() if isinstance(weights, np.ndarray) else list(weights)
    values = [check.non_negative_number(v, "weights") for v in items]
    if len(values) != count or not any(v > 0 for v in values):
        raise ValueError(
            f"`weights` must be {count} non-negative numbers, not all zero (one per model). "
            f"Received: weights={weights!r}"
        )
    return np.asarray(values, dtype=np.float64)
