"""The bottleneck residual block of the deeper ImageNet ResNets (He et al., 2015, figure 5).

ResNet-50, -101 and -152 replace the two 3x3 convolutions of ``course_lib.residual``'s block
by three convolutions, 1x1 -> 3x3 -> 1x1: the first 1x1 shrinks the channels to ``filters``,
the 3x3 works at that reduced width, and the last 1x1 expands them to ``4 * filters``::

    y = relu(F(x) + shortcut(x)),  F = 1x1 (filters) -> 3x3 (filters) -> 1x1 (4 filters)

(each convolution with batch norm, a ReLU after the first two). With 256 channels in and out
the block has 1x1x256x64 + 3x3x64x64 + 1x1x64x256 = 69,632 weights; two 3x3 convolutions at
256 channels would have 1,179,648. The shortcut is the identity or, when the stride or the
number of channels changes, a 1x1 projection with batch norm (option B of the paper). As in
the paper (and ``keras.applications.ResNet50``) the stride sits on the first 1x1 convolution.
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib.layers import ACTIVATIONS, ConvBlock, default_initializer

__all__ = ["BottleneckBlock"]


@keras.saving.register_keras_serializable(package="course_lib")
class BottleneckBlock(keras.layers.Layer):
    """1x1 -> 3x3 -> 1x1 ``ConvBlock``s plus an identity or projection shortcut.

    Args:
        filters: channels of the two inner convolutions; the block outputs
            ``expansion * filters`` channels.
        strides: stride of the first 1x1 convolution (and of the projection): 1 or 2.
        expansion: ratio of output to inner channels (4 in the paper).
        batch_norm: batch norm after each convolution (and in the projection).
        activation: one of ``course_lib.layers.ACTIVATIONS``, inside the block and after the
            addition.
        l2: L2 penalty on every kernel.

    Raises:
        ValueError: if ``keras.config.image_data_format()`` is ``"channels_first"``.

    Example:
        >>> block = BottleneckBlock(4, strides=2)
        >>> tuple(block(keras.ops.zeros((1, 8, 8, 16))).shape)
        (1, 4, 4, 16)
        >>> block.projection is not None  # the stride changes the shape
        True
    """

    def __init__(
        self,
        filters: int,
        strides: int = 1,
        *,
        expansion: int = 4,
        batch_norm: bool = True,
        activation: str = "relu",
        l2: float = 0.0,
        **kwargs,
    ):
        check.channels_last("BottleneckBlock")
        filters = check.positive_int(filters, "filters")
        strides = check.integer(strides, "strides", minimum=1, maximum=2)
        expansion = check.positive_int(expansion, "expansion")
        batch_norm = check.boolean(batch_norm, "batch_norm")
        activation = check.one_of(activation, "activation", ACTIVATIONS)
        l2 = check.non_negative_number(l2, "l2")
        super().__init__(**kwargs)
        self.filters, self.strides, self.expansion = filters, strides, expansion
        self.batch_norm, self.activation_name, self.l2 = batch_norm, activation, l2
        self.output_channels = expansion * filters
        common = {"batch_norm": batch_norm, "l2": l2}
        self.reduce = ConvBlock(
            filters, 1, strides=strides, activation=activation, name="reduce", **common
        )
        self.conv = ConvBlock(filters, 3, activation=activation, name="conv", **common)
        # No activation of its own: it comes after the addition (as in ResidualBlock).
        self._residual_initializer = default_initializer(activation)
        self.expand = ConvBlock(
            self.output_channels,
            1,
            activation="linear",
            kernel_initializer=self._residual_initializer,
            name="expand",
            **common,
        )
        self.projection = None
        self.act = keras.layers.Activation(activation, name=activation)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "BottleneckBlock expects inputs of shape (batch, height, width, channels) with "
                f"a known number of channels. Received: input_shape={tuple(input_shape)}"
            )
        if self.strides != 1 or input_shape[-1] != self.output_channels:
            self.projection = ConvBlock(
                self.output_channels,
                1,
                strides=self.strides,
                activation="linear",
                kernel_initializer=self._residual_initializer,
                batch_norm=self.batch_norm,
                l2=self.l2,
                name="projection",
            )
            self.projection.build(input_shape)
        self.reduce.build(input_shape)
        inner = self.reduce.compute_output_shape(input_shape)
        self.conv.build(inner)
        self.expand.build(inner)

    def call(self, inputs, training=None):
        x = self.reduce(inputs, training=training)
        x = self.conv(x, training=training)
        x = self.expand(x, training=training)
        skip = inputs if self.projection is None else self.projection(inputs, training=training)
        return self.act(x + skip)

    def compute_output_shape(self, input_shape):
        return self.expand.compute_output_shape(self.reduce.compute_output_shape(input_shape))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "strides": self.strides,
            "expansion": self.expansion,
            "batch_norm": self.batch_norm,
            "activation": self.activation_name,
            "l2": self.l2,
        }
