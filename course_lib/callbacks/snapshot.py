"""`SnapshotSaver`: keep the weights at the end of every learning-rate cycle (snapshot ensembles).

With a cyclic learning rate (`course_lib.schedules.CyclicCosine`) every cycle ends with a small
learning rate, in a minimum of the loss. `SnapshotSaver` keeps the model's weights at those
moments, in memory and/or as `.keras` files; `snapshot_predictions` and
`average_snapshot_predictions` then run the snapshots on new data. One training run thus gives
an ensemble of several models for the price of one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.ensembles import average_predictions

Snapshot = list[np.ndarray] | str | os.PathLike


class SnapshotSaver(keras.callbacks.Callback):
    """Save a snapshot of the model at the end of every cycle of `cycle_epochs` epochs.

    After epoch `e` (counting from 1) with `e % cycle_epochs == 0` the callback records:

    - `snapshots`: a copy of `model.get_weights()` (a list of NumPy arrays), when
      `keep_in_memory=True`;
    - `paths`: the path of `directory/snapshot_<k>.keras` (k = 1, 2, ...), when `directory`
      is given; the whole model is saved with `model.save`, so it reloads with
      `keras.saving.load_model`;
    - `epochs`: the epoch (counting from 1) of each snapshot.

    The lists are reset when training begins. Match `cycle_epochs` to the schedule: for
    `CyclicCosine(max_lr, cycle_steps=cycle_epochs * steps_per_epoch)` a snapshot is taken
    exactly where the learning rate is lowest.

    Args:
        cycle_epochs: epochs per learning-rate cycle, a positive integer.
        directory: a folder for `.keras` files (created if missing), or None for none.
        keep_in_memory: keep the weights in `snapshots` (at least one of `directory` and
            `keep_in_memory` is needed).

    Example:

    ```python
    from course_lib.callbacks import SnapshotSaver, average_snapshot_predictions
    from course_lib.schedules import CyclicCosine

    schedule = CyclicCosine(max_lr=0.1, cycle_steps=5 * steps_per_epoch)
    model.compile(optimizer=keras.optimizers.SGD(schedule, momentum=0.9), loss=..., ...)
    saver = SnapshotSaver(cycle_epochs=5)
    model.fit(x_train, y_train, epochs=20, batch_size=batch_size, callbacks=[saver])
    probs = average_snapshot_predictions(model, saver.snapshots, x_test)  # 4 snapshots
    ```
    """

    def __init__(
        self,
        cycle_epochs: int,
        directory: str | Path | None = None,
        keep_in_memory: bool = True,
    ) -> None:
        super().__init__()
        cycle_epochs = check.positive_int(cycle_epochs, "cycle_epochs")
        directory = check.optional(check.path, directory, "directory")
        keep_in_memory = check.boolean(keep_in_memory, "keep_in_memory")
        if directory is None and not keep_in_memory:
            raise ValueError(
                "Nothing would be kept: give a `directory` or set `keep_in_memory=True`. "
                "Received: directory=None, keep_in_memory=False"
            )
        self.cycle_epochs = cycle_epochs
        self.directory = Path(directory) if directory is not None else None
        self.keep_in_memory = keep_in_memory
        self.snapshots: list[list[np.ndarray]] = []
        self.paths: list[Path] = []
        self.epochs: list[int] = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.snapshots = []
        self.paths = []
        self.epochs = []
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        done = epoch + 1
        if done % self.cycle_epochs:
            return
        model = self.model
        if self.keep_in_memory:
            self.snapshots.append([np.array(w, copy=True) for w in model.get_weights()])
        if self.directory is not None:
            path = self.directory / f"snapshot_{len(self.epochs) + 1}.keras"
            model.save(path)
            self.paths.append(path)
        self.epochs.append(done)


def snapshot_predictions(
    model: keras.Model,
    snapshots: Sequence[Snapshot],
    x: Any,
    *,
    batch_size: int = 256,
) -> np.ndarray:
    """Predictions of every snapshot on `x`, stacked: shape `(len(snapshots), n, ...)`.

    Args:
        model: a model of the architecture the snapshots came from. Weight snapshots are
            loaded into it one after the other; its own weights are put back at the end.
        snapshots: weight lists (`SnapshotSaver.snapshots`) or `.keras` paths
            (`SnapshotSaver.paths`), or a mix.
        x: the inputs, anything `model.predict` accepts.
        batch_size: batch size for `predict`.

    Returns:
        A NumPy array of shape `(len(snapshots), n, ...)`: `model.predict`'s output for every
        snapshot, in order.

    Example:
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        >>> x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
        >>> saver = SnapshotSaver(cycle_epochs=1)
        >>> _ = model.fit(x, y, epochs=3, verbose=0, callbacks=[saver])
        >>> snapshot_predictions(model, saver.snapshots, x).shape  # 3 snapshots, 4 examples
        (3, 4, 2)
    """
    check.instance(model, "model", keras.Model, "a keras.Model")
    if isinstance(snapshots, (str, Path)) or not isinstance(snapshots, Sequence) or not snapshots:
        raise ValueError(
            "`snapshots` must be a non-empty list of weight lists or .keras paths. "
            f"Received: snapshots of type {type(snapshots).__name__}"
        )
    batch_size = check.positive_int(batch_size, "batch_size")
    original = [np.array(w, copy=True) for w in model.get_weights()]
    outputs = []
    try:
        for i, snapshot in enumerate(snapshots):
            if isinstance(snapshot, (str, os.PathLike)):
                member = _load(check.path(snapshot, f"snapshots[{i}]"), f"snapshots[{i}]")
            elif isinstance(snapshot, (list, tuple)):
                if len(snapshot) != len(original):
                    raise ValueError(
                        f"`snapshots[{i}]` holds {len(snapshot)} arrays but the model has "
                        f"{len(original)} weights: it comes from another architecture."
                    )
                model.set_weights(snapshot)
                member = model
            else:
                raise ValueError(
                    f"`snapshots[{i}]` must be a list of weight arrays or a .keras path. "
                    f"Received: {type(snapshot).__name__}"
                )
            outputs.append(np.asarray(member.predict(x, batch_size=batch_size, verbose=0)))
    finally:
        model.set_weights(original)
    return np.stack(outputs)


def average_snapshot_predictions(
    model: keras.Model,
    snapshots: Sequence[Snapshot],
    x: Any,
    *,
    batch_size: int = 256,
) -> np.ndarray:
    """The snapshot ensemble's prediction: the mean of `snapshot_predictions` over snapshots.

    Arguments as for `snapshot_predictions`.

    Returns:
        A float64 array of `model.predict`'s output shape, `(n, ...)`.

    Example:
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        >>> x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
        >>> saver = SnapshotSaver(cycle_epochs=1)
        >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[saver])
        >>> probs = average_snapshot_predictions(model, saver.snapshots, x)
        >>> probs.shape
        (4, 2)
        >>> members = snapshot_predictions(model, saver.snapshots, x)
        >>> bool(np.allclose(probs, members.mean(axis=0)))
        True
    """
    stacked = snapshot_predictions(model, snapshots, x, batch_size=batch_size)
    return average_predictions(list(stacked))  # one array per snapshot


def _load(path: str, name: str) -> keras.Model:
    try:
        return keras.saving.load_model(path)
    except (ValueError, OSError) as error:
        raise ValueError(f"`{name}` could not be loaded as a .keras model: {error}") from error
