"""The Inception module of GoogLeNet (Szegedy et al., 2014): four branches side by side.

Which filter size suits a layer, 1x1, 3x3 or 5x5? The Inception module does not choose: it
runs all of them on the same input and concatenates their outputs along the channels::

    input -+- 1x1 conv ---------------------------+
           +- 1x1 conv (reduce) -> 3x3 conv ------+-> concatenate (channels)
           +- 1x1 conv (reduce) -> 5x5 conv ------+
           +- 3x3 max pool (stride 1) -> 1x1 conv +   ("pool projection")

The 1x1 "reduce" convolutions are what keeps it affordable: a 5x5 convolution from 192 to 32
channels costs 25 * 192 * 32 = 153,600 weights, but after a reduction to 16 channels only
192 * 16 + 25 * 16 * 32 = 15,872. Every convolution is followed by a ReLU. The output has
``filters_1x1 + filters_3x3 + filters_5x5 + pool_proj`` channels and the input's height and
width ("same" padding everywhere, stride 1).

``GOOGLENET_BLOCKS`` holds the nine modules of the paper's Table 1, in its column order
(#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj).

Example:
    >>> block = InceptionBlock(*GOOGLENET_BLOCKS["3a"])
    >>> tuple(block(keras.ops.zeros((1, 28, 28, 192))).shape)
    (1, 28, 28, 256)
    >>> block.count_params() == inception_parameter_count(192, *GOOGLENET_BLOCKS["3a"])
    True
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib.layers import ACTIVATIONS, ConvBlock

__all__ = ["GOOGLENET_BLOCKS", "InceptionBlock", "inception_parameter_count"]

#: Szegedy et al. (2014), Table 1: (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj).
GOOGLENET_BLOCKS: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}

_BRANCH_ARGS = (
    "filters_1x1",
    "reduce_3x3",
    "filters_3x3",
    "reduce_5x5",
    "filters_5x5",
    "pool_proj",
)


def _filters(values) -> tuple[int, ...]:
    return tuple(check.positive_int(v, name) for v, name in zip(values, _BRANCH_ARGS, strict=True))


def inception_parameter_count(
    channels: int,
    filters_1x1: int,
    reduce_3x3: int,
    filters_3x3: int,
    reduce_5x5: int,
    filters_5x5: int,
    pool_proj: int,
    *,
    batch_norm: bool = False,
) -> int:
    """Parameters of an ``InceptionBlock`` on ``channels`` input channels.

    Each k x k convolution from ``c_in`` to ``c_out`` channels has k * k * c_in * c_out weights
    plus ``c_out`` biases, or, with batch norm, no bias and 4 * c_out batch-norm numbers (gamma,
    beta and the two moving statistics, as ``count_params`` counts them).

    Example:
        >>> inception_parameter_count(192, *GOOGLENET_BLOCKS["3a"])  # GoogLeNet's module 3a
        163696
    """
    channels = check.positive_int(channels, "channels")
    f1, r3, f3, r5, f5, pp = _filters(
        (filters_1x1, reduce_3x3, filters_3x3, reduce_5x5, filters_5x5, pool_proj)
    )
    per_channel = 4 if check.boolean(batch_norm, "batch_norm") else 1

    def conv(k: int, c_in: int, c_out: int) -> int:
        return k * k * c_in * c_out + per_channel * c_out

    return (
        conv(1, channels, f1)
        + conv(1, channels, r3)
        + conv(3, r3, f3)
        + conv(1, channels, r5)
        + conv(5, r5, f5)
        + conv(1, channels, pp)
    )


@keras.saving.register_keras_serializable(package="course_lib")
class InceptionBlock(keras.layers.Layer):
    """GoogLeNet's Inception module (v1, "with dimension reductions"), channels last.

    Args:
        filters_1x1: filters of the 1x1 branch.
        reduce_3x3, filters_3x3: the 1x1 reduction and the 3x3 convolution of the second branch.
        reduce_5x5, filters_5x5: the 1x1 reduction and the 5x5 convolution of the third branch.
        pool_proj: filters of the 1x1 convolution after the 3x3 max pooling.
        batch_norm: batch norm after every convolution (not in the 2014 paper; it makes the
            course-size GoogLeNet train faster).
        activation: activation after every convolution (ReLU in the paper), one of
            ``course_lib.layers.ACTIVATIONS``.
        l2: L2 penalty on every kernel.

    All six filter counts are positive integers. ``block.output_channels`` is the sum of the
    four branches' filters.

    Raises:
        ValueError: if ``keras.config.image_data_format()`` is ``"channels_first"``.

    Example:
        >>> block = InceptionBlock(4, 2, 6, 1, 2, 3, batch_norm=True)
        >>> block.output_channels
        15
        >>> tuple(block(keras.ops.zeros((2, 8, 8, 5))).shape)
        (2, 8, 8, 15)
    """

    def __init__(
        self,
        filters_1x1: int,
        reduce_3x3: int,
        filters_3x3: int,
        reduce_5x5: int,
        filters_5x5: int,
        pool_proj: int,
        *,
        batch_norm: bool = False,
        activation: str = "relu",
        l2: float = 0.0,
        **kwargs,
    ):
        check.channels_last("InceptionBlock")
        filters = _filters(
            (filters_1x1, reduce_3x3, filters_3x3, reduce_5x5, filters_5x5, pool_proj)
        )
        batch_norm = check.boolean(batch_norm, "batch_norm")
        activation = check.one_of(activation, "activation", ACTIVATIONS)
        l2 = check.non_negative_number(l2, "l2")
        super().__init__(**kwargs)
        (
            self.filters_1x1,
            self.reduce_3x3,
            self.filters_3x3,
            self.reduce_5x5,
            self.filters_5x5,
            self.pool_proj,
        ) = filters
        self.batch_norm, self.activation_name, self.l2 = batch_norm, activation, l2
        self.output_channels = self.filters_1x1 + self.filters_3x3 + self.filters_5x5
        self.output_channels += self.pool_proj

        def conv(n: int, k: int, name: str) -> ConvBlock:
            return ConvBlock(n, k, activation=activation, batch_norm=batch_norm, l2=l2, name=name)

        self.branch_1x1 = conv(self.filters_1x1, 1, "branch_1x1")
        self.reduce_3 = conv(self.reduce_3x3, 1, "reduce_3x3")
        self.branch_3x3 = conv(self.filters_3x3, 3, "branch_3x3")
        self.reduce_5 = conv(self.reduce_5x5, 1, "reduce_5x5")
        self.branch_5x5 = conv(self.filters_5x5, 5, "branch_5x5")
        self.pool = keras.layers.MaxPooling2D(3, strides=1, padding="same", name="pool")
        self.projection = conv(self.pool_proj, 1, "pool_proj")

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "InceptionBlock expects inputs of shape (batch, height, width, channels) with a "
                f"known number of channels. Received: input_shape={tuple(input_shape)}"
            )
        for layer in (self.branch_1x1, self.reduce_3, self.reduce_5, self.projection):
            layer.build(input_shape)
        self.branch_3x3.build(self.reduce_3.compute_output_shape(input_shape))
        self.branch_5x5.build(self.reduce_5.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        branches = [
            self.branch_1x1(inputs, training=training),
            self.branch_3x3(self.reduce_3(inputs, training=training), training=training),
            self.branch_5x5(self.reduce_5(inputs, training=training), training=training),
            self.projection(self.pool(inputs), training=training),
        ]
        return keras.ops.concatenate(branches, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.output_channels)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            **{name: getattr(self, name) for name in _BRANCH_ARGS},
            "batch_norm": self.batch_norm,
            "activation": self.activation_name,
            "l2": self.l2,
        }
