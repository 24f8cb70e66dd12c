"""The Inception module of GoogLeNet: its branches, its parameter count, its configuration."""

import keras
import numpy as np
import pytest
from round_trip import assert_layer_round_trip

from course_lib.inception import GOOGLENET_BLOCKS, InceptionBlock, inception_parameter_count

RNG = np.random.default_rng(0)
_BRANCHES = ("filters_1x1", "reduce_3x3", "filters_3x3", "reduce_5x5", "filters_5x5", "pool_proj")


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_module_3a_counted_by_hand():
    """1x1: 192*64; 3x3: 192*96 + 9*96*128; 5x5: 192*16 + 25*16*32; pool: 192*32; + biases."""
    weights = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32
    biases = 64 + 96 + 128 + 16 + 32 + 32
    assert inception_parameter_count(192, *GOOGLENET_BLOCKS["3a"]) == weights + biases == 163_696
    block = InceptionBlock(*GOOGLENET_BLOCKS["3a"])
    block.build((None, 28, 28, 192))
    assert block.count_params() == 163_696


@pytest.mark.parametrize("batch_norm", [False, True])
def test_count_function_agrees_with_the_layer(batch_norm):
    filters = (3, 2, 5, 1, 4, 2)
    block = InceptionBlock(*filters, batch_norm=batch_norm)
    block.build((None, 6, 6, 7))
    assert block.count_params() == inception_parameter_count(7, *filters, batch_norm=batch_norm)
    # With batch norm: no biases, 4 numbers per channel (of the six convolutions).
    assert inception_parameter_count(7, *filters, batch_norm=True) - inception_parameter_count(
        7, *filters
    ) == 3 * sum(filters)


def test_the_reduction_is_what_makes_5x5_affordable():
    """The module docstring's arithmetic: 5x5 from 192 to 32 channels, with and without a 1x1
    reduction to 16 (weights only)."""
    direct = 25 * 192 * 32
    reduced = 192 * 16 + 25 * 16 * 32
    assert (direct, reduced) == (153_600, 15_872)
    assert direct / reduced > 9


def test_googlenet_table_1_output_channels_chain():
    """Table 1 of Szegedy et al. (2014): the output depth of every module, 256 to 1024."""
    expected = {
        "3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512,
        "4d": 528, "4e": 832, "5a": 832, "5b": 1024,
    }  # fmt: skip
    got = {name: InceptionBlock(*f).output_channels for name, f in GOOGLENET_BLOCKS.items()}
    assert got == expected


def test_output_is_the_four_branches_concatenated():
    block = InceptionBlock(2, 3, 4, 1, 5, 6, batch_norm=True)
    x = RNG.random((2, 7, 7, 3)).astype("float32")
    y = _numpy(block(x))
    assert y.shape == (2, 7, 7, 2 + 4 + 5 + 6)
    parts = [
        block.branch_1x1(x),
        block.branch_3x3(block.reduce_3(x)),
        block.branch_5x5(block.reduce_5(x)),
        block.projection(block.pool(x)),
    ]
    np.testing.assert_allclose(y, np.concatenate([_numpy(p) for p in parts], axis=-1), atol=1e-6)
    # The pool branch really pools: a 3x3 maximum, stride 1, same size.
    pooled = _numpy(block.pool(x))
    assert pooled.shape == x.shape and pooled[0, 3, 3, 0] == x[0, 2:5, 2:5, 0].max()
    # ReLU after every convolution: nothing negative comes out.
    assert (y >= 0).all()


def test_kernel_sizes_of_the_branches():
    block = InceptionBlock(2, 3, 4, 1, 5, 6)
    block.build((None, 8, 8, 3))
    kernels = {
        layer.name: tuple(layer.conv.kernel.shape)
        for layer in (
            block.branch_1x1,
            block.reduce_3,
            block.branch_3x3,
            block.reduce_5,
            block.branch_5x5,
            block.projection,
        )
    }
    assert kernels == {
        "branch_1x1": (1, 1, 3, 2),
        "reduce_3x3": (1, 1, 3, 3),
        "branch_3x3": (3, 3, 3, 4),
        "reduce_5x5": (1, 1, 3, 1),
        "branch_5x5": (5, 5, 1, 5),
        "pool_proj": (1, 1, 3, 6),
    }


def test_inception_block_round_trip(tmp_path):
    kwargs = {
        "filters_1x1": 2,
        "reduce_3x3": 3,
        "filters_3x3": 4,
        "reduce_5x5": 1,
        "filters_5x5": 2,
        "pool_proj": 3,
        "batch_norm": True,
        "activation": "elu",
        "l2": 1e-3,
        "name": "inception",
    }
    x = RNG.random((2, 6, 6, 3)).astype("float32")
    assert_layer_round_trip(InceptionBlock, kwargs, x, tmp_path)


def test_l2_penalty_on_every_kernel():
    block = InceptionBlock(1, 1, 1, 1, 1, 1, l2=1e-2)
    block(np.ones((1, 4, 4, 2), "float32"))
    assert len(block.losses) == 6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filters_1x1": 0}, "filters_1x1"),
        ({"reduce_5x5": 2.5}, "reduce_5x5"),
        ({"pool_proj": True}, "pool_proj"),
        ({"batch_norm": "yes"}, "batch_norm"),
        ({"activation": "magic"}, "activation"),
        ({"l2": -1.0}, "l2"),
    ],
)
def test_bad_arguments(kwargs, match):
    good = dict(zip(_BRANCHES, GOOGLENET_BLOCKS["3a"], strict=True))
    with pytest.raises(ValueError, match=match):
        InceptionBlock(**{**good, **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"channels": 0}, "channels"),
        ({"filters_3x3": -1}, "filters_3x3"),
        ({"reduce_3x3": None}, "reduce_3x3"),
        ({"batch_norm": 1}, "batch_norm"),
    ],
)
def test_count_refuses_bad_arguments(kwargs, match):
    good = {"channels": 192, **dict(zip(_BRANCHES, GOOGLENET_BLOCKS["3a"], strict=True))}
    with pytest.raises(ValueError, match=match):
        inception_parameter_count(**{**good, **kwargs})


def test_wrong_input_rank_is_refused():
    with pytest.raises(ValueError, match=r"\(batch, height, width, channels\)"):
        InceptionBlock(1, 1, 1, 1, 1, 1).build((None, 8, 3))


def test_channels_first_refused():
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"InceptionBlock.*channels_last"):
            InceptionBlock(1, 1, 1, 1, 1, 1)
    finally:
        keras.config.set_image_data_format(previous)
