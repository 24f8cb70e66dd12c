"""The bottleneck block of ResNet-50 and deeper."""

import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib.bottleneck import BottleneckBlock

RNG = np.random.default_rng(0)


def test_the_docstring_arithmetic():
    """256 -> 64 -> 64 -> 256 channels: 69,632 weights against 1,179,648 for two 3x3s."""
    block = BottleneckBlock(64)
    block.build((None, 14, 14, 256))
    assert block.projection is None  # same shape: identity shortcut
    weights = [w for w in block.trainable_weights if w.name == "kernel"]
    assert sum(int(np.prod(w.shape)) for w in weights) == 69_632
    assert 2 * 9 * 256 * 256 == 1_179_648


def test_projection_only_when_the_shape_changes():
    x = keras.ops.zeros((1, 8, 8, 16))
    assert tuple(BottleneckBlock(4)(x).shape) == (1, 8, 8, 16)
    widen = BottleneckBlock(8)
    assert tuple(widen(x).shape) == (1, 8, 8, 32) and widen.projection is not None
    halve = BottleneckBlock(4, strides=2)
    assert tuple(halve(x).shape) == (1, 4, 4, 16) and halve.projection is not None
    # The stride is on the first 1x1 convolution, as in the paper.
    assert halve.reduce.strides == (2, 2) and halve.conv.strides == (1, 1)


def test_identity_shortcut_adds_the_input():
    """With the residual branch zeroed, the block is relu(x)."""
    block = BottleneckBlock(2, batch_norm=False)
    x = RNG.normal(size=(2, 4, 4, 8)).astype("float32")
    block(x)
    for w in block.expand.weights:
        w.assign(np.zeros(w.shape))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block(x)), np.maximum(x, 0), atol=1e-6)


def test_round_trip(tmp_path):
    kwargs = {
        "filters": 2,
        "strides": 2,
        "expansion": 2,
        "batch_norm": False,
        "activation": "elu",
        "l2": 1e-3,
        "name": "bottleneck",
    }
    assert_layer_round_trip(BottleneckBlock, kwargs, RNG.random((2, 6, 6, 3)), tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filters": 0}, "filters"),
        ({"strides": 3}, "strides"),
        ({"expansion": 1.5}, "expansion"),
        ({"batch_norm": None}, "batch_norm"),
        ({"activation": "magic"}, "activation"),
        ({"l2": float("inf")}, "l2"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BottleneckBlock(**{"filters": 2, **kwargs})


def test_wrong_input_rank_and_channels_first_are_refused():
    with pytest.raises(ValueError, match="BottleneckBlock expects"):
        BottleneckBlock(2).build((None, 8, 3))
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_last"):
            BottleneckBlock(2)
    finally:
        keras.config.set_image_data_format(previous)
