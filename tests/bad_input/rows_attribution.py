"""Bad-input rows for course_lib.attribution (saliency, occlusion, Grad-CAM, the model graph)
and course_lib.plots.attribution."""

from __future__ import annotations

import keras
import numpy as np

from bad_input.table import NAN, Exempt, Row
from course_lib import attribution
from course_lib.plots.attribution import plot_attribution


def _tiny_cnn() -> keras.Model:
    inputs = keras.Input((6, 6, 1))
    h = keras.layers.Conv2D(2, 3, padding="same", name="conv")(inputs)
    h = keras.layers.Flatten(name="flatten")(h)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax", name="out")(h))


_MODEL = _tiny_cnn()
_IMAGES = np.random.default_rng(0).random((2, 6, 6, 1)).astype("float32")
_MAPS = np.random.default_rng(1).random((2, 6, 6))


_BAD_MODEL = [keras.layers.Dense(2), "model"]
_BAD_IMAGES = [np.ones((2, 6, 6)), np.ones((2, 5, 5, 1)), np.full((1, 6, 6, 1), NAN), [[["a"]]]]
_BAD_CLASS = [-1, 3, np.array([0, 1, 2]), np.array([0.0, 1.0]), [0]]
_CLASS = {"class_index": "optional_int"}
_SCORE = {"score": "choice"}


def _close_figures(kwargs: dict) -> dict:
    import matplotlib.pyplot as plt

    plt.close("all")
    return kwargs


ROWS = [
    Row(
        attribution.saliency_map,
        kwargs={
            "model": _MODEL,
            "images": _IMAGES,
            "class_index": 1,
            "score": "logit",
            "batch_size": 2,
        },
        params={
            "model": "object",
            "images": "array",
            **_CLASS,
            **_SCORE,
            "batch_size": "positive_int",
        },
        bad={"model": _BAD_MODEL, "images": _BAD_IMAGES, "class_index": _BAD_CLASS},
    ),
    Row(
        attribution.grad_cam,
        kwargs={
            "model": _MODEL,
            "images": _IMAGES,
            "layer_name": "conv",
            "class_index": 0,
            "upsample": True,
            "batch_size": 2,
        },
        params={
            "model": "object",
            "images": "array",
            "layer_name": "optional_string",
            **_CLASS,
            "upsample": "bool",
            "batch_size": "positive_int",
        },
        bad={
            "model": _BAD_MODEL,
            "images": _BAD_IMAGES,
            "class_index": _BAD_CLASS,
            "layer_name": ["no_such_layer", "flatten"],
        },
    ),
    Row(
        attribution.occlusion_map,
        kwargs={
            "model": _MODEL,
            "images": _IMAGES,
            "class_index": 2,
            "patch": 3,
            "stride": 2,
            "fill": 0.5,
            "score": "probability",
            "upsample": False,
            "batch_size": 8,
        },
        params={
            "model": "object",
            "images": "array",
            **_CLASS,
            "patch": "positive_int",
            "stride": "positive_int",
            "fill": "number",
            **_SCORE,
            "upsample": "bool",
            "batch_size": "positive_int",
        },
        bad={
            "model": _BAD_MODEL,
            "images": _BAD_IMAGES,
            "class_index": _BAD_CLASS,
            "patch": [7, (2, 7), (2, 0), (1, 2, 3)],
            "stride": [4, (0, 1)],
        },
    ),
    Row(
        attribution.occlusion_check,
        kwargs={
            "model": _MODEL,
            "images": _IMAGES,
            "maps": _MAPS,
            "class_index": None,
            "fraction": 0.2,
            "fill": 0.0,
            "score": "logit",
            "seed": 3,
            "batch_size": 4,
        },
        params={
            "model": "object",
            "images": "array",
            "maps": "array",
            **_CLASS,
            "fraction": "fraction",
            "fill": "number",
            **_SCORE,
            "seed": "seed",
            "batch_size": "positive_int",
        },
        bad={
            "model": _BAD_MODEL,
            "images": _BAD_IMAGES,
            "class_index": _BAD_CLASS,
            "maps": [
                np.ones((2, 5, 5)),
                np.ones((1, 6, 6)),
                np.ones((2, 6, 6, 1)),
                np.full((2, 6, 6), NAN),
            ],
            "fraction": [0, 0.0],
        },
    ),
    Row(
        attribution.logit_model,
        kwargs={"model": _MODEL, "input_shape": None},
        params={"model": "object", "input_shape": "optional_object"},
        bad={"model": _BAD_MODEL, "input_shape": [(0, 6, 1), (6, -1), [], 6.0]},
    ),
    Row(
        attribution.split_model,
        kwargs={"model": _MODEL, "layer_name": "conv", "logits": True, "input_shape": None},
        params={
            "model": "object",
            "layer_name": "string",
            "logits": "bool",
            "input_shape": "optional_object",
        },
        bad={
            "model": _BAD_MODEL,
            "layer_name": ["no_such_layer", ""],
            "input_shape": [(0, 6, 1), 6.0],
        },
    ),
    Exempt(attribution.OcclusionCheck, "the record occlusion_check returns"),
    Row(
        plot_attribution,
        kwargs={
            "images": _IMAGES,
            "maps": {"saliency": _MAPS},
            "titles": ["a", "b"],
            "overlay": True,
            "alpha": 0.4,
            "cmap": "viridis",
            "axes": None,
            "title": "t",
        },
        params={
            "images": "array",
            "maps": "array",
            "titles": "optional_string_list",
            "overlay": "bool",
            "alpha": "probability",
            "cmap": "string",
            "axes": "optional_object",
            "title": "optional_string",
        },
        bad={
            "images": [np.ones((2, 6, 6, 2)), np.ones((17, 4, 4)), np.full((2, 6, 6), NAN)],
            "maps": [
                np.ones((3, 6, 6)),
                np.ones((2, 6)),
                {},
                {"a": np.ones((1, 6, 6))},
                {3: _MAPS},
            ],
            "titles": [["only one"]],
            "cmap": ["no-such-map"],
            "axes": [[None, None]],
        },
        prepare=_close_figures,
    ),
]
