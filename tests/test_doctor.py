"""course.py doctor and course_lib.doctor: each check on this machine and on faked broken ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import doctor

ROOT = Path(__file__).resolve().parents[1]
WORKING = {"installed": True, "version": "9.9", "cuda_build": False, "gpus": 0}
DRIVER = (
    "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n"
)


def by_name(checks):
    return {c.name: c for c in checks}


def test_selected_backend_missing_fails_with_the_install_command():
    probes = {"tensorflow": {"installed": False}, "jax": WORKING, "torch": WORKING}
    checks = by_name(doctor.check_backends(probes, environ={}))
    assert checks["backend tensorflow"].status == "FAIL"
    assert "course.py install" in checks["backend tensorflow"].fix
    assert checks["KERAS_BACKEND"].status == "FAIL"
    # the same machine is fine for a student on JAX
    checks = by_name(doctor.check_backends(probes, environ={"KERAS_BACKEND": "jax"}))
    assert checks["backend tensorflow"].status == "ok"  # not needed, only not installed
    assert checks["KERAS_BACKEND"].status == "ok"


def test_broken_backend_and_unknown_keras_backend():
    probes = {"tensorflow": {"installed": True, "error": "ImportError: libfoo.so"}}
    checks = by_name(doctor.check_backends(probes, environ={"KERAS_BACKEND": "mxnet"}))
    assert checks["backend tensorflow"].status == "FAIL"
    assert "libfoo.so" in checks["backend tensorflow"].detail
    assert "force-reinstall" in checks["backend tensorflow"].fix
    assert checks["KERAS_BACKEND"].status == "FAIL"
    assert "mxnet" in checks["KERAS_BACKEND"].detail


def test_no_gpu_is_fine(tmp_path):
    check = doctor.check_gpu(
        WORKING, "tensorflow", version_file=tmp_path / "none", environ={}, smi=lambda: None
    )
    assert check.status == "ok" and "CPU" in check.detail


@pytest.fixture
def driver_file(tmp_path):
    path = tmp_path / "version"
    path.write_text(DRIVER)
    return path


def test_gpu_used(driver_file):
    check = doctor.check_gpu({**WORKING, "gpus": 2}, "torch", version_file=driver_file, environ={})
    assert check.status == "ok"
    assert "550.54.14" in check.detail and "2 GPU" in check.detail


def test_gpu_present_but_cpu_only_build_says_why(driver_file):
    check = doctor.check_gpu(WORKING, "tensorflow", version_file=driver_file, environ={})
    assert check.status == "warn"
    assert "CPU-only build" in check.detail
    assert check.fix == "python3 course.py install --gpu"


def test_gpu_hidden_by_cuda_visible_devices(driver_file):
    probe = {**WORKING, "cuda_build": True}
    check = doctor.check_gpu(
        probe, "jax", version_file=driver_file, environ={"CUDA_VISIBLE_DEVICES": ""}
    )
    assert check.status == "warn" and "CUDA_VISIBLE_DEVICES" in check.detail
    assert "unset CUDA_VISIBLE_DEVICES" in check.fix


def test_gpu_present_cuda_build_but_libraries_missing(driver_file):
    probe = {**WORKING, "cuda_build": True}
    check = doctor.check_gpu(probe, "tensorflow", version_file=driver_file, environ={})
    assert check.status == "warn"
    assert "libraries are missing" in check.detail and "550.54.14" in check.detail


def test_missing_fashion_mnist_fails_with_the_apt_command():
    checks = by_name(doctor.check_datasets(locate=lambda name: None))
    assert checks["dataset fashion_mnist"].status == "FAIL"
    assert checks["dataset fashion_mnist"].fix == "sudo apt-get install dataset-fashion-mnist"
    assert checks["dataset cifar10"].status == "warn"  # optional: downloaded when needed


def test_jupyter_missing_and_kernel_problems(tmp_path):
    checks = doctor.check_jupyter(find_spec=lambda name: None)
    assert [c.status for c in checks] == ["FAIL"] and "course.py lab" in checks[0].fix

    def present(name):
        return object()

    no_kernel = by_name(doctor.check_jupyter(present, kernel_dirs=dict, prefix=str(tmp_path)))
    assert no_kernel["kernel"].status == "FAIL" and "ipykernel install" in no_kernel["kernel"].fix
    elsewhere = {"python3": "/usr/share/jupyter/kernels/python3"}
    foreign = by_name(doctor.check_jupyter(present, lambda: elsewhere, prefix=str(tmp_path)))
    assert foreign["kernel"].status == "warn"
    mine = {"python3": str(tmp_path / "share/jupyter/kernels/python3")}
    own = by_name(doctor.check_jupyter(present, lambda: mine, prefix=str(tmp_path)))
    assert own["kernel"].status == "ok"


def test_a_driver_seen_only_by_nvidia_smi_counts(tmp_path):
    # WSL2 and some containers: no /proc/driver/nvidia/version, but nvidia-smi answers
    check = doctor.check_gpu(
        WORKING, "tensorflow", version_file=tmp_path / "none", environ={}, smi=lambda: "560.35"
    )
    assert check.status == "warn" and "NVIDIA driver 560.35, but not used" in check.detail


def test_nvidia_smi_on_this_machine_answers_or_says_none():
    driver = doctor.nvidia_smi()
    assert driver is None or driver[:1].isdigit()


def test_probe_of_this_machine_matches_what_imports():
    tf = pytest.importorskip("tensorflow")
    probe = doctor.probe_backend("tensorflow")

    assert probe["installed"] and probe["version"] == tf.__version__


def test_bad_status_is_refused_by_name():
    with pytest.raises(ValueError, match="status"):
        doctor.Check("x", "fine", "y")


def _course_py(*args, **env):
    return subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "doctor", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


def test_doctor_on_a_missing_venv_says_how_to_install(tmp_path):
    done = _course_py(COURSE_VENV=str(tmp_path / "nothing"))
    assert done.returncode == 1
    assert "FAIL  venv: no virtual environment" in done.stdout
    assert "fix: python3 course.py install" in done.stdout


def test_doctor_on_this_machine_passes():
    # tests run in the course's venv: point course.py at it, whatever COURSE_VENV says
    done = _course_py(COURSE_VENV=sys.prefix)
    assert done.returncode == 0, done.stdout + done.stderr
    for line in (
        "ok    Python",
        "ok    venv",
        "ok    backend tensorflow",
        "ok    KERAS_BACKEND",
        "GPU:",
        "ok    dataset fashion_mnist",
        "ok    JupyterLab",
        "ok    kernel",
    ):
        assert line in done.stdout, (line, done.stdout)
    assert "FAIL" not in done.stdout


def test_grading_sandbox_missing_is_a_warning_with_the_apt_command():
    [missing] = doctor.check_grading_sandbox(which=lambda name: None)
    assert missing.status == "warn" and missing.fix == "sudo apt-get install bubblewrap"
    [found] = doctor.check_grading_sandbox(which=lambda name: f"/usr/bin/{name}")
    assert found.status == "ok" and "/usr/bin/bwrap" in found.detail
