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


def test_accuracy_is_importable_from_here():
    # (tested in test_metrics.py; notebook 12 imports it from course_lib.ensembles)
    from course_lib import metrics

    assert accuracy is metrics.accuracy


def test_one_models_2d_array_is_refused_not_averaged_over_its_examples():
    # Bug: this returned shape (3,), the mean over the 5 examples of one model.
    with pytest.raises(ValueError, match=r"`predictions` is a 2-D array .* ambiguous"):
        average_predictions(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"`predictions` is a 1-D array"):
        average_predictions(np.array([0.2, 0.4]))
    # A list of numbers is one model's (n,) output, not n models.
    with pytest.raises(ValueError, match=r"\[predictions\]"):
        average_predictions([0.2, 0.4])


def test_a_list_of_one_model_is_returned_as_it_is():
    p = np.random.default_rng(2).random((5, 3)).astype("float32")
    out = average_predictions([p])
    assert out.shape == (5, 3) and out.dtype == np.float64
    np.testing.assert_allclose(out, p)
    # Several models' binary (n,) outputs: as a list, or list(stacked).
    stacked = np.array([[0.2, 0.8], [0.4, 0.6]])
    np.testing.assert_allclose(average_predictions(list(stacked)), [0.3, 0.7])


def test_weights_accept_numpy_values():
    a, b = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    out = average_predictions([a, b], weights=np.array([3, 1]))
    np.testing.assert_allclose(out, [[0.75, 0.25]])
    out = average_predictions((a, b), weights=[np.float32(1), np.int64(1)])
    np.testing.assert_allclose(out, [[0.5, 0.5]])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([],), {}, "empty"),
        (([np.zeros(3), np.full(3, np.nan)],), {}, r"`predictions\[1\]` must hold finite"),
        (([np.zeros((2, 3)), np.zeros((3, 3))],), {}, "same shape"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [1.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [0.0, 0.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [-1.0, 2.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [True, 1.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": [np.nan, 1.0]}, "weights"),
        (([np.zeros(2), np.zeros(2)],), {"weights": "ab"}, "weights"),
    ],
)
def test_average_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        average_predictions(*args, **kwargs)


def test_average_of_something_not_a_list_is_a_type_error():
    with pytest.raises(TypeError, match="`predictions` must be a list of arrays"):
        average_predictions("abc")


def test_predict_ensemble_bad_arguments():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    x = np.zeros((2, 2), dtype="float32")
    with pytest.raises(ValueError, match="`models` is empty"):
        predict_ensemble([], x)
    with pytest.raises(TypeError, match=r"`models\[1\]` must be a Keras model"):
        predict_ensemble([model, "not a model"], x)
    with pytest.raises(TypeError, match="`models` must be a non-empty list"):
        predict_ensemble(model, x)
    with pytest.raises(ValueError, match="batch_size"):
        predict_ensemble([model], x, batch_size=0)
    with pytest.raises(ValueError, match="weights"):
        predict_ensemble([model], x, weights=[1.0, 1.0])
