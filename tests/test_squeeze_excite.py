import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib.squeeze_excite import SqueezeExcite, se_parameter_count

RNG = np.random.default_rng(0)


def numpy_squeeze_excite(x, w1, b1, w2, b2):
    """The SE formula written out: squeeze, excite, scale."""
    z = x.mean(axis=(1, 2))
    s = 1.0 / (1.0 + np.exp(-(np.maximum(z @ w1 + b1, 0.0) @ w2 + b2)))
    return x * s[:, None, None, :]


def test_matches_numpy_formula():
    x = RNG.normal(size=(3, 5, 4, 8)).astype("float32")
    se = SqueezeExcite(se_ratio=2)
    y = keras.ops.convert_to_numpy(se(x))
    w1, b1 = (keras.ops.convert_to_numpy(w) for w in se.squeeze.weights)
    w2, b2 = (keras.ops.convert_to_numpy(w) for w in se.excite.weights)
    assert w1.shape == (8, 4) and w2.shape == (4, 8)
    np.testing.assert_allclose(y, numpy_squeeze_excite(x, w1, b1, w2, b2), rtol=1e-5, atol=1e-6)


def test_output_is_input_scaled_per_channel():
    x = RNG.random((2, 6, 6, 16)).astype("float32") + 0.1
    y = keras.ops.convert_to_numpy(SqueezeExcite(4)(x))
    scale = y / x  # one factor per image and channel, the same at every pixel
    np.testing.assert_allclose(scale, scale[:, :1, :1, :] * np.ones_like(scale), rtol=1e-5)
    assert np.all((scale > 0) & (scale < 1))


@pytest.mark.parametrize(("channels", "se_ratio"), [(16, 4), (64, 16), (64, 4), (3, 16)])
def test_parameter_count_formula(channels, se_ratio):
    se = SqueezeExcite(se_ratio)
    se.build((None, 8, 8, channels))
    hidden = max(1, channels // se_ratio)
    assert se.count_params() == se_parameter_count(channels, se_ratio)
    assert (
        se_parameter_count(channels, se_ratio=se_ratio)
        == 2 * channels * hidden + hidden + channels
    )
    assert se_parameter_count(64, 16) == 580


def test_round_trip_with_every_argument(tmp_path):
    x = RNG.random((2, 6, 6, 16)).astype("float32")
    assert_layer_round_trip(SqueezeExcite, {"se_ratio": 8, "name": "se"}, x, tmp_path)


def test_argument_is_se_ratio_as_in_residual_block_and_resnet():
    assert SqueezeExcite(se_ratio=4).get_config()["se_ratio"] == 4
    assert se_parameter_count(16, se_ratio=4) == 148
    with pytest.raises(ValueError, match="ratio"):  # no deprecated alias
        SqueezeExcite(ratio=4)


def test_numpy_integers_are_accepted():
    assert SqueezeExcite(np.int64(4)).se_ratio == 4
    assert se_parameter_count(np.int64(16), np.int32(4)) == 148


def test_refuses_channels_first():
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"image_data_format\(\).*channels_last"):
            SqueezeExcite(4)
    finally:
        keras.config.set_image_data_format(previous)


@pytest.mark.parametrize("se_ratio", [0, -2, 2.5, True, "16"])
def test_bad_se_ratio(se_ratio):
    with pytest.raises(ValueError, match="se_ratio"):
        SqueezeExcite(se_ratio)


def test_bad_input_rank_and_channels():
    with pytest.raises(ValueError, match="input_shape"):
        SqueezeExcite(2).build((None, 8, 16))
    with pytest.raises(ValueError, match="channels"):
        se_parameter_count(0)
