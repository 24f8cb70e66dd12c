"""The input pipeline: shuffled, batched, prefetched arrays for ``model.fit``.

``tf.data`` on TensorFlow; on JAX and PyTorch, which have no ``tf.data``, an ``ArrayBatches``
``keras.utils.PyDataset`` that shuffles, batches and prefetches with a worker thread.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.training.devices import backend_name

__all__ = ["ArrayBatches", "make_dataset"]


# Not argument_validation.float_array: examples keep their dtype (float_array would copy uint8
# images to float64, 8 times their memory).
def _examples(value: Any, name: str) -> np.ndarray:
    """``value`` as a non-empty array of numbers (bool, int or float), one example per row."""
    try:
        arr = np.asarray(value)
    except Exception as error:  # ragged nested lists
        raise ValueError(f"`{name}` must be an array of numbers ({error}).") from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"`{name}` must be an array of numbers. Received: {name} of dtype {arr.dtype}"
        )
    if arr.ndim == 0:
        raise ValueError(
            f"`{name}` must be an array with one row per example, not a scalar. "
            f"Received: {name}={value!r}"
        )
    check.non_empty(arr, name)
    return arr


def check_arrays(
    x: Any, y: Any, names: tuple[str, str] = ("x", "y")
) -> tuple[np.ndarray, np.ndarray | None]:
    """``x`` and (unless None) ``y`` as non-empty arrays with the same number of examples."""
    x = _examples(x, names[0])
    if y is None:
        return x, None
    y = _examples(y, names[1])
    if len(y) != len(x):
        raise ValueError(
            f"`{names[0]}` and `{names[1]}` must have the same number of examples. "
            f"Received: len({names[0]})={len(x)}, len({names[1]})={len(y)}"
        )
    return x, y


class ArrayBatches(keras.utils.PyDataset):
    """Shuffled batches of NumPy arrays for any backend, prefetched by a worker thread.

    The order is reshuffled after every epoch with a NumPy generator seeded by ``seed``, so a
    seeded run repeats exactly.

    Args:
        x, y: arrays with the same first dimension (``y`` may be None).
        batch_size: examples per batch.
        shuffle: shuffle the order, and reshuffle it after every epoch.
        seed: seed of the shuffling (None: a different order every run).
        drop_remainder: drop the last, smaller batch.
        workers: threads that prepare batches ahead.
        max_queue_size: batches prepared ahead at most.

    Example:
        >>> batches = ArrayBatches(np.zeros((10, 2)), np.arange(10), batch_size=4, seed=0)
        >>> len(batches), batches[2][0].shape
        (3, (2, 2))
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray | None = None,
        *,
        batch_size: int = 128,
        shuffle: bool = True,
        seed: int | None = None,
        drop_remainder: bool = False,
        workers: int = 2,
        max_queue_size: int = 8,
    ):
        x, y = check_arrays(x, y)
        batch_size = check.positive_int(batch_size, "batch_size")
        shuffle = check.boolean(shuffle, "shuffle")
        seed = check.seed(seed)
        drop_remainder = check.boolean(drop_remainder, "drop_remainder")
        workers = check.positive_int(workers, "workers")
        max_queue_size = check.positive_int(max_queue_size, "max_queue_size")
        super().__init__(workers=workers, max_queue_size=max_queue_size)
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_remainder = drop_remainder
        self._rng = np.random.default_rng(seed)
        self._order = np.arange(len(self.x))
        if shuffle:
            self._rng.shuffle(self._order)

    def __len__(self) -> int:
        n = len(self.x) / self.batch_size
        return int(n) if self.drop_remainder else math.ceil(n)

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} out of range [0, {len(self)})")
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        return self.x[rows] if self.y is None else (self.x[rows], self.y[rows])

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._rng.shuffle(self._order)


def make_dataset(
    x: Any,
    y: Any = None,
    *,
    batch_size: int = 128,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = False,
    backend: str | None = None,
):
    """The input pipeline for ``model.fit``: shuffle (every epoch), batch, prefetch.

    Args:
        x, y: arrays with the same first dimension (``y`` may be None).
        batch_size: the (global) batch size.
        shuffle: reshuffle the examples at every epoch (off for validation and test data).
        seed: seed of the shuffling, so runs repeat.
        drop_remainder: drop the last, smaller batch.
        backend: ``"tensorflow"`` gives a ``tf.data.Dataset``, any other backend an
            ``ArrayBatches``; None is the current backend.

    Example:
        >>> ds = make_dataset(np.zeros((100, 28, 28, 1)), np.zeros(100), batch_size=32)
        >>> [tuple(images.shape) for images, labels in ds][-1]  # 100 = 3 * 32 + 4
        (4, 28, 28, 1)
    """
    x, y = check_arrays(x, y)
    batch_size = check.positive_int(batch_size, "batch_size")
    shuffle = check.boolean(shuffle, "shuffle")
    seed = check.seed(seed)
    drop_remainder = check.boolean(drop_remainder, "drop_remainder")
    backend = backend_name(backend)
    if backend != "tensorflow":
        return ArrayBatches(
            x, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder
        )
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
