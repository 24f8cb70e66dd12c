"""Bad-input rows for course_lib.imagenet_models, inception, bottleneck, local_response_norm and
imagenet_history.

The good calls build the smallest models the builders allow (scale 1/64, a few filters, 25x25
to 32x32 images) and layers that are never called.
"""

from __future__ import annotations

from bad_input.table import Exempt, Row
from course_lib import bottleneck, imagenet_history, imagenet_models, inception
from course_lib import local_response_norm as lrn

_SHAPE_BAD = [(32, 32), (32, 32, 0), (32.0, 32, 1), (32, 32, True), "32x32"]
_COMMON = {
    "num_classes": 3,
    "scale": 1 / 64,
    "l2": 1e-4,
    "augmentation": None,
    "name": "net",
}
_COMMON_PARAMS = {
    "input_shape": "object",
    "num_classes": "positive_int",
    "scale": "positive_number",
    "l2": "non_negative_number",
    "augmentation": "optional_object",
    "name": "optional_string",
}
_FIRST_STRIDE = {"first_stride": "positive_int"}
_FILTERS = {
    "filters_1x1": 2,
    "reduce_3x3": 1,
    "filters_3x3": 2,
    "reduce_5x5": 1,
    "filters_5x5": 2,
    "pool_proj": 1,
}
_FILTER_PARAMS = dict.fromkeys(_FILTERS, "positive_int")

ROWS = [
    Row(
        imagenet_models.alexnet,
        kwargs={
            "input_shape": (25, 25, 1),
            **_COMMON,
            "first_stride": 1,
            "groups": 2,
            "lrn": True,
            "dropout": 0.5,
        },
        params={
            **_COMMON_PARAMS,
            **_FIRST_STRIDE,
            "groups": "positive_int",
            "lrn": "bool",
            "dropout": "fraction",
        },
        bad={"input_shape": [*_SHAPE_BAD, (24, 24, 1)], "num_classes": [1]},
    ),
    Row(
        imagenet_models.zfnet,
        kwargs={
            "input_shape": (29, 29, 1),
            **_COMMON,
            "first_stride": 1,
            "lrn": True,
            "dropout": 0.5,
        },
        params={**_COMMON_PARAMS, **_FIRST_STRIDE, "lrn": "bool", "dropout": "fraction"},
        bad={"input_shape": [*_SHAPE_BAD, (28, 28, 1)], "num_classes": [1]},
    ),
    Row(
        imagenet_models.vgg16,
        kwargs={"input_shape": (32, 32, 1), **_COMMON, "batch_norm": True, "dropout": 0.5},
        params={**_COMMON_PARAMS, "batch_norm": "bool", "dropout": "fraction"},
        bad={"input_shape": [*_SHAPE_BAD, (16, 16, 1)], "num_classes": [1]},
    ),
    Row(
        imagenet_models.googlenet,
        kwargs={
            "input_shape": (8, 8, 1),
            **_COMMON,
            "first_stride": 1,
            "lrn": True,
            "batch_norm": True,
            "dropout": 0.4,
        },
        params={
            **_COMMON_PARAMS,
            **_FIRST_STRIDE,
            "lrn": "bool",
            "batch_norm": "bool",
            "dropout": "fraction",
        },
        bad={"input_shape": _SHAPE_BAD, "num_classes": [1]},
    ),
    Row(
        imagenet_models.resnet_imagenet,
        kwargs={"input_shape": (8, 8, 1), **_COMMON, "depth": 18, "first_stride": 1},
        params={**_COMMON_PARAMS, **_FIRST_STRIDE, "depth": "positive_int"},
        bad={"input_shape": _SHAPE_BAD, "num_classes": [1], "depth": [20, 51]},
    ),
    Row(
        inception.InceptionBlock,
        kwargs={**_FILTERS, "batch_norm": True, "activation": "relu", "l2": 1e-4},
        params={
            **_FILTER_PARAMS,
            "batch_norm": "bool",
            "activation": "choice",
            "l2": "non_negative_number",
        },
    ),
    Row(
        inception.inception_parameter_count,
        kwargs={"channels": 3, **_FILTERS, "batch_norm": True},
        params={"channels": "positive_int", **_FILTER_PARAMS, "batch_norm": "bool"},
    ),
    Row(
        bottleneck.BottleneckBlock,
        kwargs={
            "filters": 2,
            "strides": 2,
            "expansion": 4,
            "batch_norm": True,
            "activation": "relu",
            "l2": 1e-4,
        },
        params={
            "filters": "positive_int",
            "strides": "positive_int",
            "expansion": "positive_int",
            "batch_norm": "bool",
            "activation": "choice",
            "l2": "non_negative_number",
        },
        bad={"strides": [3]},
    ),
    Row(
        lrn.LocalResponseNorm,
        kwargs={"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0},
        params={
            "size": "positive_int",
            "alpha": "non_negative_number",
            "beta": "non_negative_number",
            "k": "positive_number",
        },
        bad={"size": [4]},
    ),
    Exempt(
        imagenet_history.IlsvrcEntry,
        "a record of the library's ILSVRC_TOP5 table; users read it, they do not build it",
    ),
]
