"""Bad-input rows for course_lib.plots (every module of the package), course_lib.metrics,
course_lib.ensembles, course_lib.search and course_lib.schedules."""

from __future__ import annotations

import keras
import numpy as np

from bad_input.table import INF, NAN, Row
from course_lib import ensembles, metrics, schedules, search
from course_lib.plots import (
    plot_activation_histograms,
    plot_confusion_matrix,
    plot_decision_regions,
    plot_feature_maps,
    plot_filters,
    plot_history,
    plot_image_grid,
)


def _fresh_figures(kwargs: dict) -> dict:
    """Close the figures of the previous call (each good call opens one)."""
    import matplotlib.pyplot as plt

    plt.close("all")
    return kwargs


def _x0_positive(a: np.ndarray) -> np.ndarray:
    return (a[:, 0] > 0).astype(int)


def _tiny_model() -> keras.Model:
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])


_RNG = np.random.default_rng(0)
_TITLE = {"title": "optional_string"}
_NO_MAP = ["no-such-map"]

ROWS = [
    # ---------------------------------------------------------------- metrics
    Row(
        metrics.accuracy,
        kwargs={"probabilities": [[0.2, 0.8], [0.6, 0.4]], "labels": [1, 0]},
        params={"probabilities": "array", "labels": "array"},
        bad={
            "probabilities": [[[[0.1, 0.9]]], [[0.1, 0.9]], [1.5, 0.2], [[0.1, NAN], [0.2, 0.8]]],
            "labels": [[[1, 0]], [1], [2, 0], [0.5, 1]],
        },
    ),
    Row(
        metrics.confusion_matrix,
        kwargs={"y_true": [0, 1, 1], "y_pred": [0, 1, 0], "num_classes": 2},
        params={"y_true": "array", "y_pred": "array", "num_classes": "optional_positive_int"},
        bad={
            "y_true": [[0, -1, 1], np.zeros((3, 2, 2)), [0, 5, 1]],
            "y_pred": [[0, 1], [0.0, 2.5, 1.0]],
            "num_classes": [1],
        },
    ),
    # ---------------------------------------------------------------- ensembles
    Row(
        ensembles.average_predictions,
        kwargs={"predictions": [[[0.9, 0.1]], [[0.3, 0.7]]], "weights": [1.0, 3.0]},
        params={"predictions": "array", "weights": "optional_object"},
        bad={
            "predictions": [np.ones((5, 3)), [0.2, 0.4], [np.zeros((1, 2)), np.zeros((2, 2))]],
            "weights": [[1.0], [0.0, 0.0], [-1.0, 2.0], [True, 1.0], [NAN, 1.0], [1.0, INF]],
        },
    ),
    Row(
        ensembles.predict_ensemble,
        kwargs={
            "models": [_tiny_model()],
            "x": np.zeros((2, 2), dtype="float32"),
            "batch_size": 4,
            "weights": [1.0],
        },
        params={"models": "object", "batch_size": "positive_int", "weights": "optional_object"},
        skip={"x": "anything model.predict accepts; Keras checks it against the model"},
        bad={"models": [[], ["not a model"]], "weights": [[1.0, 1.0], [0.0], [-1.0]]},
    ),
    # ---------------------------------------------------------------- search
    Row(
        search.log_uniform,
        kwargs={"low": 1e-3, "high": 1.0, "size": 3, "seed": 0},
        params={
            "low": "positive_number",
            "high": "positive_number",
            "size": "positive_int",
            "seed": "seed",
        },
        bad={"high": [1e-3, 1e-4], "low": [1.0, 2.0]},
    ),
    Row(
        search.best_region,
        kwargs={
            "values": [1e-3, 1e-2, 1e-1],
            "scores": [0.1, 0.5, 0.2],
            "top": 2,
            "mode": "max",
            "widen": 2.0,
        },
        params={
            "values": "array",
            "scores": "array",
            "top": "positive_int",
            "mode": "choice",
            "widen": "positive_number",
        },
        bad={
            "values": [[0.0, 1.0, 2.0], [[1e-3, 1e-2, 1e-1]], [1e-3, NAN, 1e-1]],
            "scores": [[0.1, 0.5]],
            "top": [4],
            "widen": [0.5],
        },
    ),
    # ---------------------------------------------------------------- schedules
    Row(
        schedules.CyclicCosine,
        kwargs={"max_lr": 0.1, "cycle_steps": 10, "min_lr": 0.0, "name": "cyclic"},
        params={
            "max_lr": "positive_number",
            "cycle_steps": "positive_int",
            "min_lr": "non_negative_number",
            "name": "string",
        },
        bad={"min_lr": [0.1, 0.5]},
    ),
    # ---------------------------------------------------------------- plots
    Row(
        plot_history,
        kwargs={
            "history": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]},
            "metrics": "loss",
            "ax": None,
            "title": "training",
        },
        params={
            "history": "object",
            "metrics": "optional_string_list",
            "ax": "optional_object",
            **_TITLE,
        },
        bad={
            "history": [{}, {"loss": [[1.0, 2.0]]}, {"loss": ["a", "b"]}, [1.0, 2.0]],
            "metrics": [[], ["loss", "acc"]],
            "ax": [[None]],
        },
        prepare=_fresh_figures,
    ),
    Row(
        plot_decision_regions,
        kwargs={
            "predict": _x0_positive,
            "X": np.array([[-1.0, 0.0], [-0.5, 1.0], [0.5, -1.0], [1.0, 0.0]]),
            "y": [0, 0, 1, 1],
            "ax": None,
            "resolution": 5,
            "padding": 0.5,
            "cmap": "tab10",
            "title": None,
        },
        params={
            "predict": "object",
            "X": "array",
            "y": "array",
            "ax": "optional_object",
            "resolution": "positive_int",
            "padding": "non_negative_number",
            "cmap": "optional_string",
            **_TITLE,
        },
        bad={
            "predict": [lambda a: np.zeros(3, dtype=int), lambda a: a[:, 0] * 3.3],
            "X": [np.zeros((4, 3)), np.full((4, 2), NAN), np.zeros((0, 2))],
            "y": [[0, 1], np.zeros((4, 2, 2))],
            "resolution": [1, 2001],
            "cmap": _NO_MAP,
        },
        prepare=_fresh_figures,
    ),
    Row(
        plot_image_grid,
        kwargs={
            "images": _RNG.random((2, 4, 4)),
            "labels": [0, 1],
            "class_names": ["a", "b"],
            "predictions": [1, 1],
            "ncols": 2,
            "ax": None,
            "cmap": "gray",
            "title": None,
        },
        params={
            "images": "array",
            "labels": "optional_array",
            "class_names": "optional_string_list",
            "predictions": "optional_array",
            "ncols": "positive_int",
            "ax": "optional_object",
            "cmap": "optional_string",
            **_TITLE,
        },
        bad={
            "images": [np.zeros((2, 4, 4, 2)), np.full((2, 4, 4), 2.0), np.zeros((101, 2, 2))],
            "labels": [[0, 1, 1], [0, 5]],
            "class_names": [["a"], []],
            "predictions": [[0, 1, 1], [0, 7]],
            "cmap": _NO_MAP,
        },
        prepare=_fresh_figures,
    ),
    Row(
        plot_activation_histograms,
        kwargs={
            "activations": [np.arange(4.0), np.arange(3.0)],
            "axes": None,
            "bins": 5,
            "range": None,
            "title": None,
        },
        params={
            "activations": "array",
            "axes": "optional_object",
            "bins": "positive_int",
            "range": "optional_object",
            **_TITLE,
        },
        bad={
            "activations": [np.zeros((3, 4)), [np.array([NAN])], {"a": ["x"]}, {}],
            "axes": [[None, None]],
            "range": [(1.0, 0.0), (0.0, INF), ("a", 1.0), (True, 1.0), (0.0,), "ab"],
        },
        prepare=_fresh_figures,
    ),
    Row(
        plot_confusion_matrix,
        kwargs={
            "y_true": [0, 1, 1],
            "y_pred": [0, 1, 0],
            "class_names": ["a", "b"],
            "ax": None,
            "normalize": "true",
        },
        params={
            "y_true": "array",
            "y_pred": "array",
            "class_names": "optional_string_list",
            "ax": "optional_object",
            "normalize": "object",
        },
        bad={
            "y_true": [[0, -1, 1], [0, 1]],
            "y_pred": [[0, 1], [0, 3, 1]],
            "class_names": [["a"], []],
            "normalize": ["rows", 1, 0.5, "True"],
        },
        prepare=_fresh_figures,
    ),
    Row(
        plot_filters,
        kwargs={
            "kernel": _RNG.normal(size=(3, 3, 2, 4)),
            "channel": 1,
            "ncols": 2,
            "axes": None,
            "cmap": "RdBu_r",
            "title": None,
        },
        params={
            "kernel": "array",
            "channel": "non_negative_int",  # None is refused too: the kernel has 2 channels
            "ncols": "positive_int",
            "axes": "optional_object",
            "cmap": "string",
            **_TITLE,
        },
        bad={
            "kernel": [np.zeros((3, 3, 1)), np.zeros((3, 3, 1, 65)), np.full((3, 3, 1, 1), NAN)],
            "channel": [2],
            "axes": [[None] * 4],
            "cmap": _NO_MAP,
        },
        prepare=_fresh_figures,
    ),
    Row(
        plot_feature_maps,
        kwargs={
            "activations": _RNG.random((4, 4, 2)),
            "ncols": 2,
            "axes": None,
            "cmap": "viridis",
            "shared_scale": False,
            "title": None,
        },
        params={
            "activations": "array",
            "ncols": "positive_int",
            "axes": "optional_object",
            "cmap": "string",
            "shared_scale": "bool",
            **_TITLE,
        },
        bad={
            "activations": [np.zeros((2, 4, 4, 3)), np.zeros((4, 4)), np.zeros((4, 4, 65))],
            "axes": [[None, None]],
            "cmap": _NO_MAP,
        },
        prepare=_fresh_figures,
    ),
]
