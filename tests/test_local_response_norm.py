"""Local response normalization: the formula of Krizhevsky et al. (2012), checked in NumPy."""

import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib.local_response_norm import LocalResponseNorm

RNG = np.random.default_rng(0)


def _reference(a, size, alpha, beta, k):
    """b_c = a_c / (k + alpha * sum of a_j^2 over the `size` channels around c) ** beta."""
    channels = a.shape[-1]
    out = np.empty_like(a)
    for c in range(channels):
        low, high = max(0, c - size // 2), min(channels, c + size // 2 + 1)
        out[..., c] = a[..., c] / (k + alpha * (a[..., low:high] ** 2).sum(-1)) ** beta
    return out


@pytest.mark.parametrize(
    ("size", "alpha", "beta", "k"), [(5, 1e-4, 0.75, 2.0), (3, 0.5, 1.0, 1.0), (1, 2.0, 0.5, 0.1)]
)
def test_matches_the_formula(size, alpha, beta, k):
    a = RNG.normal(size=(2, 3, 4, 7)).astype("float32") * 3
    layer = LocalResponseNorm(size, alpha=alpha, beta=beta, k=k)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(a)), _reference(a, size, alpha, beta, k), rtol=1e-5
    )


def test_no_weights_and_same_shape():
    layer = LocalResponseNorm()
    assert tuple(layer(np.ones((1, 2, 2, 6), "float32")).shape) == (1, 2, 2, 6)
    assert layer.count_params() == 0


def test_round_trip(tmp_path):
    kwargs = {"size": 3, "alpha": 0.1, "beta": 0.5, "k": 1.5, "name": "lrn"}
    assert_layer_round_trip(LocalResponseNorm, kwargs, RNG.random((2, 3, 3, 5)), tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"size": 4}, "odd"),
        ({"size": 0}, "size"),
        ({"alpha": -1.0}, "alpha"),
        ({"beta": float("nan")}, "beta"),
        ({"k": 0}, "k"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LocalResponseNorm(**kwargs)
