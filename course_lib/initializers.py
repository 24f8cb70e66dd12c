"""Weight initializers with the fan-in / fan-out arithmetic in plain sight.

A layer's weights are drawn so that the variance of its outputs neither shrinks nor grows from
layer to layer. For a weight tensor the *fan-in* is the number of inputs that feed one output
unit and the *fan-out* the number of outputs one input feeds:

* Dense kernel of shape ``(inputs, units)``: fan_in = inputs, fan_out = units.
* Conv kernel of shape ``(kh, kw, in_channels, filters)``: every output sees a ``kh x kw``
  window of all input channels, so fan_in = kh * kw * in_channels and
  fan_out = kh * kw * filters.

Xavier / Glorot (for tanh and sigmoid) asks for Var(w) = 2 / (fan_in + fan_out); He (for ReLU,
which zeroes half of its inputs) asks for Var(w) = 2 / fan_in. A normal distribution gets that
variance with std = sqrt(Var); a uniform one on [-limit, limit] has variance limit**2 / 3, so
limit = sqrt(3 * Var).

Keras's own ``GlorotNormal`` and ``HeNormal`` draw from a *truncated* normal whose std is
scaled up so that the variance after truncation is the same; ours draw from a plain normal.
Both give the same variance, which is what the tests check.
"""

from __future__ import annotations

import math
import random as _python_random
from collections.abc import Sequence

import keras

from course_lib import argument_validation as check

__all__ = [
    "HeNormal",
    "HeUniform",
    "XavierNormal",
    "XavierUniform",
    "compute_fans",
    "get",
    "he_variance",
    "xavier_variance",
]


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight tensor of the given shape.

    Example:
        >>> compute_fans((784, 100))
        (784, 100)
        >>> compute_fans((3, 3, 16, 32))     # 3x3 conv, 16 -> 32 channels
        (144, 288)
    """
    shape = check.shape(shape, "shape")
    if len(shape) == 1:  # a bias-like vector
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def xavier_variance(fan_in: int, fan_out: int) -> float:
    """Var(w) = 2 / (fan_in + fan_out) (Glorot & Bengio, 2010).

    Both fans are positive integers, e.g. from ``compute_fans``.

    Example:
        >>> xavier_variance(300, 100)
        0.005
    """
    fan_in = check.positive_int(fan_in, "fan_in")
    fan_out = check.positive_int(fan_out, "fan_out")
    return 2.0 / (fan_in + fan_out)


def he_variance(fan_in: int) -> float:
    """Var(w) = 2 / fan_in (He et al., 2015), for ReLU networks.

    Example:
        >>> he_variance(200)
        0.01
    """
    fan_in = check.positive_int(fan_in, "fan_in")
    return 2.0 / fan_in


class _VarianceScaled(keras.initializers.Initializer):
    """Draws weights with a variance computed from the fans; subclasses say which."""

    distribution = "normal"

    def __init__(self, seed: int | None = None):
        seed = check.seed(seed, "seed")
        self._init_seed = seed
        # Unseeded initializers take a seed from Python's `random`, which
        # `course_lib.setup()` / `keras.utils.set_random_seed()` seed: runs still repeat.
        self.seed = seed if seed is not None else _python_random.randint(1, 2**31 - 1)

    def variance(self, fan_in: int, fan_out: int) -> float:
        raise NotImplementedError

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        var = self.variance(fan_in, fan_out)
        if self.distribution == "normal":
            return keras.random.normal(shape, stddev=math.sqrt(var), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * var)
        return keras.random.uniform(
            shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed
        )

    def get_config(self) -> dict:
        return {"seed": self._init_seed}


@keras.saving.register_keras_serializable(package="course_lib")
class XavierNormal(_VarianceScaled):
    """Normal with Var(w) = 2 / (fan_in + fan_out).

    Example:
        >>> layer = keras.layers.Dense(64, activation="tanh", kernel_initializer=XavierNormal())
    """

    def variance(self, fan_in: int, fan_out: int) -> float:
        return xavier_variance(fan_in, fan_out)


@keras.saving.register_keras_serializable(package="course_lib")
class XavierUniform(_VarianceScaled):
    """Uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).

    Example:
        >>> layer = keras.layers.Dense(64, activation="tanh", kernel_initializer=XavierUniform())
    """

    distribution = "uniform"

    def variance(self, fan_in: int, fan_out: int) -> float:
        return xavier_variance(fan_in, fan_out)


@keras.saving.register_keras_serializable(package="course_lib")
class HeNormal(_VarianceScaled):
    """Normal with Var(w) = 2 / fan_in, for ReLU layers.

    Example:
        >>> layer = keras.layers.Dense(64, activation="relu", kernel_initializer=HeNormal())
    """

    def variance(self, fan_in: int, fan_out: int) -> float:
        return he_variance(fan_in)


@keras.saving.register_keras_serializable(package="course_lib")
class HeUniform(_VarianceScaled):
    """Uniform on [-limit, limit], limit = sqrt(6 / fan_in), for ReLU layers.

    Example:
        >>> layer = keras.layers.Conv2D(32, 3, activation="relu", kernel_initializer=HeUniform())
    """

    distribution = "uniform"

    def variance(self, fan_in: int, fan_out: int) -> float:
        return he_variance(fan_in)


_BY_NAME = {
    "xavier_normal": XavierNormal,
    "xavier_uniform": XavierUniform,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
}


def get(identifier: str | dict | keras.initializers.Initializer) -> keras.initializers.Initializer:
    """An initializer from a course name, a Keras name, a config dict or an instance.

    Course names: ``"xavier_normal"``, ``"xavier_uniform"``, ``"he_normal"``, ``"he_uniform"``;
    any other string goes to ``keras.initializers.get`` (e.g. ``"zeros"``, ``"glorot_uniform"``).
    ``None`` is refused (``keras.initializers.get(None)`` returns None, which a layer would
    then silently replace by its own default).

    Example:
        >>> get("he_normal")
        <...HeNormal object at ...>
    """
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    try:
        initializer = None if identifier is None else keras.initializers.get(identifier)
    except (ValueError, TypeError):
        initializer = None
    if initializer is None:
        raise ValueError(
            f"Unknown initializer: {identifier!r}. `identifier` must be one of "
            f"{sorted(_BY_NAME)}, a Keras initializer name such as 'glorot_uniform' or "
            "'zeros', a config dict or an Initializer instance. "
            f"Received: identifier={identifier!r}"
        )
    return initializer
