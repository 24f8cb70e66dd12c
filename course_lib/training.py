"""The GPU path: one training recipe that is fast on a GPU and still runs on a laptop CPU.

A notebook trains the same way on every machine::

    from course_lib import training

    plan = training.configure()  # after course_lib.setup(), before building the model
    with plan.scope():
        model = resnet(20)
        training.compile_model(model, plan=plan)
    history = training.fit(model, x, y, validation_data=(x_val, y_val), epochs=30,
                           batch_size=128, backup_dir="runs/resnet20")

What happens underneath, decided in one place (``accelerator()``) from the devices found:

* **Input pipeline.** ``make_dataset`` feeds the arrays through ``tf.data`` on TensorFlow
  (shuffled every epoch, batched, prefetched so the next batch is ready while the accelerator
  works on this one); on JAX and PyTorch, which have no ``tf.data``, through an
  ``ArrayBatches`` ``keras.utils.PyDataset`` that shuffles, batches and prefetches with a
  worker thread.
* **Mixed precision.** GPUs with tensor cores compute in 16 bit many times faster than in
  32 bit. On such a GPU (compute capability 7.0 or higher) the global dtype policy becomes
  ``mixed_bfloat16`` (8.0 and newer: same range as float32, no loss scaling needed) or
  ``mixed_float16`` (7.x: Keras adds loss scaling itself). Weights stay float32, and the course
  models keep their softmax output in float32. On a CPU nothing changes.
* **XLA.** ``jit_compile=True`` fuses operations into fewer, larger GPU kernels. It is asked for
  on a GPU; on TensorFlow Keras switches XLA off anyway when op determinism is on (which
  ``course_lib.setup()`` turns on for CPU runs, so they repeat exactly). JAX always compiles.
* **Several GPUs.** With more than one GPU visible, ``plan.scope()`` is a
  ``tf.distribute.MirroredStrategy`` scope on TensorFlow (one model copy per GPU, gradients
  averaged) and a ``keras.distribution.DataParallel`` distribution on JAX. ``batch_size`` is
  the global batch, split between the replicas.
* **Interrupted runs.** ``fit(..., backup_dir=...)`` adds ``keras.callbacks.BackupAndRestore``:
  the weights, optimizer state and epoch number are saved after every epoch, and a run that
  was killed resumes at the epoch where it stopped when the same cell is run again. The backup
  is deleted when training finishes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

__all__ = [
    "ArrayBatches",
    "Device",
    "Plan",
    "accelerator",
    "choose_policy",
    "choose_strategy",
    "compile_model",
    "configure",
    "fit",
    "list_gpus",
    "make_dataset",
    "op_determinism_enabled",
    "wants_xla",
]

#: Tensor cores (fast 16-bit matrix units) arrived with compute capability 7.0 (Volta).
MIXED_FLOAT16_MIN_CAPABILITY = (7, 0)
#: bfloat16 tensor cores arrived with compute capability 8.0 (Ampere).
MIXED_BFLOAT16_MIN_CAPABILITY = (8, 0)

_BACKENDS = ("tensorflow", "jax", "torch", "numpy", "openvino")
_STRATEGIES = ("default", "mirrored", "data_parallel")


@dataclasses.dataclass(frozen=True)
class Device:
    """An accelerator as the course sees it: a name and, for NVIDIA GPUs, the compute
    capability (major, minor), e.g. ``(8, 0)`` for an A100 and ``(9, 0)`` for an H100."""

    name: str
    compute_capability: tuple[int, int] | None = None


def _check_backend(backend: Any) -> str:
    if backend not in _BACKENDS:
        raise ValueError(
            f"`backend` must be one of {list(_BACKENDS)}. Received: backend={backend!r}"
        )
    return backend


def _capability(value: Any) -> tuple[int, int] | None:
    """(major, minor) from the forms the backends report: (8, 0), "8.0", 8.0 or None."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.split(".")
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    if isinstance(value, (tuple, list)):
        return int(value[0]), int(value[1])
    major = int(value)
    return major, round((float(value) - major) * 10)


