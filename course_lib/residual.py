"""The residual block of ResNet (He et al., 2015): learn a correction, add it to the input.

A plain stack of layers has to learn the whole mapping H(x). A residual block learns only the
*residual* F(x) = H(x) - x and adds the input back through a shortcut::

    y = activation(F(x) + shortcut(x)),   F = conv3x3 -> BN -> ReLU -> conv3x3 -> BN

If the best thing a block can do is nothing, it only has to push F towards zero, which is
easy; a plain block would have to learn the identity through two convolutions, which is not.
The gradient also flows back through the ``+`` unchanged, so deep stacks keep training.

The shortcut is the identity when the input and output have the same shape. When the block
halves the resolution (``strides=2``) or changes the number of channels, the input no longer
fits, and a **projection** makes it fit: a 1x1 convolution with the same stride (plus batch
norm), ``W_s x`` in the paper. ``shortcut=False`` drops the addition and leaves a *plain* block
with the same convolutions: the control of the degradation experiment.
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib.layers import ACTIVATIONS, ConvBlock, default_initializer
from course_lib.squeeze_excite import SqueezeExcite

__all__ = ["ResidualBlock"]


@keras.saving.register_keras_serializable(package="course_lib")
class ResidualBlock(keras.layers.Layer):
    """Two 3x3 ``ConvBlock``s with an identity or 1x1 projection shortcut (channels last).

    Args:
        filters: output channels of both convolutions, a positive integer.
        strides: stride of the first convolution (1 keeps the size, 2 halves it).
        shortcut: add the shortcut (a residual block) or not (a plain block).
        batch_norm: batch norm after each convolution (and in the projection).
        activation: one of ``course_lib.layers.ACTIVATIONS``; used inside the block and after
            the addition. Every kernel starts from ``default_initializer(activation)``.
        l2: L2 penalty on every kernel.
        se_ratio: None, or the ratio of a ``SqueezeExcite`` applied to the residual branch
            before the addition (SE-ResNet).

    The projection is made only when it is needed: ``strides != 1`` or a change in the number
    of channels, with ``shortcut=True``. ``block.projection`` is None otherwise.

    Raises:
        ValueError: if ``keras.config.image_data_format()`` is ``"channels_first"``.

    Example:
        >>> block = ResidualBlock(32, strides=2)
        >>> tuple(block(keras.ops.zeros((1, 16, 16, 16))).shape)
        (1, 8, 8, 32)
        >>> block.projection is not None
        True
    """

    def __init__(
        self,
        filters: int,
        strides: int = 1,
        *,
        shortcut: bool = True,
        batch_norm: bool = True,
        activation: str = "relu",
        l2: float = 0.0,
        se_ratio: int | None = None,
        **kwargs,
    ):
        check.channels_last("ResidualBlock")
        filters = check.positive_int(filters, "filters")
        strides = check.integer(strides, "strides", minimum=1, maximum=2)
        shortcut = check.boolean(shortcut, "shortcut")
        batch_norm = check.boolean(batch_norm, "batch_norm")
        activation = check.one_of(activation, "activation", ACTIVATIONS)
        l2 = check.non_negative_number(l2, "l2")
        se_ratio = check.optional(check.positive_int, se_ratio, "se_ratio")
        super().__init__(**kwargs)
        self.filters = filters
        self.strides = strides
        self.shortcut = shortcut
        self.batch_norm = batch_norm
        self.activation_name = activation
        self.l2 = l2
        self.se_ratio = se_ratio
        common = {"batch_norm": batch_norm, "l2": self.l2}
        self.conv1 = ConvBlock(
            filters, 3, strides=strides, activation=activation, name="conv1", **common
        )
        # The second convolution (and the projection) have no activation of their own: theirs
        # comes after the addition, so their kernels start as that activation's initializer.
        self._residual_initializer = default_initializer(activation)
        self.conv2 = ConvBlock(
            filters,
            3,
            activation="linear",
            kernel_initializer=self._residual_initializer,
            name="conv2",
            **common,
        )
        self.se = SqueezeExcite(se_ratio, name="squeeze_excite") if se_ratio else None
        self.projection = None
        self.act = keras.layers.Activation(activation, name=activation)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "ResidualBlock expects inputs of shape (batch, height, width, channels) with a "
                f"known number of channels. Received: input_shape={tuple(input_shape)}"
            )
        if self.shortcut and (self.strides != 1 or input_shape[-1] != self.filters):
            self.projection = ConvBlock(
                self.filters,
                1,
                strides=self.strides,
                activation="linear",
                kernel_initializer=self._residual_initializer,
                batch_norm=self.batch_norm,
                l2=self.l2,
                name="projection",
            )
            self.projection.build(input_shape)
        self.conv1.build(input_shape)
        inner = self.conv1.compute_output_shape(input_shape)
        self.conv2.build(inner)
        if self.se is not None:
            self.se.build(inner)

    def call(self, inputs, training=None):
        x = self.conv1(inputs, training=training)
        x = self.conv2(x, training=training)
        if self.se is not None:
            x = self.se(x)
        if self.shortcut:
            skip = (
                inputs if self.projection is None else self.projection(inputs, training=training)
            )
            x = x + skip
        return self.act(x)

    def compute_output_shape(self, input_shape):
        return self.conv1.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "strides": self.strides,
            "shortcut": self.shortcut,
            "batch_norm": self.batch_norm,
            "activation": self.activation_name,
            "l2": self.l2,
            "se_ratio": self.se_ratio,
        }
