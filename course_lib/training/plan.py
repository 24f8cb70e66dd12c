"""The training plan: dtype policy, XLA and distribution strategy, decided from the devices."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from typing import Any

import keras

from course_lib import argument_validation as check
from course_lib.training.devices import BACKENDS, Device, backend_name

__all__ = [
    "MIXED_BFLOAT16_MIN_CAPABILITY",
    "MIXED_FLOAT16_MIN_CAPABILITY",
    "POLICIES",
    "STRATEGIES",
    "Plan",
    "accelerator",
    "choose_policy",
    "choose_strategy",
    "configure",
    "wants_xla",
]

#: Tensor cores (fast 16-bit matrix units) arrived with compute capability 7.0 (Volta).
MIXED_FLOAT16_MIN_CAPABILITY = (7, 0)
#: bfloat16 tensor cores arrived with compute capability 8.0 (Ampere).
MIXED_BFLOAT16_MIN_CAPABILITY = (8, 0)

POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")
STRATEGIES = ("default", "mirrored", "data_parallel")


def _devices(gpus: Any, name: str = "gpus") -> tuple[Device, ...]:
    """A list or tuple of ``Device``s, as a tuple."""
    check.instance(gpus, name, (list, tuple), "a list of `Device`s")
    for i, gpu in enumerate(gpus):
        check.instance(gpu, f"{name}[{i}]", Device, "a `Device` (course_lib.training.Device)")
    return tuple(gpus)


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
    capabilities = [g.compute_capability for g in _devices(gpus)]
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
    n_gpus = check.non_negative_int(n_gpus, "n_gpus")
    backend = check.one_of(backend, "backend", BACKENDS)
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
    backend = check.one_of(backend, "backend", BACKENDS)
    gpu = check.boolean(gpu, "gpu")
    deterministic = check.boolean(deterministic, "deterministic")
    if backend == "jax":
        return True
    if backend == "tensorflow":
        return gpu and not deterministic
    return False


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

    Example:
        >>> plan = Plan("tensorflow", (), "float32", "default", jit_compile=False,
        ...             deterministic=True)
        >>> plan.summary().split(" | ")[-2:]
        ['strategy default', 'deterministic']
    """

    backend: str
    gpus: tuple[Device, ...]
    policy: str
    strategy: str
    jit_compile: bool
    deterministic: bool
    replica_devices: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check.one_of(self.backend, "backend", BACKENDS)
        object.__setattr__(self, "gpus", _devices(self.gpus))
        check.one_of(self.policy, "policy", POLICIES)
        check.one_of(self.strategy, "strategy", STRATEGIES)
        object.__setattr__(self, "jit_compile", check.boolean(self.jit_compile, "jit_compile"))
        object.__setattr__(
            self, "deterministic", check.boolean(self.deterministic, "deterministic")
        )
        if self.replica_devices is not None:
            devices = check.string_list(self.replica_devices, "replica_devices")
            object.__setattr__(self, "replica_devices", tuple(devices))

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
    # Read through the package, so that a patched ``course_lib.training.list_gpus`` (a fake
    # machine) is what the plan sees, as ``course_lib.setup()`` does.
    from course_lib import training

    gpus = check.optional(_devices, gpus, "gpus")
    backend = backend_name(backend)
    deterministic = check.optional(check.boolean, deterministic, "deterministic")
    if gpus is None:
        gpus = tuple(training.list_gpus(backend))
    if deterministic is None:
        deterministic = training.op_determinism_enabled() if backend == "tensorflow" else False
    return Plan(
        backend=backend,
        gpus=gpus,
        policy=choose_policy(gpus),
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
        >>> plan = configure(accelerator(gpus=[]), verbose=False)  # what a CPU gets
        >>> plan.policy, keras.config.dtype_policy().name
        ('float32', 'float32')
    """
    plan = check.optional(check.instance, plan, "plan", types=Plan, what="a `Plan` or None")
    verbose = check.boolean(verbose, "verbose")
    if plan is None:
        plan = accelerator()
    keras.config.set_dtype_policy(plan.policy)
    if plan.strategy == "data_parallel":
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    if verbose:
        print(plan.summary())
    return plan
