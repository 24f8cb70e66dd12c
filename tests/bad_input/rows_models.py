"""Bad-input rows for course_lib.layers, models, residual, squeeze_excite and augmentation.

The good calls build tiny things: blocks of 2 units or filters (unbuilt), models on 8x8 or
12x12 images with a handful of filters, augmentation pipelines that are never called.
"""

from __future__ import annotations

from bad_input.table import NAN, Row
from course_lib import augmentation, layers, models, residual, squeeze_excite

_BLOCK_KWARGS = {
    "activation": "relu",
    "kernel_initializer": None,
    "l1": 1e-3,
    "l2": 1e-3,
    "batch_norm": False,
    "dropout": 0.1,
    "seed": 1,
}
_BLOCK_PARAMS = {
    "activation": "choice",
    "kernel_initializer": "optional_object",
    "l1": "non_negative_number",
    "l2": "non_negative_number",
    "batch_norm": "bool",
    "dropout": "fraction",
    "seed": "seed",
}
_PAIR_BAD = [(3,), (3, 3, 3), (0, 3), (3, 2.5), "33"]
_IMAGE_SHAPE_BAD = [(12, 12), (12, 12, 0), (12.0, 12, 1), (12, 12, True), "12x12"]
_AUGMENTATION = "optional_object"  # None or a Keras layer; "x" and 3 are refused by name
_VALUE_RANGE_BAD = [(1.0, 0.0), (0.0, 0.0), (0.0,), ("a", "b"), (0.0, NAN), (True, 2.0)]

ROWS = [
    # layers
    Row(
        layers.DenseBlock,
        kwargs={"units": 2, **_BLOCK_KWARGS},
        params={"units": "positive_int", **_BLOCK_PARAMS},
    ),
    Row(
        layers.ConvBlock,
        kwargs={"filters": 2, "kernel_size": 3, "strides": 1, "padding": "same", **_BLOCK_KWARGS},
        params={
            "filters": "positive_int",
            "kernel_size": "positive_int",
            "strides": "positive_int",
            "padding": "choice",
            **_BLOCK_PARAMS,
        },
        bad={"kernel_size": _PAIR_BAD, "strides": _PAIR_BAD},
    ),
    Row(
        layers.default_initializer, kwargs={"activation": "selu"}, params={"activation": "choice"}
    ),
    # residual, squeeze_excite
    Row(
        residual.ResidualBlock,
        kwargs={
            "filters": 2,
            "strides": 2,
            "shortcut": True,
            "batch_norm": True,
            "activation": "relu",
            "l2": 1e-4,
            "se_ratio": 2,
        },
        params={
            "filters": "positive_int",
            "strides": "positive_int",
            "shortcut": "bool",
            "batch_norm": "bool",
            "activation": "choice",
            "l2": "non_negative_number",
            "se_ratio": "optional_positive_int",
        },
        bad={"strides": [3]},
    ),
    Row(
        squeeze_excite.SqueezeExcite,
        kwargs={"se_ratio": 4},
        params={"se_ratio": "positive_int"},
    ),
    Row(
        squeeze_excite.se_parameter_count,
        kwargs={"channels": 16, "se_ratio": 4},
        params={"channels": "positive_int", "se_ratio": "positive_int"},
    ),
    # models
    Row(
        models.lenet5,
        kwargs={
            "input_shape": (12, 12, 1),
            "num_classes": 3,
            "activation": "tanh",
            "pooling": "average",
            "batch_norm": False,
            "dropout": 0.1,
            "l2": 1e-4,
            "augmentation": None,
            "name": "net",
        },
        params={
            "input_shape": "object",
            "num_classes": "positive_int",
            "activation": "choice",
            "pooling": "choice",
            "batch_norm": "bool",
            "dropout": "fraction",
            "l2": "non_negative_number",
            "augmentation": _AUGMENTATION,
            "name": "string",
        },
        bad={"input_shape": [*_IMAGE_SHAPE_BAD, (8, 8, 1)], "num_classes": [1]},
    ),
    Row(
        models.vgg,
        kwargs={
            "input_shape": (8, 8, 1),
            "num_classes": 3,
            "stages": ((2, 1), (2, 1)),
            "dense_units": (2,),
            "batch_norm": True,
            "dropout": 0.1,
            "l2": 1e-4,
            "augmentation": None,
            "name": "net",
        },
        params={
            "input_shape": "object",
            "num_classes": "positive_int",
            "stages": "object",
            "dense_units": "object",
            "batch_norm": "bool",
            "dropout": "fraction",
            "l2": "non_negative_number",
            "augmentation": _AUGMENTATION,
            "name": "string",
        },
        bad={
            "input_shape": [*_IMAGE_SHAPE_BAD, (3, 3, 1)],  # two stages need 4x4
            "num_classes": [1],
            "stages": [(), ((2, 0),), ((2,),), ((2, 1, 1),), ((2.5, 1),), ((True, 1),), [[]]],
            "dense_units": [(0,), (2.5,), (True,), "2"],
        },
    ),
    Row(
        models.resnet,
        kwargs={
            "input_shape": (8, 8, 1),
            "num_classes": 3,
            "depth": 8,
            "width": 2,
            "shortcut": True,
            "batch_norm": True,
            "se_ratio": 2,
            "l2": 1e-4,
            "augmentation": None,
            "name": "net",
        },
        params={
            "input_shape": "object",
            "num_classes": "positive_int",
            "depth": "positive_int",
            "width": "positive_int",
            "shortcut": "bool",
            "batch_norm": "bool",
            "se_ratio": "optional_positive_int",
            "l2": "non_negative_number",
            "augmentation": _AUGMENTATION,
            "name": "optional_string",
        },
        bad={
            "input_shape": [*_IMAGE_SHAPE_BAD, (3, 3, 1), 20],
            "num_classes": [1],
            "depth": [2, 7, 21],
        },
    ),
    Row(
        models.resnet_depths,
        kwargs={"limit": 20},
        params={"limit": "positive_int"},
        bad={"limit": [7]},
    ),
    # augmentation
    Row(
        augmentation.pipeline,
        kwargs={
            "flip": "horizontal",
            "rotation": 0.05,
            "translation": 0.1,
            "zoom": 0.1,
            "contrast": 0.2,
            "brightness": 0.2,
            "noise": 0.1,
            "value_range": (0.0, 1.0),
            "seed": 0,
            "name": "aug",
        },
        params={
            "flip": "optional_choice",
            "rotation": "fraction",
            "translation": "fraction",
            "zoom": "fraction",
            "contrast": "fraction",
            "brightness": "fraction",
            "noise": "non_negative_number",
            "value_range": "object",
            "seed": "seed",
            "name": "string",
        },
        bad={"value_range": _VALUE_RANGE_BAD},
    ),
    Row(
        augmentation.for_digits,
        kwargs={"rotation": 0.05, "translation": 0.1, "zoom": 0.1, "seed": 0},
        params={
            "rotation": "fraction",
            "translation": "fraction",
            "zoom": "fraction",
            "seed": "seed",
        },
        bad={"rotation": [0.2]},  # above 0.1 a 6 turns into a 9
    ),
    Row(
        augmentation.for_natural_images,
        kwargs={
            "translation": 0.1,
            "contrast": 0.2,
            "brightness": 0.2,
            "value_range": (0.0, 255.0),
            "seed": 0,
        },
        params={
            "translation": "fraction",
            "contrast": "fraction",
            "brightness": "fraction",
            "value_range": "object",
            "seed": "seed",
        },
        bad={"value_range": _VALUE_RANGE_BAD},
    ),
]
