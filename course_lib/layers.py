"""Dense and convolution blocks: the layer recipe of the course in one object.

A block is the pattern every notebook repeats::

    Dense / Conv2D  ->  [BatchNormalization]  ->  activation  ->  [Dropout]

with the weight initializer chosen to suit the activation (He for the ReLU family, Xavier
otherwise) and an optional L1/L2 penalty on the kernel. With batch norm the layer before it has
no bias: batch norm subtracts the mean anyway and adds its own shift (beta).

Blocks are ordinary Keras layers: they serialize with ``get_config()``, and a saved ``.keras``
model that uses them reloads and predicts the same.
"""

from __future__ import annotations

import keras

from course_lib import initializers, regularizers

__all__ = ["ACTIVATIONS", "ConvBlock", "DenseBlock", "default_initializer"]

ACTIVATIONS = (
    "linear",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "swish",
    "softplus",
    "sigmoid",
    "tanh",
    "softmax",
)
_RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu", "gelu", "swish")


def default_initializer(activation: str) -> str:
    """``"he_normal"`` for the ReLU family, ``"xavier_normal"`` for everything else."""
    return "he_normal" if activation in _RELU_FAMILY else "xavier_normal"


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return value


def _check_pair(name: str, value) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in pair)
    ):
        raise ValueError(
            f"`{name}` must be a positive integer or a pair of them. Received: {name}={value!r}"
        )
    return tuple(pair)


class _Block(keras.layers.Layer):
    """Shared part of the blocks: argument checks, the norm/activation/dropout tail."""

    def __init__(
        self,
        activation: str = "relu",
        kernel_initializer=None,
        l1: float = 0.0,
        l2: float = 0.0,
        batch_norm: bool = False,
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(
                f"`activation` must be one of {list(ACTIVATIONS)}. "
                f"Received: activation={activation!r}"
            )
        if not isinstance(batch_norm, bool):
            raise ValueError(
                f"`batch_norm` must be True or False. Received: batch_norm={batch_norm!r}"
            )
        if (
            isinstance(dropout, bool)
            or not isinstance(dropout, (int, float))
            or not 0.0 <= dropout < 1.0
        ):
            raise ValueError(
                f"`dropout` must be a number in [0, 1). Received: dropout={dropout!r}"
            )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.activation_name = activation
        if kernel_initializer is None:
            kernel_initializer = default_initializer(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(l1=l1, l2=l2)
        self.l1, self.l2 = float(l1), float(l2)
        self.batch_norm = batch_norm
        self.dropout = float(dropout)
        self.seed = seed
        self.norm = keras.layers.BatchNormalization(name="batch_norm") if batch_norm else None
        self.act = keras.layers.Activation(activation, name=activation)
        self.drop = (
            keras.layers.Dropout(self.dropout, seed=seed, name="dropout") if dropout else None
        )

    def _build_tail(self, shape) -> None:
        if self.norm is not None:
            self.norm.build(shape)

    def _tail(self, x, training=None):
        if self.norm is not None:
            x = self.norm(x, training=training)
        x = self.act(x)
        if self.drop is not None:
            x = self.drop(x, training=training)
        return x

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "activation": self.activation_name,
            "kernel_initializer": keras.saving.serialize_keras_object(self.kernel_initializer),
            "l1": self.l1,
            "l2": self.l2,
            "batch_norm": self.batch_norm,
            "dropout": self.dropout,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="course_lib")
class DenseBlock(_Block):
    """Dense -> [BatchNorm] -> activation -> [Dropout].

    Args:
        units: number of neurons, a positive integer.
        activation: one of ``ACTIVATIONS``.
        kernel_initializer: initializer name or instance; default He for the ReLU family,
            Xavier otherwise (see ``course_lib.initializers``).
        l1, l2: penalty strengths for the kernel (see ``course_lib.regularizers``).
        batch_norm: add batch normalization before the activation.
        dropout: dropout rate in [0, 1); 0 means no dropout layer.
        seed: seed of the dropout mask.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((784,)),
        ...     DenseBlock(256, activation="relu", l2=1e-4, dropout=0.3),
        ...     keras.layers.Dense(10, activation="softmax"),
        ... ])
    """

    def __init__(self, units: int, activation: str = "relu", **kwargs):
        super().__init__(activation=activation, **kwargs)
        self.units = _check_positive_int("units", units)
        self.dense = keras.layers.Dense(
            units,
            use_bias=not self.batch_norm,
            kernel_initializer=self.kernel_initializer,
            kernel_regularizer=self.kernel_regularizer,
            name="dense",
        )

    def build(self, input_shape):
        self.dense.build(input_shape)
        self._build_tail(self.dense.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        return self._tail(self.dense(inputs), training=training)

    def compute_output_shape(self, input_shape):
        return self.dense.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="course_lib")
class ConvBlock(_Block):
    """Conv2D -> [BatchNorm] -> activation -> [Dropout] (channels last).

    Args:
        filters: number of kernels, a positive integer.
        kernel_size: a positive integer or a pair (height, width).
        strides: a positive integer or a pair.
        padding: ``"same"`` (zero padding that keeps the size at stride 1) or ``"valid"``.
        activation, kernel_initializer, l1, l2, batch_norm, dropout, seed: as in ``DenseBlock``.

    Example:
        >>> block = ConvBlock(32, 3, batch_norm=True)
        >>> block(keras.ops.zeros((1, 28, 28, 1))).shape
        (1, 28, 28, 32)
    """

    def __init__(
        self,
        filters: int,
        kernel_size=3,
        strides=1,
        padding: str = "same",
        activation: str = "relu",
        **kwargs,
    ):
        super().__init__(activation=activation, **kwargs)
        self.filters = _check_positive_int("filters", filters)
        self.kernel_size = _check_pair("kernel_size", kernel_size)
        self.strides = _check_pair("strides", strides)
        if padding not in ("same", "valid"):
            raise ValueError(f"`padding` must be 'same' or 'valid'. Received: padding={padding!r}")
        self.padding = padding
        self.conv = keras.layers.Conv2D(
            filters,
            self.kernel_size,
            strides=self.strides,
            padding=padding,
            use_bias=not self.batch_norm,
            kernel_initializer=self.kernel_initializer,
            kernel_regularizer=self.kernel_regularizer,
            name="conv",
        )

    def build(self, input_shape):
        self.conv.build(input_shape)
        self._build_tail(self.conv.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        return self._tail(self.conv(inputs), training=training)

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
        }