def list_gpus(backend: str | None = None) -> list[Device]:
    """The GPUs the Keras backend can use (an empty list on a CPU-only machine).

    Example:
        >>> list_gpus()  # doctest: +SKIP
        [Device(name='NVIDIA H100 80GB HBM3', compute_capability=(9, 0))]
    """
    backend = _check_backend(backend or keras.backend.backend())
    if backend == "tensorflow":
        import tensorflow as tf

        devices = []
        for gpu in tf.config.list_physical_devices("GPU"):
            details = tf.config.experimental.get_device_details(gpu)
            devices.append(
                Device(
                    details.get("device_name", gpu.name),
                    _capability(details.get("compute_capability")),
                )
            )
        return devices
    if backend == "jax":
        import jax

        return [
            Device(d.device_kind, _capability(getattr(d, "compute_capability", None)))
            for d in jax.devices()
            if d.platform == "gpu"
        ]
    if backend == "torch":
        import torch

        if not torch.cuda.is_available():
            return []
        return [
            Device(torch.cuda.get_device_name(i), tuple(torch.cuda.get_device_capability(i)))
            for i in range(torch.cuda.device_count())
        ]
    return []


def choose_policy(gpus: Sequence[Device]) -> str:
    """The Keras dtype policy for these GPUs: ``"float32"`` unless every one has tensor cores.

    Example:
        >>> choose_policy([])
        'float32'
        >>> choose_policy([Device("Tesla V100", (7, 0))])
        'mixed_float16'
        >>> choose_policy([Device("NVIDIA H100", (9, 0))])
        'mixed_bfloat16'
    """
    if not isinstance(gpus, (list, tuple)) or not all(isinstance(g, Device) for g in gpus):
        raise TypeError(f"`gpus` must be a list of `Device`s. Received: gpus={gpus!r}")
    capabilities = [g.compute_capability for g in gpus]
    if not capabilities or any(c is None for c in capabilities):
        return "float32"  # a CPU, or a GPU we know nothing about: stay safe
    if min(capabilities) >= MIXED_BFLOAT16_MIN_CAPABILITY:
        return "mixed_bfloat16"
    if min(capabilities) >= MIXED_FLOAT16_MIN_CAPABILITY:
        return "mixed_float16"
    return "float32"


def choose_strategy(n_gpus: int, backend: str) -> str:
    """``"mirrored"`` (TensorFlow) or ``"data_parallel"`` (JAX) for more than one GPU, else
    ``"default"`` (one device, no distribution).

    Example:
        >>> choose_strategy(4, "tensorflow"), choose_strategy(1, "tensorflow")
        ('mirrored', 'default')
    """
    if isinstance(n_gpus, bool) or not isinstance(n_gpus, int) or n_gpus < 0:
        raise ValueError(f"`n_gpus` must be an integer >= 0. Received: n_gpus={n_gpus!r}")
    _check_backend(backend)
    if n_gpus > 1 and backend == "tensorflow":
        return "mirrored"
    if n_gpus > 1 and backend == "jax":
        return "data_parallel"
    return "default"


def wants_xla(backend: str, *, gpu: bool, deterministic: bool) -> bool:
    """Whether to ask for ``jit_compile=True``.

    JAX always compiles with XLA. On TensorFlow, XLA pays off on a GPU; Keras refuses it when op
    determinism is on, and on a CPU the first (compiling) epoch costs more than XLA saves on the
    small course models. PyTorch's ``torch.compile`` is left off: it takes minutes to start.

    Example:
        >>> wants_xla("tensorflow", gpu=True, deterministic=False)
        True
        >>> wants_xla("tensorflow", gpu=False, deterministic=True)
        False
    """
    _check_backend(backend)
    if backend == "jax":
        return True
    if backend == "tensorflow":
        return gpu and not deterministic
    return False


def op_determinism_enabled() -> bool:
    """Whether TensorFlow's op determinism is on (``course_lib.setup()`` turns it on on CPU)."""
    if keras.backend.backend() != "tensorflow":
        return False
    from tensorflow.python.framework.config import is_op_determinism_enabled

    return bool(is_op_determinism_enabled())


