"""The CNN builders: VGG-style stacks and the CIFAR ResNet (LeNet-5 is in test_models.py)."""

import keras
import numpy as np
import pytest
from round_trip import assert_model_round_trip

from course_lib import augmentation, models
from course_lib.layers import ConvBlock, DenseBlock
from course_lib.models import resnet, resnet_depths, vgg
from course_lib.residual import ResidualBlock
from course_lib.squeeze_excite import SqueezeExcite

RNG = np.random.default_rng(0)


def conv_params(k, c_in, c_out, batch_norm=True):
    """k x k convolution: weights, plus either a bias or batch norm (gamma, beta, mean, var)."""
    return k * k * c_in * c_out + (4 * c_out if batch_norm else c_out)


def resnet_params(n, width=16, channels=3, classes=10, projection=True):
    """He et al.'s CIFAR ResNet with 1x1 projection shortcuts, counted layer by layer."""
    total = conv_params(3, channels, width)
    c_in = width
    for stage in range(3):
        c = width * 2**stage
        for _ in range(n):
            total += conv_params(3, c_in, c) + conv_params(3, c, c)
            if projection and c_in != c:
                total += conv_params(1, c_in, c)
            c_in = c
    return total + c_in * classes + classes


def test_resnet20_has_the_papers_0_27_million_parameters():
    model = resnet(depth=20)
    assert model.count_params() == 274_042 == resnet_params(3)
    assert round(model.count_params() / 1e6, 2) == 0.27  # He et al. (2015), table 6: 0.27M
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == 272_474
    assert tuple(model.output_shape) == (None, 10)
    blocks = [layer for layer in model.layers if isinstance(layer, ResidualBlock)]
    assert len(blocks) == 9
    shapes = [tuple(b.output.shape[1:]) for b in blocks[::3]]
    assert shapes == [(32, 32, 16), (16, 16, 32), (8, 8, 64)]
    # 20 weight layers: 1 stem conv + 9 blocks x 2 convs (3x3 kernels) + 1 dense; the two 1x1
    # projection shortcuts are not counted in the depth.
    kernels = [tuple(w.shape) for w in model.weights if w.name == "kernel"]
    assert sum(len(k) == 4 and k[:2] == (3, 3) for k in kernels) == 1 + 2 * 9
    assert sum(len(k) == 2 for k in kernels) == 1
    assert len(kernels) == 20 + 2


def _trainable(weights) -> int:
    return sum(int(np.prod(w.shape)) for w in weights)


@pytest.mark.parametrize(
    ("depth", "millions"), [(20, 0.27), (32, 0.46), (44, 0.66), (56, 0.85), (110, 1.7)]
)
def test_resnet_depths_match_the_paper(depth, millions):
    """Table 6 of He et al. (2015) counts trainable weights, with parameter-free (zero-padding)
    shortcuts, to two significant digits. Ours has two 1x1 projections on top of that."""
    n = (depth - 2) // 6
    model = resnet(depth=depth)
    assert model.count_params() == resnet_params(n)
    projections = [
        b.projection for b in model.layers if isinstance(b, ResidualBlock) and b.projection
    ]
    assert len(projections) == 2
    projection_weights = sum(_trainable(p.trainable_weights) for p in projections)
    assert projection_weights == 16 * 32 + 32 * 64 + 2 * (32 + 64)  # kernels, gamma and beta
    without = _trainable(model.trainable_weights) - projection_weights
    assert float(f"{without / 1e6:.2g}") == millions


def test_plain_net_same_layers_without_shortcuts():
    plain, res = resnet(depth=20, shortcut=False), resnet(depth=20)
    assert plain.name == "plain20" and res.name == "resnet20"
    assert plain.count_params() == resnet_params(3, projection=False)
    assert all(
        not b.shortcut and b.projection is None
        for b in plain.layers
        if isinstance(b, ResidualBlock)
    )
    assert tuple(plain.output_shape) == (None, 10)


