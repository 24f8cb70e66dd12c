"""The model seen as a graph: its logits, and a cut at one layer into (base, head).

Attribution methods differentiate the *class score*, and the score of the papers is the logit,
the input of the final softmax: a probability saturates (its gradient vanishes where the model
is sure) and depends on the other classes' scores as well. The course's models end with
``Dense(num_classes, activation="softmax")``, so the logit is not an output of theirs:
``logit_model`` builds it. It follows the model's graph back from its output to the layer that
produced it and

- for a ``Softmax`` layer or an ``Activation("softmax")`` / ``Activation("sigmoid")`` layer,
  takes that layer's input;
- for a layer with ``activation="softmax"`` (or ``"sigmoid"``), e.g. the last ``Dense``, calls
  a copy of that layer with no activation (same configuration, its trained weights copied);
- for any other last layer, takes the output as it is: the model is read as one that outputs
  logits already (``from_logits=True`` in its loss), with probabilities softmax(output).

A Sequential model is first rebuilt as a functional one on a fresh ``keras.Input`` (the same
layer objects, hence the same weights), so that every model is a graph with a free batch axis.
Subclassed models have no graph and are refused.

``split_model(model, layer_name)`` cuts that graph after a layer: ``base`` maps the images to
the layer's output (the feature maps for Grad-CAM, the convolutional base for transfer
learning), ``head`` maps those to the output, so ``head(base(x)) == model(x)``. The layer must
cut the graph in two: no connection may skip over it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.inspection import symbolic_inputs

__all__ = ["logit_model", "split_model"]

#: Final activations whose input is the logit, and how probabilities follow from logits.
SQUASHINGS = ("softmax", "sigmoid")


@dataclasses.dataclass(frozen=True)
class Graph:
    """A model as a symbolic graph: its input, its output, its logits, and the squashing
    (``"softmax"`` or ``"sigmoid"``) that turns the logits into the probabilities."""

    inputs: Any
    outputs: Any
    logits: Any
    squash: str
    name: str

    @property
    def input_shape(self) -> tuple[int | None, ...]:
        return tuple(self.inputs.shape[1:])


def logit_model(model: keras.Model, input_shape: tuple[int, ...] | None = None) -> keras.Model:
    """A functional model from ``model``'s input to its logits (the scores before the softmax).

    It shares every layer of ``model`` but the last one, which is a copy without activation
    whose weights are those of ``model`` *now* (build it again after more training). A model
    whose last layer has no softmax or sigmoid is read as one that outputs logits already.

    Args:
        model: a Sequential or functional ``keras.Model`` with one input and one output.
        input_shape: the shape of one input, needed only for a Sequential model that was
            built without ``keras.Input`` and never called; otherwise None.

    Returns:
        A ``keras.Model`` whose output has the shape of ``model``'s.

    Example:
        >>> from course_lib.models import lenet5
        >>> model = lenet5()
        >>> x = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
        >>> logits = logit_model(model)(x)
        >>> numpy = keras.ops.convert_to_numpy  # a backend tensor as a NumPy array
        >>> np.allclose(numpy(keras.ops.softmax(logits)), numpy(model(x)), atol=1e-6)
        True
    """
    graph = graph_of(model, input_shape)
    return keras.Model(graph.inputs, graph.logits, name=f"{graph.name}_logits")


def split_model(
    model: keras.Model,
    layer_name: str,
    *,
    logits: bool = False,
    input_shape: tuple[int, ...] | None = None,
) -> tuple[keras.Model, keras.Model]:
    """Cut ``model`` after the layer ``layer_name`` into ``(base, head)``.

    ``base`` maps the model's input to the layer's output; ``head`` maps that to the model's
    output (with ``logits=True``, to its logits, as ``logit_model``), so
    ``head(base(x)) == model(x)``. Both share the layers and weights of ``model``.

    Args:
        model: a Sequential or functional ``keras.Model`` with one input and one output.
        layer_name: a top-level layer of ``model`` (see ``[l.name for l in model.layers]``)
            that every path from the input to the output goes through, called once.
        logits: the head ends at the logits instead of the output.
        input_shape: as in ``logit_model``.

    Returns:
        ``(base, head)``, two functional ``keras.Model`` objects.

    Example:
        >>> from course_lib.models import lenet5
        >>> model = lenet5()
        >>> base, head = split_model(model, "s4")
        >>> base.output_shape, head.input_shape
        ((None, 5, 5, 16), (None, 5, 5, 16))
        >>> x = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
        >>> numpy = keras.ops.convert_to_numpy
        >>> np.allclose(numpy(head(base(x))), numpy(model(x)), atol=1e-6)
        True
    """
    graph = graph_of(model, input_shape)
    layer_name = check.string(layer_name, "layer_name")
    logits = check.boolean(logits, "logits")
    end = graph.logits if logits else graph.outputs
    features = layer_tensor(graph, layer_name, "layer_name", ndim=None)
    return cut(graph, features, end, layer_name)


# ---------------------------------------------------------------------------------------------
# Used by the attribution methods
# ---------------------------------------------------------------------------------------------


def graph_of(model: Any, input_shape: Any = None) -> Graph:
    """``model`` as a ``Graph`` (a Sequential model rebuilt on a fresh ``keras.Input`` of its
    own input shape if known, else of ``input_shape``)."""
    check.instance(model, "model", keras.Model, "a Sequential or functional keras.Model")
    input_shape = check.optional(check.shape, input_shape, "input_shape")
    if isinstance(model, keras.Sequential):
        inputs, outputs = _rebuild_sequential(model, input_shape)
    else:
        symbolic = symbolic_inputs(model)
        if symbolic is None:
            raise ValueError(
                f"`model` must be a Sequential or functional model (built from keras.Input); "
                f"model {model.name!r} of type {type(model).__name__} is subclassed, so it has "
                "no graph to follow back to its logits or to cut at a layer."
            )
        if len(symbolic) != 1 or len(model.outputs) != 1:
            raise ValueError(
                f"`model` must have one input and one output; model {model.name!r} has "
                f"{len(symbolic)} inputs and {len(model.outputs)} outputs."
            )
        inputs, outputs = symbolic[0], model.outputs[0]
    last, node_inputs = producer(outputs)
    squash = final_squashing(last)
    if squash is None:
        logits, squash = outputs, "softmax"
    elif isinstance(last, (keras.layers.Softmax, keras.layers.Activation)):
        logits = node_inputs[0]
    else:
        logits = _without_activation(last, node_inputs[0])
    if len(logits.shape) != 2:
        raise ValueError(
            f"`model` must output class scores of shape (batch, classes); model {model.name!r} "
            f"outputs shape {tuple(outputs.shape)}."
        )
    return Graph(inputs, outputs, logits, squash, model.name)


def producer(tensor: Any) -> tuple[Any, list[Any]]:
    """The operation that computed a symbolic tensor, and the tensors it was called on."""
    history = tensor._keras_history  # (operation, node_index, tensor_index)
    node = history.operation._inbound_nodes[history.node_index]
    return history.operation, list(node.input_tensors)


def final_squashing(layer: Any) -> str | None:
    """``"softmax"`` or ``"sigmoid"`` when ``layer`` ends with that activation, else None."""
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    name = getattr(getattr(layer, "activation", None), "__name__", None)
    return name if name in SQUASHINGS else None


def layer_tensor(graph: Graph, layer_name: str | None, argument: str, ndim: int | None) -> Any:
    """The output tensor of the layer ``layer_name`` in the graph (``None``: the last layer
    whose output has ``ndim`` axes, the one nearest the output)."""
    found: dict[str, list[Any]] = {}
    for tensor in _ancestors(graph.logits):
        op = producer(tensor)[0]
        if isinstance(op, keras.layers.Layer) and not isinstance(op, keras.layers.InputLayer):
            found.setdefault(op.name, []).append(tensor)
    candidates = [n for n, ts in found.items() if ndim is None or len(ts[0].shape) == ndim]
    if layer_name is None:
        if not candidates:
            raise ValueError(
                f"`{argument}`: model {graph.name!r} has no layer with a {ndim}-D output "
                "(a convolution or pooling layer) to explain."
            )
        layer_name = candidates[-1]
    kind = "layers" if ndim is None else f"layers with a {ndim}-D output"
    if layer_name not in candidates:
        raise ValueError(
            f"`{argument}` must name one of the {kind} of model {graph.name!r}: "
            f"{candidates}. Received: {argument}={layer_name!r}"
        )
    if len(found[layer_name]) != 1:
        raise ValueError(
            f"`{argument}`: layer {layer_name!r} is called more than once in model "
            f"{graph.name!r}, so its output is not one tensor."
        )
    return found[layer_name][0]


def cut(graph: Graph, features: Any, end: Any, layer_name: str) -> tuple[keras.Model, keras.Model]:
    """``(base, head)``: the graph's input to ``features``, and ``features`` to ``end``."""
    base = keras.Model(graph.inputs, features, name=f"{graph.name}_base")
    try:
        head = keras.Model(features, end, name=f"{graph.name}_head")
    except ValueError as error:
        raise ValueError(
            f"`layer_name`: the model {graph.name!r} cannot be cut after layer "
            f"{layer_name!r}; some path to the output skips it (a residual connection?). "
            f"Pick a layer every path goes through. ({error})"
        ) from None
    return base, head


