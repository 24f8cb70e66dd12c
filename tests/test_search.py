"""Tests for course_lib.search: log-uniform sampling and the coarse-to-fine region."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib.search import best_region, log_uniform


def test_log_uniform_range_and_repeatability():
    values = log_uniform(1e-5, 1.0, size=2000, seed=0)
    assert values.shape == (2000,)
    assert np.all((values >= 1e-5) & (values < 1.0))
    np.testing.assert_array_equal(values, log_uniform(1e-5, 1.0, size=2000, seed=0))
    assert not np.array_equal(values, log_uniform(1e-5, 1.0, size=2000, seed=1))


def test_log_uniform_is_uniform_in_the_exponent():
    values = log_uniform(1e-6, 1.0, size=60_000, seed=3)
    counts, _ = np.histogram(np.log10(values), bins=6, range=(-6, 0))
    # Each decade gets about 1/6 of the draws (a linear sampler would put 90 % in the last).
    np.testing.assert_allclose(counts / values.size, 1 / 6, atol=0.01)


def test_log_uniform_accepts_a_generator():
    rng = np.random.default_rng(5)
    a = log_uniform(0.1, 10.0, size=3, seed=rng)
    b = log_uniform(0.1, 10.0, size=3, seed=rng)
    assert not np.array_equal(a, b)  # the generator's stream goes on
    # and it is that generator that is drawn from: the same state gives the same values.
    again = np.random.default_rng(5)
    np.testing.assert_array_equal(log_uniform(0.1, 10.0, size=3, seed=again), a)
    np.testing.assert_array_equal(log_uniform(0.1, 10.0, size=3, seed=again), b)


def test_best_region_max_and_min():
    values = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    acc = [0.1, 0.5, 0.9, 0.7, float("nan")]
    assert best_region(values, acc, top=2, widen=1.0) == pytest.approx((1e-2, 1e-1))
    low, high = best_region(values, acc, top=1, widen=3.0)
    assert low == pytest.approx(1e-2 / 3) and high == pytest.approx(3e-2)
    loss = [2.0, 1.0, 0.5, 3.0, math.nan]
    assert best_region(values, loss, top=2, mode="min", widen=1.0) == pytest.approx((1e-3, 1e-2))


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0.0, 1.0, 3), {}, "low"),
        ((1.0, 1.0, 3), {}, "high"),
        ((1e-3, math.inf, 3), {}, "high"),
        ((1e-3, 1.0, 0), {}, "size"),
        ((1e-3, 1.0, 2.0), {}, "size"),
        ((1e-3, 1.0, 2), {"seed": "x"}, "seed"),
        ((1e-3, 1.0, 2), {"seed": -1}, "`seed` must be a non-negative integer"),
        ((1e-3, 1.0, 2), {"seed": True}, "`seed`"),
        ((1e-3, 1.0, True), {}, "`size` must be a positive integer"),
    ],
)
def test_log_uniform_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        log_uniform(*args, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"values": [1.0, 2.0], "scores": [1.0]}, "same"),
        ({"values": [0.0, 2.0], "scores": [1.0, 2.0]}, "positive"),
        ({"values": [1.0, 2.0], "scores": [1.0, 2.0], "top": 3}, "top"),
        ({"values": [1.0, 2.0], "scores": [1.0, 2.0], "top": 1, "mode": "best"}, "mode"),
        ({"values": [1.0, 2.0], "scores": [1.0, 2.0], "top": 1, "widen": 0.5}, "widen"),
        ({"values": [], "scores": []}, "`values` is empty"),
        ({"values": [[1.0, 2.0]], "scores": [1.0, 2.0]}, "`values` must be a 1-D array"),
        ({"values": [1.0, 2.0], "scores": ["a", "b"]}, "`scores` must hold real numbers"),
        ({"values": [1.0, 2.0], "scores": [1.0, 2.0], "top": True}, "`top`"),
    ],
)
def test_best_region_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        best_region(**kwargs)


def test_numpy_scalars_are_accepted():
    values = log_uniform(np.float32(1e-3), np.float64(1.0), np.int64(3), seed=np.int64(0))
    assert values.shape == (3,)
    region = best_region([1e-3, 1e-2], [0.1, 0.9], top=np.int64(1), widen=np.float32(1.0))
    assert region == pytest.approx((1e-2, 1e-2))
