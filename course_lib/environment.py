"""``setup()``: the first call of every notebook.

It seeds every random number generator the course touches, makes CPU runs repeat exactly,
keeps TensorFlow's C++ start-up chatter out of the notebook, and prints one line that says
how the outputs below it were made (mode, backend, device, versions).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import platform
import sys
from collections.abc import Iterator

from course_lib import argument_validation as check
from course_lib import run_mode as _mode

__all__ = ["EnvironmentInfo", "import_keras_quietly", "setup"]

_MAX_SEED = 2**32 - 1


@dataclasses.dataclass(frozen=True)
class EnvironmentInfo:
    """What ``setup()`` found and did."""

    mode: str
    backend: str
    device: str
    gpu: bool
    seed: int
    deterministic: bool
    versions: dict[str, str]

    def summary(self) -> str:
        """The one line ``setup()`` prints."""
        backend_version = self.versions.get(self.backend, "?")
        det = "deterministic" if self.deterministic else "non-deterministic"
        return (
            f"course_lib {self.versions['course_lib']} | mode: {self.mode} | "
            f"backend: {self.backend} {backend_version} | device: {self.device} | "
            f"keras {self.versions['keras']} | numpy {self.versions['numpy']} | "
            f"python {self.versions['python']} | seed {self.seed} ({det})"
        )


@contextlib.contextmanager
def _stderr_fd_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow writes some log lines from C++ before its logging is configured, so no
    environment variable hides them; in Jupyter they would land in the cell's output.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no usable fd 2 (rare embedded interpreters): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            sys.stderr.flush()
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def import_keras_quietly():
    """Import Keras (and with it the backend) quietly, and return the ``keras`` module.

    Example:
        >>> import_keras_quietly() is keras
        True
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    with _stderr_fd_silenced():
        keras = importlib.import_module("keras")
        if keras.backend.backend() == "tensorflow":
            importlib.import_module("tensorflow")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return keras


def _find_device(backend: str) -> tuple[str, bool]:
    """A human-readable device name and whether it is a GPU.

    The GPUs come from ``course_lib.training.list_gpus`` (read through the package, so that a
    fake machine patched in there is what ``setup()`` and the training plan both see).
    """
    from course_lib import training

    gpus = training.list_gpus(backend)
    if not gpus:
        return f"CPU ({os.cpu_count()} cores)", False
    name = gpus[0].name
    return (f"{len(gpus)} x {name}" if len(gpus) > 1 else f"GPU {name}"), True


def _set_determinism(backend: str, enabled: bool) -> None:
    if backend == "tensorflow":
        from tensorflow.python.framework import config as tf_config

        if enabled:
            tf_config.enable_op_determinism()
        else:
            tf_config.disable_op_determinism()
    elif backend == "torch":
        import torch

        torch.use_deterministic_algorithms(enabled)
    # JAX on CPU is deterministic already; on GPU its determinism is an XLA flag that must be
    # set before JAX starts, so there is nothing to switch here.


def keras_float64() -> bool:
    """Whether Keras promises float64 results on this backend (on TensorFlow it does).

    On JAX and PyTorch Keras's type promotion turns a 64-bit result into a 32-bit one (to match
    JAX's default). On PyTorch ops such as ``keras.ops.matmul`` then compute in float32, so a
    float64 ``Dense`` layer agrees with a float64 NumPy reference to about 1e-7, not 1e-15. On
    JAX in 64-bit mode many ops still compute in float64, some do not (``sin``, batch
    normalization: 5e-7 measured). Where this is False, compare at float32's precision.

    Example:
        >>> import keras
        >>> keras_float64() == (keras.backend.backend() == "tensorflow")
        True
    """
    keras = import_keras_quietly()
    return keras.backend.result_type("float64", "float64") == "float64"


def _enable_float64(backend: str) -> None:
    """JAX rounds float64 arrays to float32 unless its 64-bit mode is on; TensorFlow and
    PyTorch keep them. The course's NumPy references and gradient checks are float64, so on
    JAX the mode is turned on (Keras's layers still compute in ``keras.config.floatx()``)."""
    if backend == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)


def _versions(keras, backend: str) -> dict[str, str]:
    import numpy as np

    from course_lib import __version__

    versions = {
        "course_lib": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "keras": keras.__version__,
    }
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend)
    if module is not None:
        versions[backend] = importlib.import_module(module).__version__
    return versions


def setup(
    seed: int = 0, *, deterministic: bool | None = None, verbose: bool = True
) -> EnvironmentInfo:
    """Seed everything, make CPU runs repeatable, and print how this run is configured.

    Args:
        seed: seed for Python's ``random``, NumPy and the Keras backend
            (``keras.utils.set_random_seed``). An integer in [0, 2**32 - 1].
        deterministic: ask the backend for deterministic kernels. ``None`` (default) turns it
            on when no GPU is found, so CPU runs repeat exactly; on a GPU it stays off for
            speed (and so that Keras can use XLA, which it switches off under determinism).
        verbose: print the one-line summary.

    On JAX it also turns on JAX's 64-bit mode, so that float64 NumPy arrays keep their
    precision in ``course_lib.autodiff`` and the gradient checks, as they do on TensorFlow and
    PyTorch; Keras's layers and models still compute in float32.

    Returns:
        An ``EnvironmentInfo`` with the mode, backend, device and versions.

    Example:
        >>> import course_lib
        >>> info = course_lib.setup(seed=0, verbose=False)  # prints info.summary() by default
        >>> info.seed, info.deterministic == (not info.gpu)
        (0, True)
        >>> info.summary().startswith("course_lib ")
        True
    """
    seed = check.integer(seed, "seed", minimum=0, maximum=_MAX_SEED)
    deterministic = check.optional(check.boolean, deterministic, "deterministic")
    verbose = check.boolean(verbose, "verbose")
    run_mode = _mode.mode()  # validates COURSE_QUICK before anything heavy happens

    keras = import_keras_quietly()
    backend = keras.backend.backend()
    with _stderr_fd_silenced():  # a CPU-only machine logs a failed CUDA probe here
        device, gpu = _find_device(backend)
    if deterministic is None:
        deterministic = not gpu
    _enable_float64(backend)
    keras.utils.set_random_seed(seed)
    _set_determinism(backend, deterministic)

    info = EnvironmentInfo(
        mode=run_mode,
        backend=backend,
        device=device,
        gpu=gpu,
        seed=seed,
        deterministic=deterministic,
        versions=_versions(keras, backend),
    )
    from course_lib.receipts import note_environment  # a no-op outside a receipt run

    note_environment(
        backend=backend,
        device=device,
        versions=info.versions,
        seed=seed,
        deterministic=deterministic,
    )
    if verbose:
        print(info.summary())
    return info
