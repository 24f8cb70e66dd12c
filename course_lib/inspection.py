"""Looking inside a trained classifier: what its layers compute, and where it is surely wrong.

- ``layer_outputs(model, x, names)``: the activations of named layers for some inputs, computed
  in inference mode (dropout off, batch norm with its moving statistics), e.g. the feature
  maps of a convolution layer for one image, ready for ``plots.plot_feature_maps``.
- ``most_confident_mistakes(y_true, y_prob, k)``: the wrongly classified examples the model
  was most sure about, most confident first, ready for ``plots.plot_image_grid``.

Example::

    from course_lib.inspection import layer_outputs, most_confident_mistakes

    maps = layer_outputs(model, x_test[:1], "c1")["c1"]          # (1, 28, 28, 6)
    probs = model.predict(x_test, verbose=0)
    worst = most_confident_mistakes(y_test, probs, k=16)
    plot_image_grid(x_test[worst], y_test[worst], predictions=probs[worst])
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from numpy.typing import ArrayLike

__all__ = ["layer_outputs", "most_confident_mistakes"]


def layer_outputs(
    model: keras.Model, x: ArrayLike, layer_names: str | Sequence[str], batch_size: int = 256
) -> dict[str, np.ndarray]:
    """The outputs of the named layers of ``model`` for the inputs ``x``.

    A second model that shares the layers (and weights) of ``model`` and ends at the named
    layers is run on ``x`` with ``predict``, so layers behave as at inference.

    Args:
        model: a functional or Sequential ``keras.Model`` whose inputs are defined (built
            from ``keras.Input``, or called once on data).
        x: a batch of inputs, with the batch axis (for one image use ``x[:1]`` or
            ``image[None]``).
        layer_names: a layer name or a list of names (see ``[l.name for l in model.layers]``).
        batch_size: batch size of the ``predict`` call, a positive integer.

    Returns:
        ``{name: array}`` in the order of ``layer_names``, each array with the batch axis
        first, e.g. (N, H, W, C) for a convolution layer.

    Raises:
        ValueError: if ``model`` is not a Keras model with defined inputs, a name is not a
            layer of it, or ``batch_size`` is not a positive integer.

    Example:
        >>> from course_lib.models import lenet5
        >>> out = layer_outputs(lenet5(), np.zeros((1, 28, 28, 1)), ["c1", "s2"])
        >>> {name: a.shape for name, a in out.items()}
        {'c1': (1, 28, 28, 6), 's2': (1, 14, 14, 6)}
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"`model` must be a keras.Model. Received: model of type {type(model).__name__}"
        )
    names = [layer_names] if isinstance(layer_names, str) else layer_names
    if not isinstance(names, Sequence) or not names or not all(isinstance(n, str) for n in names):
        raise ValueError(
            "`layer_names` must be a layer name or a non-empty list of names. "
            f"Received: layer_names={layer_names!r}"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    known = [layer.name for layer in model.layers]
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(
            f"`layer_names` must name layers of the model {model.name!r}. Received unknown "
            f"names {missing}; the model's layers are {known}"
        )
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            f"The model {model.name!r} has no defined inputs yet: build it from keras.Input "
            "(or call it once on data) before asking for its layers' outputs."
        )
    names = list(dict.fromkeys(names))
    probe = keras.Model(inputs, [model.get_layer(n).output for n in names])
    outputs = probe.predict(np.asarray(x), batch_size=batch_size, verbose=0)
    if len(names) == 1 and not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return {n: np.asarray(out) for n, out in zip(names, outputs, strict=True)}


def most_confident_mistakes(y_true: ArrayLike, y_prob: ArrayLike, k: int = 16) -> np.ndarray:
    """Indices of the misclassified examples with the highest confidence, most confident first.

    An example is a mistake when the argmax of its row of ``y_prob`` differs from its label;
    its confidence is the probability of that (wrong) predicted class. Equal confidences keep
    the order of the examples.

    Args:
        y_true: the true labels, integers of shape (n,).
        y_prob: class probabilities (or scores), shape (n, num_classes).
        k: the most indices to return, a positive integer.

    Returns:
        An int64 array of at most ``k`` indices into ``y_true`` (fewer when there are fewer
        mistakes; empty when there are none).

    Example:
        >>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
        >>> most_confident_mistakes([1, 1, 1, 0], probs, k=5).tolist()
        [0, 3, 2]
    """
    true = np.asarray(y_true)
    prob = np.asarray(y_prob)
    if true.ndim != 1 or true.dtype.kind not in "iu":
        raise ValueError(
            "`y_true` must be integer labels of shape (n,). "
            f"Received: shape {true.shape}, dtype {true.dtype}"
        )
    if prob.ndim != 2 or prob.shape[0] != true.shape[0] or prob.shape[1] < 2:
        raise ValueError(
            "`y_prob` must have shape (n, num_classes) with one row per label and at least 2 "
            f"classes. Received: y_prob.shape={prob.shape} for {true.shape[0]} labels"
        )
    if prob.dtype.kind not in "iuf" or not np.all(np.isfinite(prob)):
        raise ValueError("`y_prob` must hold finite numbers.")
    if true.size and (true.min() < 0 or true.max() >= prob.shape[1]):
        raise ValueError(
            f"`y_true` must hold class numbers in [0, {prob.shape[1] - 1}]. "
            f"Received values from {true.min()} to {true.max()}"
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer. Received: k={k!r}")
    predicted = prob.argmax(axis=1)
    wrong = np.flatnonzero(predicted != true)
    confidence = prob[wrong, predicted[wrong]]
    order = np.argsort(-confidence, kind="stable")
    return wrong[order[:k]].astype(np.int64)
