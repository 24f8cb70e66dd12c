"""Bad-input rows for course_lib.callbacks and course_lib.inspection.

The good calls use one tiny model, ``keras.Sequential`` of a ``Dense(2)`` on 3 inputs, built
on first use (``prepare`` puts it in place of ``_TINY``, so a bad ``model`` is passed as it
is). ``find_learning_rate``'s good call sweeps 2 batches; the other good calls only build
callbacks or predict on 2 examples.
"""

from __future__ import annotations

import functools

import keras
import numpy as np

from bad_input.table import Row
from course_lib import callbacks, inspection

_TINY = "<the tiny model>"  # replaced by the model itself in `prepare`
_ITS_WEIGHTS = "<the tiny model's weights>"
_X = np.zeros((2, 3), "float32")
_Y = np.zeros((2, 2), "float32")

_LAYERS = (
    "None, one layer name or a list of names (a bare string is one name, so no string is "
    "bad here); the names are checked against the model when it is probed, and wrong "
    "types/empty lists in tests/test_callbacks.py"
)
_KERAS_DATA = "whatever model.fit / model.predict accepts (arrays, datasets); Keras checks it"


@functools.cache
def _tiny_model() -> keras.Model:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def _with_tiny_model(kwargs: dict) -> dict:
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("model"), str) and kwargs["model"] == _TINY:
        kwargs["model"] = _tiny_model()
    if isinstance(kwargs.get("snapshots"), str) and kwargs["snapshots"] == _ITS_WEIGHTS:
        kwargs["snapshots"] = [_tiny_model().get_weights()]
    return kwargs


_SNAPSHOT_ROW = {
    "kwargs": {"model": _TINY, "snapshots": _ITS_WEIGHTS, "x": _X, "batch_size": 2},
    "params": {"model": "object", "snapshots": "object", "batch_size": "positive_int"},
    "skip": {"x": _KERAS_DATA},
    "bad": {"snapshots": [[], [42], [""], ("w",)]},
    "prepare": _with_tiny_model,
}

ROWS = [
    Row(
        callbacks.ActivationStats,
        kwargs={
            "probe_x": _X,
            "layers": None,
            "keep_activations": True,
            "saturation_threshold": 0.99,
        },
        params={
            "probe_x": "array",
            "keep_activations": "bool",
            "saturation_threshold": "fraction",
        },
        skip={"layers": _LAYERS},
        bad={"saturation_threshold": [0.0], "probe_x": [[[1.0, 2.0]], np.zeros((0, 3))]},
    ),
    Row(
        callbacks.DeadReLUMonitor,
        kwargs={"probe_x": _X, "layers": None, "every": 1},
        params={"probe_x": "array", "every": "positive_int"},
        skip={"layers": _LAYERS},
        bad={"probe_x": [np.array(["a", "b"])]},
    ),
    Row(
        callbacks.LearningRateFinder,
        kwargs={
            "min_lr": 1e-6,
            "max_lr": 1.0,
            "num_steps": 10,
            "stop_factor": 4.0,
            "smoothing": 0.98,
        },
        params={
            "min_lr": "positive_number",
            "max_lr": "positive_number",
            "num_steps": "positive_int",
            "stop_factor": "positive_number",
            "smoothing": "fraction",
        },
        bad={"max_lr": [1e-7, 1e-6], "num_steps": [1], "stop_factor": [1.0, 0.5]},
    ),
    Row(
        callbacks.LiveProgress,
        kwargs={"display": "text", "every": 0.5, "curves": True, "title": "run", "runs": 2},
        params={
            "display": "choice",
            "every": "positive_number",
            "curves": "bool",
            "title": "optional_string",
            "runs": "optional_positive_int",
        },
        skip={"clock": "a function; a non-callable is refused (tests/test_live_progress.py)"},
    ),
    Row(
        callbacks.live_view,
        kwargs={"title": "run", "runs": 2, "curves": True},
        params={"title": "optional_string", "runs": "optional_positive_int", "curves": "bool"},
    ),
    Row(callbacks.in_notebook),
    Row(
        callbacks.SnapshotSaver,
        kwargs={"cycle_epochs": 1, "directory": None, "keep_in_memory": True},
        params={
            "cycle_epochs": "positive_int",
            "directory": "optional_path",
            "keep_in_memory": "bool",
        },
        bad={"directory": ["   "]},
    ),
    Row(callbacks.snapshot_predictions, **_SNAPSHOT_ROW),
    Row(callbacks.average_snapshot_predictions, **_SNAPSHOT_ROW),
    Row(
        callbacks.early_stopping,
        kwargs={
            "monitor": "val_loss",
            "patience": 5,
            "min_delta": 0.0,
            "mode": "auto",
            "restore_best_weights": True,
            "start_from_epoch": 0,
            "verbose": 0,
        },
        params={
            "monitor": "string",
            "patience": "non_negative_int",
            "min_delta": "non_negative_number",
            "mode": "choice",
            "restore_best_weights": "bool",
            "start_from_epoch": "non_negative_int",
            "verbose": "non_negative_int",
        },
        bad={"monitor": [""], "verbose": [2]},
    ),
    Row(
        callbacks.find_learning_rate,
        kwargs={
            "model": _TINY,
            "x": _X,
            "y": _Y,
            "batch_size": 1,
            "min_lr": 1e-4,
            "max_lr": 1e-3,
            "num_steps": 2,
            "stop_factor": 4.0,
            "smoothing": 0.5,
        },
        params={
            "model": "object",
            "batch_size": "positive_int",
            "min_lr": "positive_number",
            "max_lr": "positive_number",
            "num_steps": "positive_int",
            "stop_factor": "positive_number",
            "smoothing": "fraction",
        },
        skip={"x": _KERAS_DATA, "y": _KERAS_DATA},
        bad={"max_lr": [1e-5], "num_steps": [1], "stop_factor": [1.0]},
        prepare=_with_tiny_model,
    ),
    Row(
        inspection.layer_outputs,
        kwargs={"model": _TINY, "x": _X, "layer_names": "out", "batch_size": 2},
        params={
            "model": "object",
            "x": "array",
            "layer_names": "object",  # "x" is no layer of the tiny model
            "batch_size": "positive_int",
        },
        bad={"layer_names": [[], [3], [""], "", ["out", None]], "x": [[[0.0, 0.0, 0.0]]]},
        prepare=_with_tiny_model,
    ),
    Row(
        inspection.most_confident_mistakes,
        kwargs={"y_true": np.array([0, 1]), "y_prob": np.eye(2), "k": 1},
        params={"y_true": "array", "y_prob": "array", "k": "positive_int"},
        bad={
            "y_true": [np.array([0.0, 1.0]), np.array([0, 2]), np.array([-1, 0]), [[0, 1]]],
            "y_prob": [np.ones((2, 1)), np.eye(3), np.array([[np.nan, 1.0], [0.0, 1.0]])],
        },
    ),
]
