"""Squeeze-and-excitation (Hu et al., 2017): a learned weight for every feature map.

A convolution treats its output channels as equals. A squeeze-and-excitation (SE) block lets
the network re-weight them, image by image:

1. **squeeze**: average each of the C feature maps over height and width, z = mean(x) (C numbers);
2. **excite**: a small two-layer network s = sigmoid(W2 relu(W1 z + b1) + b2) with a bottleneck
   of C / se_ratio units, one weight in (0, 1) per channel;
3. **scale**: multiply every feature map by its weight, y[..., c] = s[c] * x[..., c].

It adds 2 C^2 / se_ratio + C / se_ratio + C parameters to a layer with C channels (the two dense
layers), a few per cent of a ResNet, and it can be dropped into any architecture.
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check

__all__ = ["SqueezeExcite", "se_parameter_count"]


def se_parameter_count(channels: int, se_ratio: int = 16) -> int:
    """Parameters of a ``SqueezeExcite(se_ratio)`` on ``channels`` feature maps.

    Example:
        >>> se_parameter_count(64, se_ratio=16)
        580
    """
    channels = check.positive_int(channels, "channels")
    hidden = max(1, channels // check.positive_int(se_ratio, "se_ratio"))
    return channels * hidden + hidden + hidden * channels + channels


@keras.saving.register_keras_serializable(package="course_lib")
class SqueezeExcite(keras.layers.Layer):
    """Squeeze (global average) -> excite (dense relu, dense sigmoid) -> scale the channels.

    Input and output are channels-last, (batch, height, width, channels), of the same shape.

    Args:
        se_ratio: reduction ratio of the bottleneck: the hidden layer has
            ``channels // se_ratio`` units (at least 1). The SENet paper uses 16.

    Raises:
        ValueError: if ``keras.config.image_data_format()`` is ``"channels_first"``.

    Example:
        >>> se = SqueezeExcite(se_ratio=4)
        >>> tuple(se(keras.ops.ones((2, 8, 8, 16))).shape)
        (2, 8, 8, 16)
        >>> se.count_params()  # 16*4 + 4 + 4*16 + 16
        148
    """

    def __init__(self, se_ratio: int = 16, **kwargs):
        check.channels_last("SqueezeExcite")
        se_ratio = check.positive_int(se_ratio, "se_ratio")
        super().__init__(**kwargs)
        self.se_ratio = se_ratio
        self.squeeze = None
        self.excite = None

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "SqueezeExcite expects inputs of shape (batch, height, width, channels) with a "
                f"known number of channels. Received: input_shape={tuple(input_shape)}"
            )
        channels = int(input_shape[-1])
        hidden = max(1, channels // self.se_ratio)
        self.squeeze = keras.layers.Dense(hidden, activation="relu", name="squeeze")
        self.excite = keras.layers.Dense(channels, activation="sigmoid", name="excite")
        self.squeeze.build((input_shape[0], channels))
        self.excite.build((input_shape[0], hidden))

    def call(self, inputs):
        z = keras.ops.mean(inputs, axis=(1, 2))  # squeeze: one number per channel
        s = self.excite(self.squeeze(z))  # excite: a weight in (0, 1) per channel
        return inputs * keras.ops.expand_dims(keras.ops.expand_dims(s, 1), 1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "se_ratio": self.se_ratio}
