"""The ImageNet builders: the papers' parameter counts and shapes, and course-size training.

The ImageNet-size models are built inside ``keras.StatelessScope``, where Keras defers drawing
the initial weights: counting 138 million parameters then takes a fraction of a second and no
memory (``initialize_variables=False``: they are never run). Only the course-size models run.
"""

import inspect

import keras
import numpy as np
import pytest
from round_trip import assert_model_round_trip

from course_lib import augmentation, imagenet_models
from course_lib.bottleneck import BottleneckBlock
from course_lib.imagenet_models import alexnet, googlenet, resnet_imagenet, vgg16, zfnet
from course_lib.inception import GOOGLENET_BLOCKS, InceptionBlock, inception_parameter_count
from course_lib.local_response_norm import LocalResponseNorm
from course_lib.residual import ResidualBlock

RNG = np.random.default_rng(0)
BUILDERS = [alexnet, zfnet, vgg16, googlenet, resnet_imagenet]


def _build_unbuilt(builder, **kwargs) -> keras.Model:
    with keras.StatelessScope(initialize_variables=False):
        return builder(**kwargs)


@pytest.fixture
def unbuilt():
    """Builds ImageNet-size models without drawing their weights. Keras keeps the variables a
    StatelessScope leaves uninitialized in a global list (and would draw them all on the next
    scope that initializes): the test clears it afterwards, so that 138 million deferred
    weights do not stay in memory."""
    yield _build_unbuilt
    keras.utils.clear_session()


def _trainable(model) -> int:
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def _distance(count: int, paper: float) -> float:
    return round(100 * (count - paper) / paper, 1)


