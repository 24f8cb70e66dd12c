"""Tests for course_lib.metrics: accuracy and the confusion matrix."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import ensembles, metrics, plots
from course_lib.metrics import accuracy, confusion_matrix

# --------------------------------------------------------------------------------------------
# Where the metrics live
# --------------------------------------------------------------------------------------------


def test_old_import_paths_give_the_same_objects():
    assert ensembles.accuracy is metrics.accuracy
    assert plots.confusion_matrix is metrics.confusion_matrix
    assert "accuracy" in ensembles.__all__ and "confusion_matrix" in plots.__all__


# --------------------------------------------------------------------------------------------
# accuracy
# --------------------------------------------------------------------------------------------


def test_accuracy_of_class_probabilities_is_the_argmax_match_rate():
    assert accuracy([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 0, 0]) == pytest.approx(2 / 3)
    # Logits work as well: the arg-max does not change.
    assert accuracy([[-3.0, 2.0], [5.0, -1.0]], np.array([1, 0])) == 1.0


def test_accuracy_of_one_sigmoid_unit_thresholds_at_one_half():
    # Bug: the arg-max of an (n, 1) output is always 0, so this was 0.5.
    assert accuracy([[0.9], [0.1]], [1, 0]) == 1.0
    assert accuracy(np.array([[0.6], [0.4], [0.2], [0.51]]), [1, 1, 0, 1]) == 0.75
    # The same outputs as (n,) (refused before).
    assert accuracy([0.9, 0.1, 0.7], [1, 0, 0]) == pytest.approx(2 / 3)
    assert accuracy(np.float32([0.5, 0.5]), [0, 1]) == 0.5  # 0.5 itself is class 0


def test_accuracy_refuses_an_empty_batch_by_name():
    # Bug: the mean over no examples was nan.
    with pytest.raises(ValueError, match="`probabilities` is empty"):
        accuracy(np.zeros((0, 3)), np.zeros(0))
    with pytest.raises(ValueError, match="`probabilities` is empty"):
        accuracy([], [])
    with pytest.raises(ValueError, match="`labels` is empty"):
        accuracy([[0.2, 0.8]], [])


@pytest.mark.parametrize(
    ("probabilities", "labels", "match"),
    [
        ([[0.1, 0.9]], [1, 0], "labels"),
        ([[[0.1, 0.9]]], [1], r"probabilities.shape=\(1, 1, 2\)"),
        ([[0.1, 0.9]], [[1]], "labels"),
        ([1.5, 0.2], [1, 0], r"must lie in \[0, 1\].*sigmoid"),
        ([[2.0], [-1.0]], [1, 0], r"must lie in \[0, 1\]"),
        ([0.7, 0.2], [2, 0], r"`labels` must be class numbers in \[0, 1\]"),
        ([[0.1, 0.9]], [3], r"`labels` must be class numbers in \[0, 1\]"),
        ([[0.1, 0.9]], [0.5], r"`labels` must be class numbers"),
        ([[0.1, np.nan]], [1], "`probabilities` must hold finite"),
        (["a", "b"], [1, 0], "`probabilities` must hold real numbers"),
        ([0.2, 0.7], ["x", "y"], "`labels` must hold real numbers"),
    ],
)
def test_accuracy_bad_arguments(probabilities, labels, match):
    with pytest.raises(ValueError, match=match):
        accuracy(probabilities, labels)


# --------------------------------------------------------------------------------------------
# confusion_matrix
# --------------------------------------------------------------------------------------------

Y_TRUE = [0, 0, 1, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 1, 1, 1, 2, 2, 2, 0, 2]
EXPECTED = np.array([[1, 1, 0], [0, 2, 1], [1, 0, 3]])


def test_confusion_matrix_hand_computed():
    cm = confusion_matrix(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(cm, EXPECTED)
    assert cm.dtype == np.int64
    assert cm.sum() == len(Y_TRUE)


def test_confusion_matrix_num_classes_one_hot_and_scores():
    padded = confusion_matrix(Y_TRUE, Y_PRED, num_classes=4)
    np.testing.assert_array_equal(padded[:3, :3], EXPECTED)
    assert padded[3].sum() == padded[:, 3].sum() == 0
    scores = np.eye(3)[Y_PRED] * 0.8 + 0.05
    np.testing.assert_array_equal(confusion_matrix(np.eye(3)[Y_TRUE], scores), EXPECTED)
    # Binary probabilities are thresholded at 0.5.
    np.testing.assert_array_equal(confusion_matrix([0, 1, 1], [0.2, 0.7, 0.4]), [[1, 0], [1, 1]])
    np.testing.assert_array_equal(confusion_matrix([], [], num_classes=2), np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0, 1], [0]), r"`y_pred` must have one entry per example of `y_true` \(2\)"),
        (([0, -1], [0, 1]), r"`y_true` must hold class numbers >= 0"),
        (([0, 3], [0, 1], 3), r"`num_classes` must be larger.*`y_true` holds the label 3"),
        (([0, 1], [0, 4], 3), r"`num_classes` must be larger.*`y_pred` holds the label 4"),
        (([0, 1], [0, 1], 0), r"`num_classes` must be a positive integer"),
        (([], []), r"pass `num_classes`"),
        ((np.zeros((2, 2, 2)), [0, 1]), r"`y_true` must have shape \(n,\)"),
    ],
)
def test_confusion_matrix_bad_arguments(args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        confusion_matrix(*args)


def test_confusion_matrix_of_one_sigmoid_unit():
    np.testing.assert_array_equal(
        confusion_matrix([1, 0, 1], [[0.9], [0.2], [0.3]]), [[1, 0], [1, 1]]
    )
