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

import keras
from keras import ops

from course_lib import argument_validation as check

__all__ = ["CyclicCosine"]


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
        self.max_lr = check.positive_number(max_lr, "max_lr")
        self.min_lr = check.non_negative_number(min_lr, "min_lr")
        if self.min_lr >= self.max_lr:
            raise ValueError(
                f"`min_lr` must be smaller than `max_lr`={max_lr!r}. Received: min_lr={min_lr!r}"
            )
        cycle_steps = check.positive_int(cycle_steps, "cycle_steps")
        name = check.string(name, "name")
        self.cycle_steps = int(cycle_steps)
        self.name = name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        t = ops.mod(step, float(self.cycle_steps))
        cosine = 0.5 * (1.0 + ops.cos(math.pi * t / float(self.cycle_steps)))
        return self.min_lr + (self.max_lr - self.min_lr) * cosine

    def cycle_of(self, step: int) -> int:
        """The cycle (counting from 0) that optimizer step ``step`` belongs to."""
        return check.non_negative_int(step, "step") // self.cycle_steps

    def get_config(self) -> dict:
        return {
            "max_lr": self.max_lr,
            "cycle_steps": self.cycle_steps,
            "min_lr": self.min_lr,
            "name": self.name,
        }
