"""Bad-input rows for course_lib.autodiff (gradients through the Keras backend)."""

from __future__ import annotations

import keras
import numpy as np

from bad_input.table import Row
from course_lib import autodiff

_X = np.array([[1.0, 2.0]])


def _fresh_layer(kwargs: dict) -> dict:
    if kwargs.get("layer") == "fresh":
        kwargs = {**kwargs, "layer": keras.layers.Dense(2, dtype="float64")}
    return kwargs


ROWS = [
    Row(
        autodiff.gradients,
        kwargs={"fn": lambda w: keras.ops.sum(w**2), "x": _X},
        params={"fn": "object", "x": "array"},
        bad={"x": [[["a"]]]},
    ),
    Row(
        autodiff.layer_gradients,
        kwargs={"layer": "fresh", "x": _X, "upstream": np.ones((1, 2)), "training": False},
        params={"layer": "object", "x": "array", "upstream": "array", "training": "bool"},
        bad={"upstream": [np.ones((1, 3))], "x": [[["a"]]]},
        prepare=_fresh_layer,
    ),
]
