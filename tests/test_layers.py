import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib import initializers, regularizers
from course_lib.layers import ACTIVATIONS, ConvBlock, DenseBlock, default_initializer

RNG = np.random.default_rng(0)
numpy = keras.ops.convert_to_numpy  # on every backend (a torch tensor that needs grad too)


def test_dense_block_plain_is_one_dense_layer():
    block = DenseBlock(4, activation="tanh")
    x = RNG.random((3, 5)).astype("float32")
    y = numpy(block(x))
    kernel, bias = numpy(block.dense.kernel), numpy(block.dense.bias)
    np.testing.assert_allclose(y, np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)
    assert block.count_params() == 5 * 4 + 4
    assert isinstance(block.kernel_initializer, initializers.XavierNormal)


def test_default_initializer_follows_activation():
    assert default_initializer("relu") == "he_normal"
    assert default_initializer("tanh") == "xavier_normal"
    assert isinstance(DenseBlock(3).kernel_initializer, initializers.HeNormal)


@pytest.mark.parametrize(
    ("activations", "expected"),
    [
        (("relu", "leaky_relu", "elu", "gelu", "swish"), "he_normal"),
        (("selu",), "lecun_normal"),
        (("linear", "softplus", "sigmoid", "tanh", "softmax"), "xavier_normal"),
    ],
)
def test_every_activation_has_its_initializer(activations, expected):
    for activation in activations:
        assert default_initializer(activation) == expected, activation
        block = DenseBlock(4, activation=activation)
        assert block.kernel_initializer.get_config() == initializers.get(expected).get_config()
        assert type(block.kernel_initializer) is type(initializers.get(expected))


def test_every_accepted_activation_is_classified():
    covered = {"relu", "leaky_relu", "elu", "gelu", "swish", "selu", "linear", "softplus"}
    covered |= {"sigmoid", "tanh", "softmax"}
    assert set(ACTIVATIONS) == covered


def test_selu_blocks_keep_unit_variance():
    """SELU self-normalises with LeCun-normal weights: 20 blocks of 256 units keep the std of
    the signal near 1 (with He-normal weights it grew to 6.65)."""
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).standard_normal((512, 256)).astype("float32")
    y = x
    for _ in range(20):
        y = DenseBlock(256, activation="selu")(y)
    assert 0.8 < float(np.std(keras.ops.convert_to_numpy(y))) < 1.25


def test_selu_blocks_use_alpha_dropout():
    for block in (
        DenseBlock(4, activation="selu", dropout=0.2),
        ConvBlock(4, activation="selu", dropout=0.2),
    ):
        assert isinstance(block.drop, keras.layers.AlphaDropout)
    for activation in ("relu", "tanh"):
        drop = DenseBlock(4, activation=activation, dropout=0.2).drop
        assert type(drop) is keras.layers.Dropout
    # AlphaDropout keeps the mean and variance of SELU's fixed point (Dropout would not).
    x = np.random.default_rng(1).standard_normal((4096, 64)).astype("float32")
    out = keras.ops.convert_to_numpy(
        DenseBlock(4, activation="selu", dropout=0.3, seed=0).drop(x, training=True)
    )
    assert abs(out.mean()) < 0.05 and abs(out.std() - 1) < 0.05


def test_numpy_integers_are_accepted():
    block = DenseBlock(np.int64(4), seed=np.int32(2))
    assert block.units == 4 and type(block.units) is int and block.seed == 2
    conv = ConvBlock(np.int64(3), kernel_size=(np.int64(3), 2), strides=np.int32(2))
    assert conv.kernel_size == (3, 2) and conv.strides == (2, 2)
    assert tuple(conv(np.zeros((1, 6, 6, 1), "float32")).shape) == (1, 3, 3, 3)


def test_conv_block_refuses_channels_first():
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"image_data_format\(\).*channels_last"):
            ConvBlock(4, batch_norm=True)
        DenseBlock(4, batch_norm=True)  # no image axes: no data format
    finally:
        keras.config.set_image_data_format(previous)
    assert isinstance(ConvBlock(4), ConvBlock)


