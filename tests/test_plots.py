"""Tests for course_lib.plots: they check what is drawn, not only that drawing works."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb, to_rgba

from course_lib import plots
from course_lib.plots import (
    plot_activation_histograms,
    plot_confusion_matrix,
    plot_decision_regions,
    plot_history,
    plot_image_grid,
)

HISTORY = {
    "loss": [0.9, 0.5, 0.3],
    "accuracy": [0.6, 0.8, 0.9],
    "val_loss": [1.0, 0.7, 0.6],
    "val_accuracy": [0.5, 0.7, 0.75],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax() -> Axes:
    _, axes = plt.subplots()
    return axes


def _lines_by_label(axes: Axes) -> dict:
    return {line.get_label(): line for line in axes.lines}


# --------------------------------------------------------------------------------------------
# The module as a whole
# --------------------------------------------------------------------------------------------


def test_import_does_not_pull_in_tensorflow_keras_or_pyplot():
    code = (
        "import sys, course_lib.plots; "
        "bad = [m for m in ('tensorflow', 'keras', 'matplotlib.pyplot') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_global_settings_changed_and_no_show(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() was called")

    monkeypatch.setattr(plt, "show", no_show)
    before = dict(mpl.rcParams)
    plot_history(HISTORY)
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    plot_decision_regions(lambda a: np.zeros(len(a), dtype=int), X, [0, 0], resolution=5)
    plot_image_grid(np.zeros((2, 4, 4)), labels=[0, 1])
    plot_activation_histograms([np.arange(5.0)])
    plot_confusion_matrix([0, 1], [1, 1])
    assert dict(mpl.rcParams) == before


OLD_PUBLIC_NAMES = [
    "MAX_ATTRIBUTION_IMAGES",
    "MAX_GRID_IMAGES",
    "MAX_TILES",
    "confusion_matrix",
    "plot_activation_histograms",
    "plot_attribution",
    "plot_confusion_matrix",
    "plot_decision_regions",
    "plot_feature_maps",
    "plot_filters",
    "plot_history",
    "plot_image_grid",
]


def test_every_name_of_the_old_module_still_imports_from_course_lib_plots():
    assert sorted(plots.__all__) == OLD_PUBLIC_NAMES
    for name in OLD_PUBLIC_NAMES:
        assert getattr(plots, name) is not None
    # Each family lives in its own module and is the same object there.
    from course_lib.plots import activations, confusion, conv, decision_regions, history, images

    assert plots.plot_history is history.plot_history
    assert plots.plot_decision_regions is decision_regions.plot_decision_regions
    assert plots.plot_image_grid is images.plot_image_grid
    assert plots.plot_activation_histograms is activations.plot_activation_histograms
    assert plots.plot_confusion_matrix is confusion.plot_confusion_matrix
    assert plots.plot_filters is conv.plot_filters and plots.MAX_TILES == conv.MAX_TILES


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: plot_history([1.0, 2.0]), "history"),
        (lambda: plot_history(HISTORY, metrics="loss", ax="left"), "ax"),
        (lambda: plot_decision_regions("model", np.zeros((2, 2)), [0, 1]), "predict"),
        (lambda: plot_image_grid(np.zeros((2, 4, 4)), ax=3), "ax"),
        (lambda: plot_activation_histograms(np.zeros((3, 4))), "activations"),
        (lambda: plot_activation_histograms([np.zeros(3)], axes=[None]), "axes"),
        (lambda: plot_confusion_matrix([0, 1], [0, 1], ax=object()), "ax"),
    ],
)
def test_an_object_of_the_wrong_class_is_a_type_error_naming_the_argument(call, name):
    with pytest.raises(TypeError, match=rf"`{name}` must be"):
        call()


# --------------------------------------------------------------------------------------------
# plot_history
# --------------------------------------------------------------------------------------------


def test_history_draws_train_and_dashed_val_line_from_epoch_1(ax):
    out = plot_history(HISTORY, metrics="loss", ax=ax, title="Loss")
    assert out is ax
    lines = _lines_by_label(ax)
    assert set(lines) == {"loss", "val_loss"}
    np.testing.assert_array_equal(lines["loss"].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(lines["loss"].get_ydata(), HISTORY["loss"])
    np.testing.assert_allclose(lines["val_loss"].get_ydata(), HISTORY["val_loss"])
    assert lines["loss"].get_linestyle() == "-"
    assert lines["val_loss"].get_linestyle() == "--"
    assert to_rgba(lines["loss"].get_color()) == to_rgba(lines["val_loss"].get_color())
    assert ax.get_title() == "Loss"


def test_history_mixed_loss_and_accuracy_gives_one_panel_per_metric():
    out = plot_history(HISTORY)
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    assert all(isinstance(a, Axes) for a in out)
    assert out[0].figure is out[1].figure
    assert set(_lines_by_label(out[0])) == {"loss", "val_loss"}
    assert set(_lines_by_label(out[1])) == {"accuracy", "val_accuracy"}
    np.testing.assert_allclose(
        _lines_by_label(out[1])["val_accuracy"].get_ydata(), [0.5, 0.7, 0.75]
    )
    # Different metrics, different colours.
    assert to_rgba(out[0].lines[0].get_color()) != to_rgba(out[1].lines[0].get_color())


def test_history_same_kind_metrics_share_one_axes():
    out = plot_history({"loss": [3.0, 2.0], "mae": [1.5, 1.0]})
    assert isinstance(out, Axes)
    assert set(_lines_by_label(out)) == {"loss", "mae"}
    assert all(line.get_linestyle() == "-" for line in out.lines)


def test_history_val_key_named_alone_is_one_dashed_line(ax):
    plot_history(HISTORY, metrics="val_loss", ax=ax)
    (line,) = ax.lines
    assert line.get_label() == "val_loss" and line.get_linestyle() == "--"
    np.testing.assert_allclose(line.get_ydata(), HISTORY["val_loss"])
    # Named next to its training key, it is drawn once, not twice.
    _, other = plt.subplots()
    plot_history(HISTORY, metrics=["loss", "val_loss"], ax=other)
    assert sorted(line.get_label() for line in other.lines) == ["loss", "val_loss"]


def test_history_mixed_metrics_on_a_given_axes_stay_on_it(ax):
    out = plot_history(HISTORY, ax=ax)
    assert out is ax
    assert len(ax.lines) == 4


def test_history_sequence_of_axes_one_metric_each():
    _, given = plt.subplots(1, 2)
    out = plot_history(HISTORY, metrics=["accuracy", "loss"], ax=list(given))
    assert list(out) == list(given)
    assert set(_lines_by_label(given[0])) == {"accuracy", "val_accuracy"}
    assert set(_lines_by_label(given[1])) == {"loss", "val_loss"}


def test_history_accepts_any_object_with_a_history_dict(ax):
    out = plot_history(SimpleNamespace(history={"loss": [2.0, 1.0, 0.5, 0.25]}), ax=ax)
    assert out is ax
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(line.get_ydata(), [2.0, 1.0, 0.5, 0.25])


def test_history_from_a_real_keras_fit():
    import keras

    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, validation_split=0.25, verbose=0)
    axes = plot_history(history)
    assert isinstance(axes, np.ndarray) and len(axes) == 2
    (loss_panel,) = [a for a in axes if a.get_ylabel() == "loss"]
    loss = _lines_by_label(loss_panel)["val_loss"]
    np.testing.assert_array_equal(loss.get_xdata(), [1, 2])
    np.testing.assert_allclose(loss.get_ydata(), history.history["val_loss"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"history": {"loss": [1.0], "val_loss": [1.0]}, "metrics": ["acc"]},
            r"`metrics` must name keys of the history\. Received: metrics=\['acc'\]; "
            r"available: \['loss', 'val_loss'\]",
        ),
        ({"history": HISTORY, "metrics": []}, "`metrics` must be a non-empty list of strings"),
        ({"history": [1.0, 2.0]}, "`history` must be a keras History"),
        ({"history": {}}, "`history` is empty"),
        ({"history": {"loss": [[1.0, 2.0]]}}, r"`history\['loss'\]` must be a 1-D array"),
        ({"history": {"loss": ["a", "b"]}}, r"`history\['loss'\]` must hold real numbers"),
        ({"history": HISTORY, "ax": "left"}, "`ax` must be None, a matplotlib Axes"),
    ],
)
def test_history_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_history(**kwargs)


def test_history_wrong_number_of_axes():
    _, given = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="one Axes per panel: 2 needed"):
        plot_history(HISTORY, ax=given)


# --------------------------------------------------------------------------------------------
# plot_decision_regions
# --------------------------------------------------------------------------------------------

RNG_X = np.random.default_rng(1).uniform(-2, 2, size=(40, 2))
RULE_Y = (RNG_X[:, 0] > 0).astype(int)


def _region_class(axes: Axes, point) -> list[int]:
    """The class indices whose filled region contains ``point`` (the contour is collections[0])."""
    regions = axes.collections[0]
    return [i for i, path in enumerate(regions.get_paths()) if path.contains_point(point)]


def _check_rule_x0_positive(axes: Axes) -> None:
    # Points well away from the boundary x0 = 0 and from the edges of the grid.
    for point in [(-1.5, 0.0), (-0.5, 1.8), (-1.8, -1.8), (1.8, 1.8), (0.5, -1.0), (1.5, -1.5)]:
        assert _region_class(axes, point) == [int(point[0] > 0)], point


@pytest.mark.parametrize(
    "predict",
    [
        pytest.param(lambda a: (a[:, 0] > 0).astype(int), id="int-labels"),
        pytest.param(lambda a: np.where(a[:, 0] > 0, 0.9, 0.1), id="probabilities-1d"),
        pytest.param(lambda a: np.where(a[:, :1] > 0, 0.8, 0.3), id="probabilities-n1"),
        pytest.param(lambda a: np.column_stack([-a[:, 0], a[:, 0]]), id="scores-2d"),
    ],
)
def test_decision_regions_match_the_classifier(ax, predict):
    out = plot_decision_regions(predict, RNG_X, RULE_Y, ax=ax, resolution=60, padding=0.5)
    assert out is ax
    np.testing.assert_allclose(ax.collections[0].levels, [-0.5, 0.5, 1.5])
    _check_rule_x0_positive(ax)
    np.testing.assert_allclose(ax.get_xlim(), [RNG_X[:, 0].min() - 0.5, RNG_X[:, 0].max() + 0.5])


def test_decision_regions_points_coloured_by_class(ax):
    plot_decision_regions(lambda a: (a[:, 0] > 0).astype(int), RNG_X, RULE_Y, ax=ax)
    points = ax.collections[1]
    np.testing.assert_allclose(points.get_offsets(), RNG_X)
    region_colors = ax.collections[0].get_facecolor()[:, :3]
    point_colors = points.get_facecolor()[:, :3]
    for label in (0, 1):
        np.testing.assert_allclose(
            point_colors[RULE_Y == label],
            region_colors[label][None, :].repeat((RULE_Y == label).sum(), 0),
        )
    assert not np.allclose(region_colors[0], region_colors[1])


def test_decision_regions_grid_given_to_predict():
    seen = []

    def predict(a):
        seen.append(a.copy())
        return np.zeros(len(a), dtype=int)

    plot_decision_regions(predict, RNG_X, RULE_Y, resolution=7, padding=1.0)
    (grid,) = seen
    assert grid.shape == (49, 2)
    np.testing.assert_allclose(grid.min(axis=0), RNG_X.min(axis=0) - 1.0)
    np.testing.assert_allclose(grid.max(axis=0), RNG_X.max(axis=0) + 1.0)


def test_decision_regions_with_a_keras_model_predict(ax):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.array([[10.0], [0.0]]), np.array([0.0])])
    out = plot_decision_regions(
        lambda a: model.predict(a, batch_size=4096, verbose=0), RNG_X, RULE_Y, ax=ax, resolution=40
    )
    assert out is ax
    _check_rule_x0_positive(ax)


def test_decision_regions_plus_minus_one_labels(ax):
    y = np.where(RULE_Y == 1, 1, -1)
    plot_decision_regions(lambda a: np.sign(a[:, 0]), RNG_X, y, ax=ax, resolution=40)
    # Classes -1 and +1 are numbered 0 and 1 in sorted order.
    _check_rule_x0_positive(ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class -1", "class 1"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"X": np.zeros((5, 3))}, r"`X` must have shape \(n, 2\).*X.shape=\(5, 3\)"),
        ({"X": np.zeros(5)}, r"`X` must have shape \(n, 2\)"),
        ({"X": np.zeros((0, 2)), "y": []}, r"`X` must have shape \(n, 2\) with n >= 1"),
        ({"y": [0, 1]}, r"`y` must have one entry per example of `X` \(40\)"),
        ({"predict": "model"}, "`predict` must be a callable"),
        (
            {"predict": lambda a: np.zeros(3, dtype=int)},
            r"`predict\(grid\)` must have one entry per example \(100\)",
        ),
        ({"predict": lambda a: a[:, 0] * 3.3}, r"must be probabilities in \[0, 1\]"),
        ({"resolution": 1}, r"`resolution` must be an integer in \[2, 2000\]"),
        ({"resolution": 5000}, r"`resolution` must be an integer in \[2, 2000\]"),
        ({"resolution": 20.0}, r"`resolution` must be an integer in \[2, 2000\]"),
        ({"padding": -1}, r"`padding` must be a non-negative number"),
        ({"padding": float("nan")}, r"`padding` must be a non-negative number"),
        ({"title": 3}, r"`title` must be a string"),
        ({"cmap": "no-such-map"}, r"`cmap` must be None, a Colormap or the name"),
        ({"ax": 3}, r"`ax` must be None or a matplotlib Axes"),
    ],
)
def test_decision_regions_bad_arguments(kwargs, match):
    args = {"predict": lambda a: (a[:, 0] > 0).astype(int), "X": RNG_X, "y": RULE_Y}
    args.update({"resolution": 10, **kwargs})
    with pytest.raises((ValueError, TypeError), match=match):
        plot_decision_regions(**args)


# --------------------------------------------------------------------------------------------
# plot_image_grid
# --------------------------------------------------------------------------------------------

IMAGES = np.random.default_rng(2).random((10, 28, 28))
NAMES = [f"c{i}" for i in range(10)]


def test_image_grid_mosaic_tiling_and_pixels(ax):
    out = plot_image_grid(IMAGES, labels=np.arange(10), class_names=NAMES, ncols=4, ax=ax)
    assert out is ax
    assert len(ax.images) == 1
    mosaic = ax.images[0].get_array()
    # 4 columns x 3 rows; pad = round(28 / 16) = 2; text strip = ceil(0.35 * 28) = 10.
    assert mosaic.shape == (3 * (28 + 10) + 2 * 2, 4 * 28 + 3 * 2)
    # Tile 5 is row 1, column 1.
    top, left = 1 * (28 + 10 + 2), 1 * (28 + 2)
    np.testing.assert_allclose(mosaic[top : top + 28, left : left + 28], IMAGES[5])
    np.testing.assert_allclose(mosaic[:28, :28], IMAGES[0])
    # Gaps (and the empty cells of the last row) are masked, tiles are not.
    assert mosaic.mask[:28, 28:30].all() and mosaic.mask[-28:, -28:].all()
    assert not mosaic.mask[top : top + 28, left : left + 28].any()
    assert [t.get_text() for t in ax.texts] == NAMES
    assert ax.images[0].get_clim() == (0.0, 1.0)


def test_image_grid_without_labels_has_no_text_strip():
    out = plot_image_grid(IMAGES[:3], ncols=8, title="digits")
    mosaic = out.images[0].get_array()
    assert mosaic.shape == (28, 3 * 28 + 2 * 2)  # fewer images than ncols: 3 columns
    assert len(out.texts) == 0
    assert out.get_title() == "digits"


def test_image_grid_uint8_with_channel_axis(ax):
    images = np.random.default_rng(3).integers(0, 256, size=(4, 8, 6, 1), dtype=np.uint8)
    plot_image_grid(images, labels=[3, 1, 4, 1], ncols=2, ax=ax)
    mosaic = ax.images[0].get_array()
    # pad = max(1, round(8 / 16)) = 1; strip = ceil(0.35 * 8) = 3.
    assert mosaic.shape == (2 * (8 + 3) + 1, 2 * 6 + 1)
    np.testing.assert_allclose(mosaic[11 + 1 : 11 + 1 + 8, 7:13], images[3, ..., 0] / 255)
    assert [t.get_text() for t in ax.texts] == ["3", "1", "4", "1"]


def test_image_grid_rgb(ax):
    images = np.random.default_rng(4).random((3, 16, 16, 3))
    plot_image_grid(images, ncols=3, ax=ax)
    mosaic = ax.images[0].get_array()
    assert mosaic.shape == (16, 3 * 16 + 2 * 1, 4)
    np.testing.assert_allclose(mosaic[:, 17:33, :3], images[1])
    assert (mosaic[:, 17:33, 3] == 1).all()
    assert (mosaic[:, 16, 3] == 0).all()  # the gap is transparent


def test_image_grid_predictions_red_where_wrong(ax):
    labels = np.arange(10)
    predictions = labels.copy()
    predictions[[1, 4, 7]] = [2, 0, 9]
    plot_image_grid(IMAGES, labels, class_names=NAMES, predictions=predictions, ax=ax)
    texts = ax.texts
    assert [t.get_text() for t in texts[:2]] == ["c0/c0", "c2/c1"]
    red = [i for i, t in enumerate(texts) if to_rgb(t.get_color()) == (1.0, 0.0, 0.0)]
    assert red == [1, 4, 7]


def test_image_grid_prediction_scores_are_argmaxed(ax):
    scores = np.eye(10)[[0, 1, 5]]  # image 2 predicted as 5, true 2
    plot_image_grid(IMAGES[:3], labels=[0, 1, 2], predictions=scores, ax=ax)
    assert [t.get_text() for t in ax.texts] == ["0/0", "1/1", "5/2"]
    assert sum(to_rgb(t.get_color()) == (1.0, 0.0, 0.0) for t in ax.texts) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"images": np.zeros((101, 4, 4))},
            r"holds 101 images; plot_image_grid draws at most 100",
        ),
        ({"images": np.zeros((4, 4))}, r"`images` must have shape \(n, h, w\)"),
        ({"images": np.zeros((2, 4, 4, 2))}, r"`images` must have shape"),
        ({"images": np.zeros((0, 4, 4))}, r"`images` is empty"),
        (
            {"images": np.full((2, 4, 4), 2.0)},
            r"Float `images` must hold pixel values in \[0, 1\]",
        ),
        ({"images": np.full((2, 4, 4), 300)}, r"Integer `images` must hold pixel values"),
        ({"predictions": [0, 1]}, r"`predictions` needs `labels`"),
        ({"labels": [0, 1, 2]}, r"`labels` must have one entry per example of `images` \(2\)"),
        (
            {"labels": [0, 5], "class_names": ["a", "b"]},
            r"`labels` must be class numbers in \[0, 1\]",
        ),
        ({"labels": [0, 1], "class_names": "ab"}, r"`class_names` must be a list of strings"),
        ({"labels": [0, 1], "class_names": []}, r"`class_names` must be a non-empty list"),
        ({"ncols": 0}, r"`ncols` must be a positive integer"),
        ({"cmap": "no-such-map"}, r"`cmap` must be None, a Colormap or the name"),
        ({"ax": "here"}, r"`ax` must be None or a matplotlib Axes"),
    ],
)
def test_image_grid_bad_arguments(kwargs, match):
    args = {"images": np.zeros((2, 4, 4))}
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        plot_image_grid(**args)


# --------------------------------------------------------------------------------------------
# plot_activation_histograms
# --------------------------------------------------------------------------------------------


def test_histograms_one_panel_per_layer_with_all_values_counted():
    rng = np.random.default_rng(5)
    acts = {
        "dense": rng.normal(size=(20, 8)),
        "conv": rng.normal(size=(2, 4, 4, 3)),
        "out": rng.random(7),
    }
    axes = plot_activation_histograms(acts, bins=12, title="init")
    assert isinstance(axes, np.ndarray) and axes.shape == (3,)
    for a, (name, values) in zip(axes, acts.items(), strict=True):
        heights = [p.get_height() for p in a.patches]
        assert len(heights) == 12
        assert sum(heights) == values.size
        title = a.get_title()
        assert name in title
        assert f"mean={values.mean():.3g}" in title and f"std={values.std():.3g}" in title
    # One common range by default, so the panels compare.
    assert axes[0].get_xlim() == axes[1].get_xlim() == axes[2].get_xlim()
    assert axes[0].figure.get_suptitle() == "init"


def test_histograms_list_range_and_given_axes():
    _, given = plt.subplots(1, 2)
    values = [np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), np.linspace(-1, 1, 11)]
    out = plot_activation_histograms(values, axes=given, bins=4, range=(-1, 1))
    assert list(out) == list(given)
    assert given[0].get_title().startswith("layer 1")
    assert given[1].get_title().startswith("layer 2")
    assert sum(p.get_height() for p in given[0].patches) == 3  # -2 and 2 fall outside
    assert sum(p.get_height() for p in given[1].patches) == 11
    assert given[0].get_xlim() == (-1.0, 1.0)


def test_histograms_drop_non_finite_values():
    axes = plot_activation_histograms({"relu": np.array([0.0, 1.0, np.nan, np.inf, 2.0])})
    assert sum(p.get_height() for p in axes[0].patches) == 3
    assert "2 non-finite left out" in axes[0].get_title()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"activations": {}}, r"`activations` is empty"),
        (
            {"activations": np.zeros((3, 4))},
            r"`activations` must be a dict .* or a list of arrays",
        ),
        ({"activations": {"a": ["x"]}}, r"`activations\['a'\]` must hold real numbers"),
        ({"activations": [np.array([np.nan])]}, r"has no finite values"),
        ({"bins": 0}, r"`bins` must be a positive integer"),
        ({"bins": np.int64(0)}, r"`bins` must be a positive integer"),
        ({"range": (0, float("inf"))}, r"`range` must be a pair \(low, high\) of finite numbers"),
        ({"range": (1, 0)}, r"`range` must be a pair .* with low < high"),
        ({"range": 3}, r"`range` must be a pair \(low, high\)"),
        ({"axes": [None, None]}, r"`axes` must be None or a matplotlib Axes"),
    ],
)
def test_histograms_bad_arguments(kwargs, match):
    args = {"activations": [np.arange(4.0), np.arange(3.0)]}
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        plot_activation_histograms(**args)


def test_histograms_wrong_number_of_axes():
    _, single = plt.subplots()
    with pytest.raises(ValueError, match=r"one Axes per panel: 2 needed"):
        plot_activation_histograms([np.arange(3.0), np.arange(3.0)], axes=single)


# --------------------------------------------------------------------------------------------
# confusion_matrix / plot_confusion_matrix
# --------------------------------------------------------------------------------------------

Y_TRUE = [0, 0, 1, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 1, 1, 1, 2, 2, 2, 0, 2]
EXPECTED = np.array([[1, 1, 0], [0, 2, 1], [1, 0, 3]])


def test_plot_confusion_matrix_draws_the_counts(ax):
    out = plot_confusion_matrix(Y_TRUE, Y_PRED, class_names=["cat", "dog", "bird"], ax=ax)
    assert out is ax
    np.testing.assert_array_equal(ax.images[0].get_array(), EXPECTED)
    assert [t.get_text() for t in ax.texts] == [str(v) for v in EXPECTED.ravel()]
    # Each count sits in its cell: text (x=j, y=i).
    positions = [t.get_position() for t in ax.texts]
    assert positions[5] == (2, 1)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "bird"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "bird"]
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"


def test_plot_confusion_matrix_normalized_rows(ax):
    plot_confusion_matrix(Y_TRUE, Y_PRED, ax=ax, normalize=True)
    shown = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(shown, EXPECTED / EXPECTED.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(shown.sum(axis=1), 1.0)
    assert [t.get_text() for t in ax.texts][:3] == ["0.50", "0.50", "0.00"]


def test_plot_confusion_matrix_says_which_argument_outgrows_class_names():
    with pytest.raises(ValueError, match=r"`class_names` names 3 classes, but `y_pred` holds"):
        plot_confusion_matrix(Y_TRUE, [0] * 8 + [5], class_names=["a", "b", "c"])


def test_plot_confusion_matrix_accepts_numpy_bool_and_numpy_array_names(ax):
    names = np.array(["a", "b", "c"])
    plot_confusion_matrix(Y_TRUE, Y_PRED, ax=ax, normalize=np.bool_(True), class_names=names)
    np.testing.assert_allclose(np.asarray(ax.images[0].get_array()).sum(axis=1), 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_plot_confusion_matrix_normalized_columns_and_all():
    by_pred = plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="pred")
    np.testing.assert_allclose(np.asarray(by_pred.images[0].get_array()).sum(axis=0), 1.0)
    overall = plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="all")
    np.testing.assert_allclose(overall.images[0].get_array(), EXPECTED / 9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"normalize": "rows"},
            r"`normalize` must be one of \[False, True, 'true', 'pred', 'all'\]",
        ),
        ({"normalize": 1}, r"`normalize` must be one of"),
        ({"class_names": ["a", "b"]}, r"`class_names` names 2 classes, but `y_true` holds"),
        ({"class_names": []}, r"`class_names` must be a non-empty list of strings"),
        ({"ax": object()}, r"`ax` must be None or a matplotlib Axes"),
    ],
)
def test_plot_confusion_matrix_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_confusion_matrix(Y_TRUE, Y_PRED, **kwargs)


def test_image_grid_exactly_the_limit_is_drawn():
    assert plots.MAX_GRID_IMAGES == 100
    images = np.random.default_rng(6).random((100, 2, 2))
    out = plot_image_grid(images)
    mosaic = out.images[0].get_array()
    # 8 columns x 13 rows of 2x2 tiles with 1-pixel gaps.
    assert mosaic.shape == (13 * 2 + 12, 8 * 2 + 7)
    np.testing.assert_allclose(mosaic[-2:, 9:11], images[99])