def test_resnet_with_squeeze_excite():
    model = resnet(depth=14, se_ratio=4)
    assert model.name == "se_resnet14"
    se_layers = [b.se for b in model.layers if isinstance(b, ResidualBlock)]
    assert len(se_layers) == 6 and all(isinstance(se, SqueezeExcite) for se in se_layers)
    extra = sum(2 * c * (c // 4) + c // 4 + c for c in (16, 16, 32, 32, 64, 64))
    assert model.count_params() == resnet(depth=14).count_params() + extra


def test_resnet_on_fashion_mnist_shapes_and_options():
    model = resnet(
        (28, 28, 1),
        num_classes=5,
        depth=8,
        width=8,
        batch_norm=False,
        l2=1e-4,
        augmentation=augmentation.for_digits(seed=0),
    )
    assert tuple(model.output_shape) == (None, 5)
    assert model.get_layer("stage3_block1").output.shape[1:] == (7, 7, 32)
    assert len(model.losses) == 1 + 6 + 2  # stem, 6 convs, 2 projections
    x = RNG.random((3, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0).sum(axis=1), 1.0, rtol=1e-5)


def test_vgg_shapes_and_parameter_count():
    model = vgg((32, 32, 3), stages=((16, 2), (32, 2)), dense_units=(64,), dropout=0.5)
    convs = [layer for layer in model.layers if isinstance(layer, ConvBlock)]
    assert [tuple(c.output.shape[1:]) for c in convs] == [
        (32, 32, 16),
        (32, 32, 16),
        (16, 16, 32),
        (16, 16, 32),
    ]
    expected = (
        conv_params(3, 3, 16)
        + conv_params(3, 16, 16)
        + conv_params(3, 16, 32)
        + conv_params(3, 32, 32)
        + (8 * 8 * 32) * 64
        + 4 * 64  # dense block without bias, with batch norm
        + 64 * 10
        + 10
    )
    assert model.count_params() == expected
    dense = model.get_layer("dense1")
    assert isinstance(dense, DenseBlock) and dense.dropout == 0.5


def test_vgg_depth_and_width_are_arguments():
    shallow = vgg((28, 28, 1), stages=((8, 1), (16, 1)), dense_units=())
    deep = vgg((28, 28, 1), stages=((8, 3), (16, 3)), dense_units=())
    n_conv = [sum(isinstance(layer, ConvBlock) for layer in m.layers) for m in (shallow, deep)]
    assert n_conv == [2, 6]
    assert deep.count_params() > shallow.count_params()
    no_bn = vgg((28, 28, 1), stages=((8, 1),), dense_units=(), batch_norm=False)
    assert no_bn.count_params() == conv_params(3, 1, 8, batch_norm=False) + 14 * 14 * 8 * 10 + 10


def test_output_stays_float32_under_mixed_precision():
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        for model in (vgg(stages=((8, 1),)), resnet(depth=8, width=4)):
            assert (
                model.get_layer("stem" if "resnet" in model.name else "stage1_conv1").compute_dtype
                == "float16"
            )
            assert model.get_layer("output").compute_dtype == "float32"
            assert model.output.dtype == "float32"
    finally:
        keras.config.set_dtype_policy(previous)


@pytest.mark.parametrize(
    "build",
    [
        lambda: resnet((16, 16, 3), depth=8, width=4, se_ratio=2),
        lambda: vgg((16, 16, 3), stages=((4, 2), (8, 1)), dense_units=(8,)),
    ],
)
def test_config_and_save_load_round_trip(build, tmp_path):
    model = build()
    clone = keras.Model.from_config(model.get_config())
    assert clone.count_params() == model.count_params()
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    model.compile("adam", "sparse_categorical_crossentropy")
    x = RNG.random((16, 16, 16, 3)).astype("float32")
    model.fit(x, RNG.integers(0, 10, 16), epochs=1, batch_size=8, verbose=0)  # BN stats move
    model.save(tmp_path / "model.keras")
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reloaded.predict(x, verbose=0), atol=1e-5
    )


def test_resnet_learns_a_toy_problem():
    x = RNG.random((64, 8, 8, 1)).astype("float32")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype("int32")
    model = resnet((8, 8, 1), num_classes=2, depth=8, width=4)
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_resnet_depths():
    assert resnet_depths(20) == [8, 14, 20]
    depths = resnet_depths()
    assert depths[0] == 8 and depths[-1] == 110 and len(depths) == 18  # up to ResNet-110
    assert all((d - 2) % 6 == 0 for d in depths)


@pytest.mark.parametrize(
    ("builder", "kwargs", "match"),
    [
        (resnet, {"depth": 21}, "depth"),
        (resnet, {"depth": 2}, "depth"),
        (resnet, {"depth": 20.0}, "depth"),
        (resnet, {"input_shape": (32, 32)}, "input_shape"),
        (resnet, {"input_shape": (3, 3, 1)}, "input_shape"),
        (resnet, {"num_classes": 1}, "num_classes"),
        (resnet, {"width": 0}, "width"),
        (resnet, {"shortcut": None}, "shortcut"),
        (resnet, {"batch_norm": "no"}, "batch_norm"),
        (resnet, {"se_ratio": -1}, "se_ratio"),
        (vgg, {"stages": ()}, "stages"),
        (vgg, {"stages": ((32, 0),)}, "stages"),
        (vgg, {"stages": ((32, 2),) * 6}, "input_shape"),
        (vgg, {"dense_units": (0,)}, "dense_units"),
        (vgg, {"dropout": 1.0}, "dropout"),
        (vgg, {"batch_norm": None}, "batch_norm"),
        (vgg, {"num_classes": 0}, "num_classes"),
    ],
)
def test_bad_arguments(builder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        builder(**kwargs)


@pytest.mark.parametrize("builder", [resnet, vgg])
def test_augmentation_must_be_a_layer(builder):
    with pytest.raises(TypeError, match="augmentation"):
        builder(augmentation="flip")


def test_every_builder_has_the_same_signature_style():
    """builder(input_shape=..., num_classes=..., *, architecture arguments keyword-only)."""
    import inspect

    for builder in (models.lenet5, models.vgg, models.resnet):
        params = list(inspect.signature(builder).parameters.values())
        assert [p.name for p in params[:2]] == ["input_shape", "num_classes"], builder
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params[:2])
        assert all(p.kind is p.KEYWORD_ONLY for p in params[2:]), builder
    assert resnet((16, 16, 3), 4, depth=8, width=2).output_shape == (None, 4)
    with pytest.raises(ValueError, match=r"resnet\(depth=20\)"):
        resnet(20)  # depth is keyword-only
    with pytest.raises(TypeError):
        resnet(depth=8, shortcuts=False)  # no deprecated alias: shortcut, as in ResidualBlock


def test_vgg_round_trip_with_every_argument(tmp_path):
    kwargs = {
        "input_shape": (8, 8, 2),
        "num_classes": 3,
        "stages": ((4, 1), (6, 2)),
        "dense_units": (5, 4),
        "batch_norm": False,
        "dropout": 0.2,
        "l2": 1e-3,
        "augmentation": augmentation.pipeline(flip="horizontal", seed=0),
        "name": "small_vgg",
    }
    x = RNG.random((4, 8, 8, 2)).astype("float32")
    assert_model_round_trip(vgg, kwargs, x, tmp_path)


def test_resnet_round_trip_with_every_argument(tmp_path):
    kwargs = {
        "input_shape": (8, 8, 2),
        "num_classes": 3,
        "depth": 8,
        "width": 4,
        "shortcut": False,
        "batch_norm": False,
        "se_ratio": 2,
        "l2": 1e-3,
        "augmentation": augmentation.pipeline(translation=0.1, seed=0),
        "name": "small_resnet",
    }
    x = RNG.random((4, 8, 8, 2)).astype("float32")
    assert_model_round_trip(resnet, kwargs, x, tmp_path)


def test_numpy_integers_are_accepted():
    model = resnet(
        (np.int64(8), np.int64(8), np.int64(1)),
        np.int64(3),
        depth=np.int64(8),
        width=np.int32(2),
        se_ratio=np.int64(2),
    )
    assert model.output_shape == (None, 3) and model.name == "se_resnet8"
    small = vgg(
        (8, 8, 1), np.int64(2), stages=((np.int64(4), np.int64(1)),), dense_units=[np.int64(3)]
    )
    assert small.output_shape == (None, 2)
    assert resnet_depths(np.int64(20)) == [8, 14, 20]


@pytest.mark.parametrize(
    "build",
    [
        lambda: models.lenet5(),
        lambda: models.vgg((8, 8, 3), stages=((4, 1),)),
        lambda: models.resnet((8, 8, 3), depth=8, width=2),
    ],
    ids=["lenet5", "vgg", "resnet"],
)
def test_builders_refuse_channels_first(build):
    """Channels-first images are refused, not misread: resnet((32, 32, 3)) would take 32 for
    the number of channels and batch norm would normalize the width axis."""
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"image_data_format\(\).*channels_last"):
            build()
    finally:
        keras.config.set_image_data_format(previous)
