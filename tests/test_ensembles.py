"""Tests for course_lib.ensembles: averaging the predictions of several models."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_lib.ensembles import accuracy, average_predictions, predict_ensemble


def test_average_is_the_elementwise_mean():
    rng = np.random.default_rng(0)
    members = [rng.random((5, 3)) for _ in range(4)]
    np.testing.assert_allclose(average_predictions(members), sum(members) / 4)
    np.testing.assert_allclose(average_predictions(np.stack(members)), sum(members) / 4)


def test_weighted_average():
    a, b = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    np.testing.assert_allclose(average_predictions([a, b], weights=[3, 1]), [[0.75, 0.25]])
    np.testing.assert_allclose(average_predictions([a, b], weights=[0, 2]), b)


def test_averaging_fixes_independent_mistakes():
    # Three members, each wrong on a different example: the average is right everywhere.
    y = np.array([0, 1, 2])
    eye = np.eye(3) * 0.6 + 0.1
    members = []
    for wrong in range(3):
        p = eye.copy()
        p[wrong] = np.roll(p[wrong], 1)
        members.append(p)
    assert all(accuracy(p, y) == pytest.approx(2 / 3) for p in members)
    assert accuracy(average_predictions(members), y) == 1.0


def test_predict_ensemble_matches_manual_average():
    x = np.random.default_rng(1).normal(size=(6, 4)).astype("float32")
    models = []
    for seed in range(3):
        keras.utils.set_random_seed(seed)
        models.append(
            keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        )
    expected = np.mean([m.predict(x, verbose=0) for m in models], axis=0)
    np.testing.assert_allclose(predict_ensemble(models, x, batch_size=4), expected, rtol=1e-6)


def test_accuracy():
    assert accuracy([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 0, 0]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="labels"):
        accuracy([[0.1, 0.9]], [1, 0])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([],), {}, "empty"),
        (("abc",), {}, "predictions"),
        (([np.zeros((2, 3)), np.zeros((3, 3))],), {}, "same shape"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [1.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [0.0, 0.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [-1.0, 2.0]}, "weights"),
    ],
)
def test_average_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        average_predictions(*args, **kwargs)


def test_predict_ensemble_bad_arguments():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    x = np.zeros((2, 2), dtype="float32")
    with pytest.raises(ValueError, match="models"):
        predict_ensemble([], x)
    with pytest.raises(ValueError, match="predict"):
        predict_ensemble([model, "not a model"], x)
    with pytest.raises(ValueError, match="batch_size"):
        predict_ensemble([model], x, batch_size=0)
