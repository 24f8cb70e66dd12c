"""Model builders: LeNet-5, VGG-style stacks of 3x3 convolutions, and the CIFAR ResNet.

Every builder returns a functional ``keras.Model`` (not compiled) whose last layer is a float32
softmax, so the outputs stay float32 under mixed precision. An optional augmentation layer
(``course_lib.augmentation``) goes right after the input: it is part of the model, runs on the
accelerator with everything else, and is active only while training.

Example:
    >>> lenet5().count_params()
    61706
    >>> resnet(20).count_params()  # ResNet-20 for CIFAR-10, "0.27M" in He et al. (2015)
    274042
"""

from __future__ import annotations

import keras

from course_lib.layers import ACTIVATIONS, ConvBlock, DenseBlock
from course_lib.residual import ResidualBlock

__all__ = ["lenet5", "resnet", "resnet_depths", "vgg"]


def _check_input_shape(input_shape) -> None:
    if (
        not isinstance(input_shape, (tuple, list))
        or len(input_shape) != 3
        or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in input_shape)
    ):
        raise ValueError(
            f"`input_shape` must be (height, width, channels) of positive integers. "
            f"Received: input_shape={input_shape!r}"
        )


def _check_num_classes(num_classes) -> None:
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an integer >= 2. Received: num_classes={num_classes!r}"
        )


def _check_rate(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def _check_augmentation(augmentation) -> None:
    if augmentation is not None and not isinstance(augmentation, keras.layers.Layer):
        raise TypeError(
            "`augmentation` must be None or a Keras layer (see course_lib.augmentation). "
            f"Received: augmentation={augmentation!r}"
        )


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
    _check_input_shape(input_shape)
    if min(input_shape[:2]) < 10:
        raise ValueError(
            "LeNet-5 needs images of at least 10x10: after the first 2x2 pooling the second "
            f"5x5 convolution must still fit. Received: input_shape={tuple(input_shape)}"
        )
    _check_num_classes(num_classes)
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"`activation` must be one of {list(ACTIVATIONS)}. Received: activation={activation!r}"
        )
    pool_layers = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}
    if pooling not in pool_layers:
        raise ValueError(f"`pooling` must be 'max' or 'average'. Received: pooling={pooling!r}")
    pool = pool_layers[pooling]

    common = {"activation": activation, "batch_norm": batch_norm, "l2": l2}
    inputs = keras.Input(tuple(input_shape), name="image")
    x = augmentation(inputs) if augmentation is not None else inputs
    x = ConvBlock(6, 5, padding="same", name="c1", **common)(x)
    x = pool(2, name="s2")(x)
    x = ConvBlock(16, 5, padding="valid", name="c3", **common)(x)
    x = pool(2, name="s4")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = DenseBlock(120, dropout=dropout, name="f5", **common)(x)
    x = DenseBlock(84, dropout=dropout, name="f6", **common)(x)
    return keras.Model(inputs, _classifier(num_classes)(x), name=name)


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
    _check_input_shape(input_shape)
    _check_num_classes(num_classes)
    if (
        not isinstance(stages, (tuple, list))
        or not stages
        or any(
            not isinstance(stage, (tuple, list))
            or len(stage) != 2
            or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in stage)
            for stage in stages
        )
    ):
        raise ValueError(
            "`stages` must be a non-empty sequence of (filters, convs) pairs of positive "
            f"integers. Received: stages={stages!r}"
        )
    if min(input_shape[:2]) < 2 ** len(stages):
        raise ValueError(
            f"{len(stages)} stages halve the image {len(stages)} times, so `input_shape` needs "
            f"at least {2 ** len(stages)}x{2 ** len(stages)} pixels. "
            f"Received: input_shape={tuple(input_shape)}, stages={stages!r}"
        )
    if not isinstance(dense_units, (tuple, list)) or any(
        isinstance(u, bool) or not isinstance(u, int) or u < 1 for u in dense_units
    ):
        raise ValueError(
            "`dense_units` must be a sequence of positive integers (may be empty). "
            f"Received: dense_units={dense_units!r}"
        )
    if not isinstance(batch_norm, bool):
        raise ValueError(
            f"`batch_norm` must be True or False. Received: batch_norm={batch_norm!r}"
        )
    dropout = _check_rate("dropout", dropout)
    _check_augmentation(augmentation)

    inputs = keras.Input(tuple(input_shape), name="image")
    x = augmentation(inputs) if augmentation is not None else inputs
    for s, (filters, convs) in enumerate(stages, start=1):
        for c in range(1, convs + 1):
            x = ConvBlock(filters, 3, batch_norm=batch_norm, l2=l2, name=f"stage{s}_conv{c}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"stage{s}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for d, units in enumerate(dense_units, start=1):
        x = DenseBlock(units, batch_norm=batch_norm, dropout=dropout, l2=l2, name=f"dense{d}")(x)
    return keras.Model(inputs, _classifier(num_classes)(x), name=name)


def resnet_depths(limit: int = 110) -> list[int]:
    """The depths the CIFAR ResNet allows, 6n + 2, up to ``limit``.

    Example:
        >>> resnet_depths(56)
        [8, 14, 20, 26, 32, 38, 44, 50, 56]
    """
    return list(range(8, limit + 1, 6))


def resnet(
    depth: int = 20,
    input_shape: tuple[int, int, int] = (32, 32, 3),
    num_classes: int = 10,
    *,
    width: int = 16,
    shortcuts: bool = True,
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
        depth: number of weight layers, 6n + 2 with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...).
        input_shape: (height, width, channels), at least 4x4 (two stride-2 stages).
        num_classes: number of output classes, at least 2.
        width: filters of the first stage (16 in the paper).
        shortcuts: False builds the *plain* network with the same layers and no additions.
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
        >>> resnet(20).count_params()
        274042
        >>> resnet(21)
        Traceback (most recent call last):
        ...
        ValueError: `depth` must be 6n + 2 ...
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(
            "`depth` must be 6n + 2 with n >= 1, e.g. "
            f"{resnet_depths(56)}. Received: depth={depth!r}"
        )
    _check_input_shape(input_shape)
    if min(input_shape[:2]) < 4:
        raise ValueError(
            "The ResNet halves the image twice, so `input_shape` needs at least 4x4 pixels. "
            f"Received: input_shape={tuple(input_shape)}"
        )
    _check_num_classes(num_classes)
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"`width` must be a positive integer. Received: width={width!r}")
    for arg, value in (("shortcuts", shortcuts), ("batch_norm", batch_norm)):
        if not isinstance(value, bool):
            raise ValueError(f"`{arg}` must be True or False. Received: {arg}={value!r}")
    _check_augmentation(augmentation)
    if name is None:
        name = (
            f"se_resnet{depth}" if se_ratio else f"resnet{depth}" if shortcuts else f"plain{depth}"
        )

    n = (depth - 2) // 6
    inputs = keras.Input(tuple(input_shape), name="image")
    x = augmentation(inputs) if augmentation is not None else inputs
    x = ConvBlock(width, 3, batch_norm=batch_norm, l2=l2, name="stem")(x)
    for stage in range(3):
        for b in range(n):
            x = ResidualBlock(
                width * 2**stage,
                strides=2 if stage > 0 and b == 0 else 1,
                shortcut=shortcuts,
                batch_norm=batch_norm,
                l2=l2,
                se_ratio=se_ratio,
                name=f"stage{stage + 1}_block{b + 1}",
            )(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _classifier(num_classes)(x), name=name)
