"""Activation functions and their derivatives, elementwise on arrays of any shape.

Each ``*_grad(z)`` returns the local derivative d activation(z) / dz at the pre-activation
``z``. In a backward pass the upstream gradient is multiplied by it elementwise:
``dz = dout * relu_grad(z)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check


def sigmoid(z: ArrayLike) -> np.ndarray:
    """Logistic sigmoid, sigma(z) = 1 / (1 + exp(-z)), computed without overflow.

    ``exp(-z)`` overflows for large negative ``z``. With e = exp(-|z|), which lies in (0, 1],
    sigma(z) = 1 / (1 + e) for z >= 0 and sigma(z) = e / (1 + e) for z < 0.

    Args:
        z: array of any shape.

    Returns:
        Array of the same shape with values in [0, 1].

    Example:
        >>> sigmoid([-1000.0, 0.0, 2.0]).round(4)
        array([0.    , 0.5   , 0.8808])
    """
    z = check.float_array(z, "z")
    e = np.exp(-np.abs(z))
    # astype: NumPy < 2 promotes a float32 scalar to float64 here; keep the input's precision.
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def sigmoid_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of the sigmoid: sigma'(z) = sigma(z) * (1 - sigma(z)).

    Example:
        >>> sigmoid_grad([0.0, 2.0]).round(4)
        array([0.25 , 0.105])
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of tanh: tanh'(z) = 1 - tanh(z)**2.

    (The forward pass is ``np.tanh``.)

    Example:
        >>> tanh_grad([0.0, 0.5]).round(4)
        array([1.    , 0.7864])
    """
    t = np.tanh(check.float_array(z, "z"))
    return 1.0 - t**2


def relu(z: ArrayLike) -> np.ndarray:
    """Rectified linear unit: relu(z) = max(0, z).

    Example:
        >>> relu([-2.0, 0.0, 3.0])
        array([0., 0., 3.])
    """
    z = check.float_array(z, "z")
    return np.maximum(z, 0.0)


def relu_grad(z: ArrayLike) -> np.ndarray:
    """Derivative of ReLU: 1 where z > 0, else 0.

    At z = 0 ReLU has no derivative; like TensorFlow we use 0 there.

    Example:
        >>> relu_grad([-2.0, 0.0, 3.0])
        array([0., 0., 1.])
    """
    z = check.float_array(z, "z")
    return (z > 0).astype(z.dtype)


def leaky_relu(z: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU: z for z > 0, alpha * z otherwise.

    Keras calls ``alpha`` ``negative_slope`` (and its default there is 0.2 for
    ``keras.activations.leaky_relu``, 0.3 for the ``LeakyReLU`` layer).

    Args:
        z: array of any shape.
        alpha: slope for negative inputs, a finite number >= 0.

    Example:
        >>> leaky_relu([-2.0, 3.0], alpha=0.1)
        array([-0.2,  3. ])
    """
    alpha = check.non_negative_number(alpha, "alpha")
    z = check.float_array(z, "z")
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where z > 0, alpha otherwise (alpha at z = 0, as in TF).

    Example:
        >>> leaky_relu_grad([-2.0, 0.0, 3.0], alpha=0.1)
        array([0.1, 0.1, 1. ])
    """
    alpha = check.non_negative_number(alpha, "alpha")
    z = check.float_array(z, "z")
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)
