"""Local response normalization (Krizhevsky et al., 2012, section 3.3), which Keras lacks.

AlexNet divides every activation by a sum over the ``size`` neighbouring channels at the same
pixel, a "lateral inhibition" between feature maps::

    b[..., c] = a[..., c] / (k + alpha * sum_{c' = c - size//2}^{c + size//2} a[..., c']^2) ^ beta

with k = 2, size = 5, alpha = 1e-4, beta = 0.75 in the paper (alpha is *not* divided by
``size`` there, unlike Caffe's layer). It has no weights, so it changes no parameter count.
ZFNet and GoogLeNet use it too; batch normalization (2015) replaced it.
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check

__all__ = ["LocalResponseNorm"]


# TODO(validation): candidate for argument_validation
def _odd_positive_int(value, name: str) -> int:
    value = check.positive_int(value, name)
    if value % 2 == 0:
        raise ValueError(f"`{name}` must be an odd positive integer. Received: {name}={value}")
    return value


@keras.saving.register_keras_serializable(package="course_lib")
class LocalResponseNorm(keras.layers.Layer):
    """Normalize each channel by the squares of its ``size`` neighbours (channels last).

    Args:
        size: number of channels in the sum, an odd positive integer (5 in AlexNet).
        alpha: scale of the sum, a non-negative number (1e-4).
        beta: exponent, a non-negative number (0.75).
        k: additive constant, a positive number (2).

    Example:
        >>> lrn = LocalResponseNorm()
        >>> x = np.ones((1, 1, 1, 8), "float32")
        >>> y = keras.ops.convert_to_numpy(lrn(x))
        >>> round(float(y[0, 0, 0, 0]), 6) == round((2 + 1e-4 * 3) ** -0.75, 6)  # 3 neighbours
        True
    """

    def __init__(
        self,
        size: int = 5,
        *,
        alpha: float = 1e-4,
        beta: float = 0.75,
        k: float = 2.0,
        **kwargs,
    ):
        size = _odd_positive_int(size, "size")
        alpha = check.non_negative_number(alpha, "alpha")
        beta = check.non_negative_number(beta, "beta")
        k = check.positive_number(k, "k")
        super().__init__(**kwargs)
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def call(self, inputs):
        half = self.size // 2
        channels = inputs.shape[-1]
        squares = keras.ops.square(inputs)
        padding = [(0, 0)] * (len(inputs.shape) - 1) + [(half, half)]
        padded = keras.ops.pad(squares, padding)
        window = sum(padded[..., i : i + channels] for i in range(self.size))
        return inputs / keras.ops.power(self.k + self.alpha * window, self.beta)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "alpha": self.alpha,
            "beta": self.beta,
            "k": self.k,
        }
