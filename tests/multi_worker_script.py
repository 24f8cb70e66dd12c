"""One worker of a multi-worker run, or the one-process reference: writes its loss curve.

Run by tests/test_multi_worker.py, each process with its own environment (``TF_CONFIG`` for
TensorFlow, ``KERAS_DISTRIBUTION_*`` for JAX, neither for the reference).

argv: out_json backup_dir_or_-  [crash_after_epoch]
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

import keras
import numpy as np

from course_lib.training import multi_worker

GLOBAL_BATCH, N, EPOCHS = 16, 64, 4


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0], "float32"))[:, None]
    return x, y


class CrashAfter(keras.callbacks.Callback):
    """Ends the process at once, as a crash would, after epoch ``epochs``."""

    def __init__(self, epochs: int | None):
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        if self.epochs is not None and epoch + 1 == self.epochs:
            os._exit(17)


def main() -> None:
    out, backup = sys.argv[1], sys.argv[2]
    crash_after = int(sys.argv[3]) if len(sys.argv) > 3 else None
    multi = "TF_CONFIG" in os.environ or "KERAS_DISTRIBUTION_PROCESS_ID" in os.environ
    plan = multi_worker.configure_multi_worker() if multi else None
    keras.utils.set_random_seed(0)
    with plan.scope() if plan else contextlib.nullcontext():
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
        )
        model.compile(keras.optimizers.SGD(0.05), "mse")
    x, y = data()
    fit_args = multi_worker.shard_for_fit(x, y, GLOBAL_BATCH, plan)
    callbacks: list[keras.callbacks.Callback] = [CrashAfter(crash_after)]
    if backup != "-":  # first, so that a crash after an epoch finds that epoch saved
        callbacks.insert(0, keras.callbacks.BackupAndRestore(backup))
    history = model.fit(epochs=EPOCHS, verbose=0, callbacks=callbacks, **fit_args)
    with open(out, "w") as f:
        json.dump({"loss": history.history["loss"], "epochs": history.epoch}, f)


if __name__ == "__main__":
    main()
