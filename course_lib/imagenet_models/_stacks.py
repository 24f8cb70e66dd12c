"""AlexNet, ZFNet and VGG-16: plain stacks of convolutions and three dense layers."""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib import models
from course_lib.imagenet_models import _shared
from course_lib.local_response_norm import LocalResponseNorm

__all__ = ["alexnet", "vgg16", "zfnet"]


def alexnet(
    input_shape: tuple[int, int, int] = (227, 227, 3),
    num_classes: int = 1000,
    *,
    scale: float = 1.0,
    first_stride: int = 4,
    groups: int = 2,
    lrn: bool = True,
    dropout: float = 0.5,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str | None = None,
) -> keras.Model:
    """AlexNet (Krizhevsky, Sutskever and Hinton, 2012), the ILSVRC 2012 winner.

    conv1 96@11x11 stride 4 -> LRN -> 3x3 max pool stride 2 -> conv2 256@5x5 -> LRN -> pool ->
    conv3 384@3x3 -> conv4 384@3x3 -> conv5 256@3x3 -> pool -> fc6 4096 -> fc7 4096 (both
    with dropout) -> softmax; ReLU everywhere. 60,965,224 parameters at 227x227x3 and 1000
    classes (the paper: "60 million"; ``course_lib.imagenet_models`` says what differs).

    Args:
        input_shape: (height, width, channels); 227x227x3 in the paper. At least 67x67 with
            ``first_stride=4``, 25x25 with ``first_stride=1`` (28x28 images fit).
        num_classes: number of output classes, at least 2.
        scale: multiplies every layer's filters and units (rounded to a multiple of
            ``groups``); e.g. ``1 / 16`` for a CPU.
        first_stride: stride of conv1, 4 in the paper; 1 for 28x28 to 32x32 images.
        groups: 2 splits conv2, conv4 and conv5 into two halves as on the paper's two GPUs;
            1 joins them.
        lrn: local response normalization after conv1 and conv2, as in the paper.
        dropout: dropout rate of fc6 and fc7, in [0, 1).
        l2: L2 penalty strength on every kernel (the paper's weight decay is 5e-4).
        augmentation: optional augmentation layer right after the input (training only).
        name: model name, default ``"alexnet"``.

    Example:
        >>> model = alexnet((32, 32, 3), 10, scale=1 / 16, first_stride=1)
        >>> tuple(model.get_layer("conv2").kernel.shape)  # each half sees 3 of 6 channels
        (5, 5, 3, 16)
    """
    groups = check.integer(groups, "groups", minimum=1)
    steps = [(11, first_stride, "valid"), (3, 2, "valid"), (3, 2, "valid"), (3, 2, "valid")]
    opts = _shared.options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _shared.image(input_shape, "alexnet", steps, opts["first_stride"])
    lrn = check.boolean(lrn, "lrn")
    dropout = check.fraction(dropout, "dropout")
    l2 = opts["l2"]

    def n(filters: int) -> int:
        return _shared.scaled(filters, opts["scale"], groups)

    inputs, x = _shared.start(input_shape, opts["augmentation"])
    x = _shared.conv(n(96), 11, opts["first_stride"], "valid", l2=l2, name="conv1")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn1")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _shared.conv(n(256), 5, groups=groups, l2=l2, name="conv2")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = _shared.conv(n(384), 3, l2=l2, name="conv3")(x)
    x = _shared.conv(n(384), 3, groups=groups, l2=l2, name="conv4")(x)
    x = _shared.conv(n(256), 3, groups=groups, l2=l2, name="conv5")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = _shared.dense_head(x, _shared.scaled(4096, opts["scale"]), dropout, l2)
    return _shared.end(inputs, x, opts["num_classes"], opts["name"] or "alexnet")


