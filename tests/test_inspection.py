"""Tests for course_lib.inspection: layer outputs checked against NumPy, mistakes by hand."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_lib.inspection import layer_outputs, most_confident_mistakes
from course_lib.models import lenet5

# --------------------------------------------------------------------------------------------
# layer_outputs
# --------------------------------------------------------------------------------------------


def _dense_model() -> keras.Model:
    inputs = keras.Input((3,), name="x")
    h = keras.layers.Dense(4, activation="relu", name="hidden")(inputs)
    d = keras.layers.Dropout(0.5, name="drop")(h)
    outputs = keras.layers.Dense(2, name="out")(d)
    return keras.Model(inputs, outputs)


def test_layer_outputs_match_numpy_and_dropout_is_off():
    model = _dense_model()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    got = layer_outputs(model, x, ["hidden", "drop", "out"])
    assert list(got) == ["hidden", "drop", "out"]
    w1, b1 = model.get_layer("hidden").get_weights()
    w2, b2 = model.get_layer("out").get_weights()
    hidden = np.maximum(x @ w1 + b1, 0.0)
    np.testing.assert_allclose(got["hidden"], hidden, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got["drop"], got["hidden"])  # inference: dropout passes all
    np.testing.assert_allclose(got["out"], hidden @ w2 + b2, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["out"], model.predict(x, verbose=0), rtol=1e-6)


def test_layer_outputs_of_lenet_have_the_feature_map_shapes():
    model = lenet5()
    x = np.random.default_rng(1).uniform(size=(2, 28, 28, 1)).astype("float32")
    got = layer_outputs(model, x, ["c1", "s2", "c3", "s4"])
    assert {k: v.shape for k, v in got.items()} == {
        "c1": (2, 28, 28, 6),
        "s2": (2, 14, 14, 6),
        "c3": (2, 10, 10, 16),
        "s4": (2, 5, 5, 16),
    }
    assert got["c1"].min() >= 0.0  # after the block's ReLU
    # s2 is the 2x2 max pooling of c1.
    c1 = got["c1"]
    pooled = c1.reshape(2, 14, 2, 14, 2, 6).max(axis=(2, 4))
    np.testing.assert_allclose(got["s2"], pooled)


def test_layer_outputs_single_name_and_sequential_model():
    model = keras.Sequential(
        [keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3, name="conv"), keras.layers.ReLU()]
    )
    x = np.ones((1, 6, 6, 1), dtype="float32")
    got = layer_outputs(model, x, "conv")
    assert list(got) == ["conv"] and got["conv"].shape == (1, 4, 4, 2)
    w, b = model.get_layer("conv").get_weights()
    np.testing.assert_allclose(got["conv"][0, 0, 0], w.sum(axis=(0, 1, 2)) + b, rtol=1e-5)


def test_layer_outputs_repeated_name_counted_once():
    got = layer_outputs(_dense_model(), np.zeros((1, 3)), ["out", "out"])
    assert list(got) == ["out"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layer_names": "nope"}, r"unknown names \['nope'\]"),
        ({"layer_names": []}, "non-empty"),
        ({"layer_names": [3]}, "layer_names=\\[3\\]"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"batch_size": 2.0}, "batch_size"),
        ({"x": [[0.0, 0.0, 0.0]]}, "np.asarray"),  # Keras reads a list as several inputs
        ({"x": np.zeros((0, 3))}, "`x`"),
    ],
)
def test_layer_outputs_bad_arguments(kwargs, match):
    args = {"model": _dense_model(), "x": np.zeros((1, 3)), "layer_names": "out", **kwargs}
    with pytest.raises(ValueError, match=match):
        layer_outputs(**args)


def test_layer_outputs_refuses_what_is_not_a_model_by_type():
    with pytest.raises(TypeError, match=r"`model` must be a keras\.Model"):
        layer_outputs("lenet", np.zeros((1, 3)), "out")


def test_layer_outputs_accepts_a_numpy_batch_size():
    # Refused before ("must be a positive integer"): only Python ints passed.
    got = layer_outputs(_dense_model(), np.zeros((3, 3)), "out", batch_size=np.int64(2))
    assert got["out"].shape == (3, 2)


def test_layer_outputs_of_a_sequential_model_without_input():
    # One probe model for the callbacks and layer_outputs: a Sequential model without
    # keras.Input and not built yet has no symbolic graph; it is built on the shape of `x`
    # (as calling it would), as DeadReLUMonitor always did. Before, layer_outputs refused it
    # ("no defined inputs").
    model = keras.Sequential(
        [keras.layers.Dense(4, activation="relu", name="d"), keras.layers.Dense(2)]
    )
    x = np.random.default_rng(2).normal(size=(5, 3)).astype("float32")
    got = layer_outputs(model, x, "d")["d"]
    expected = keras.ops.convert_to_numpy(model.layers[0](x))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got.min() >= 0.0 and got.shape == (5, 4)


def test_layer_outputs_refuses_a_subclassed_model():
    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2, name="d")

        def call(self, x):
            return self.dense(x)

    model = Subclassed()
    model(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="Sequential or functional"):
        layer_outputs(model, np.zeros((1, 3)), "d")


def test_layer_outputs_multi_input_model():
    a, b = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    total = keras.layers.Add(name="sum")([a, b])
    model = keras.Model([a, b], keras.layers.Dense(1, name="out")(total))
    xa, xb = np.ones((3, 2), "float32"), 2 * np.ones((3, 2), "float32")
    # Before, np.asarray stacked the two inputs into one (2, 3, 2) array, which failed.
    got = layer_outputs(model, [xa, xb], "sum")["sum"]
    np.testing.assert_array_equal(got, 3 * np.ones((3, 2)))


# --------------------------------------------------------------------------------------------
# most_confident_mistakes
# --------------------------------------------------------------------------------------------


def test_mistakes_hand_computed_order():
    probs = np.array(
        [
            [0.9, 0.1, 0.0],  # true 1, predicted 0 with 0.9
            [0.2, 0.8, 0.0],  # true 1, right
            [0.5, 0.1, 0.4],  # true 2, predicted 0 with 0.5
            [0.0, 0.3, 0.7],  # true 0, predicted 2 with 0.7
            [0.0, 0.95, 0.05],  # true 1, right (more confident than any mistake)
        ]
    )
    y = np.array([1, 1, 2, 0, 1])
    assert most_confident_mistakes(y, probs, k=10).tolist() == [0, 3, 2]
    assert most_confident_mistakes(y, probs, k=2).tolist() == [0, 3]
    assert most_confident_mistakes(y, probs, k=2).dtype == np.int64


def test_mistakes_ties_keep_example_order_and_none_gives_empty():
    probs = np.array([[0.4, 0.6], [0.6, 0.4], [0.4, 0.6]])
    assert most_confident_mistakes(np.array([0, 1, 0]), probs).tolist() == [0, 1, 2]
    assert most_confident_mistakes(np.array([1, 0, 1]), probs).size == 0


def test_mistakes_agree_with_a_brute_force_count():
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(5), size=200)
    y = rng.integers(0, 5, size=200)
    worst = most_confident_mistakes(y, probs, k=200)
    wrong = probs.argmax(1) != y
    assert sorted(worst.tolist()) == np.flatnonzero(wrong).tolist()
    conf = probs[worst].max(axis=1)
    assert np.all(np.diff(conf) <= 0)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((np.array([0.0, 1.0]), np.eye(2)), "integer labels"),
        ((np.array([0, 1]), np.eye(3)), r"y_prob.shape=\(3, 3\)"),
        ((np.array([0, 1]), np.ones((2, 1))), "at least 2"),
        ((np.array([0, 2]), np.eye(2)), r"\[0, 1\]"),
        ((np.array([0, 1]), np.array([[np.nan, 1.0], [0.0, 1.0]])), "finite"),
        ((np.array([0, 1]), np.eye(2), 0), "k=0"),
    ],
)
def test_mistakes_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        most_confident_mistakes(*args)
