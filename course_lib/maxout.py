"""Maxout: each unit is the maximum of ``pieces`` affine functions of the input.

A maxout unit computes max_k (x · w_k + b_k) over k = 1 .. pieces. With two pieces it can be
a ReLU (pieces (0, 0) and (w, b): max(0, x · w + b)) or a Leaky ReLU (pieces (α w, α b) and
(w, b)), and in general any convex piecewise-linear function of x · w. The price is parameters:
every unit has ``pieces`` weight vectors and biases, so a maxout layer of ``units`` units with
two pieces has twice the parameters of a dense layer of ``units`` units.

Keras has no maxout layer. This one is a dense layer with ``units * pieces`` outputs, read as
``(units, pieces)`` and reduced by a maximum over the pieces.

Example:
    >>> layer = Maxout(4, pieces=3)
    >>> tuple(layer(np.zeros((2, 5))).shape)
    (2, 4)
    >>> layer.count_params()  # 3 pieces x (5 inputs x 4 units + 4 biases)
    72
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check

__all__ = ["Maxout", "maxout_param_count"]


def maxout_param_count(inputs: int, units: int, pieces: int = 2) -> int:
    """Parameters of ``Maxout(units, pieces)`` on ``inputs`` features: pieces·(inputs + 1)·units.

    Example:
        >>> maxout_param_count(784, 100)  # twice the 78,500 of Dense(100)
        157000
    """
    inputs = check.positive_int(inputs, "inputs")
    units = check.positive_int(units, "units")
    pieces = check.positive_int(pieces, "pieces")
    return pieces * (inputs + 1) * units


@keras.saving.register_keras_serializable(package="course_lib")
class Maxout(keras.layers.Layer):
    """A fully connected layer of maxout units.

    Args:
        units: number of maxout units (outputs), a positive integer.
        pieces: affine pieces per unit, an integer >= 2 (one piece would be a linear layer).
        kernel_initializer: initializer of the ``(inputs, units * pieces)`` kernel; name or
            instance. Default Glorot uniform, as for ``Dense``.
        use_bias: give every piece a bias.

    The kernel's column ``u * pieces + k`` holds piece ``k`` of unit ``u``; ``dense.kernel``
    and ``dense.bias`` are the weights.

    Example:
        >>> layer = Maxout(1, pieces=2, use_bias=False)
        >>> _ = layer(np.zeros((1, 1)))
        >>> _ = layer.dense.kernel.assign([[0.0, 1.0]])  # pieces 0 · x and 1 · x: a ReLU
        >>> (keras.ops.convert_to_numpy(layer(np.array([[-2.0], [3.0]]))) + 0.0).ravel().tolist()
        [0.0, 3.0]
    """

    def __init__(
        self,
        units: int,
        pieces: int = 2,
        *,
        kernel_initializer="glorot_uniform",
        use_bias: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check.positive_int(units, "units")
        self.pieces = check.integer(pieces, "pieces", minimum=2)
        self.use_bias = check.boolean(use_bias, "use_bias")
        try:
            self.kernel_initializer = keras.initializers.get(kernel_initializer)
        except (ValueError, TypeError) as error:
            raise ValueError(
                "`kernel_initializer` must be a Keras initializer or its name. "
                f"Received: kernel_initializer={kernel_initializer!r} ({error})"
            ) from None
        self.dense = keras.layers.Dense(
            self.units * self.pieces,
            use_bias=self.use_bias,
            kernel_initializer=self.kernel_initializer,
            name="dense",
        )

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        z = self.dense(inputs)
        shape = keras.ops.shape(z)
        z = keras.ops.reshape(z, (*shape[:-1], self.units, self.pieces))
        return keras.ops.max(z, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "kernel_initializer": keras.saving.serialize_keras_object(self.kernel_initializer),
            "use_bias": self.use_bias,
        }
