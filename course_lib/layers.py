"""Dense and convolution blocks: the layer recipe of the course in one object.

A block is the pattern every notebook repeats::

    Dense / Conv2D  ->  [BatchNormalization]  ->  activation  ->  [Dropout]

with the weight initializer chosen to suit the activation (``default_initializer``: He for the
ReLU family, LeCun normal for SELU, Xavier otherwise) and an optional L1/L2 penalty on the
kernel. SELU blocks also get ``AlphaDropout`` instead of ``Dropout``. With batch norm the layer
before it has no bias: batch norm subtracts the mean anyway and adds its own shift (beta).

Images are channels-last, (batch, height, width, channels): ``ConvBlock`` refuses to be built
when ``keras.config.image_data_format()`` is ``"channels_first"``.

Blocks are ordinary Keras layers: they serialize with ``get_config()``, and a saved ``.keras``
model that uses them reloads and predicts the same.
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib import initializers, regularizers

__all__ = ["ACTIVATIONS", "ConvBlock", "DenseBlock", "default_initializer"]

# The default kernel initializer of every activation a block accepts. The numbers are the std of
# the output of 20 blocks of 256 units fed unit-variance inputs (numpy, no batch norm); 1 is the
# goal, and the initializer chosen is the one that keeps the signal closest to it.
_DEFAULT_INITIALIZERS = {
    # Symmetric around 0 with slope 1 there (or the identity): Glorot & Bengio's (2010) balance of
    # the forward and backward variance, Var(w) = 2 / (fan_in + fan_out). softplus is positive
    # and grows with He (20 blocks: std 2.2), Xavier keeps it near 0.5.
    "linear": "xavier_normal",
    "softplus": "xavier_normal",
    "sigmoid": "xavier_normal",
    "tanh": "xavier_normal",
    "softmax": "xavier_normal",
    # The ReLU family zeroes (nearly) half of its inputs: He's Var(w) = 2 / fan_in makes up for
    # the lost half (relu: std 0.96 after 20 blocks with He, 0.0009 with Xavier).
    "relu": "he_normal",
    "leaky_relu": "he_normal",
    # ELU is the identity above 0 and bounded by -1 below, a ReLU with a smooth negative part;
    # Clevert et al. (2016) train it with He initialisation (20 blocks: 2.6 with He, 0.13 with
    # Xavier, the smaller error in ratio terms).
    "elu": "he_normal",
    # SELU is self-normalising (Klambauer et al., 2017) only with Var(w) = 1 / fan_in (LeCun
    # normal), as Keras's docs say, and with AlphaDropout instead of Dropout: 20 blocks give std
    # 0.98 with LeCun normal and 6.65 with He.
    "selu": "lecun_normal",
    # GELU x * Phi(x) and swish x * sigmoid(x) are smooth ReLUs: about x for large x and about 0
    # for very negative x, so they lose about half of the variance like ReLU does
    # (E[f(z)^2] = 0.43 and 0.36 for z ~ N(0, 1), ReLU 0.5, tanh 0.39 with a slope-1 origin).
    # 20 blocks: gelu 0.086 with He and 1.5e-6 with Xavier; swish 0.0034 and 1.3e-6. He.
    "gelu": "he_normal",
    "swish": "he_normal",
}

#: The activations the blocks accept (each has its default initializer).
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


def default_initializer(activation: str) -> str:
    """The kernel initializer that keeps the signal's variance through layers of ``activation``.

    He normal for the ReLU family (relu, leaky_relu, elu, gelu, swish), LeCun normal for selu,
    Xavier normal for the others (linear, softplus, sigmoid, tanh, softmax).

    Example:
        >>> default_initializer("relu"), default_initializer("selu"), default_initializer("tanh")
        ('he_normal', 'lecun_normal', 'xavier_normal')
    """
    return _DEFAULT_INITIALIZERS[check.one_of(activation, "activation", ACTIVATIONS)]


def _initializer(identifier) -> keras.initializers.Initializer:
    try:
        return initializers.get(identifier)
    except (ValueError, TypeError) as error:
        raise ValueError(f"`kernel_initializer`: {error}") from None


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
        self.activation_name = check.one_of(activation, "activation", ACTIVATIONS)
        self.l1 = check.non_negative_number(l1, "l1")
        self.l2 = check.non_negative_number(l2, "l2")
        self.batch_norm = check.boolean(batch_norm, "batch_norm")
        self.dropout = check.fraction(dropout, "dropout")
        self.seed = check.seed(seed)
        if kernel_initializer is None:
            kernel_initializer = default_initializer(activation)
        self.kernel_initializer = _initializer(kernel_initializer)
        self.kernel_regularizer = regularizers.get(l1=self.l1, l2=self.l2)
        self.norm = keras.layers.BatchNormalization(name="batch_norm") if batch_norm else None
        self.act = keras.layers.Activation(activation, name=activation)
        self.drop = None
        if self.dropout and activation == "selu":
            # Dropout's zeros would break SELU's self-normalisation; AlphaDropout drops to
            # SELU's negative saturation value and rescales so mean and variance are kept.
            self.drop = keras.layers.AlphaDropout(self.dropout, seed=self.seed, name="dropout")
        elif self.dropout:
            self.drop = keras.layers.Dropout(self.dropout, seed=self.seed, name="dropout")

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
        kernel_initializer: initializer name or instance; default ``default_initializer(
            activation)``: He for the ReLU family, LeCun normal for selu, Xavier otherwise
            (see ``course_lib.initializers``).
        l1, l2: penalty strengths for the kernel (see ``course_lib.regularizers``).
        batch_norm: add batch normalization before the activation.
        dropout: dropout rate in [0, 1); 0 means no dropout layer. With ``activation="selu"``
            the layer is ``AlphaDropout``, which keeps SELU's self-normalisation.
        seed: seed of the dropout mask.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((784,)),
        ...     DenseBlock(256, activation="relu", l2=1e-4, dropout=0.3),
        ...     keras.layers.Dense(10, activation="softmax"),
        ... ])
        >>> model.output_shape
        (None, 10)
    """

    def __init__(
        self,
        units: int,
        activation: str = "relu",
        *,
        kernel_initializer=None,
        l1: float = 0.0,
        l2: float = 0.0,
        batch_norm: bool = False,
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        units = check.positive_int(units, "units")
        super().__init__(
            activation=activation,
            kernel_initializer=kernel_initializer,
            l1=l1,
            l2=l2,
            batch_norm=batch_norm,
            dropout=dropout,
            seed=seed,
            **kwargs,
        )
        self.units = units
        self.dense = keras.layers.Dense(
            self.units,
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
    """Conv2D -> [BatchNorm] -> activation -> [Dropout], for channels-last images.

    Args:
        filters: number of kernels, a positive integer.
        kernel_size: a positive integer or a pair (height, width).
        strides: a positive integer or a pair.
        padding: ``"same"`` (zero padding that keeps the size at stride 1) or ``"valid"``.
        activation, kernel_initializer, l1, l2, batch_norm, dropout, seed: as in ``DenseBlock``.

    Raises:
        ValueError: if ``keras.config.image_data_format()`` is ``"channels_first"`` (batch norm
            would normalize the width axis).

    Example:
        >>> block = ConvBlock(32, 3, batch_norm=True)
        >>> tuple(block(keras.ops.zeros((1, 28, 28, 1))).shape)
        (1, 28, 28, 32)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int, int] = 3,
        strides: int | tuple[int, int] = 1,
        padding: str = "same",
        activation: str = "relu",
        *,
        kernel_initializer=None,
        l1: float = 0.0,
        l2: float = 0.0,
        batch_norm: bool = False,
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        check.channels_last("ConvBlock")
        filters = check.positive_int(filters, "filters")
        kernel_size = check.int_pair(kernel_size, "kernel_size")
        strides = check.int_pair(strides, "strides")
        padding = check.one_of(padding, "padding", ("same", "valid"))
        super().__init__(
            activation=activation,
            kernel_initializer=kernel_initializer,
            l1=l1,
            l2=l2,
            batch_norm=batch_norm,
            dropout=dropout,
            seed=seed,
            **kwargs,
        )
        self.filters, self.kernel_size, self.strides = filters, kernel_size, strides
        self.padding = padding
        self.conv = keras.layers.Conv2D(
            self.filters,
            self.kernel_size,
            strides=self.strides,
            padding=self.padding,
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
