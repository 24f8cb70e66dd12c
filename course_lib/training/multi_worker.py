"""Training on several machines: each backend's own multi-worker engine, configured from env vars.

* **TensorFlow**: ``tf.distribute.MultiWorkerMirroredStrategy``, which reads the cluster from the
  ``TF_CONFIG`` environment variable (``{"cluster": {"worker": ["host1:port", ...]},
  "task": {"type": "worker", "index": i}}``). Build and compile the model in ``plan.scope()``.
* **JAX**: ``keras.distribution.initialize`` (which calls ``jax.distributed.initialize``) from
  Keras's own variables ``KERAS_DISTRIBUTION_JOB_ADDRESSES`` (the coordinator, worker 0, as
  ``host:port``), ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID``,
  then a ``keras.distribution.DataParallel`` over the devices of all processes. Each process
  feeds its own share of every global batch. On CPUs the cross-process collectives are gloo.
* **PyTorch**: not supported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check

__all__ = [
    "MultiWorkerPlan",
    "WorkerRole",
    "configure_multi_worker",
    "jax_role",
    "shard_for_fit",
    "tf_config_role",
]

MULTI_WORKER_BACKENDS = ("tensorflow", "jax")
JAX_VARIABLES = (
    "KERAS_DISTRIBUTION_JOB_ADDRESSES",
    "KERAS_DISTRIBUTION_NUM_PROCESSES",
    "KERAS_DISTRIBUTION_PROCESS_ID",
)


@dataclasses.dataclass(frozen=True)
class WorkerRole:
    """Which worker this process is: ``index`` of ``num_workers``, and the addresses.

    Example:
        >>> WorkerRole(("a:1", "b:2"), 1).is_chief
        False
    """

    addresses: tuple[str, ...]
    index: int

    def __post_init__(self) -> None:
        addresses = check.string_list(self.addresses, "addresses", allow_empty=False)
        object.__setattr__(self, "addresses", tuple(addresses))
        index = check.non_negative_int(self.index, "index")
        if index >= len(addresses):
            raise ValueError(
                f"`index` must be below the number of workers ({len(addresses)}). "
                f"Received: index={index!r}"
            )
        object.__setattr__(self, "index", index)

    @property
    def num_workers(self) -> int:
        return len(self.addresses)

    @property
    def is_chief(self) -> bool:
        return self.index == 0


def tf_config_role(tf_config: str) -> WorkerRole:
    """Parse and check a ``TF_CONFIG`` string (only ``worker`` tasks are supported).

    Example:
        >>> tf_config_role('{"cluster": {"worker": ["h1:2222", "h2:2222"]},'
        ...                ' "task": {"type": "worker", "index": 1}}').index
        1
    """
    tf_config = check.string(tf_config, "tf_config")
    try:
        config = json.loads(tf_config)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"`tf_config` must be JSON ({error}). Received: tf_config={tf_config!r}"
        ) from None
    if not isinstance(config, dict) or "cluster" not in config or "task" not in config:
        raise ValueError(
            '`tf_config` must be a JSON object with "cluster" and "task". '
            f"Received: tf_config={tf_config!r}"
        )
    cluster, task = config["cluster"], config["task"]
    if not isinstance(cluster, dict) or not isinstance(cluster.get("worker"), list):
        raise ValueError(
            '`tf_config` "cluster" must hold a "worker" list of "host:port". '
            f"Received: tf_config={tf_config!r}"
        )
    if set(cluster) - {"worker"}:
        raise ValueError(
            f'`tf_config` "cluster" may hold only "worker" (no chief, ps or evaluator). '
            f"Received: tf_config={tf_config!r}"
        )
    if not isinstance(task, dict) or task.get("type") != "worker" or "index" not in task:
        raise ValueError(
            '`tf_config` "task" must be {"type": "worker", "index": i}. '
            f"Received: tf_config={tf_config!r}"
        )
    return WorkerRole(tuple(cluster["worker"]), task["index"])


def jax_role(environ: Mapping[str, str] | None = None) -> WorkerRole:
    """The JAX worker role from Keras's ``KERAS_DISTRIBUTION_*`` variables (see module doc).

    Example:
        >>> jax_role({"KERAS_DISTRIBUTION_JOB_ADDRESSES": "h1:1234",
        ...           "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
        ...           "KERAS_DISTRIBUTION_PROCESS_ID": "1"}).num_workers
        2
    """
    environ = (
        os.environ
        if environ is None
        else check.instance(environ, "environ", Mapping, "a mapping of environment variables")
    )
    missing = [name for name in JAX_VARIABLES if not environ.get(name)]
    if missing:
        raise ValueError(f"`environ` must set {', '.join(missing)} for multi-worker JAX training.")
    addresses = environ[JAX_VARIABLES[0]].split(",")
    try:
        count, index = int(environ[JAX_VARIABLES[1]]), int(environ[JAX_VARIABLES[2]])
    except ValueError:
        raise ValueError(
            f"`environ` {JAX_VARIABLES[1]} and {JAX_VARIABLES[2]} must be integers. Received: "
            f"{environ[JAX_VARIABLES[1]]!r}, {environ[JAX_VARIABLES[2]]!r}"
        ) from None
    check.positive_int(count, JAX_VARIABLES[1])
    if len(addresses) == 1:  # the coordinator only; the others are not needed
        addresses = addresses + [f"process-{i}" for i in range(1, count)]
    if len(addresses) != count:
        raise ValueError(
            f"`environ` {JAX_VARIABLES[0]} must name one coordinator or all {count} processes. "
            f"Received: {environ[JAX_VARIABLES[0]]!r}"
        )
    return WorkerRole(tuple(addresses), index)


def _strategy() -> Any:
    """``tf.distribute.MultiWorkerMirroredStrategy``, with two repairs of its ``reduce``.

    Keras 3's ``fit`` does not work with the multi-worker strategy as it is
    (keras-team/keras#20585, open since Keras 3.0; tensorflow/tensorflow#72388):

    1. before the first step it reduces one batch ``(x, y)`` across the replicas to learn its
       shapes; ``Strategy.reduce`` is documented to take a nested structure, but the
       multi-worker strategy takes one tensor only ("Attempt to convert a value
       (PerReplica...) to a Tensor");
    2. after each step it averages the logs with ``reduce("MEAN", v, axis=0)``, and a log is
       a scalar, which has no axis 0 ("Invalid reduction dimension 0 for input with 0
       dimensions").

    The subclass reduces a structure one value at a time, and a scalar across the replicas
    only (``axis=None``: the mean of the workers' values). Nothing else changes.
    """
    import tensorflow as tf

    class KerasReadyStrategy(tf.distribute.MultiWorkerMirroredStrategy):
        def reduce(self, reduce_op, value, axis):
            parent = super().reduce

            def one(v):
                local = self.experimental_local_results(v)[0]
                scalar = getattr(local, "shape", None) is not None and local.shape.rank == 0
                return parent(reduce_op, v, None if scalar else axis)

            return tf.nest.map_structure(one, value)

    return KerasReadyStrategy()


@dataclasses.dataclass(frozen=True)
class MultiWorkerPlan:
    """What ``configure_multi_worker`` set up; ``scope()`` as ``Plan.scope()``."""

    backend: str
    role: WorkerRole
    strategy: Any = None

    def summary(self) -> str:
        engine = (
            "MultiWorkerMirroredStrategy"
            if self.backend == "tensorflow"
            else "jax.distributed + DataParallel"
        )
        return (
            f"worker {self.role.index} of {self.role.num_workers}"
            f"{' (chief)' if self.role.is_chief else ''} | backend {self.backend} | {engine}"
        )

    def scope(self) -> contextlib.AbstractContextManager:
        if self.strategy is not None:
            return self.strategy.scope()
        return contextlib.nullcontext()


def configure_multi_worker(*, verbose: bool = True) -> MultiWorkerPlan:
    """Join the cluster named by the environment; call once, before building models."""
    verbose = check.boolean(verbose, "verbose")
    backend = keras.backend.backend()
    if backend == "tensorflow":
        if "TF_CONFIG" not in os.environ:
            raise ValueError("Multi-worker TensorFlow training needs the TF_CONFIG variable.")
        role = tf_config_role(os.environ["TF_CONFIG"])
        plan = MultiWorkerPlan(backend, role, _strategy())
    elif backend == "jax":
        role = jax_role()
        import jax

        # Cross-process collectives of the CPU devices (GPUs use NCCL whatever this says).
        # No jax.devices() call before initialize: that would start JAX single-process.
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        keras.distribution.initialize()
        keras.distribution.set_distribution(
            # Each process feeds its own share of every global batch (numpy arrays, no
            # tf.data needed), so Keras must not shard the data once more.
            keras.distribution.DataParallel(
                devices=keras.distribution.list_devices(), auto_shard_dataset=False
            )
        )
        plan = MultiWorkerPlan(backend, role)
    else:
        raise ValueError(
            f"Multi-worker training supports the backends {MULTI_WORKER_BACKENDS}. "
            f"Received: backend={backend!r}"
        )
    if verbose:
        print(plan.summary())
    return plan


def shard_for_fit(
    x: Any, y: Any, global_batch: int, plan: MultiWorkerPlan | None
) -> dict[str, Any]:
    """The arguments of ``model.fit`` that give every worker its share of each global batch.

    Every global batch of ``global_batch`` examples is split evenly over the workers, in worker
    order, so that the workers together take the same steps as one process would on the same
    batches (the order is fixed: shuffle the arrays beforehand, with a seed, the same on every
    worker). ``plan=None`` (one process): the arrays and the batch size as they are.

    * TensorFlow: a ``tf.data.Dataset`` batched by ``global_batch``; the strategy splits each
      batch over the workers.
    * JAX: this worker's rows as NumPy arrays, ``batch_size = global_batch / workers``;
      ``keras.distribution`` puts the workers' rows together into one global batch.

    Example:
        >>> x, y = np.zeros((8, 2)), np.zeros(8)
        >>> shard_for_fit(x, y, 4, None)["batch_size"]
        4
    """
    x, y = np.asarray(x), np.asarray(y)
    global_batch = check.positive_int(global_batch, "global_batch")
    if plan is not None and not isinstance(plan, MultiWorkerPlan):
        raise TypeError(
            f"`plan` must be the MultiWorkerPlan of configure_multi_worker() or None. "
            f"Received: plan={plan!r}"
        )
    if len(x) != len(y) or len(x) % global_batch:
        raise ValueError(
            f"`x` and `y` must hold the same number of examples, a multiple of `global_batch` "
            f"({global_batch}), so that every step has a whole global batch. "
            f"Received: {len(x)} and {len(y)}"
        )
    if plan is None:
        return {"x": x, "y": y, "batch_size": global_batch, "shuffle": False}
    workers = plan.role.num_workers
    if global_batch % workers:
        raise ValueError(
            f"`global_batch` must be a multiple of the number of workers ({workers}). "
            f"Received: global_batch={global_batch}"
        )
    if plan.backend == "tensorflow":
        import tensorflow as tf

        return {"x": tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch)}
    share = global_batch // workers
    rows = np.arange(len(x)).reshape(-1, workers, share)[:, plan.role.index].ravel()
    return {"x": x[rows], "y": y[rows], "batch_size": share, "shuffle": False}
