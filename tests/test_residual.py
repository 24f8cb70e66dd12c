import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib import initializers
from course_lib.residual import ResidualBlock
from course_lib.squeeze_excite import SqueezeExcite

RNG = np.random.default_rng(0)


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def test_identity_shortcut_keeps_shape_and_adds_input():
    block = ResidualBlock(8)
    x = RNG.normal(size=(2, 6, 6, 8)).astype("float32")
    y = _numpy(block(x))
    assert y.shape == x.shape and block.projection is None
    # With the residual branch switched off (last batch-norm scale gamma = 0), F(x) = 0 and the
    # block is relu(x): the identity for positive inputs.
    gamma = block.conv2.norm.gamma
    gamma.assign(np.zeros(gamma.shape, "float32"))
    np.testing.assert_allclose(_numpy(block(x)), np.maximum(x, 0.0), atol=1e-6)


def test_plain_block_has_no_shortcut():
    block = ResidualBlock(8, shortcut=False)
    x = RNG.normal(size=(2, 6, 6, 8)).astype("float32")
    block.build(x.shape)
    gamma = block.conv2.norm.gamma
    gamma.assign(np.zeros(gamma.shape, "float32"))
    np.testing.assert_allclose(_numpy(block(x)), 0.0, atol=1e-6)  # nothing carries x through


@pytest.mark.parametrize(("in_channels", "strides"), [(8, 2), (4, 1), (4, 2)])
def test_projection_when_shape_changes(in_channels, strides):
    block = ResidualBlock(8, strides=strides)
    y = block(np.zeros((1, 8, 8, in_channels), "float32"))
    assert tuple(y.shape) == (1, 8 // strides, 8 // strides, 8)
    assert block.projection is not None
    assert block.projection.kernel_size == (1, 1) and block.projection.strides == (strides,) * 2
    # conv 3x3 (in -> 8) + conv 3x3 (8 -> 8) + 1x1 projection, each followed by batch norm (4 x 8)
    expected = 9 * in_channels * 8 + 9 * 8 * 8 + in_channels * 8 + 3 * 4 * 8
    assert block.count_params() == expected


def test_parameter_count_identity_block_and_plain_block():
    block, plain = ResidualBlock(16), ResidualBlock(16, shortcut=False)
    for b in (block, plain):
        b.build((None, 8, 8, 16))
    assert block.count_params() == plain.count_params() == 2 * (9 * 16 * 16 + 4 * 16)
    plain_down = ResidualBlock(32, strides=2, shortcut=False)
    plain_down.build((None, 8, 8, 16))
    assert plain_down.projection is None


def test_squeeze_excite_option():
    block = ResidualBlock(16, se_ratio=4)
    block.build((None, 8, 8, 16))
    assert isinstance(block.se, SqueezeExcite)
    assert block.count_params() == 2 * (9 * 16 * 16 + 4 * 16) + (16 * 4 + 4 + 4 * 16 + 16)


def test_without_batch_norm_convs_have_bias():
    block = ResidualBlock(8, batch_norm=False)
    block.build((None, 4, 4, 8))
    assert block.count_params() == 2 * (9 * 8 * 8 + 8)


def test_round_trip_with_every_argument(tmp_path):
    kwargs = {
        "filters": 8,
        "strides": 2,
        "shortcut": False,
        "batch_norm": False,
        "activation": "tanh",
        "l2": 1e-3,
        "se_ratio": 2,
        "name": "res",
    }
    x = RNG.normal(size=(2, 8, 8, 4)).astype("float32")
    assert_layer_round_trip(ResidualBlock, kwargs, x, tmp_path)


def test_save_load_with_projection(tmp_path):
    inputs = keras.Input((8, 8, 8))
    model = keras.Model(inputs, ResidualBlock(16, strides=2, se_ratio=4)(inputs))
    x = RNG.normal(size=(2, 8, 8, 8)).astype("float32")
    # Weights that are not the initial ones (every value in [0.5, 1.5], so variances stay > 0).
    model.set_weights([RNG.uniform(0.5, 1.5, size=w.shape) for w in model.get_weights()])
    model.save(tmp_path / "block.keras")
    reloaded = keras.saving.load_model(tmp_path / "block.keras")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reloaded.predict(x, verbose=0), atol=1e-5
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filters": 0}, "filters"),
        ({"filters": 8, "strides": 3}, "strides"),
        ({"filters": 8, "shortcut": "yes"}, "shortcut"),
        ({"filters": 8, "batch_norm": 1}, "batch_norm"),
        ({"filters": 8, "activation": "magic"}, "activation"),
        ({"filters": 8, "l2": -1.0}, "l2"),
        ({"filters": 8, "se_ratio": 0}, "se_ratio"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ResidualBlock(**kwargs)


def test_kernels_start_from_the_activations_initializer():
    """conv2 and the projection feed the block's activation (after the addition): their
    kernels start from that activation's initializer, not He's whatever the activation."""
    relu, tanh = ResidualBlock(8, strides=2), ResidualBlock(8, strides=2, activation="tanh")
    for block in (relu, tanh):
        block.build((None, 8, 8, 4))
    assert isinstance(relu.conv2.kernel_initializer, initializers.HeNormal)
    assert isinstance(relu.projection.kernel_initializer, initializers.HeNormal)
    for conv in (tanh.conv1, tanh.conv2, tanh.projection):
        assert isinstance(conv.kernel_initializer, initializers.XavierNormal)


def test_numpy_integers_are_accepted():
    block = ResidualBlock(np.int64(8), strides=np.int32(2), se_ratio=np.int64(2))
    assert (block.filters, block.strides, block.se_ratio) == (8, 2, 2)
    assert tuple(block(np.zeros((1, 4, 4, 8), "float32")).shape) == (1, 2, 2, 8)


def test_refuses_channels_first():
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"image_data_format\(\).*channels_last"):
            ResidualBlock(8)
    finally:
        keras.config.set_image_data_format(previous)