def _conv(k, c_in, c_out, groups=1):
    return k * k * (c_in // groups) * c_out + c_out


def test_alexnet_has_the_papers_60_million_parameters(unbuilt):
    """Krizhevsky et al. (2012): "60 million parameters". Counted layer by layer, with the
    two-GPU split of conv2, conv4 and conv5 (they see half of the channels each)."""
    by_hand = (
        _conv(11, 3, 96)
        + _conv(5, 96, 256, groups=2)
        + _conv(3, 256, 384)
        + _conv(3, 384, 384, groups=2)
        + _conv(3, 384, 256, groups=2)
        + (6 * 6 * 256 * 4096 + 4096)
        + (4096 * 4096 + 4096)
        + (4096 * 1000 + 1000)
    )
    model = unbuilt(alexnet)
    assert model.count_params() == by_hand == 60_965_224
    assert _distance(model.count_params(), 60e6) == 1.6  # the paper rounds to "60 million"
    assert tuple(model.get_layer("conv2").kernel.shape) == (5, 5, 48, 256)
    one_gpu = unbuilt(alexnet, groups=1)
    assert one_gpu.count_params() == 62_378_344
    assert one_gpu.count_params() - model.count_params() == 25 * 48 * 256 + 9 * 192 * (384 + 256)


def test_alexnet_feature_maps_at_227(unbuilt):
    """55x55x96 after conv1, 27 after the first pooling, 13 after the second, 6 at the end:
    the paper's figure 2 (whose "224" does not give 55 with an 11x11 stride-4 kernel)."""
    model = unbuilt(alexnet)
    names = ["conv1", "pool1", "conv2", "pool2", "conv5", "pool5"]
    shapes = [tuple(model.get_layer(n).output.shape[1:]) for n in names]
    assert shapes == [
        (55, 55, 96), (27, 27, 96), (27, 27, 256), (13, 13, 256), (13, 13, 256), (6, 6, 256),
    ]  # fmt: skip
    assert sum(isinstance(layer, LocalResponseNorm) for layer in model.layers) == 2
    assert not any(isinstance(la, LocalResponseNorm) for la in unbuilt(alexnet, lrn=False).layers)


def test_zfnet_parameters_and_figure_3_shapes(unbuilt):
    by_hand = (
        _conv(7, 3, 96)
        + _conv(5, 96, 256)
        + _conv(3, 256, 384)
        + _conv(3, 384, 384)
        + _conv(3, 384, 256)
        + (6 * 6 * 256 * 4096 + 4096)
        + (4096 * 4096 + 4096)
        + (4096 * 1000 + 1000)
    )
    model = unbuilt(zfnet)
    assert model.count_params() == by_hand == 62_357_608
    # No total in the paper; the same order as AlexNet, 0.03 % below the one-GPU AlexNet.
    assert abs(_distance(model.count_params(), 62_378_344)) < 0.05
    names = ["conv1", "pool1", "conv2", "pool2", "conv3", "conv5", "pool5"]
    sizes = [model.get_layer(n).output.shape[1] for n in names]
    assert sizes == [110, 55, 26, 13, 13, 13, 6]
    assert tuple(model.get_layer("conv1").kernel.shape) == (7, 7, 3, 96)


def test_vgg16_has_exactly_the_parameters_of_keras_applications(unbuilt):
    model = unbuilt(vgg16)
    with keras.StatelessScope(initialize_variables=False):
        reference = keras.applications.VGG16(weights=None)
    assert model.count_params() == reference.count_params() == 138_357_544
    assert round(model.count_params() / 1e6) == 138  # Simonyan and Zisserman, Table 2, "D"
    kernels = [w for w in model.weights if w.name == "kernel"]
    assert len(kernels) == 16  # 13 convolutions and 3 dense layers
    assert sorted(tuple(w.shape) for w in kernels) == sorted(
        tuple(w.shape) for w in reference.weights if w.name == "kernel"
    )
    assert model.get_layer("stage5_pool").output.shape[1:] == (7, 7, 512)


def test_googlenet_parameters_and_table_1_shapes(unbuilt):
    model = unbuilt(googlenet)
    channels, blocks = 192, 0
    for filters in GOOGLENET_BLOCKS.values():
        blocks += inception_parameter_count(channels, *filters)
        channels = InceptionBlock(*filters).output_channels
    stem = _conv(7, 3, 64) + _conv(1, 64, 64) + _conv(3, 64, 192)
    assert model.count_params() == stem + blocks + 1024 * 1000 + 1000 == 6_998_552
    # Table 1's column sums to 6.8 M (weights only, rounded per layer); with biases 2.9 % more.
    assert _distance(model.count_params(), 6.8e6) == 2.9
    sizes = {n: model.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "pool2")}
    assert sizes == {"conv1": 112, "pool1": 56, "pool2": 28}
    inception = [la for la in model.layers if isinstance(la, InceptionBlock)]
    assert [tuple(la.output.shape[1:3]) for la in inception] == [(28, 28)] * 2 + [(14, 14)] * 5 + [
        (7, 7)
    ] * 2
    assert inception[-1].output.shape[-1] == 1024
    # 22 weight layers deep: 3 in the stem, 2 on the longest path of each module, 1 classifier.
    assert 3 + 2 * len(inception) + 1 == 22


def test_resnet50_matches_keras_applications_up_to_the_conv_biases(unbuilt):
    """The original ResNet-50 (and torchvision's) has 25,557,032 weights to learn. Keras's port
    gives every convolution a bias before its batch norm: 26,560 numbers more."""
    model = unbuilt(resnet_imagenet)
    assert model.name == "resnet50"
    assert _trainable(model) == 25_557_032
    assert model.count_params() == 25_610_152  # + moving mean and variance of batch norm
    with keras.StatelessScope(initialize_variables=False):
        reference = keras.applications.ResNet50(weights=None)
    conv_biases = sum(
        layer.filters for layer in reference.layers if isinstance(layer, keras.layers.Conv2D)
    )
    assert conv_biases == 26_560
    assert reference.count_params() == 25_636_712 == model.count_params() + conv_biases
    stages = [model.get_layer(f"stage{s}_block1").output.shape[1:] for s in (2, 3, 4, 5)]
    assert stages == [(56, 56, 256), (28, 28, 512), (14, 14, 1024), (7, 7, 2048)]
    assert sum(isinstance(la, BottleneckBlock) for la in model.layers) == 16


