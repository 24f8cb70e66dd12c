"""The course without TensorFlow: course.py installs one backend (the one KERAS_BACKEND names),
and course_lib imports and trains on JAX or PyTorch with no TensorFlow at all.

The second test runs a fresh Python in which ``import tensorflow`` fails (``sys.modules`` holds
None for it, which is what Python does for a missing package as far as an importer can tell;
Keras then sees no TensorFlow either) on PyTorch or JAX, whichever is installed: every module
of course_lib imports, ``setup()`` runs, LeNet-5 trains one epoch through ``training.fit`` on
256 Fashion-MNIST images, and the reference, autodiff and attribution helpers answer.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (course.py at the repository root)

OTHER = [b for b in ("torch", "jax") if importlib.util.find_spec(b) is not None]

SCRIPT = r"""
import sys
sys.modules["tensorflow"] = None  # as if TensorFlow were not installed
import importlib, pkgutil
import numpy as np
import keras
import course_lib
from course_lib import datasets, training
from course_lib.attribution import saliency_map
from course_lib.autodiff import gradients
from course_lib.models import lenet5

assert keras.backend.backend() != "tensorflow"
for module in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
    importlib.import_module(module.name)
assert sys.modules["tensorflow"] is None, "something imported TensorFlow after all"
info = course_lib.setup(seed=0, verbose=False)
(x, y), _ = datasets.load("fashion_mnist", normalize=True, channels=True, n_train=256, n_test=10)
model = training.compile_model(lenet5(batch_norm=True))
history = training.fit(model, x, y, epochs=1, batch_size=64, progress=False)
assert np.isfinite(history.history["loss"][0])
grad = gradients(lambda v: keras.ops.sum(v ** 2), np.ones((2, 3), "float32"))
assert np.allclose(grad, 2.0)
assert saliency_map(model, x[:2]).shape == (2, 28, 28)
print("without tensorflow:", info.backend, "ok")
"""


def test_course_py_installs_the_backend_that_keras_backend_names():
    assert course.backend_extra({}) == "tensorflow"
    assert course.backend_extra({"KERAS_BACKEND": "jax"}) == "jax"
    assert course.backend_extra({"KERAS_BACKEND": " torch "}) == "torch"
    with pytest.raises(SystemExit):
        course.backend_extra({"KERAS_BACKEND": "theano"})


def test_pyproject_has_one_extra_per_backend_and_no_backend_dependency():
    text = (ROOT / "pyproject.toml").read_text()
    dependencies = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert "tensorflow" not in dependencies and "torch" not in dependencies
    for backend in course.BACKENDS:
        assert f"\n{backend} = [" in text, backend


@pytest.mark.slow
@pytest.mark.skipif(not OTHER, reason="neither PyTorch nor JAX is installed")
def test_course_lib_imports_and_trains_without_tensorflow():
    env = {**os.environ, "KERAS_BACKEND": OTHER[0], "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert f"without tensorflow: {OTHER[0]} ok" in done.stdout
