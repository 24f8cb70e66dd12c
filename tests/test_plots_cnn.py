"""Tests for the CNN plots in course_lib.plots: plot_filters and plot_feature_maps.

They check what is drawn (the arrays in each tile, the colour scales, the number of Axes),
not only that drawing works.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.plots import MAX_TILES, plot_feature_maps, plot_filters


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _kernel(c: int, f: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(5, 5, c, f))


# --------------------------------------------------------------------------------------------
# plot_filters
# --------------------------------------------------------------------------------------------


def test_filters_one_tile_per_filter_with_the_weights_on_a_shared_symmetric_scale():
    kernel = _kernel(1, 6)
    axes = plot_filters(kernel, ncols=4)
    assert axes.shape == (6,)
    m = np.abs(kernel).max()
    for i, ax in enumerate(axes):
        image = ax.images[0]
        np.testing.assert_array_equal(image.get_array(), kernel[:, :, 0, i])
        assert image.get_clim() == pytest.approx((-m, m))
        assert ax.get_title() == str(i)
    # 6 tiles in rows of 4: the two unused grid cells are removed from the figure.
    assert len(axes[0].figure.axes) == 6


def test_filters_rgb_tiles_are_each_rescaled_to_0_1():
    kernel = _kernel(3, 4)
    axes = plot_filters(kernel)
    for i, ax in enumerate(axes):
        rgb = np.asarray(ax.images[0].get_array())
        w = kernel[:, :, :, i]
        assert rgb.shape == (5, 5, 3)
        np.testing.assert_allclose(rgb, (w - w.min()) / (w.max() - w.min()))
        assert rgb.min() == 0.0 and rgb.max() == 1.0


def test_filters_constant_rgb_filter_is_mid_grey():
    kernel = np.zeros((3, 3, 3, 1))
    axes = plot_filters(kernel)
    np.testing.assert_array_equal(axes[0].images[0].get_array(), np.full((3, 3, 3), 0.5))


def test_filters_one_channel_of_a_deep_kernel_on_given_axes():
    kernel = _kernel(16, 3)
    _, given = plt.subplots(1, 3)
    axes = plot_filters(kernel, channel=5, axes=given, cmap="gray", title="c3")
    assert list(axes) == list(given)
    for i, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), kernel[:, :, 5, i])
        assert ax.images[0].get_cmap().name == "gray"
    assert given[0].figure.get_suptitle() == "c3"


def test_filters_all_zero_kernel_draws_without_dividing_by_zero():
    axes = plot_filters(np.zeros((3, 3, 1, 2)))
    assert axes[0].images[0].get_clim() == (-1.0, 1.0)


def test_filters_accepts_the_weights_of_a_keras_conv_layer():
    import keras

    layer = keras.layers.Conv2D(4, 3)
    layer.build((None, 8, 8, 1))
    axes = plot_filters(layer.get_weights()[0])
    assert len(axes) == 4
    np.testing.assert_allclose(axes[3].images[0].get_array(), layer.get_weights()[0][:, :, 0, 3])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kernel": np.zeros((3, 3, 1))}, "kernel.shape"),
        ({"kernel": np.zeros((3, 3, 0, 2))}, "zero-length"),
        ({"kernel": np.zeros((3, 3, 1, MAX_TILES + 1))}, "at most 64"),
        ({"kernel": np.full((3, 3, 1, 1), np.nan)}, "`kernel` must hold finite numbers"),
        ({"kernel": np.array([["a"]])}, "`kernel` must hold real numbers"),
        ({"kernel": np.zeros((3, 3, 4, 2))}, "channel=None"),
        ({"kernel": np.zeros((3, 3, 4, 2)), "channel": 4}, r"\[0, 3\]"),
        ({"kernel": np.zeros((3, 3, 1, 2)), "channel": 0.0}, "channel=0.0"),
        ({"kernel": np.zeros((3, 3, 1, 2)), "ncols": 0}, "ncols=0"),
    ],
)
def test_filters_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_filters(**kwargs)


def test_filters_wrong_number_of_axes():
    _, given = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="3 needed"):
        plot_filters(np.zeros((3, 3, 1, 3)), axes=given)


# --------------------------------------------------------------------------------------------
# plot_feature_maps
# --------------------------------------------------------------------------------------------


def test_feature_maps_one_tile_per_channel_each_on_its_own_scale():
    maps = np.random.default_rng(1).uniform(size=(7, 9, 5)) * np.arange(1, 6)
    axes = plot_feature_maps(maps, ncols=3)
    assert axes.shape == (5,)
    assert len(axes[0].figure.axes) == 5  # a 2x3 grid minus the unused cell
    for i, ax in enumerate(axes):
        image = ax.images[0]
        np.testing.assert_array_equal(image.get_array(), maps[:, :, i])
        assert image.get_clim() == pytest.approx((maps[:, :, i].min(), maps[:, :, i].max()))
        assert ax.get_title() == str(i)


def test_feature_maps_shared_scale_shows_a_dead_map_as_dark():
    maps = np.zeros((4, 4, 2))
    maps[:, :, 0] = np.arange(16).reshape(4, 4)  # a live map; map 1 is dead (all zero)
    axes = plot_feature_maps(maps, shared_scale=True)
    for ax in axes:
        assert ax.images[0].get_clim() == (0.0, 15.0)
    # On its own scale a constant map would get a made-up range around its value instead.
    own = plot_feature_maps(maps)
    assert own[1].images[0].get_clim() == (-0.5, 0.5)


def test_feature_maps_batch_of_one_and_given_axes():
    maps = np.random.default_rng(2).normal(size=(1, 6, 6, 2))
    _, given = plt.subplots(1, 2)
    axes = plot_feature_maps(maps, axes=given, cmap="magma", title="c1")
    assert list(axes) == list(given)
    np.testing.assert_array_equal(axes[1].images[0].get_array(), maps[0, :, :, 1])
    assert axes[1].images[0].get_cmap().name == "magma"
    assert given[0].figure.get_suptitle() == "c1"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"activations": np.zeros((2, 4, 4, 3))}, "activations\\[0\\]"),
        ({"activations": np.zeros((4, 4))}, "activations.shape"),
        ({"activations": np.zeros((4, 0, 3))}, "zero-length"),
        ({"activations": np.zeros((4, 4, MAX_TILES + 1))}, "at most 64"),
        ({"activations": np.full((2, 2, 1), np.inf)}, "`activations` must hold finite"),
        ({"activations": np.zeros((4, 4, 2)), "ncols": -1}, "ncols=-1"),
        ({"activations": np.zeros((4, 4, 2)), "shared_scale": "yes"}, "shared_scale='yes'"),
    ],
)
def test_feature_maps_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_feature_maps(**kwargs)


def test_feature_maps_wrong_number_of_axes():
    _, given = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="2 needed"):
        plot_feature_maps(np.zeros((4, 4, 2)), axes=given)