def graph_and_images(model: Any, images: Any) -> tuple[Graph, np.ndarray]:
    """``model`` as a ``Graph`` and ``images`` checked against its input: a float array
    (N, H, W, C) of the input's shape, float32 (float64 only for a float64 model)."""
    check.instance(model, "model", keras.Model, "a Sequential or functional keras.Model")
    if not isinstance(images, np.ndarray) and keras.ops.is_tensor(images):
        images = keras.ops.convert_to_numpy(images)
    arr = check.float_array(images, "images", finite=True)
    if arr.ndim != 4:
        raise ValueError(
            "`images` must be a batch of images, shape (N, H, W, C)"
            + (" (add the channel axis: images[..., None])" if arr.ndim == 3 else "")
            + f". Received: images.shape={arr.shape}"
        )
    graph = graph_of(model, arr.shape[1:])
    expected = graph.input_shape
    if len(expected) != 3 or any(
        e is not None and e != a for e, a in zip(expected, arr.shape[1:], strict=True)
    ):
        raise ValueError(
            f"`images` must be a batch of the inputs of model {graph.name!r}, shape "
            f"(N, {', '.join(str(d) for d in expected)}). Received: images.shape={arr.shape}"
        )
    float64 = keras.backend.standardize_dtype(graph.inputs.dtype) == "float64"
    return graph, arr.astype("float64" if float64 else "float32")


