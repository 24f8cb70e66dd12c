import random
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import course_lib
from course_lib import training


def test_setup_prints_one_line_and_reports(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    info = course_lib.setup(seed=3)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.strip() == info.summary()
    assert info.mode == "quick" and "mode: quick" in out
    assert info.backend == keras.backend.backend() and f"backend: {info.backend}" in out
    assert info.device in out
    assert info.device.startswith("GPU" if info.gpu else "CPU")
    assert info.deterministic is (not info.gpu)  # default: on without a GPU, off with one
    assert info.versions["keras"] == keras.__version__
    assert info.seed == 3


def test_setup_seeds_python_numpy_and_keras():
    course_lib.setup(seed=7, verbose=False)
    draw = lambda: (random.random(), np.random.rand(), np.asarray(keras.random.normal((3,))))  # noqa: E731, NPY002
    first = draw()
    course_lib.setup(seed=7, verbose=False)
    second = draw()
    assert first[0] == second[0] and first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    course_lib.setup(seed=8, verbose=False)
    assert random.random() != first[0]


def _train_once(seed):
    course_lib.setup(seed=seed, verbose=False)
    x = np.random.rand(64, 5).astype("float32")  # noqa: NPY002 (the global seed is under test)
    y = (x.sum(axis=1) > 2.5).astype("int32")
    model = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    return history.history["loss"], model.get_weights()


def test_cpu_training_repeats_exactly():
    loss_a, weights_a = _train_once(11)
    loss_b, weights_b = _train_once(11)
    assert loss_a == loss_b
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(a, b)
    loss_c, _ = _train_once(12)
    assert loss_c != loss_a


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0", True])
def test_setup_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        course_lib.setup(seed=seed, verbose=False)


def test_setup_rejects_bad_deterministic():
    with pytest.raises(ValueError, match="deterministic"):
        course_lib.setup(deterministic="yes", verbose=False)


def test_setup_rejects_bad_mode_variable(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "perhaps")
    with pytest.raises(ValueError, match="COURSE_QUICK"):
        course_lib.setup(verbose=False)


def _run_fresh(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "COURSE_QUICK": "1"},
    )


def test_import_has_no_side_effects():
    result = _run_fresh(
        """
        import sys, course_lib
        assert "keras" not in sys.modules and "tensorflow" not in sys.modules, "heavy import"
        print("clean")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "clean\n"
    assert result.stderr == ""


def test_setup_keeps_tensorflow_start_up_logs_out_of_stderr():
    result = _run_fresh(
        """
        import course_lib
        course_lib.setup(seed=0)
        import keras, numpy as np
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "mode: quick" in result.stdout
    assert result.stderr == "", result.stderr


# --- arguments (issue 10) -------------------------------------------------------------------


def test_setup_accepts_numpy_integer_seeds():
    # Before: `seed` must be an integer ... Received: seed=np.int64(3)
    info = course_lib.setup(seed=np.int64(3), verbose=False)
    assert info.seed == 3 and type(info.seed) is int
    course_lib.setup(seed=0, verbose=False)


def test_setup_refuses_a_verbose_that_is_not_a_boolean(capsys):
    # Before: verbose="no" printed the summary (a non-empty string is true).
    with pytest.raises(ValueError, match="`verbose` must be True or False"):
        course_lib.setup(seed=0, verbose="no")
    assert capsys.readouterr().out == ""


# --- one GPU discovery: setup() and the training plan see the same machine ------------------

H100 = ("NVIDIA H100 80GB HBM3", (9, 0))


def _setup_and_plan_on(monkeypatch):
    """What setup() reports and what the plan decides, on the machine patched in."""
    try:
        info = course_lib.setup(seed=0, verbose=False)
        plan = training.accelerator()
    finally:
        monkeypatch.undo()
        course_lib.setup(seed=0, verbose=False)  # back to this machine's defaults
    return info, plan


def test_setup_and_accelerator_read_the_same_gpu_list(monkeypatch):
    fake = [training.Device(*H100)] * 2
    monkeypatch.setattr(training, "list_gpus", lambda backend=None: list(fake))
    info, plan = _setup_and_plan_on(monkeypatch)
    assert (info.device, info.gpu) == ("2 x NVIDIA H100 80GB HBM3", True)
    assert info.deterministic is False  # the default on a GPU
    assert plan.gpus == tuple(fake) and plan.policy == "mixed_bfloat16"
    assert plan.summary().startswith("2 x NVIDIA H100 80GB HBM3 |")


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="fakes TensorFlow's devices")
def test_setup_and_accelerator_see_the_backends_gpus_alike(monkeypatch):
    """The real discovery code under both, fed a fake TensorFlow device list."""
    import tensorflow as tf

    gpu = tf.config.PhysicalDevice(name="/physical_device:GPU:0", device_type="GPU")
    real_list = tf.config.list_physical_devices
    monkeypatch.setattr(
        tf.config,
        "list_physical_devices",
        lambda kind=None: [gpu] if kind == "GPU" else real_list(kind),
    )
    monkeypatch.setattr(
        tf.config.experimental,
        "get_device_details",
        lambda device: {"device_name": H100[0], "compute_capability": H100[1]},
    )
    info, plan = _setup_and_plan_on(monkeypatch)
    assert (info.device, info.gpu) == ("GPU NVIDIA H100 80GB HBM3", True)
    assert plan.gpus == (training.Device(*H100),)
    assert (plan.policy, plan.strategy) == ("mixed_bfloat16", "default")
