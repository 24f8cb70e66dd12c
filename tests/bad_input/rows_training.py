"""Bad-input rows for course_lib.training and course_lib.environment (``setup``).

The good calls are tiny (8 examples of 3 features, a one-layer model) and leave the process as
the test suite expects: ``setup`` runs with the defaults the tests use (seed 0, determinism as
this machine's default), ``configure`` applies a CPU plan (the float32 policy every test
starts from).
"""

from __future__ import annotations

import keras
import numpy as np

from bad_input.table import Exempt, Row
from course_lib import environment, training

BACKEND = keras.backend.backend()
X = np.zeros((8, 3), "float32")
Y = np.zeros(8, "int32")
A100 = training.Device("A100", (8, 0))
CPU_PLAN = training.Plan(
    backend=BACKEND,
    gpus=(),
    policy="float32",
    strategy="default",
    jit_compile=False,
    deterministic=False,
)

#: Bad arrays on top of the "array" kind: a scalar, strings.
BAD_X = [np.float32(1.0), np.array(["a", "b"])]
#: Bad labels: too few for X, strings.
BAD_Y = [np.zeros(3), np.array(["a"] * 8)]
#: Not lists of ``Device``s.
BAD_GPUS = [["A100"], [None], (A100, "H100")]


def _model(compiled: bool = True) -> keras.Model:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    if compiled:
        model.compile("sgd", "sparse_categorical_crossentropy")
    return model


_PIPELINE = {
    "x": "array",
    "y": "optional_array",
    "batch_size": "positive_int",
    "shuffle": "bool",
    "seed": "seed",
    "drop_remainder": "bool",
}
_PIPELINE_KWARGS = {
    "x": X,
    "y": Y,
    "batch_size": 4,
    "shuffle": True,
    "seed": 0,
    "drop_remainder": False,
}

ROWS = [
    # --- devices ----------------------------------------------------------------------------
    Row(
        training.Device,
        kwargs={"name": "A100", "compute_capability": (8, 0)},
        params={"name": "string", "compute_capability": "optional_object"},
        bad={"compute_capability": [(8,), (8, -1), (0, 0), (8.0, 0), (True, 0), "8.0"]},
    ),
    Row(training.list_gpus, kwargs={"backend": None}, params={"backend": "optional_choice"}),
    Row(training.op_determinism_enabled),
    # --- plan -------------------------------------------------------------------------------
    Row(
        training.Plan,
        kwargs={
            "backend": BACKEND,
            "gpus": (),
            "policy": "float32",
            "strategy": "default",
            "jit_compile": False,
            "deterministic": False,
            "replica_devices": None,
        },
        params={
            "backend": "choice",
            "gpus": "object",
            "policy": "choice",
            "strategy": "choice",
            "jit_compile": "bool",
            "deterministic": "bool",
            "replica_devices": "optional_string_list",
        },
        bad={"gpus": BAD_GPUS, "policy": ["float16"]},
    ),
    Row(
        training.choose_policy,
        kwargs={"gpus": [A100]},
        params={"gpus": "object"},
        bad={"gpus": BAD_GPUS},
    ),
    Row(
        training.choose_strategy,
        kwargs={"n_gpus": 2, "backend": "tensorflow"},
        params={"n_gpus": "non_negative_int", "backend": "choice"},
    ),
    Row(
        training.wants_xla,
        kwargs={"backend": "tensorflow", "gpu": True, "deterministic": False},
        params={"backend": "choice", "gpu": "bool", "deterministic": "bool"},
    ),
    Row(
        training.accelerator,
        kwargs={"gpus": [A100], "backend": BACKEND, "deterministic": False},
        params={
            "gpus": "optional_object",
            "backend": "optional_choice",
            "deterministic": "optional_bool",
        },
        bad={"gpus": BAD_GPUS},
    ),
    Row(
        training.configure,
        kwargs={"plan": CPU_PLAN, "verbose": False},
        params={"plan": "optional_object", "verbose": "bool"},
    ),
    # --- pipeline ---------------------------------------------------------------------------
    Row(
        training.ArrayBatches,
        kwargs={**_PIPELINE_KWARGS, "workers": 1, "max_queue_size": 2},
        params={**_PIPELINE, "workers": "positive_int", "max_queue_size": "positive_int"},
        bad={"x": BAD_X, "y": BAD_Y},
    ),
    Row(
        training.make_dataset,
        kwargs={**_PIPELINE_KWARGS, "backend": None},
        params={**_PIPELINE, "backend": "optional_choice"},
        bad={"x": BAD_X, "y": BAD_Y},
    ),
    # --- fitting ----------------------------------------------------------------------------
    Row(
        training.compile_model,
        kwargs={
            "model": _model(compiled=False),
            "optimizer": "sgd",
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
            "plan": CPU_PLAN,
        },
        params={
            "model": "object",
            "optimizer": "object",
            "loss": "object",
            "metrics": "string_list",
            "plan": "optional_object",
        },
        bad={
            "optimizer": ["no_such_optimizer", keras.optimizers.SGD],
            "loss": ["no_such_loss", keras.losses.MeanSquaredError],
        },
    ),
    Row(
        training.fit,
        kwargs={
            "model": _model(),
            "x": X,
            "y": Y,
            "validation_data": (X[:4], Y[:4]),
            "epochs": 1,
            "batch_size": 4,
            "backup_dir": None,
            "callbacks": [],
            "seed": 0,
            "verbose": 0,
            "progress": False,
        },
        params={
            "model": "object",
            "x": "array",
            "y": "array",
            "validation_data": "optional_object",
            "epochs": "positive_int",
            "batch_size": "positive_int",
            "backup_dir": "optional_path",
            "callbacks": "object",
            "seed": "seed",
            "verbose": "choice",
        },
        skip={
            "progress": "True, False or 'auto' (1 and 'yes' refused: tests/test_live_progress.py)"
        },
        bad={
            "model": [_model(compiled=False)],
            "x": BAD_X,
            "y": BAD_Y,
            "validation_data": [(X,), (X, Y, Y), (X[:2], Y), ("abc", Y)],
            "callbacks": [[3], ["x"], keras.callbacks.History()],
            "verbose": [-1, 2.5],
        },
    ),
    # --- environment ------------------------------------------------------------------------
    Row(
        environment.setup,
        kwargs={"seed": 0, "deterministic": None, "verbose": False},
        params={"seed": "seed_required", "deterministic": "optional_bool", "verbose": "bool"},
        bad={"seed": [2**32]},
    ),
    Row(environment.import_keras_quietly),
    Row(environment.keras_float64),
    Exempt(
        environment.EnvironmentInfo,
        "a record that setup() builds and returns; a user reads it, never constructs it",
    ),
]
