"""``python3 course.py doctor``: what the course needs, checked one part at a time, each problem
with its fix.

``course.py`` checks Python and the virtual environment itself (they must work before this
module can be imported), then runs ``python -m course_lib.doctor`` in the environment for the
rest: the Keras backends, the GPU, the datasets, JupyterLab and the grading sandbox. Every
check is a function whose inputs are parameters (the probe of a backend, the file the NVIDIA
driver writes, the environment variables), so that a test can hand it a broken machine.

Example:
    >>> check = Check("Python", "ok", "3.11.7")
    >>> check.line()
    'ok    Python: 3.11.7'
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check

__all__ = [
    "BACKENDS",
    "Check",
    "check_backends",
    "check_datasets",
    "check_gpu",
    "check_grading_sandbox",
    "check_jupyter",
    "probe_backend",
    "run_checks",
]

#: The backends the course supports, in the order the doctor reports them.
BACKENDS = ("tensorflow", "jax", "torch")
NVIDIA_VERSION_FILE = Path("/proc/driver/nvidia/version")
STATUSES = ("ok", "warn", "FAIL")

# One script per backend, run in its own process: importing TensorFlow, JAX and PyTorch into one
# process is slow and can clash. It prints one JSON line.
_PROBE = r"""
import json, sys
name = sys.argv[1]
out = {"installed": True}
try:
    if name == "tensorflow":
        import tensorflow as tf
        out["version"] = tf.__version__
        out["cuda_build"] = bool(tf.test.is_built_with_cuda())
        out["gpus"] = len(tf.config.list_physical_devices("GPU"))
    elif name == "jax":
        import jax
        out["version"] = jax.__version__
        import importlib.metadata as md
        names = {(d.metadata["Name"] or "").lower().replace("_", "-") for d in md.distributions()}
        out["cuda_build"] = any(n.startswith("jax-cuda") for n in names)  # the CUDA plug-in
        out["gpus"] = sum(d.platform == "gpu" for d in jax.devices())
    elif name == "torch":
        import torch
        out["version"] = torch.__version__
        out["cuda_build"] = torch.version.cuda is not None
        out["gpus"] = torch.cuda.device_count() if torch.cuda.is_available() else 0
except ModuleNotFoundError as error:
    out = {"installed": False, "error": str(error)}
except Exception as error:  # a backend that is installed but broken: say how
    out = {"installed": True, "error": f"{type(error).__name__}: {error}"}
print(json.dumps(out))
"""


@dataclasses.dataclass(frozen=True)
class Check:
    """One finding: ``status`` is ``"ok"``, ``"warn"`` or ``"FAIL"``; ``fix`` says what to do."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def __post_init__(self) -> None:
        check.string(self.name, "name")
        check.one_of(self.status, "status", STATUSES)
        check.string(self.detail, "detail")
        check.string(self.fix, "fix", allow_empty=True)

    def line(self) -> str:
        """The check as the doctor prints it (a second, indented line for the fix)."""
        text = f"{self.status:<5} {self.name}: {self.detail}"
        return text + (f"\n      fix: {self.fix}" if self.fix else "")


def probe_backend(name: str, *, timeout: float = 120.0) -> dict[str, Any]:
    """Import one backend in a fresh process and report its version and the GPUs it sees."""
    name = check.one_of(name, "name", BACKENDS)
    timeout = check.positive_number(timeout, "timeout")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, name],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"installed": True, "error": f"importing it took more than {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"installed": True, "error": f"the probe crashed: {tail}"}
    return json.loads(lines[-1])


def check_backends(
    probes: Mapping[str, Mapping[str, Any]], environ: Mapping[str, str] | None = None
) -> list[Check]:
    """One check per backend, and one for the backend that ``KERAS_BACKEND`` selects."""
    environ = os.environ if environ is None else environ
    selected = environ.get("KERAS_BACKEND", "tensorflow")
    checks = []
    for name in BACKENDS:
        probe = probes.get(name, {"installed": False})
        if not probe.get("installed"):
            checks.append(
                Check(
                    f"backend {name}",
                    "ok" if name != selected else "FAIL",
                    "not installed",
                    ""
                    if name != selected
                    else f"python3 course.py install (or pip install '.[{name}]')",
                )
            )
        elif "error" in probe:
            checks.append(
                Check(
                    f"backend {name}",
                    "FAIL",
                    f"installed but does not import ({probe['error']})",
                    f"reinstall it: pip install --force-"
                    f"reinstall '.[{name}]' inside the course's venv",
                )
            )
        else:
            checks.append(Check(f"backend {name}", "ok", f"{probe['version']}"))
    if selected not in BACKENDS:
        checks.append(
            Check(
                "KERAS_BACKEND",
                "FAIL",
                f"{selected!r} is not a backend the course supports",
                f"export KERAS_BACKEND=one of {BACKENDS}",
            )
        )
    else:
        ok = checks[BACKENDS.index(selected)].status == "ok"
        checks.append(
            Check(
                "KERAS_BACKEND",
                "ok" if ok else "FAIL",
                f"{selected} is selected" + ("" if ok else ", and it does not work (above)"),
                "" if ok else "install it, or select another: export KERAS_BACKEND=tensorflow",
            )
        )
    return checks


def nvidia_smi(timeout: float = 20.0) -> str | None:
    """The driver version that ``nvidia-smi`` reports, or None without a working one (WSL2 and
    some containers have ``nvidia-smi`` but no /proc/driver/nvidia/version)."""
    timeout = check.positive_number(timeout, "timeout")
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        done = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.split()
    return lines[0] if done.returncode == 0 and lines else None


