"""Looking inside a trained classifier: what its layers compute, and where it is surely wrong.

- ``layer_outputs(model, x, names)``: the activations of named layers for some inputs, computed
  in inference mode (dropout off, batch norm with its moving statistics), e.g. the feature
  maps of a convolution layer for one image, ready for ``plots.plot_feature_maps``.
- ``most_confident_mistakes(y_true, y_prob, k)``: the wrongly classified examples the model
  was most sure about, most confident first, ready for ``plots.plot_image_grid``.

This module is also the one home of the *probe model* (``build_probe_model``): the model that
shares the layers and weights of a model and returns the outputs of some of its layers.
``layer_outputs`` and the callbacks ``ActivationStats`` and ``DeadReLUMonitor`` all use it.

Example::

    from course_lib.inspection import layer_outputs, most_confident_mistakes

    maps = layer_outputs(model, x_test[:1], "c1")["c1"]          # (1, 28, 28, 6)
    probs = model.predict(x_test, verbose=0)
    worst = most_confident_mistakes(y_test, probs, k=16)
    plot_image_grid(x_test[worst], y_test[worst], predictions=probs[worst])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check

__all__ = ["layer_outputs", "most_confident_mistakes"]

#: A batch of model inputs: one array, or a list of them for a multi-input model.
ModelInputs = np.ndarray | list[np.ndarray]


def layer_outputs(
    model: keras.Model,
    x: ArrayLike | Sequence[ArrayLike],
    layer_names: str | Sequence[str],
    batch_size: int = 256,
) -> dict[str, np.ndarray]:
    """The outputs of the named layers of ``model`` for the inputs ``x``.

    A second model that shares the layers (and weights) of ``model`` and ends at the named
    layers (``build_probe_model``) is run on ``x`` with ``predict``, so layers behave as at
    inference.

    Args:
        model: a functional or Sequential ``keras.Model`` (a Sequential model without
            ``keras.Input`` is rebuilt on the shape of ``x``); not a subclassed model.
        x: a batch of inputs, a NumPy array or tensor with the batch axis first (for one
            image use ``x[:1]`` or ``image[None]``), or a list of them for a multi-input
            model.
        layer_names: a layer name or a list of names (see ``[l.name for l in model.layers]``);
            a repeated name is computed once.
        batch_size: batch size of the ``predict`` call, a positive integer.

    Returns:
        ``{name: array}`` in the order of ``layer_names``, each array with the batch axis
        first, e.g. (N, H, W, C) for a convolution layer.

    Raises:
        TypeError: if ``model`` is not a Keras model.
        ValueError: if ``model`` cannot be probed (subclassed), a name is not a layer of it,
            ``x`` is not a non-empty batch of numbers, or ``batch_size`` is not a positive
            integer.

    Example:
        >>> from course_lib.models import lenet5
        >>> out = layer_outputs(lenet5(), np.zeros((1, 28, 28, 1)), ["c1", "s2"])
        >>> {name: a.shape for name, a in out.items()}
        {'c1': (1, 28, 28, 6), 's2': (1, 14, 14, 6)}
    """
    check.instance(model, "model", keras.Model, "a keras.Model")
    if isinstance(layer_names, str):
        names = [check.string(layer_names, "layer_names")]
    else:
        names = check.string_list(layer_names, "layer_names", allow_empty=False)
    inputs = model_inputs(x, "x")
    batch_size = check.positive_int(batch_size, "batch_size")
    names = list(dict.fromkeys(names))
    layers = find_layers(model, names, "layer_names")
    probe = build_probe_model(model, layers, inputs)
    outputs = probe.predict(inputs, batch_size=batch_size, verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return {n: np.asarray(out) for n, out in zip(names, outputs, strict=True)}


def most_confident_mistakes(y_true: ArrayLike, y_prob: ArrayLike, k: int = 16) -> np.ndarray:
    """Indices of the misclassified examples with the highest confidence, most confident first.

    An example is a mistake when the argmax of its row of ``y_prob`` differs from its label;
    its confidence is the probability of that (wrong) predicted class. Equal confidences keep
    the order of the examples.

    Args:
        y_true: the true labels, integers of shape (n,).
        y_prob: class probabilities (or scores), shape (n, num_classes), finite.
        k: the most indices to return, a positive integer.

    Returns:
        An int64 array of at most ``k`` indices into ``y_true`` (fewer when there are fewer
        mistakes; empty when there are none).

    Example:
        >>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
        >>> most_confident_mistakes([1, 1, 1, 0], probs, k=5).tolist()
        [0, 3, 2]
    """
    prob = check.float_array(
        y_prob, "y_prob", ndim=2, layout="(n, num_classes)", allow_empty=True, finite=True
    )
    if prob.shape[1] < 2:
        raise ValueError(
            f"`y_prob` must have at least 2 classes (columns). Received: y_prob.shape={prob.shape}"
        )
    true = _class_labels(y_true, "y_true", prob.shape[1])
    if prob.shape[0] != true.shape[0]:
        raise ValueError(
            "`y_prob` must have one row per label of `y_true`. "
            f"Received: y_prob.shape={prob.shape} for {true.shape[0]} labels in y_true"
        )
    k = check.positive_int(k, "k")
    predicted = prob.argmax(axis=1)
    wrong = np.flatnonzero(predicted != true)
    confidence = prob[wrong, predicted[wrong]]
    order = np.argsort(-confidence, kind="stable")
    return wrong[order[:k]].astype(np.int64)


# Used here only; built on argument_validation (integer class labels of shape (n,)).
def _class_labels(y: Any, name: str, num_classes: int) -> np.ndarray:
    """Integer labels of shape (n,), each in [0, num_classes); an empty list is no labels."""
    try:
        labels = np.asarray(y)
    except Exception:  # ragged nested lists
        labels = np.asarray(None)
    if labels.ndim == 1 and labels.size == 0:
        return labels.astype(np.int64)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"`{name}` must be integer labels of shape (n,). "
            f"Received: {name} with shape {labels.shape} and dtype {labels.dtype}"
        )
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(
            f"`{name}` must hold class numbers in [0, {num_classes - 1}]. "
            f"Received values from {labels.min()} to {labels.max()}"
        )
    return labels


# ---------------------------------------------------------------------------------------------
# The probe model (shared with course_lib.callbacks)
# ---------------------------------------------------------------------------------------------


def model_inputs(x: Any, name: str) -> ModelInputs:
    """Check a batch of model inputs and return it as a NumPy array (or a list of them).

    Accepted: a NumPy array or tensor of numbers with at least one example (batch axis first),
    or a non-empty list/tuple of them, all with the same number of examples (a multi-input
    model). A plain nested list of numbers is refused: Keras reads a list as several inputs.
    """
    allowed = (
        f"`{name}` must be a non-empty NumPy array or tensor of shape (batch, ...), "
        "or a list of them for a multi-input model."
    )
    if isinstance(x, (list, tuple)) and x and all(_is_array(p) for p in x):
        arrays = [_to_numpy(p, name, allowed) for p in x]
        if len({a.shape[0] for a in arrays}) != 1:
            raise ValueError(
                f"{allowed} All arrays of a multi-input `{name}` must have the same number "
                f"of examples. Received shapes: {[a.shape for a in arrays]}"
            )
        return arrays
    if not _is_array(x):
        hint = " (wrap a nested list in np.asarray)" if isinstance(x, (list, tuple)) else ""
        raise ValueError(f"{allowed}{hint} Received: {name} of type {type(x).__name__}")
    return _to_numpy(x, name, allowed)


def find_layers(
    model: keras.Model, names: Sequence[str], argument: str
) -> list[keras.layers.Layer]:
    """The top-level layers of ``model`` with these names; an unknown name is refused by
    ``argument`` (the caller's argument that holds the names)."""
    by_name = {layer.name: layer for layer in model.layers}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(
            f"`{argument}` must name layers of the model {model.name!r}. Received unknown "
            f"names {unknown}; the model's layers are {list(by_name)}"
        )
    return [by_name[n] for n in names]


def build_probe_model(
    model: keras.Model, layers: Sequence[keras.layers.Layer], inputs: ModelInputs
) -> keras.Model:
    """A functional model from ``model``'s inputs to the outputs of ``layers`` (shared weights).

    A Sequential model built without ``keras.Input`` has no symbolic graph; the chain of its
    layers is then called again on an input shaped like ``inputs`` (same layer objects, hence
    the same weights). A subclassed model, which has neither, raises a ``ValueError``.
    """
    symbolic = symbolic_inputs(model)
    if symbolic is not None:
        try:
            outputs = [layer.output for layer in layers]
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"Could not read the outputs of the layers {[la.name for la in layers]} "
                f"of model '{model.name}': {error}"
            ) from error
        for layer, output in zip(layers, outputs, strict=True):
            if not isinstance(output, keras.KerasTensor):
                raise ValueError(
                    f"Layer '{layer.name}' has several outputs; only layers with a single "
                    "output tensor can be probed."
                )
        try:
            return keras.Model(symbolic[0] if len(symbolic) == 1 else symbolic, outputs)
        except ValueError as error:
            raise ValueError(
                f"Could not build a probe model from the inputs of model '{model.name}' to "
                f"the layers {[la.name for la in layers]}: {error}"
            ) from error
    if isinstance(model, keras.Sequential):
        if isinstance(inputs, list):
            raise ValueError(
                "A Sequential model has a single input, but the inputs are a list of "
                f"{len(inputs)} arrays."
            )
        dtype = inputs.dtype.name if inputs.dtype.kind in "biu" else None
        h = start = keras.Input(shape=inputs.shape[1:], dtype=dtype)
        wanted = {id(layer) for layer in layers}
        found: dict[int, keras.KerasTensor] = {}
        for layer in model.layers:
            h = layer(h)
            if id(layer) in wanted:
                found[id(layer)] = h
        return keras.Model(start, [found[id(layer)] for layer in layers])
    raise not_probeable(model)


def not_probeable(model: keras.Model) -> ValueError:
    """The error for a model whose layer outputs cannot be read (a subclassed model)."""
    return ValueError(
        f"Probing layer outputs needs a Sequential or functional model (one built from "
        f"`keras.Input`), but model '{model.name}' of type {type(model).__name__} has no "
        "symbolic inputs (a subclassed model). Build it with the Sequential or functional "
        "API to read its layers' outputs."
    )


def symbolic_inputs(model: keras.Model) -> list[keras.KerasTensor] | None:
    """The symbolic inputs of a functional (or Input-built Sequential) model, else None."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    return list(inputs) if inputs else None


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or keras.ops.is_tensor(value)


def _to_numpy(value: Any, name: str, allowed: str) -> np.ndarray:
    array = np.asarray(keras.ops.convert_to_numpy(value))
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{allowed} Received: {name} with dtype {array.dtype}")
    if array.ndim < 1 or array.shape[0] == 0:
        raise ValueError(f"{allowed} Received: {name} with shape {array.shape}")
    return array