@dataclasses.dataclass(frozen=True)
class Plan:
    """How training runs on this machine: the result of ``accelerator()``.

    Attributes:
        backend: the Keras backend.
        gpus: the GPUs found (empty on a CPU).
        policy: the dtype policy, ``"float32"``, ``"mixed_float16"`` or ``"mixed_bfloat16"``.
        strategy: ``"default"``, ``"mirrored"`` or ``"data_parallel"``.
        jit_compile: what ``compile_model`` passes to ``model.compile``.
        deterministic: whether op determinism was on when the plan was made.
        replica_devices: devices for the distribution strategy (None: all GPUs).
    """

    backend: str
    gpus: tuple[Device, ...]
    policy: str
    strategy: str
    jit_compile: bool
    deterministic: bool
    replica_devices: tuple[str, ...] | None = None

    @property
    def mixed_precision(self) -> bool:
        return self.policy != "float32"

    def summary(self) -> str:
        """One line for the notebook."""
        device = f"{len(self.gpus)} x {self.gpus[0].name}" if self.gpus else "CPU"
        return (
            f"{device} | backend {self.backend} | dtype policy {self.policy} | "
            f"XLA {'on' if self.jit_compile else 'off'} | strategy {self.strategy}"
            + (" | deterministic" if self.deterministic else "")
        )

    def scope(self) -> contextlib.AbstractContextManager:
        """Build and compile the model inside this: a ``MirroredStrategy`` scope for several
        GPUs on TensorFlow, a no-op otherwise (JAX's distribution is global, set by
        ``configure``)."""
        if self.strategy == "mirrored":
            return _mirrored_strategy(self.replica_devices).scope()
        return contextlib.nullcontext()


_STRATEGY_CACHE: dict[tuple[str, ...] | None, Any] = {}


def _mirrored_strategy(devices: tuple[str, ...] | None):
    # One strategy per device set: variables made in one strategy's scope belong to it.
    if devices not in _STRATEGY_CACHE:
        import tensorflow as tf

        _STRATEGY_CACHE[devices] = tf.distribute.MirroredStrategy(
            devices=list(devices) if devices else None
        )
    return _STRATEGY_CACHE[devices]


def accelerator(
    *,
    gpus: Sequence[Device] | None = None,
    backend: str | None = None,
    deterministic: bool | None = None,
) -> Plan:
    """Decide how to train here, without changing anything (see ``configure``).

    Args:
        gpus: the GPUs to plan for; None finds them with ``list_gpus``. Pass a list of
            ``Device``s to see what the course would do on another machine.
        backend: the Keras backend; None is the current one.
        deterministic: whether op determinism is on; None asks TensorFlow.

    Example:
        >>> accelerator(gpus=[Device("A100", (8, 0))] * 2, backend="tensorflow",
        ...             deterministic=False).summary()
        '2 x A100 | backend tensorflow | dtype policy mixed_bfloat16 | XLA on | strategy mirrored'
    """
    backend = _check_backend(backend or keras.backend.backend())
    if gpus is None:
        gpus = list_gpus(backend)
    if deterministic is None:
        deterministic = op_determinism_enabled() if backend == "tensorflow" else False
    gpus = tuple(gpus)
    return Plan(
        backend=backend,
        gpus=gpus,
        policy=choose_policy(list(gpus)),
        strategy=choose_strategy(len(gpus), backend),
        jit_compile=wants_xla(backend, gpu=bool(gpus), deterministic=deterministic),
        deterministic=deterministic,
    )


def configure(plan: Plan | None = None, *, verbose: bool = True) -> Plan:
    """Apply a plan: set the global dtype policy and, on JAX with several GPUs, the data-parallel
    distribution. Call it once, after ``course_lib.setup()`` and before building models.

    Returns:
        The plan applied (``accelerator()`` when none is given).

    Example:
        >>> plan = configure()  # doctest: +SKIP
        CPU | backend tensorflow | dtype policy float32 | XLA off | strategy default | ...
    """
    if plan is None:
        plan = accelerator()
    if not isinstance(plan, Plan):
        raise TypeError(f"`plan` must be a Plan or None. Received: plan={plan!r}")
    keras.config.set_dtype_policy(plan.policy)
    if plan.strategy == "data_parallel":
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    if verbose:
        print(plan.summary())
    return plan