def check_gpu(
    probe: Mapping[str, Any],
    backend: str,
    *,
    version_file: Path = NVIDIA_VERSION_FILE,
    environ: Mapping[str, str] | None = None,
    smi: Callable[[], str | None] = nvidia_smi,
) -> Check:
    """Is there an NVIDIA GPU, and if so, why does ``backend`` use it or not? The driver is
    read from ``version_file``, else asked of ``nvidia-smi`` (``smi``)."""
    environ = os.environ if environ is None else environ
    if Path(version_file).is_file():
        first = (Path(version_file).read_text(errors="replace").splitlines() or [""])[0]
        driver = next((w for w in first.split() if w[:1].isdigit() and "." in w), "unknown")
    else:
        driver = smi()
        if driver is None:
            return Check(
                "GPU",
                "ok",
                "none found (no NVIDIA driver loaded, no working nvidia-smi): the course runs "
                "on the CPU; full mode takes longer there",
            )
    found = f"NVIDIA driver {driver}"
    if probe.get("gpus", 0) > 0:
        return Check("GPU", "ok", f"{found}; {backend} uses {probe['gpus']} GPU(s)")
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip() in ("", "-1"):
        why, fix = (
            f"CUDA_VISIBLE_DEVICES={visible!r} hides every GPU",
            "unset CUDA_VISIBLE_DEVICES",
        )
    elif not probe.get("installed") or "error" in probe:
        why, fix = f"{backend} does not work (above)", "fix the backend first"
    elif not probe.get("cuda_build"):
        why = f"this {backend} {probe.get('version', '')} is a CPU-only build"
        fix = (
            "python3 course.py install --gpu"
            if backend == "tensorflow"
            else f"install {backend}'s CUDA build (see its install page)"
        )
    else:
        why = (
            f"{backend} is built with CUDA but finds no usable GPU: the CUDA/cuDNN "
            f"libraries are missing or the driver {driver} is too old for them"
        )
        fix = "update the NVIDIA driver, or python3 course.py install --gpu for the libraries"
    return Check("GPU", "warn", f"{found}, but not used: {why}", fix)


def check_datasets(locate: Callable[[str], Any] | None = None) -> list[Check]:
    """Fashion-MNIST must be on disk (the course reads it offline); the others are optional."""
    if locate is None:
        from course_lib.datasets.places import locate
    checks = []
    for name, needed in (
        ("fashion_mnist", True),
        ("digits", True),
        ("mnist", False),
        ("cifar10", False),
    ):
        found = locate(name)
        if found is not None:
            checks.append(Check(f"dataset {name}", "ok", f"{found[0]}: {found[1]}"))
        elif needed:
            fix = (
                "sudo apt-get install dataset-fashion-mnist"
                if name == "fashion_mnist"
                else "pip install --force-reinstall scikit-learn"
            )
            checks.append(Check(f"dataset {name}", "FAIL", "not found on disk", fix))
        else:
            checks.append(
                Check(
                    f"dataset {name}",
                    "warn",
                    "not on disk: a notebook that needs it downloads it once (needs the internet)",
                )
            )
    return checks


def check_jupyter(
    find_spec: Callable[[str], Any] = importlib.util.find_spec,
    kernel_dirs: Callable[[], Mapping[str, str]] | None = None,
    prefix: str = sys.prefix,
) -> list[Check]:
    """JupyterLab importable here, and a Python kernel that runs this environment."""
    checks = []
    if find_spec("jupyterlab") is None:
        return [
            Check(
                "JupyterLab",
                "FAIL",
                "not installed in this environment",
                "python3 course.py lab (installs it)",
            )
        ]
    checks.append(Check("JupyterLab", "ok", "installed"))
    if kernel_dirs is None:
        from jupyter_client.kernelspec import KernelSpecManager

        kernel_dirs = KernelSpecManager().find_kernel_specs
    python3 = kernel_dirs().get("python3")
    if python3 is None:
        checks.append(
            Check(
                "kernel",
                "FAIL",
                "no Python kernel found",
                f"{sys.executable} -m ipykernel install --sys-prefix",
            )
        )
    elif not Path(python3).resolve().is_relative_to(Path(prefix).resolve()):
        checks.append(
            Check(
                "kernel",
                "warn",
                f"the python3 kernel at {python3} is not this "
                "environment's: notebooks may run in another Python",
                f"{sys.executable} -m ipykernel install --sys-prefix",
            )
        )
    else:
        checks.append(Check("kernel", "ok", f"python3 runs {sys.executable}"))
    return checks


def check_grading_sandbox(which: Callable[[str], str | None] = shutil.which) -> list[Check]:
    """Bubblewrap, the homework grader's sandbox: only an instructor needs it, so a warning."""
    found = which("bwrap")
    if found:
        return [Check("grading sandbox", "ok", f"bubblewrap at {found}")]
    return [
        Check(
            "grading sandbox",
            "warn",
            "bubblewrap (bwrap) not found: homework would be graded without the sandbox "
            "(only instructors grade)",
            "sudo apt-get install bubblewrap",
        )
    ]


def run_checks(probe: Callable[[str], Mapping[str, Any]] = probe_backend) -> list[Check]:
    """Every check of this module on this machine."""
    probes = {name: probe(name) for name in BACKENDS}
    checks = check_backends(probes)
    selected = os.environ.get("KERAS_BACKEND", "tensorflow")
    if selected in BACKENDS:
        checks.append(check_gpu(probes[selected], selected))
    return checks + check_datasets() + check_jupyter() + check_grading_sandbox()


def main() -> int:
    checks = run_checks()
    for finding in checks:
        print(finding.line(), flush=True)
    return 1 if any(c.status == "FAIL" for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
