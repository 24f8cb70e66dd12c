"""Automatic differentiation through the Keras backend in use (TensorFlow, JAX or PyTorch).

The notebooks write backward passes by hand and then check them against the backend's own
automatic differentiation. Each backend spells that differently (``tf.GradientTape``,
``jax.grad``, ``torch.autograd.grad``); this module is the one place that knows the three
spellings, so a notebook that calls it runs unchanged on every backend.

- ``gradients(fn, x, *more)``: the gradient of a scalar function of arrays. ``fn`` receives
  backend tensors and must compute with ``keras.ops`` (or Keras layers).
- ``layer_gradients(layer, x, upstream)``: the backward pass of a layer (or a whole model) for
  an upstream gradient, i.e. the gradient of sum(layer(x) * upstream) with respect to the input
  and to every trainable weight. It goes through ``layer.stateless_call``, which is how Keras
  itself differentiates on JAX.

Gradients come back as float NumPy arrays. Float64 inputs stay float64; on JAX that needs
64-bit mode (``course_lib.setup()`` turns it on, as does ``JAX_ENABLE_X64=1`` before JAX is
imported), and without it this module refuses float64 instead of silently rounding to float32.
Mind that Keras computes float64 fully only on TensorFlow: on JAX and PyTorch its type
promotion turns 64-bit results of ops such as ``keras.ops.matmul`` (and so float64 Dense
layers) into 32-bit ones, so gradients through them carry float32's precision.

Example:
    >>> from course_lib.autodiff import gradients
    >>> gradients(lambda w: keras.ops.sum(w**2), np.array([1.0, -2.0]))
    array([ 2., -4.])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check

__all__ = ["gradients", "layer_gradients"]


def gradients(fn: Callable[..., Any], x: Any, *more: Any) -> np.ndarray | tuple[np.ndarray, ...]:
    """Gradient of the scalar ``fn(x, *more)`` with respect to ``x`` and to each of ``more``.

    Args:
        fn: function of as many tensors as there are arrays, written with ``keras.ops``,
            that returns a scalar (a tensor with one element).
        x: the (first) point at which to differentiate: a float array (float64 keeps full
            precision; integers and bools are turned into float64).
        *more: further arrays, for a function of several arguments (``fn(x, W, b)``).

    Returns:
        One NumPy array of the shape of ``x`` when there is one array, else a tuple with one
        gradient for each array, in order.

    Example:
        >>> x, w = np.array([1.0, 2.0]), np.array([3.0, -1.0])
        >>> dx, dw = gradients(lambda x, w: keras.ops.sum(x * w), x, w)
        >>> dx, dw
        (array([ 3., -1.]), array([1., 2.]))
    """
    fn = check.function(fn, "fn", "a function of tensors that returns a scalar")
    values = [_float_input(x, "x")] + [_float_input(a, f"more[{i}]") for i, a in enumerate(more)]
    grads = _BACKENDS[_backend()](lambda tensors: _scalar(fn(*tensors), "fn"), values)
    out = tuple(_to_numpy(g, v) for g, v in zip(grads, values, strict=True))
    return out[0] if len(out) == 1 else out


def layer_gradients(
    layer: keras.layers.Layer, x: Any, upstream: Any, *, training: bool = False
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The backward pass of ``layer`` at input ``x`` for the upstream gradient ``upstream``.

    That is the gradient of sum(layer(x) * upstream) with respect to ``x`` and to each of
    ``layer.trainable_weights``: exactly what a hand-written ``backward(upstream, cache)``
    must return. The layer's own variables are not changed (a batch-norm layer called with
    ``training=True`` keeps its moving averages).

    Args:
        layer: a built or unbuilt Keras layer or model with one input and one output.
        x: the input batch (float array).
        upstream: dL/d(output), of the shape of ``layer(x)``.
        training: call the layer in training mode (batch statistics, dropout).

    Returns:
        ``(dx, weight_grads)``: dx as a NumPy array of the shape of ``x``, and a dict from each
        trainable weight's path (e.g. ``"dense/kernel"``) to its gradient.

    Example:
        >>> layer = keras.layers.Dense(2, use_bias=False, dtype="float64")
        >>> x = np.array([[1.0, 2.0, 3.0]])
        >>> _ = layer(x)
        >>> dx, grads = layer_gradients(layer, x, np.array([[1.0, 0.0]]))
        >>> np.allclose(dx, layer.kernel.numpy()[:, 0]), grads[layer.kernel.path].tolist()
        (True, [[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    """
    layer = check.instance(layer, "layer", keras.layers.Layer, "a Keras layer or model")
    training = check.boolean(training, "training")
    x = _float_input(x, "x")
    upstream = _float_input(upstream, "upstream")
    if not layer.built:
        layer(x)  # creates the weights; the layer is called once more below
    trainable = list(layer.trainable_variables)
    non_trainable = [keras.ops.convert_to_numpy(v) for v in layer.non_trainable_variables]
    weights = [keras.ops.convert_to_numpy(v) for v in trainable]
    out_shape = tuple(keras.ops.shape(layer(x, training=False)))
    if tuple(upstream.shape) != out_shape:
        raise ValueError(
            f"`upstream` must have the shape of the layer's output, {out_shape}. "
            f"Received: upstream.shape={upstream.shape}"
        )

    # ``stateless_call`` hands its keywords to ``call`` as they are, and many layers (pooling,
    # reshaping) have no ``training`` argument.
    takes_training = "training" in inspect.signature(layer.call).parameters
    call_kwargs = {"training": training} if takes_training else {}

    def objective(tensors: list[Any]) -> Any:
        x_t, *weight_t = tensors
        out, _ = layer.stateless_call(weight_t, non_trainable, x_t, **call_kwargs)
        up = keras.ops.convert_to_tensor(upstream, dtype=out.dtype)
        return keras.ops.sum(out * up)

    grads = _BACKENDS[_backend()](objective, [x, *weights])
    dx = _to_numpy(grads[0], x)
    named = {
        v.path: _to_numpy(g, w) for v, g, w in zip(trainable, grads[1:], weights, strict=True)
    }
    return dx, named