def compile_model(
    model: keras.Model,
    *,
    optimizer: str | keras.optimizers.Optimizer = "adam",
    loss: str = "sparse_categorical_crossentropy",
    metrics: Sequence[str] = ("accuracy",),
    plan: Plan | None = None,
) -> keras.Model:
    """``model.compile`` with the plan's ``jit_compile``; returns the model.

    Example:
        >>> model = compile_model(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]))
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model={model!r}")
    plan = plan or accelerator()
    model.compile(
        optimizer=optimizer, loss=loss, metrics=list(metrics), jit_compile=plan.jit_compile
    )
    return model


def _check_arrays(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray | None]:
    x = np.asarray(x)
    if x.ndim < 1 or len(x) == 0:
        raise ValueError(f"`x` must be a non-empty array. Received: x with shape {x.shape}")
    if y is not None:
        y = np.asarray(y)
        if len(y) != len(x):
            raise ValueError(
                "`x` and `y` must have the same number of examples. "
                f"Received: len(x)={len(x)}, len(y)={len(y)}"
            )
    return x, y


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    return batch_size


class ArrayBatches(keras.utils.PyDataset):
    """Shuffled batches of NumPy arrays for any backend, prefetched by a worker thread.

    The order is reshuffled after every epoch with a NumPy generator seeded by ``seed``, so a
    seeded run repeats exactly.

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
        super().__init__(workers=workers, max_queue_size=max_queue_size)
        self.x, self.y = _check_arrays(x, y)
        self.batch_size = _check_batch_size(batch_size)
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
        >>> [tuple(b.shape) for b, _ in ds][-1]  # doctest: +SKIP
        (4, 28, 28, 1)
    """
    x, y = _check_arrays(x, y)
    batch_size = _check_batch_size(batch_size)
    if not isinstance(shuffle, bool):
        raise ValueError(f"`shuffle` must be True or False. Received: shuffle={shuffle!r}")
    backend = _check_backend(backend or keras.backend.backend())
    if backend != "tensorflow":
        return ArrayBatches(
            x, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder
        )
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def fit(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    validation_data: tuple[Any, Any] | None = None,
    epochs: int,
    batch_size: int = 128,
    backup_dir: str | os.PathLike | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    seed: int | None = 0,
    verbose: int | str = 0,
) -> keras.callbacks.History:
    """Train a compiled model through ``make_dataset``, resumable with ``BackupAndRestore``.

    Args:
        model: a compiled ``keras.Model`` (see ``compile_model``).
        x, y: training arrays.
        validation_data: ``(x_val, y_val)`` or None.
        epochs: total number of epochs; a resumed run trains only the ones still missing.
        batch_size: the global batch size.
        backup_dir: a folder for ``keras.callbacks.BackupAndRestore``: if a run is interrupted,
            running the same call again resumes at the last finished epoch. The folder is
            deleted when training ends normally. None: no backup.
        callbacks: further Keras callbacks.
        seed: seed of the shuffling.
        verbose: passed to ``model.fit``.

    Returns:
        The ``History`` of this call (a resumed run holds only the epochs it trained).

    Example:
        >>> history = fit(model, x, y, epochs=10, backup_dir="runs/lenet")  # doctest: +SKIP
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model. Received: model={model!r}")
    if not getattr(model, "compiled", False):
        raise ValueError("`model` must be compiled before fit (see compile_model).")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"`epochs` must be a positive integer. Received: epochs={epochs!r}")
    if validation_data is not None and (
        not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2
    ):
        raise ValueError(
            "`validation_data` must be a pair (x_val, y_val) or None. "
            f"Received: validation_data of type {type(validation_data).__name__}"
        )
    train = make_dataset(x, y, batch_size=batch_size, shuffle=True, seed=seed)
    val = None
    if validation_data is not None:
        val = make_dataset(*validation_data, batch_size=batch_size, shuffle=False)
    all_callbacks = list(callbacks)
    if backup_dir is not None:
        if not model.built:
            model.build((None, *np.shape(x)[1:]))
        # First in the list, so the weights and the epoch are restored before anything else.
        all_callbacks.insert(0, keras.callbacks.BackupAndRestore(os.fspath(backup_dir)))
    return model.fit(
        train,
        validation_data=val,
        epochs=epochs,
        callbacks=all_callbacks,
        verbose=verbose,
        shuffle=False,  # the pipeline shuffles already, every epoch
    )
