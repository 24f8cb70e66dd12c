"""A cyclic learning rate: cosine annealing with warm restarts, as snapshot ensembles use it.

Within each cycle of ``cycle_steps`` optimizer steps the learning rate falls along half a cosine
from ``max_lr`` to ``min_lr``; then it jumps back to ``max_lr`` (a *warm restart*):

    t = step mod cycle_steps
    lr(step) = min_lr + (max_lr - min_lr) / 2 * (1 + cos(pi * t / cycle_steps))

At the end of a cycle the learning rate is small, so the weights have settled into a minimum:
that is the moment to take a snapshot (``course_lib.callbacks.SnapshotSaver``). The restart
then kicks the weights out of that minimum towards another one, so the snapshots of one run
differ like independently trained models do (Huang et al., 2017, "Snapshot Ensembles: Train 1,
get M for free"; Loshchilov & Hutter, 2017, "SGDR").

Keras's own ``keras.optimizers.schedules.CosineDecayRestarts`` can also stretch the cycles
(``t_mul``) and shrink the peaks (``m_mul``); this one keeps every cycle the same, which is what
a snapshot saver that counts epochs needs.

Example::

    from course_lib.schedules import CyclicCosine

    steps_per_epoch = math.ceil(len(x_train) / batch_size)
    schedule = CyclicCosine(max_lr=0.1, cycle_steps=5 * steps_per_epoch)   # 5-epoch cycles
    model.compile(optimizer=keras.optimizers.SGD(schedule, momentum=0.9), loss=...)
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import keras
from keras import ops

__all__ = ["CyclicCosine"]


def _check_rate(name: str, value: object, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"`{name}` must be a finite number. Received: {name}={value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"`{name}` must be {bound}. Received: {name}={value!r}")
    return float(value)


@keras.saving.register_keras_serializable(package="course_lib")
class CyclicCosine(keras.optimizers.schedules.LearningRateSchedule):
    """Cosine annealing from ``max_lr`` to ``min_lr`` every ``cycle_steps`` steps, then restart.

    Args:
        max_lr: learning rate at the first step of every cycle (> 0).
        cycle_steps: optimizer steps (batches) per cycle, a positive integer. For cycles of
            ``E`` epochs use ``E * steps_per_epoch``.
        min_lr: the learning rate the cosine approaches at the end of a cycle
            (0 <= min_lr < max_lr).
        name: a name for the schedule.

    Example:
        >>> schedule = CyclicCosine(max_lr=0.1, cycle_steps=100)
        >>> [round(float(schedule(step)), 4) for step in (0, 50, 99, 100)]
        [0.1, 0.05, 0.0, 0.1]
    """

    def __init__(
        self,
        max_lr: float,
        cycle_steps: int,
        min_lr: float = 0.0,
        name: str = "CyclicCosine",
    ) -> None:
        super().__init__()
        self.max_lr = _check_rate("max_lr", max_lr, allow_zero=False)
        self.min_lr = _check_rate("min_lr", min_lr, allow_zero=True)
        if self.min_lr >= self.max_lr:
            raise ValueError(
                f"`min_lr` must be smaller than `max_lr`={max_lr!r}. Received: min_lr={min_lr!r}"
            )
        if (
            isinstance(cycle_steps, bool)
            or not isinstance(cycle_steps, Integral)
            or cycle_steps < 1
        ):
            raise ValueError(
                f"`cycle_steps` must be a positive integer. Received: cycle_steps={cycle_steps!r}"
            )
        if not isinstance(name, str):
            raise ValueError(f"`name` must be a string. Received: name={name!r}")
        self.cycle_steps = int(cycle_steps)
        self.name = name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        t = ops.mod(step, float(self.cycle_steps))
        cosine = 0.5 * (1.0 + ops.cos(math.pi * t / float(self.cycle_steps)))
        return self.min_lr + (self.max_lr - self.min_lr) * cosine

    def cycle_of(self, step: int) -> int:
        """The cycle (counting from 0) that optimizer step ``step`` belongs to."""
        if isinstance(step, bool) or not isinstance(step, Integral) or step < 0:
            raise ValueError(f"`step` must be a non-negative integer. Received: step={step!r}")
        return int(step) // self.cycle_steps

    def get_config(self) -> dict:
        return {
            "max_lr": self.max_lr,
            "cycle_steps": self.cycle_steps,
            "min_lr": self.min_lr,
            "name": self.name,
        }
