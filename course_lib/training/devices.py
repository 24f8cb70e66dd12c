"""GPU discovery: the one place course_lib asks the Keras backend which accelerators it sees.

``list_gpus`` is read by both ``course_lib.setup()`` (the device in its one-line summary) and
``accelerator()`` (the training plan), always through the package attribute
``course_lib.training.list_gpus``: patching that one name (a fake machine in a test) changes
what both see.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import keras

from course_lib import argument_validation as check

__all__ = ["BACKENDS", "Device", "list_gpus", "op_determinism_enabled"]

#: The Keras 3 backends.
BACKENDS = ("tensorflow", "jax", "torch", "numpy", "openvino")


def backend_name(backend: Any, name: str = "backend") -> str:
    """``backend`` checked, or the current Keras backend for None."""
    if backend is None:
        return keras.backend.backend()
    return check.one_of(backend, name, BACKENDS)


@dataclasses.dataclass(frozen=True)
class Device:
    """An accelerator as the course sees it: a name and, for NVIDIA GPUs, the compute
    capability (major, minor), e.g. ``(8, 0)`` for an A100 and ``(9, 0)`` for an H100.

    Build one to see what the course would do on another machine (see ``accelerator``).

    Example:
        >>> Device("H100", (np.int64(9), 0))
        Device(name='H100', compute_capability=(9, 0))
    """

    name: str
    compute_capability: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        check.string(self.name, "name")
        if self.compute_capability is not None:
            object.__setattr__(
                self, "compute_capability", _capability_pair(self.compute_capability)
            )


# Used here only; built on argument_validation (a GPU compute capability, major >= 1).
def _capability_pair(value: Any, name: str = "compute_capability") -> tuple[int, int]:
    """(major, minor), both integers >= 0 (NumPy integers too), major >= 1."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(
            f"`{name}` must be a pair (major, minor) of integers, e.g. (8, 0), or None. "
            f"Received: {name}={value!r}"
        )
    major = check.integer(value[0], name, minimum=1)
    minor = check.non_negative_int(value[1], name)
    return major, minor


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

    Args:
        backend: the backend to ask; None is the current one. Backends without GPU support
            here (``"numpy"``, ``"openvino"``) have none.

    Example:
        >>> gpus = list_gpus()  # e.g. [Device(name='NVIDIA H100 80GB HBM3', ...)], [] on a CPU
        >>> all(isinstance(g, Device) for g in gpus)
        True
        >>> list_gpus("numpy")
        []
    """
    backend = backend_name(backend)
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


def op_determinism_enabled() -> bool:
    """Whether TensorFlow's op determinism is on (``course_lib.setup()`` turns it on on CPU).

    Always False on the other backends.

    Example:
        >>> isinstance(op_determinism_enabled(), bool)
        True
    """
    if keras.backend.backend() != "tensorflow":
        return False
    from tensorflow.python.framework.config import is_op_determinism_enabled

    return bool(is_op_determinism_enabled())