@pytest.mark.parametrize(
    ("depth", "trainable"),
    [(18, 11_689_512), (34, 21_797_672), (101, 44_549_160), (152, 60_192_808)],
)
def test_other_resnet_depths(depth, trainable, unbuilt):
    """The weights of torchvision's resnet18 ... resnet152, which are the paper's networks."""
    model = unbuilt(resnet_imagenet, depth=depth)
    assert _trainable(model) == trainable and model.name == f"resnet{depth}"
    block = ResidualBlock if depth < 50 else BottleneckBlock
    assert all(not isinstance(la, ResidualBlock | BottleneckBlock) or isinstance(la, block)
               for la in model.layers)  # fmt: skip


COURSE_SIZE = {
    "alexnet": lambda: alexnet((28, 28, 1), 10, scale=1 / 16, first_stride=1),
    "zfnet": lambda: zfnet((32, 32, 3), 10, scale=1 / 16, first_stride=1),
    "vgg16": lambda: vgg16((32, 32, 3), 10, scale=1 / 16),
    "googlenet": lambda: googlenet((32, 32, 3), 10, scale=1 / 16, first_stride=1, batch_norm=True),
    "resnet50": lambda: resnet_imagenet((32, 32, 3), 10, scale=1 / 16, first_stride=1),
}


