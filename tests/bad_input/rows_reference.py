"""Bad-input rows for course_lib.reference, course_lib.initializers and course_lib.regularizers."""

from __future__ import annotations

import numpy as np

from bad_input.table import Row
from course_lib import initializers, regularizers
from course_lib import reference as ref

# ------------------------------------------------------------------------------ tiny inputs

Z = np.array([-1.0, 0.0, 2.0])
X2 = np.ones((2, 3))  # a batch (N, D)
W2 = np.ones((3, 4))
B4 = np.zeros(4)
X4 = np.ones((1, 4, 4, 1))  # (N, H, W, C)
K4 = np.ones((3, 3, 1, 2))  # (KH, KW, C, F)
B2 = np.zeros(2)
SCORES = np.array([[1.0, 0.0, -1.0], [0.0, 2.0, 0.0]])  # (N, C)
LABELS = np.array([0, 1])

_, DENSE_CACHE = ref.dense_forward(X2, W2, B4)
_, CONV_CACHE = ref.conv2d_forward(X4, K4, B2)  # out (1, 2, 2, 2)
_, MAX_CACHE = ref.maxpool_forward(X4)  # out (1, 2, 2, 1)
_, AVG_CACHE = ref.avgpool_forward(X4)

CACHE_BAD = [(), ("x",), (1, 2, 3, 4, 5, 6, 7)]  # no forward pass returns these


def _x64(kwargs: dict) -> dict:
    """numerical_gradient changes x in place: give every call a fresh copy."""
    x = kwargs.get("x")
    if isinstance(x, np.ndarray) and x.flags.writeable:
        kwargs = {**kwargs, "x": x.copy()}
    return kwargs


def _activation_rows() -> list[Row]:
    rows = [
        Row(fn, kwargs={"z": Z}, params={"z": "array"})
        for fn in (ref.sigmoid, ref.sigmoid_grad, ref.tanh_grad, ref.relu, ref.relu_grad)
    ]
    rows += [
        Row(
            fn,
            kwargs={"z": Z, "alpha": 0.1},
            params={"z": "array", "alpha": "non_negative_number"},
        )
        for fn in (ref.leaky_relu, ref.leaky_relu_grad)
    ]
    return rows


