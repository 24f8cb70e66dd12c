"""Squeeze-and-excitation (Hu et al., 2017): a learned weight for every feature map.

A convolution treats its output channels as equals. A squeeze-and-excitation (SE) block lets
the network re-weight them, image by image:

1. **squeeze**: average each of the C feature maps over height and width, z = mean(x) (C numbers);
2. **excite**: a small two-layer network s = sigmoid(W2 relu(W1 z + b1) + b2) with a bottleneck
   of C / ratio units, one weight in (0, 1) per channel;
3. **scale**: multiply every feature map by its weight, y[..., c] = s[c] * x[..., c].

It adds 2 C^2 / ratio + C / ratio + C parameters to a layer with C channels (the two dense
layers), a few per cent of a ResNet, and it can be dropped into any architecture.
"""

from __future__ import annotations

import keras

__all__ = ["SqueezeExcite", "se_parameter_count"]


def _check_ratio(ratio) -> int:
    if isinstance(ratio, bool) or not isinstance(ratio, int) or ratio < 1:
        raise ValueError(f"`ratio` must be a positive integer. Received: ratio={ratio!r}")
    return ratio


def se_parameter_count(channels: int, ratio: int = 16) -> int:
    """Parameters of a ``SqueezeExcite(ratio)`` on ``channels`` feature maps.

    Example:
        >>> se_parameter_count(64, ratio=16)
        580
    """
    if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"`channels` must be a positive integer. Received: channels={channels!r}")
    hidden = max(1, channels // _check_ratio(ratio))
    return channels * hidden + hidden + hidden * channels + channels


@keras.saving.register_keras_serializable(package="course_lib")
class SqueezeExcite(keras.layers.Layer):
    """Squeeze (global average) -> excite (dense relu, dense sigmoid) -> scale the channels.

    Input and output are (batch, height, width, channels) with the same shape.

    Args:
        ratio: reduction ratio of the bottleneck: the hidden layer has ``channels // ratio``
            units (at least 1). The SENet paper uses 16.

    Example:
        >>> se = SqueezeExcite(ratio=4)
        >>> se(keras.ops.ones((2, 8, 8, 16))).shape
        (2, 8, 8, 16)
        >>> se.count_params()  # 16*4 + 4 + 4*16 + 16
        148
    """

    def __init__(self, ratio: int = 16, **kwargs):
        super().__init__(**kwargs)
        self.ratio = _check_ratio(ratio)
        self.squeeze = None
        self.excite = None

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "SqueezeExcite expects inputs of shape (batch, height, width, channels) with a "
                f"known number of channels. Received: input_shape={tuple(input_shape)}"
            )
        channels = int(input_shape[-1])
        hidden = max(1, channels // self.ratio)
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
        return {**super().get_config(), "ratio": self.ratio}