def class_indices(class_index: Any, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """One class per image: the predicted one (None), one for all (an int), or one each."""
    n = predicted.shape[0]
    if class_index is None:
        return predicted.astype(np.int64)
    if check.is_int(class_index):
        c = check.integer(class_index, "class_index", minimum=0, maximum=num_classes - 1)
        return np.full(n, c, dtype=np.int64)
    arr = np.asarray(class_index) if isinstance(class_index, (list, tuple, np.ndarray)) else None
    if arr is None or arr.dtype.kind not in "iu" or arr.shape != (n,):
        raise ValueError(
            f"`class_index` must be None (the predicted class), an integer in [0, "
            f"{num_classes - 1}] or one such integer per image, shape ({n},). "
            f"Received: class_index={class_index!r}"
        )
    if arr.min() < 0 or arr.max() >= num_classes:
        raise ValueError(
            f"`class_index` must hold classes in [0, {num_classes - 1}]. "
            f"Received values from {arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int64)


def predict(model: keras.Model, x: np.ndarray, batch_size: int) -> np.ndarray:
    """``model``'s outputs for ``x`` as float64 NumPy, in inference mode (one eager call for a
    single batch, ``predict`` for more)."""
    if len(x) <= batch_size:
        out = keras.ops.convert_to_numpy(model(x, training=False))
    else:
        out = model.predict(x, batch_size=batch_size, verbose=0)
    return np.asarray(out, dtype=np.float64)


def squash_numpy(logits: np.ndarray, squash: str) -> np.ndarray:
    """Probabilities from logits (a stable softmax over the last axis, or the sigmoid)."""
    if squash == "sigmoid":
        return 1.0 / (1.0 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------------------------


def _rebuild_sequential(model: keras.Sequential, input_shape: Any) -> tuple[Any, Any]:
    shape, dtype = input_shape, None
    symbolic = symbolic_inputs(model)
    if symbolic is not None:
        known = tuple(symbolic[0].shape[1:])
        dtype = symbolic[0].dtype
        if None not in known:
            shape = known
    if shape is None:
        raise ValueError(
            f"`input_shape` is needed: the Sequential model {model.name!r} was built without "
            "keras.Input and never called, so the shape of its inputs is unknown."
        )
    if not model.layers:
        raise ValueError(f"`model`: the Sequential model {model.name!r} has no layers.")
    inputs = h = keras.Input(shape, dtype=dtype)
    for layer in model.layers:
        h = layer(h)
    return inputs, h


def _without_activation(layer: keras.layers.Layer, tensor: Any) -> Any:
    """``layer`` applied to ``tensor`` without its final activation (a copy, same weights)."""
    try:
        config = {**layer.get_config(), "activation": "linear", "name": f"{layer.name}_logits"}
        copy = type(layer).from_config(config)
        out = copy(tensor)
        copy.set_weights(layer.get_weights())
    except Exception as error:  # a custom layer that cannot be rebuilt from its config
        raise ValueError(
            f"`model`: could not remove the activation of its last layer {layer.name!r} "
            f"({type(error).__name__}: {error}). Make the model output logits (a last "
            "layer without activation) or pass score='probability'."
        ) from None
    return out


def _ancestors(tensor: Any) -> list[Any]:
    """Every symbolic tensor ``tensor`` depends on (itself included), inputs first."""
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(tensor, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.append((t, True))
        for parent in reversed(producer(t)[1]):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order