ROWS = [
    # ---------------------------------------------------------------- reference: activations
    *_activation_rows(),
    # ---------------------------------------------------------------- reference: neuron, dense
    Row(
        ref.neuron_forward,
        kwargs={"x": X2, "w": np.ones(3), "b": 0.5, "activation": "relu"},
        params={"x": "array", "w": "array", "b": "number", "activation": "choice"},
        bad={
            "x": [np.ones((1, 2, 3)), np.ones((2, 4))],
            "w": [np.ones((3, 1)), np.ones(4)],
            "b": [np.ones(3)],
        },
    ),
    Row(
        ref.dense_forward,
        kwargs={"x": X2, "W": W2, "b": B4},
        params={"x": "array", "W": "array", "b": "array"},
        bad={
            "x": [np.ones(3), np.ones((2, 5))],
            "W": [np.ones(3), np.ones((5, 4))],
            "b": [np.ones(3), np.ones((1, 4))],
        },
    ),
    Row(
        ref.dense_backward,
        kwargs={"dout": np.ones((2, 4)), "cache": DENSE_CACHE},
        params={"dout": "array", "cache": "object"},
        bad={"dout": [np.ones((4, 2)), np.ones(4)], "cache": [CONV_CACHE, *CACHE_BAD]},
    ),
    # ---------------------------------------------------------------- reference: losses
    Row(
        ref.softmax,
        kwargs={"z": SCORES, "axis": -1},
        params={"z": "array", "axis": "int"},
        bad={"z": [np.float64(1.0)], "axis": [2, -3]},
    ),
    Row(
        ref.softmax_cross_entropy,
        kwargs={"scores": SCORES, "y": LABELS},
        params={"scores": "array", "y": "array"},
        bad={
            "scores": [np.zeros((0, 3)), np.ones(3), np.ones((2, 3, 1))],
            "y": [np.array([0, 3]), np.array([0]), np.array([[0], [1]]), np.array([0.5, 1.0])],
        },
    ),
    Row(
        ref.multiclass_hinge_loss,
        kwargs={"scores": SCORES, "y": LABELS, "margin": 1.0},
        params={"scores": "array", "y": "array", "margin": "non_negative_number"},
        bad={
            "scores": [np.zeros((0, 3)), np.ones(3)],
            "y": [np.array([-1, 0]), np.array([0, 1, 2]), np.array([True, False])],
        },
    ),
    Row(
        ref.binary_cross_entropy,
        kwargs={"logits": np.array([0.5, -1.0]), "y": np.array([1, 0])},
        params={"logits": "array", "y": "array"},
        bad={"logits": [np.zeros((0, 1))], "y": [np.array([1, 2]), np.array([[1], [0]])]},
    ),
    Row(
        ref.binary_hinge_loss,
        kwargs={"scores": np.array([0.5, -1.0]), "y": np.array([1, -1]), "margin": 1.0},
        params={"scores": "array", "y": "array", "margin": "non_negative_number"},
        bad={"scores": [np.zeros((0, 1))], "y": [np.array([1, 0]), np.array([1, -1, 1])]},
    ),
    # ---------------------------------------------------------------- reference: gradient check
    Row(
        ref.numerical_gradient,
        kwargs={"f": np.sum, "x": np.array([1.0, 2.0]), "h": 1e-5},
        params={"f": "object", "x": "array", "h": "positive_number"},
        bad={"x": [np.array([1.0, 2.0], dtype=np.float32), [1.0, 2.0]]},
        prepare=_x64,
    ),
    Row(
        ref.gradient_check,
        kwargs={"f": np.sum, "x": np.array([1.0, 2.0]), "analytic_grad": np.ones(2), "h": 1e-5},
        params={
            "f": "object",
            "x": "array",
            "analytic_grad": "array",
            "h": "positive_number",
        },
        bad={
            "x": [np.array([1.0, 2.0], dtype=np.float32)],
            "analytic_grad": [np.ones(3), np.ones((2, 1))],
        },
        prepare=_x64,
    ),
    Row(
        ref.relative_error,
        kwargs={"a": np.ones(2), "b": np.ones(2)},
        params={"a": "array", "b": "array"},
        bad={"b": [np.ones(3)]},
    ),
    # ---------------------------------------------------------------- reference: convolution
    Row(
        ref.conv_output_size,
        kwargs={"n": 7, "k": 3, "stride": 2, "padding": 0},
        params={
            "n": "positive_int",
            "k": "positive_int",
            "stride": "positive_int",
            "padding": "non_negative_int",
        },
        # A kernel that does not fit n ("kernel_size=9 ... input size 7") is tested in
        # test_reference_conv.py; its wording is shown in notebook 13.
        bad={"stride": [3], "padding": ["same"]},
    ),
    Row(ref.same_padding, kwargs={"k": 3}, params={"k": "positive_int"}, bad={"k": [4]}),
    Row(
        ref.conv_param_count,
        kwargs={"k": 3, "in_channels": 1, "filters": 2},
        params={"k": "positive_int", "in_channels": "positive_int", "filters": "positive_int"},
        bad={"k": [(3, 0), (3,), (1, 2, 3), (3, 2.5)]},
    ),
    Row(
        ref.conv2d_forward,
        kwargs={"x": X4, "w": K4, "b": B2, "stride": 1, "padding": 0},
        params={
            "x": "array",
            "w": "array",
            "b": "array",
            "stride": "positive_int",
            "padding": "non_negative_int",
        },
        bad={
            "x": [np.ones((4, 4, 1)), np.ones((1, 4, 4, 3))],
            "w": [np.ones((3, 3, 1)), np.ones((5, 5, 1, 2))],
            "b": [np.ones(3), np.ones((1, 2))],
            "stride": [2],
            "padding": ["same"],
        },
    ),
    Row(
        ref.conv2d_backward,
        kwargs={"dout": np.ones((1, 2, 2, 2)), "cache": CONV_CACHE},
        params={"dout": "array", "cache": "object"},
        bad={"dout": [np.ones((1, 2, 2, 1)), np.ones((2, 2, 2))], "cache": [*CACHE_BAD]},
    ),
    # ---------------------------------------------------------------- reference: pooling
    *[
        Row(
            fn,
            kwargs={"x": X4, "pool_size": 2, "stride": 2},
            params={"x": "array", "pool_size": "positive_int", "stride": "optional_positive_int"},
            bad={"x": [np.ones((4, 4, 1)), np.ones((1, 5, 5, 1))], "pool_size": [5]},
        )
        for fn in (ref.maxpool_forward, ref.avgpool_forward)
    ],
    Row(
        ref.maxpool_backward,
        kwargs={"dout": np.ones((1, 2, 2, 1)), "cache": MAX_CACHE},
        params={"dout": "array", "cache": "object"},
        bad={"dout": [np.ones((1, 2, 2)), np.ones((1, 2, 2, 2))], "cache": [AVG_CACHE]},
    ),
    Row(
        ref.avgpool_backward,
        kwargs={"dout": np.ones((1, 2, 2, 1)), "cache": AVG_CACHE},
        params={"dout": "array", "cache": "object"},
        bad={"dout": [np.ones((1, 2, 2)), np.ones((1, 1, 1, 1))], "cache": [MAX_CACHE]},
    ),
    # ---------------------------------------------------------------- initializers
    *[
        Row(cls, kwargs={"seed": 1}, params={"seed": "seed"})
        for cls in (
            initializers.HeNormal,
            initializers.HeUniform,
            initializers.XavierNormal,
            initializers.XavierUniform,
        )
    ],
    Row(
        initializers.compute_fans,
        kwargs={"shape": (3, 3, 1, 2)},
        params={"shape": "object"},
        bad={"shape": [(), (3, 0), (2.5, 3), (True, 3), (-1, 2), [None]]},
    ),
    Row(
        initializers.xavier_variance,
        kwargs={"fan_in": 3, "fan_out": 2},
        params={"fan_in": "positive_int", "fan_out": "positive_int"},
    ),
    Row(initializers.he_variance, kwargs={"fan_in": 3}, params={"fan_in": "positive_int"}),
    Row(
        initializers.get,
        kwargs={"identifier": "he_normal"},
        params={"identifier": "choice"},
        bad={"identifier": [{}, ["he_normal"]]},
    ),
    # ---------------------------------------------------------------- regularizers
    Row(regularizers.L1, kwargs={"alpha": 0.01}, params={"alpha": "non_negative_number"}),
    Row(regularizers.L2, kwargs={"alpha": 0.01}, params={"alpha": "non_negative_number"}),
    Row(
        regularizers.L1L2,
        kwargs={"l1": 0.01, "l2": 0.02},
        params={"l1": "non_negative_number", "l2": "non_negative_number"},
    ),
    Row(
        regularizers.get,
        kwargs={"l1": 0.01, "l2": 0.0},
        params={"l1": "non_negative_number", "l2": "non_negative_number"},
    ),
]
