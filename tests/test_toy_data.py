"""Tests for course_lib.toy_data."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.toy_data import spiral


def test_shapes_dtypes_and_labels():
    x, y = spiral(n_per_class=40, n_classes=3, seed=1)
    assert x.shape == (120, 2) and x.dtype == np.float32
    assert y.shape == (120,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [40, 40, 40])


def test_same_seed_same_points_other_seed_other_points():
    a, _ = spiral(30, 2, seed=5)
    b, _ = spiral(30, 2, seed=5)
    c, _ = spiral(30, 2, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_noise_free_arms_follow_the_formula():
    x, y = spiral(5, 2, noise=0.0, turns=0.5)
    radius = np.linspace(0, 1, 5)
    angle = 2 * np.pi * (0.5 * radius + 0.5)  # arm 1 is rotated by half a turn
    expected = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    np.testing.assert_allclose(x[y == 1], expected, atol=1e-6)
    assert np.all(np.linalg.norm(x, axis=1) <= 1 + 1e-6)


def test_not_linearly_separable():
    from sklearn.linear_model import LogisticRegression

    x, y = spiral(100, 3, seed=0)
    accuracy = LogisticRegression(max_iter=500).fit(x, y).score(x, y)
    assert accuracy < 0.7


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_per_class": 0}, ValueError, "n_per_class"),
        ({"n_per_class": 2.5}, ValueError, "n_per_class"),
        ({"n_classes": 1}, ValueError, "n_classes"),
        ({"n_classes": True}, ValueError, "n_classes"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"turns": 0}, ValueError, "turns"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        spiral(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"noise": "a"}, r"`noise` must be a non-negative number. Received: noise='a'"),
        ({"noise": True}, r"`noise` must be a non-negative number"),
        ({"noise": float("nan")}, r"`noise` must be"),
        ({"turns": "a"}, r"`turns` must be a positive number"),
        ({"turns": None}, r"`turns` must be a positive number"),
        ({"seed": "a"}, r"`seed` must be a non-negative integer or None"),
        ({"seed": -1}, r"`seed` must be a non-negative integer or None"),
        ({"n_classes": "3"}, r"`n_classes` must be an integer >= 2"),
    ],
)
def test_bad_values_get_a_clear_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        spiral(**kwargs)


def test_numpy_scalars_are_accepted():
    x, y = spiral(
        np.int64(10), np.int32(2), noise=np.float32(0.1), turns=np.float64(0.5), seed=np.int64(3)
    )
    x_ref, _ = spiral(10, 2, noise=0.1, turns=0.5, seed=3)
    assert x.shape == (20, 2) and y.shape == (20,)
    np.testing.assert_allclose(x, x_ref, atol=1e-6)