def test_dense_block_with_everything():
    block = DenseBlock(6, activation="relu", l1=1e-3, l2=1e-2, batch_norm=True, dropout=0.5)
    x = RNG.random((8, 5)).astype("float32")
    train_out = numpy(block(x, training=True))
    infer_out = numpy(block(x, training=False))
    # batch norm replaces the bias: 5*6 kernel + 2*6 trainable (gamma, beta) + 2*6 moving stats
    assert block.dense.bias is None
    assert block.count_params() == 5 * 6 + 4 * 6
    assert isinstance(block.kernel_regularizer, regularizers.L1L2)
    assert len(block.losses) == 1
    # dropout zeroes about half of the units in training and none at inference
    assert (train_out == 0).mean() > (infer_out == 0).mean()
    assert numpy(block(x, training=False)).tolist() == infer_out.tolist()


def test_conv_block_shapes_and_params():
    block = ConvBlock(5, 3, activation="relu")
    out = block(np.zeros((2, 7, 7, 1), dtype="float32"))
    assert tuple(out.shape) == (2, 7, 7, 5)
    assert block.count_params() == 50  # 5 kernels of 3x3x1 plus 5 biases
    strided = ConvBlock(4, 3, strides=2, padding="valid")
    assert tuple(strided(np.zeros((1, 7, 7, 2), "float32")).shape) == (1, 3, 3, 4)


def test_conv_block_matches_conv2d_then_relu():
    block = ConvBlock(3, (3, 2), activation="relu")
    x = RNG.standard_normal((2, 6, 6, 2)).astype("float32")
    out = numpy(block(x))
    reference = keras.layers.Conv2D(3, (3, 2), padding="same")
    reference.build(x.shape)
    reference.set_weights(block.conv.get_weights())
    np.testing.assert_allclose(out, np.maximum(numpy(reference(x)), 0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"units": 0}, "units"),
        ({"units": -3}, "units"),
        ({"units": 2.0}, "units"),
        ({"units": 4, "dropout": 1.0}, "dropout"),
        ({"units": 4, "dropout": -0.1}, "dropout"),
        ({"units": 4, "activation": "relu6x"}, "activation"),
        ({"units": 4, "l2": -1.0}, "l2"),
        ({"units": 4, "batch_norm": "yes"}, "batch_norm"),
        ({"units": 4, "kernel_initializer": "xavier"}, "kernel_initializer"),
        ({"units": 4, "seed": "1"}, "seed"),
    ],
)
def test_dense_block_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DenseBlock(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filters": 0}, "filters"),
        ({"filters": 4, "kernel_size": 0}, "kernel_size"),
        ({"filters": 4, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 4, "strides": -1}, "strides"),
        ({"filters": 4, "padding": "full"}, "padding"),
        ({"filters": 4, "dropout": 1.5}, "dropout"),
    ],
)
def test_conv_block_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ConvBlock(**kwargs)


def test_dense_block_round_trip(tmp_path):
    kwargs = {
        "units": 7,
        "activation": "selu",
        "kernel_initializer": initializers.XavierUniform(seed=5),
        "l1": 1e-3,
        "l2": 1e-2,
        "batch_norm": True,
        "dropout": 0.4,
        "seed": 3,
        "name": "block",
    }
    assert_layer_round_trip(DenseBlock, kwargs, RNG.random((16, 5)).astype("float32"), tmp_path)


def test_conv_block_round_trip(tmp_path):
    kwargs = {
        "filters": 4,
        "kernel_size": (3, 5),
        "strides": (2, 1),
        "padding": "valid",
        "activation": "tanh",
        "kernel_initializer": initializers.HeUniform(seed=7),
        "l1": 1e-3,
        "l2": 1e-2,
        "batch_norm": True,
        "dropout": 0.3,
        "seed": 4,
        "name": "conv_block",
    }
    x = RNG.random((4, 9, 9, 2)).astype("float32")
    assert_layer_round_trip(ConvBlock, kwargs, x, tmp_path)


def test_model_with_blocks_saves_and_reloads(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            ConvBlock(4, 3, batch_norm=True, l2=1e-3, dropout=0.1),
            keras.layers.Flatten(),
            DenseBlock(6, activation="tanh", kernel_initializer="xavier_uniform", l1=1e-4),
            keras.layers.Dense(2),
        ]
    )
    model.compile("adam", "mse")
    x = RNG.random((16, 8, 8, 1)).astype("float32")
    model.fit(x, RNG.random((16, 2)), epochs=1, verbose=0)
    path = tmp_path / "blocks.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reloaded.predict(x, verbose=0), rtol=1e-6, atol=1e-6
    )
    assert isinstance(reloaded.layers[0], ConvBlock)
    assert isinstance(reloaded.layers[2].kernel_initializer, initializers.XavierUniform)