# ----------------------------------------------------------------------------- helpers


def _backend() -> str:
    name = keras.backend.backend()
    if name not in _BACKENDS:
        raise ValueError(
            f"Automatic differentiation is available for the backends {sorted(_BACKENDS)}; "
            f"the Keras backend in use is {name!r}. Set KERAS_BACKEND to one of them."
        )
    return name


def _float_input(value: Any, name: str) -> np.ndarray:
    if not isinstance(value, np.ndarray) and hasattr(value, "shape"):  # a backend tensor
        value = keras.ops.convert_to_numpy(value)
    arr = check.float_array(value, name)
    if arr.dtype == np.float64 and _backend() == "jax":
        import jax

        if not jax.config.jax_enable_x64:
            raise ValueError(
                f"`{name}` is float64, but JAX runs in 32-bit mode and would round it to "
                "float32. Call course_lib.setup() first (it turns on JAX's 64-bit mode), set "
                "JAX_ENABLE_X64=1 before JAX is imported, or pass float32."
            )
    return arr


def _scalar(value: Any, name: str) -> Any:
    if int(np.prod(keras.ops.shape(value))) != 1:
        raise ValueError(
            f"`{name}` must return a scalar; it returned shape {tuple(keras.ops.shape(value))}."
        )
    return keras.ops.reshape(value, ())


def _to_numpy(grad: Any, like: np.ndarray) -> np.ndarray:
    if grad is None:  # TensorFlow: the output does not depend on this input
        return np.zeros_like(like)
    return np.asarray(keras.ops.convert_to_numpy(grad), dtype=like.dtype).reshape(like.shape)


def _tensorflow(objective: Callable[[list[Any]], Any], values: list[np.ndarray]) -> list[Any]:
    import tensorflow as tf

    tensors = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = objective(tensors)
    return tape.gradient(value, tensors)


def _jax(objective: Callable[[list[Any]], Any], values: list[np.ndarray]) -> list[Any]:
    import jax
    import jax.numpy as jnp

    return jax.grad(objective)([jnp.asarray(v) for v in values])


def _torch(objective: Callable[[list[Any]], Any], values: list[np.ndarray]) -> list[Any]:
    import torch

    device = keras.ops.convert_to_tensor(np.zeros(1, dtype="float32")).device
    tensors = [torch.tensor(v, device=device, requires_grad=True) for v in values]
    try:
        value = objective(tensors)
    except RuntimeError as error:
        if "requires grad" not in str(error):
            raise
        # NumPy tried to turn a tensor into an array: `ndarray * tensor` or `tensor * ndarray`.
        raise TypeError(
            "`fn` mixed a NumPy array with a PyTorch tensor in an operator (`*`, `+`, `@`), "
            "which makes NumPy try to convert the tensor. Use keras.ops for it "
            "(keras.ops.multiply(t, array)), or turn the array into a tensor first "
            "(keras.ops.convert_to_tensor(array))."
        ) from error
    return list(torch.autograd.grad(value, tensors, allow_unused=True))


_BACKENDS = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}