def zfnet(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    scale: float = 1.0,
    first_stride: int = 2,
    lrn: bool = True,
    dropout: float = 0.5,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str | None = None,
) -> keras.Model:
    """ZFNet (Zeiler and Fergus, 2013), the network of the ILSVRC 2013 winner (Clarifai).

    AlexNet, tuned by looking at what its layers had learnt: conv1 96@7x7 stride 2 (instead
    of 11x11 stride 4, which left dead filters and aliasing) -> pool -> LRN -> conv2 256@5x5
    stride 2 -> pool -> LRN -> conv3 384 -> conv4 384 -> conv5 256 (3x3) -> pool -> fc6, fc7
    4096 with dropout -> softmax. The feature maps are those of the paper's figure 3 (110,
    55, 26, 13, 13, 13 and 6 pixels at 224x224). 62,357,608 parameters.

    Args:
        input_shape: (height, width, channels), 224x224x3 in the paper; at least 53x53 with
            ``first_stride=2``, 29x29 with ``first_stride=1`` (32x32 images fit, 28x28
            do not: pad them).
        num_classes: number of output classes, at least 2.
        scale: multiplies every layer's filters and units; e.g. ``1 / 16`` for a CPU.
        first_stride: stride of conv1, 2 in the paper; 1 for 32x32 images.
        lrn: local response ("contrast") normalization after the first two poolings.
        dropout: dropout rate of fc6 and fc7, in [0, 1).
        l2: L2 penalty strength on every kernel.
        augmentation: optional augmentation layer right after the input (training only).
        name: model name, default ``"zfnet"``.

    Example:
        >>> zfnet((32, 32, 3), 10, scale=1 / 16, first_stride=1).get_layer("conv2").output.shape
        (None, 5, 5, 16)
    """
    steps = [1, (7, first_stride, "valid"), (3, 2, "same"), (5, 2, "valid"), (3, 2, "same")]
    steps.append((3, 2, "valid"))
    opts = _shared.options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _shared.image(input_shape, "zfnet", steps, opts["first_stride"])
    lrn = check.boolean(lrn, "lrn")
    dropout = check.fraction(dropout, "dropout")
    l2 = opts["l2"]

    def n(filters: int) -> int:
        return _shared.scaled(filters, opts["scale"])

    inputs, x = _shared.start(input_shape, opts["augmentation"])
    x = keras.layers.ZeroPadding2D(1, name="pad1")(x)
    x = _shared.conv(n(96), 7, opts["first_stride"], "valid", l2=l2, name="conv1")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn1")(x)
    x = _shared.conv(n(256), 5, 2, "valid", l2=l2, name="conv2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn2")(x)
    for i, filters in zip((3, 4, 5), (384, 384, 256), strict=True):
        x = _shared.conv(n(filters), 3, l2=l2, name=f"conv{i}")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = _shared.dense_head(x, _shared.scaled(4096, opts["scale"]), dropout, l2)
    return _shared.end(inputs, x, opts["num_classes"], opts["name"] or "zfnet")


def vgg16(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    scale: float = 1.0,
    batch_norm: bool = False,
    dropout: float = 0.5,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str | None = None,
) -> keras.Model:
    """VGG-16 (Simonyan and Zisserman, 2014, configuration D), the ILSVRC 2014 runner-up.

    Five stages of 3x3 convolutions (64, 128, 256, 512, 512 filters; 2, 2, 3, 3, 3 of them),
    each followed by a 2x2 max pool, then fc 4096 -> fc 4096 (dropout) -> softmax: 16 weight
    layers, 138,357,544 parameters, built by ``course_lib.models.vgg``.

    Args:
        input_shape: (height, width, channels), 224x224x3 in the paper; at least 32x32 (five
            poolings).
        num_classes: number of output classes, at least 2.
        scale: multiplies every layer's filters and units; e.g. ``1 / 8`` for a CPU.
        batch_norm: batch norm after every convolution and hidden dense layer (not in the
            paper, which predates it; "VGG-16-BN").
        dropout: dropout rate of the two hidden dense layers, in [0, 1).
        l2: L2 penalty strength on every kernel (5e-4 in the paper).
        augmentation: optional augmentation layer right after the input (training only).
        name: model name, default ``"vgg16"``.

    Example:
        >>> vgg16((32, 32, 3), 10, scale=1 / 8).count_params()
        531634
    """
    scale = check.positive_number(scale, "scale")
    stages = tuple(
        (_shared.scaled(filters, scale), convs)
        for filters, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
    )
    units = _shared.scaled(4096, scale)
    name = check.optional(check.string, name, "name")
    check.channels_last("vgg16")
    return models.vgg(
        input_shape,
        num_classes,
        stages=stages,
        dense_units=(units, units),
        batch_norm=batch_norm,
        dropout=dropout,
        l2=l2,
        augmentation=augmentation,
        name=name or "vgg16",
    )
