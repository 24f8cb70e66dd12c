"""L1, L2 and L1+L2 weight penalties, written the way the lecture writes them.

Training minimises the penalised objective  J~(w) = J(w) + alpha * Omega(w):

* L2 ("weight decay"):  Omega(w) = 1/2 * sum(w**2), gradient alpha * w. One SGD step with
  learning rate eps becomes  w <- (1 - eps * alpha) * w - eps * grad J(w):  the weights shrink
  by a constant factor every step, which is why L2 is called weight decay.
* L1:  Omega(w) = sum(|w|), gradient alpha * sign(w). It pushes every weight toward zero by the
  same amount, so many end up exactly (or nearly) zero: sparse weights.

Note the 1/2 in L2: Keras's own ``keras.regularizers.L2(l2)`` computes ``l2 * sum(w**2)``
without it, so ``course_lib.regularizers.L2(alpha)`` equals ``keras.regularizers.L2(alpha / 2)``.
"""

from __future__ import annotations

import keras
from keras import ops

from course_lib import argument_validation as check

__all__ = ["L1", "L1L2", "L2", "get"]


@keras.saving.register_keras_serializable(package="course_lib")
class L1L2(keras.regularizers.Regularizer):
    """Penalty  l1 * sum(|w|) + l2 / 2 * sum(w**2).

    Example:
        >>> layer = keras.layers.Dense(10, kernel_regularizer=L1L2(l1=1e-5, l2=1e-4))
    """

    formula = "l1 * sum(|w|) + l2 / 2 * sum(w**2)"

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = check.non_negative_number(l1, "l1")
        self.l2 = check.non_negative_number(l2, "l2")

    def __call__(self, x):
        penalty = ops.convert_to_tensor(0.0, dtype=x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + 0.5 * self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


@keras.saving.register_keras_serializable(package="course_lib")
class L1(L1L2):
    """Penalty  alpha * sum(|w|): drives many weights to zero.

    Example:
        >>> layer = keras.layers.Dense(10, kernel_regularizer=L1(1e-4))
    """

    formula = "alpha * sum(|w|)"

    def __init__(self, alpha: float = 0.01):
        self.alpha = check.non_negative_number(alpha, "alpha")
        super().__init__(l1=self.alpha)

    def get_config(self) -> dict:
        return {"alpha": self.alpha}


@keras.saving.register_keras_serializable(package="course_lib")
class L2(L1L2):
    """Penalty  alpha / 2 * sum(w**2): weight decay by the factor (1 - lr * alpha) per SGD step.

    Example:
        >>> layer = keras.layers.Dense(10, kernel_regularizer=L2(1e-3))
    """

    formula = "alpha / 2 * sum(w**2)"

    def __init__(self, alpha: float = 0.01):
        self.alpha = check.non_negative_number(alpha, "alpha")
        super().__init__(l2=self.alpha)

    def get_config(self) -> dict:
        return {"alpha": self.alpha}


def get(l1: float = 0.0, l2: float = 0.0) -> keras.regularizers.Regularizer | None:
    """The simplest regularizer for the given strengths: None, ``L1``, ``L2`` or ``L1L2``.

    Example:
        >>> get(l2=1e-4)
        <...L2 object at ...>
    """
    l1 = check.non_negative_number(l1, "l1")
    l2 = check.non_negative_number(l2, "l2")
    if l1 and l2:
        return L1L2(l1=l1, l2=l2)
    if l1:
        return L1(l1)
    if l2:
        return L2(l2)
    return None
