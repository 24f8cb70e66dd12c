"""Model builders: LeNet-5, VGG-style stacks of 3x3 convolutions, and the CIFAR ResNet.

Every builder returns a functional ``keras.Model`` (not compiled) whose last layer is a float32
softmax, so the outputs stay float32 under mixed precision. An optional augmentation layer
(``course_lib.augmentation``) goes right after the input: it is part of the model, runs on the
accelerator with everything else, and is active only while training.

Example:
    >>> lenet5().count_params()
    61706
    >>> resnet(depth=20).count_params()  # ResNet-20 for CIFAR-10, "0.27M" in He et al. (2015)
    274042
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib.layers import ACTIVATIONS, ConvBlock, DenseBlock
from course_lib.residual import ResidualBlock

__all__ = ["lenet5", "resnet", "resnet_depths", "vgg"]


def _input_shape(input_shape, builder: str, *, min_size: int, why: str) -> tuple[int, int, int]:
    check.channels_last(builder)
    input_shape = check.shape(
        input_shape,
        "input_shape",
        length=3,
        layout="(height, width, channels) of positive integers",
    )
    if min(input_shape[:2]) < min_size:
        raise ValueError(
            f"{why}, so `input_shape` needs at least {min_size}x{min_size} pixels. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def _common(num_classes, batch_norm, l2, augmentation, name, *, optional_name=False) -> dict:
    """The arguments every builder shares, checked."""
    return {
        "num_classes": check.integer(num_classes, "num_classes", minimum=2),
        "batch_norm": check.boolean(batch_norm, "batch_norm"),
        "l2": check.non_negative_number(l2, "l2"),
        "augmentation": check.optional(
            check.instance,
            augmentation,
            "augmentation",
            types=keras.layers.Layer,
            what="None or a Keras layer (see course_lib.augmentation)",
        ),
        "name": (
            check.optional(check.string, name, "name")
            if optional_name
            else check.string(name, "name")
        ),
    }


def _stages(stages) -> tuple[tuple[int, int], ...]:
    what = "a non-empty sequence of (filters, convs) pairs of positive integers"
    if not isinstance(stages, (tuple, list)) or not stages:
        raise ValueError(f"`stages` must be {what}. Received: stages={stages!r}")
    return tuple(check.shape(stage, "stages", length=2, what=what) for stage in stages)


def _classifier(num_classes: int) -> keras.layers.Dense:
    # float32 even under a mixed-precision policy: softmax and the loss need the range.
    return keras.layers.Dense(num_classes, activation="softmax", dtype="float32", name="output")


def lenet5(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    num_classes: int = 10,
    *,
    activation: str = "relu",
    pooling: str = "max",
    batch_norm: bool = False,
    dropout: float = 0.0,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str = "lenet5",
) -> keras.Model:
    """LeNet-5 (LeCun et al., 1998) for small grayscale images.

    conv 6@5x5 (same) -> pool -> conv 16@5x5 (valid) -> pool -> dense 120 -> dense 84 -> dense
    ``num_classes`` with softmax. For 28x28x1 inputs and 10 classes it has 61,706 parameters.
    The defaults are the modern variant (ReLU, max pooling); ``activation="tanh"`` with
    ``pooling="average"`` is closer to the 1998 network.

    Args:
        input_shape: (height, width, channels), at least 10x10 so the second convolution fits.
        num_classes: number of output classes, at least 2.
        activation: hidden activation, one of ``course_lib.layers.ACTIVATIONS``.
        pooling: ``"max"`` or ``"average"``.
        batch_norm: batch norm in every conv and dense block.
        dropout: dropout rate of the two hidden dense blocks.
        l2: L2 penalty strength on every kernel.
        augmentation: an optional augmentation layer (see ``course_lib.augmentation``) placed
            right after the input, active only in training.
        name: model name.

    Returns:
        A functional ``keras.Model``, not compiled; it outputs class probabilities.

    Example:
        >>> model = lenet5()
        >>> model.count_params()
        61706
    """
    input_shape = _input_shape(
        input_shape,
        "lenet5",
        min_size=10,
        why="LeNet-5's second 5x5 convolution must still fit after the first 2x2 pooling",
    )
    args = _common(num_classes, batch_norm, l2, augmentation, name)
    activation = check.one_of(activation, "activation", ACTIVATIONS)
    pool_layers = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}
    pool = pool_layers[check.one_of(pooling, "pooling", tuple(pool_layers))]
    dropout = check.fraction(dropout, "dropout")
    augmentation = args["augmentation"]

    common = {"activation": activation, "batch_norm": args["batch_norm"], "l2": args["l2"]}
    inputs = keras.Input(input_shape, name="image")
    x = augmentation(inputs) if augmentation is not None else inputs
    x = ConvBlock(6, 5, padding="same", name="c1", **common)(x)
    x = pool(2, name="s2")(x)
    x = ConvBlock(16, 5, padding="valid", name="c3", **common)(x)
    x = pool(2, name="s4")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = DenseBlock(120, dropout=dropout, name="f5", **common)(x)
    x = DenseBlock(84, dropout=dropout, name="f6", **common)(x)
    return keras.Model(inputs, _classifier(args["num_classes"])(x), name=args["name"])


def vgg(
    input_shape: tuple[int, int, int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    stages: tuple[tuple[int, int], ...] = ((32, 2), (64, 2), (128, 2)),
    dense_units: tuple[int, ...] = (128,),
    batch_norm: bool = True,
    dropout: float = 0.3,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str = "vgg",
) -> keras.Model:
    """A VGG-style network (Simonyan and Zisserman, 2014): stages of 3x3 convolutions.

    Each stage is ``convs`` x ConvBlock(filters, 3x3, same padding) followed by a 2x2 max pool,
    which halves the resolution; the usual recipe doubles the filters from stage to stage.
    Then flatten -> DenseBlock(units, dropout) for each entry of ``dense_units`` -> softmax.
    Depth is the number of weight layers, ``sum(convs) + len(dense_units) + 1``.

    Args:
        input_shape: (height, width, channels); every stage halves height and width, so they
            must be at least ``2 ** len(stages)``.
        num_classes: number of output classes, at least 2.
        stages: a non-empty sequence of ``(filters, convs)`` pairs of positive integers.
        dense_units: widths of the hidden dense blocks (may be empty).
        batch_norm: batch norm after every convolution and hidden dense layer.
        dropout: dropout rate of the hidden dense blocks, in [0, 1).
        l2: L2 penalty strength on every kernel.
        augmentation: optional augmentation layer right after the input (training only).
        name: model name.

    Returns:
        A functional ``keras.Model``, not compiled; it outputs class probabilities.

    Example:
        >>> model = vgg((32, 32, 3), stages=((16, 2), (32, 2)), dense_units=(64,))
        >>> model.output_shape
        (None, 10)
    """
    stages = _stages(stages)
    input_shape = _input_shape(
        input_shape,
        "vgg",
        min_size=2 ** len(stages),
        why=f"{len(stages)} stages halve the image {len(stages)} times",
    )
    dense_units = check.shape(
        dense_units,
        "dense_units",
        what="a sequence of positive integers (may be empty)",
        allow_empty=True,
    )
    args = _common(num_classes, batch_norm, l2, augmentation, name)
    dropout = check.fraction(dropout, "dropout")
    augmentation, batch_norm, l2 = args["augmentation"], args["batch_norm"], args["l2"]

    inputs = keras.Input(input_shape, name="image")
    x = augmentation(inputs) if augmentation is not None else inputs
    for s, (filters, convs) in enumerate(stages, start=1):
        for c in range(1, convs + 1):
            x = ConvBlock(filters, 3, batch_norm=batch_norm, l2=l2, name=f"stage{s}_conv{c}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"stage{s}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for d, units in enumerate(dense_units, start=1):
        x = DenseBlock(units, batch_norm=batch_norm, dropout=dropout, l2=l2, name=f"dense{d}")(x)
    return keras.Model(inputs, _classifier(args["num_classes"])(x), name=args["name"])


def resnet_depths(limit: int = 110) -> list[int]:
    """The depths the CIFAR ResNet allows, 6n + 2, up to ``limit`` (at least 8).

    Example:
        >>> resnet_depths(56)
        [8, 14, 20, 26, 32, 38, 44, 50, 56]
    """
    limit = check.integer(limit, "limit", minimum=8)
    return list(range(8, limit + 1, 6))


def resnet(
    input_shape: tuple[int, int, int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    depth: int = 20,
    width: int = 16,
    shortcut: bool = True,
    batch_norm: bool = True,
    se_ratio: int | None = None,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str | None = None,
) -> keras.Model:
    """The CIFAR ResNet of He et al. (2015, section 4.2), any depth 6n + 2.

    conv 3x3 (``width`` filters) -> three stages of n ``ResidualBlock``s with ``width``,
    ``2 width`` and ``4 width`` filters (the first block of stages 2 and 3 has stride 2 and a
    1x1 projection shortcut) -> global average pooling -> softmax. Each block holds two
    convolutions, so the depth is 1 + 6n + 1 weight layers. ResNet-20 (n = 3) for CIFAR-10 has
    274,042 parameters (the paper's "0.27M"; 272,474 trainable, the rest batch-norm statistics).

    Args:
        input_shape: (height, width, channels), at least 4x4 (two stride-2 stages).
        num_classes: number of output classes, at least 2.
        depth: number of weight layers, 6n + 2 with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...).
        width: filters of the first stage (16 in the paper).
        shortcut: False builds the *plain* network with the same layers and no additions.
        batch_norm: batch norm after every convolution.
        se_ratio: None, or add a squeeze-and-excitation block with this ratio to every
            residual block (SE-ResNet).
        l2: L2 penalty strength on every kernel (the paper uses 1e-4).
        augmentation: optional augmentation layer right after the input (training only).
        name: model name; default ``"resnet{depth}"``, ``"plain{depth}"`` or
            ``"se_resnet{depth}"``.

    Returns:
        A functional ``keras.Model``, not compiled; it outputs class probabilities.

    Example:
        >>> resnet(depth=20).count_params()
        274042
        >>> resnet(depth=21)
        Traceback (most recent call last):
        ...
        ValueError: `depth` must be 6n + 2 ...
    """
    if check.is_int(input_shape):  # resnet(20), the old spelling of resnet(depth=20)
        raise ValueError(
            "`input_shape` must be a tuple (height, width, channels); the depth is a keyword "
            f"argument: resnet(depth={input_shape}). Received: input_shape={input_shape!r}"
        )
    if not check.is_int(depth) or depth < 8 or (depth - 2) % 6:
        raise ValueError(
            "`depth` must be 6n + 2 with n >= 1, e.g. "
            f"{resnet_depths(56)}. Received: depth={depth!r}"
        )
    depth = int(depth)
    input_shape = _input_shape(
        input_shape, "resnet", min_size=4, why="The ResNet halves the image twice"
    )
    args = _common(num_classes, batch_norm, l2, augmentation, name, optional_name=True)
    width = check.positive_int(width, "width")
    shortcut = check.boolean(shortcut, "shortcut")
    se_ratio = check.optional(check.positive_int, se_ratio, "se_ratio")
    augmentation, name = args["augmentation"], args["name"]
    if name is None:
        name = (
            f"se_resnet{depth}" if se_ratio else f"resnet{depth}" if shortcut else f"plain{depth}"
        )

    n = (depth - 2) // 6
    inputs = keras.Input(input_shape, name="image")
    x = augmentation(inputs) if augmentation is not None else inputs
    x = ConvBlock(width, 3, batch_norm=args["batch_norm"], l2=args["l2"], name="stem")(x)
    for stage in range(3):
        for b in range(n):
            x = ResidualBlock(
                width * 2**stage,
                strides=2 if stage > 0 and b == 0 else 1,
                shortcut=shortcut,
                batch_norm=args["batch_norm"],
                l2=args["l2"],
                se_ratio=se_ratio,
                name=f"stage{stage + 1}_block{b + 1}",
            )(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _classifier(args["num_classes"])(x), name=name)
