"""course_lib.maxout: the Maxout layer, its parameter count, its special cases, its round trip."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib.maxout import Maxout, maxout_param_count

RNG = np.random.default_rng(0)


def _numpy(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


def test_two_pieces_double_the_parameters_of_a_dense_layer():
    dense = keras.layers.Dense(100)
    dense.build((None, 784))
    maxout = Maxout(100)
    maxout.build((None, 784))
    assert maxout.count_params() == 2 * dense.count_params() == maxout_param_count(784, 100)


@pytest.mark.parametrize("pieces", [2, 3, 5])
def test_output_is_the_maximum_over_the_pieces(pieces):
    layer = Maxout(3, pieces=pieces)
    x = RNG.normal(size=(6, 4)).astype("float32")
    out = _numpy(layer(x))
    z = x @ _numpy(layer.dense.kernel) + _numpy(layer.dense.bias)
    np.testing.assert_allclose(out, z.reshape(6, 3, pieces).max(axis=-1), rtol=1e-6)
    assert layer.count_params() == maxout_param_count(4, 3, pieces)


def _two_pieces(layer: Maxout, first: np.ndarray, second: np.ndarray) -> None:
    """Piece 0 of every unit gets the weights ``first``, piece 1 gets ``second``."""
    kernel = np.stack([first, second], axis=-1).reshape(first.shape[0], -1)
    layer.dense.kernel.assign(kernel)
    layer.dense.bias.assign(np.zeros(kernel.shape[1]))


def test_relu_and_leaky_relu_are_special_cases():
    x = RNG.normal(size=(50, 3)).astype("float32")
    w = RNG.normal(size=(3, 4)).astype("float32")
    relu_like = Maxout(4)
    relu_like.build((None, 3))
    _two_pieces(relu_like, np.zeros_like(w), w)
    np.testing.assert_allclose(_numpy(relu_like(x)), np.maximum(0.0, x @ w), atol=1e-6)

    leaky = Maxout(4)
    leaky.build((None, 3))
    _two_pieces(leaky, 0.1 * w, w)
    z = x @ w
    np.testing.assert_allclose(_numpy(leaky(x)), np.where(z > 0, z, 0.1 * z), atol=1e-6)


def test_works_on_sequences_and_in_a_model():
    layer = Maxout(5, pieces=3)
    assert tuple(layer(np.zeros((2, 7, 4), dtype="float32")).shape) == (2, 7, 5)
    model = keras.Sequential([keras.Input((4,)), Maxout(8), keras.layers.Dense(2)])
    assert model.output_shape == (None, 2)
    assert model.count_params() == 2 * (4 + 1) * 8 + (8 + 1) * 2


def test_gradient_flows_to_the_winning_piece_only():
    from course_lib.autodiff import layer_gradients

    layer = Maxout(1, use_bias=False, dtype="float64")
    layer.build((None, 1))
    layer.dense.kernel.assign([[-1.0, 2.0]])
    _, grads = layer_gradients(layer, np.array([[3.0]]), np.array([[1.0]]))
    # At x = 3 the second piece (2x = 6) beats the first (-x = -3): only it gets the gradient.
    np.testing.assert_array_equal(grads[layer.dense.kernel.path], [[0.0, 3.0]])


def test_round_trip(tmp_path):
    kwargs = {
        "units": 3,
        "pieces": 4,
        "kernel_initializer": keras.initializers.HeNormal(seed=2),
        "use_bias": False,
        "name": "maxout",
    }
    assert_layer_round_trip(Maxout, kwargs, RNG.random((8, 5)).astype("float32"), tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"units": 3, "pieces": 1}, "`pieces` must be an integer >= 2"),
        ({"units": 0}, "`units` must be a positive integer"),
        ({"units": 3, "kernel_initializer": "no-such-init"}, "`kernel_initializer`"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Maxout(**kwargs)