@pytest.mark.parametrize("name", list(COURSE_SIZE))
def test_course_size_models_predict_and_train(name):
    model = COURSE_SIZE[name]()
    assert model.count_params() < 400_000
    shape = model.input_shape[1:]
    x = RNG.random((8, *shape)).astype("float32")
    y = RNG.integers(0, 10, 8)
    # Eagerly: tracing a graph of these many small layers costs more than running them.
    probabilities = keras.ops.convert_to_numpy(model(x, training=False))
    assert probabilities.shape == (8, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    model.compile(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy", run_eagerly=True)
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
    assert sum(changed) > len(changed) // 2


def test_scale_shrinks_every_layer_and_keeps_groups_whole():
    model = alexnet((67, 67, 3), 5, scale=0.1)
    filters = [model.get_layer(f"conv{i}").filters for i in range(1, 6)]
    assert filters == [10, 26, 38, 38, 26]  # 96, 256, 384, 384, 256 times 0.1, even for 2 GPUs
    assert model.get_layer("fc6").units == 410 and model.output_shape == (None, 5)
    tiny = vgg16((32, 32, 3), 3, scale=1e-3)  # every layer keeps at least one filter
    assert {layer.filters for layer in tiny.layers if hasattr(layer, "filters")} == {1}


@pytest.mark.parametrize(
    ("builder", "kwargs", "smallest"),
    [
        (alexnet, {}, 67),
        (alexnet, {"first_stride": 1}, 25),
        (zfnet, {}, 53),
        (zfnet, {"first_stride": 1}, 29),
    ],
)
def test_too_small_images_are_refused_with_the_smallest_size(builder, kwargs, smallest):
    builder((smallest, smallest, 3), **kwargs, scale=1 / 32)  # just fits
    with pytest.raises(ValueError, match=rf"at least {smallest}x{smallest} pixels"):
        builder((smallest - 1, smallest, 3), **kwargs, scale=1 / 32)


def test_googlenet_and_resnet_take_any_size():
    assert googlenet((8, 8, 1), 2, scale=1 / 32).output_shape == (None, 2)
    assert resnet_imagenet((8, 8, 1), 2, depth=18, scale=1 / 32).output_shape == (None, 2)


def test_round_trip_alexnet(tmp_path):
    kwargs = {
        "input_shape": (25, 25, 2),
        "num_classes": 3,
        "scale": 1 / 32,
        "first_stride": 1,
        "groups": 1,
        "lrn": False,
        "dropout": 0.2,
        "l2": 1e-3,
        "augmentation": augmentation.pipeline(flip="horizontal", seed=0),
        "name": "small_alexnet",
    }
    assert_model_round_trip(alexnet, kwargs, RNG.random((2, 25, 25, 2)), tmp_path)


def test_round_trip_googlenet(tmp_path):
    kwargs = {
        "input_shape": (16, 16, 3),
        "num_classes": 3,
        "scale": 1 / 32,
        "first_stride": 1,
        "lrn": False,
        "batch_norm": True,
        "dropout": 0.2,
        "l2": 1e-3,
        "augmentation": augmentation.pipeline(translation=0.1, seed=0),
        "name": "small_googlenet",
    }
    assert_model_round_trip(googlenet, kwargs, RNG.random((2, 16, 16, 3)), tmp_path)


def test_round_trip_resnet_and_a_model_with_lrn(tmp_path):
    """(BottleneckBlock's own round trip is in test_bottleneck.py.)"""
    kwargs = {
        "input_shape": (16, 16, 3),
        "num_classes": 3,
        "depth": 18,
        "scale": 1 / 32,
        "first_stride": 1,
        "l2": 1e-3,
        "augmentation": augmentation.pipeline(flip="horizontal", seed=0),
        "name": "small_resnet",
    }
    assert_model_round_trip(resnet_imagenet, kwargs, RNG.random((2, 16, 16, 3)), tmp_path)
    model = zfnet((32, 32, 1), 2, scale=1 / 32, first_stride=1)
    model.save(tmp_path / "zfnet.keras")
    reloaded = keras.saving.load_model(tmp_path / "zfnet.keras")
    x = RNG.random((2, 32, 32, 1)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), reloaded.predict(x, verbose=0))
    assert isinstance(reloaded.get_layer("lrn1"), LocalResponseNorm)


@pytest.mark.parametrize(
    ("builder", "kwargs", "match"),
    [
        (alexnet, {"groups": 0}, "groups"),
        (alexnet, {"scale": 0}, "scale"),
        (alexnet, {"first_stride": 1.5}, "first_stride"),
        (alexnet, {"lrn": "yes"}, "lrn"),
        (alexnet, {"dropout": 1.0}, "dropout"),
        (zfnet, {"num_classes": 1}, "num_classes"),
        (zfnet, {"input_shape": (224, 224)}, "input_shape"),
        (vgg16, {"scale": -1.0}, "scale"),
        (vgg16, {"batch_norm": None}, "batch_norm"),
        (vgg16, {"input_shape": (16, 16, 3)}, "input_shape"),
        (googlenet, {"l2": -1e-4}, "l2"),
        (googlenet, {"name": 3}, "name"),
        (resnet_imagenet, {"depth": 20}, "depth"),
        (resnet_imagenet, {"depth": 50.0}, "depth"),
    ],
)
def test_bad_arguments(builder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        builder(**kwargs)


@pytest.mark.parametrize("builder", BUILDERS)
def test_augmentation_must_be_a_layer(builder):
    with pytest.raises(TypeError, match="augmentation"):
        builder(augmentation="flip")


@pytest.mark.parametrize("builder", BUILDERS)
def test_channels_first_refused(builder):
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"image_data_format\(\).*channels_last"):
            builder((3, 32, 32), 10, scale=1 / 32)
    finally:
        keras.config.set_image_data_format(previous)


def test_every_builder_has_the_course_signature():
    assert sorted(imagenet_models.__all__) == sorted(
        ["RESNET_BLOCKS", *(b.__name__ for b in BUILDERS)]
    )
    for builder in BUILDERS:
        params = list(inspect.signature(builder).parameters.values())
        assert [p.name for p in params[:2]] == ["input_shape", "num_classes"], builder
        assert params[1].default == 1000
        assert all(p.kind is p.KEYWORD_ONLY for p in params[2:]), builder
        assert "scale" in [p.name for p in params]
    assert alexnet.__defaults__[0] == (227, 227, 3)
    assert all(b.__defaults__[0] == (224, 224, 3) for b in BUILDERS[1:])
