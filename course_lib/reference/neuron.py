"""One artificial neuron: a weighted sum followed by an activation."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.reference.activations import relu, sigmoid

_ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": relu,
    "linear": lambda z: z,
}


def neuron_forward(
    x: ArrayLike, w: ArrayLike, b: float, activation: str = "sigmoid"
) -> np.ndarray | float:
    """Output of a single neuron, a = activation(x . w + b).

    Args:
        x: one example of shape (D,) or a batch of shape (N, D).
        w: weights, shape (D,).
        b: bias, a finite number.
        activation: one of "sigmoid", "tanh", "relu", "linear".

    Returns:
        A float for a single example, an array of shape (N,) for a batch.

    Example:
        >>> neuron_forward([1.0, 2.0], w=[0.5, -0.25], b=0.0)
        0.5
        >>> neuron_forward([[1.0, 2.0], [2.0, 0.0]], w=[0.5, -0.25], b=1.0, activation="relu")
        array([1., 2.])
    """
    activation = check.one_of(activation, "activation", _ACTIVATIONS)
    x = check.float_array(x, "x")
    w = check.float_array(w, "w", ndim=1, layout="(D,)")
    if x.ndim not in (1, 2):
        raise ValueError(f"`x` must have shape (D,) or (N, D). Received: x.shape={x.shape}")
    if x.shape[-1] != w.shape[0]:
        raise ValueError(
            "The last axis of `x` must match the length of `w`. "
            f"Received: x.shape={x.shape}, w.shape={w.shape}"
        )
    if isinstance(b, np.ndarray) and b.ndim == 0:
        b = b[()]  # a 0-D array holds one number
    b = check.number(b, "b")

    z = x @ w + b
    a = _ACTIVATIONS[activation](z)
    return float(a) if x.ndim == 1 else a
