"""The ImageNet networks of the lecture's history table, at ImageNet size and at course size.

Every builder is ``builder(input_shape, num_classes, *, ...)``: its defaults build the paper's
network for 1000 ImageNet classes, and the same builder makes a *course-size* version that trains
on a CPU: ``scale`` multiplies the number of filters and dense units of every layer (rounded,
at least 1; not the classifier), and ``first_stride=1`` (not for VGG, which has no strided
convolution) keeps the resolution of 28x28 or 32x32 images, which the stride-4 or stride-2 first
layer of a network made for 224-pixel photos would throw away. Like ``course_lib.models``, they
return functional, uncompiled models with a float32 softmax on top, channels last only.

=========  ==========================  =====  =====================  =====================
builder    paper                       input  paper's parameters     ours (count_params)
=========  ==========================  =====  =====================  =====================
alexnet    Krizhevsky et al. (2012)    227    "60 million"           60,965,224 (groups=2)
zfnet      Zeiler and Fergus (2013)    224    none given             62,357,608
vgg16      Simonyan, Zisserman (2014)  224    138 M (Table 2, "D")   138,357,544
googlenet  Szegedy et al. (2014)       224    6.8 M (Table 1's sum)  6,998,552
resnet50   He et al. (2015)            224    none given (25.6 M)    25,610,152
=========  ==========================  =====  =====================  =====================

What differs from the papers, and why the counts differ:

- **AlexNet** (input 227x227: the paper says 224, but its 55x55 first feature maps need 227).
  The two GPUs become ``groups=2``: conv2, conv4 and conv5 see only the half of the channels
  "on their GPU", as in the paper (``groups=1`` joins them: 62,378,344 parameters). With it
  our count is 60,965,224, 1.6 % above the paper's rounded "60 million". Local response
  normalization (``course_lib.local_response_norm``, no weights) follows conv1 and conv2.
- **ZFNet**: AlexNet with a 7x7 stride-2 first layer and conv2 of stride 2; conv3 to conv5
  are not split (384, 384, 256 filters as in its figure 3). The paper gives no total; ours
  has 62,357,608, the same as an ungrouped AlexNet within 0.04 %.
- **VGG-16** (configuration D) is ``course_lib.models.vgg`` with the paper's stages; the same
  138,357,544 as ``keras.applications.VGG16``.
- **GoogLeNet**: without the two auxiliary classifiers (used only in training); with biases
  (Table 1 counts weights only) 6,998,552, 2.9 % above the column's sum of 6.8 M.
- **ResNet-50** (``resnet_imagenet(depth=50)``; 18, 34, 101 and 152 too): convolutions without
  biases, batch norm after each (4 numbers per channel in ``count_params``, 2 of them trained).
  The trainable weights, 25,557,032, are the often-quoted "25.6 M" of the original model
  (torchvision's ``resnet50`` too); ``keras.applications.ResNet50`` has 26,560 more (25,636,712)
  because its convolutions keep a bias before batch norm, which the norm's beta makes redundant.

Example:
    >>> model = alexnet((32, 32, 3), 10, scale=1 / 16, first_stride=1)  # course size
    >>> model.output_shape, model.count_params()
    ((None, 10), 83954)
    >>> with keras.StatelessScope(initialize_variables=False):  # count, draw no weights
    ...     model = vgg16()
    >>> model.count_params()
    138357544
"""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib import models, regularizers
from course_lib.bottleneck import BottleneckBlock
from course_lib.inception import GOOGLENET_BLOCKS, InceptionBlock
from course_lib.layers import ConvBlock, DenseBlock
from course_lib.local_response_norm import LocalResponseNorm
from course_lib.residual import ResidualBlock

__all__ = ["RESNET_BLOCKS", "alexnet", "googlenet", "resnet_imagenet", "vgg16", "zfnet"]

#: Blocks per stage of the ImageNet ResNets (He et al., 2015, Table 1) and whether they are
#: bottleneck blocks (50 layers and more) or two 3x3 convolutions (``ResidualBlock``).
RESNET_BLOCKS: dict[int, tuple[tuple[int, int, int, int], bool]] = {
    18: ((2, 2, 2, 2), False),
    34: ((3, 4, 6, 3), False),
    50: ((3, 4, 6, 3), True),
    101: ((3, 4, 23, 3), True),
    152: ((3, 8, 36, 3), True),
}


def _final_size(size: int, steps) -> int:
    """Height (or width) after ``steps``, each (kernel, stride, padding) or an int padding."""
    for step in steps:
        if isinstance(step, int):
            size += 2 * step
            continue
        kernel, stride, padding = step
        size = -(-size // stride) if padding == "same" else (size - kernel) // stride + 1
        if size < 1:
            return 0
    return size


def _image(input_shape, builder: str, steps, first_stride: int) -> tuple[int, int, int]:
    """``input_shape`` checked, and large enough for the layers ``steps``."""
    check.channels_last(builder)
    shape = check.shape(input_shape, "input_shape", length=3, layout="(height, width, channels)")
    if _final_size(min(shape[:2]), steps) < 1:
        smallest = next(n for n in range(1, 4096) if _final_size(n, steps) >= 1)
        raise ValueError(
            f"{builder} with first_stride={first_stride} shrinks images below 1 pixel, so "
            f"`input_shape` needs at least {smallest}x{smallest} pixels. "
            f"Received: input_shape={shape}"
        )
    return shape


def _options(num_classes, scale, first_stride, l2, augmentation, name) -> dict:
    return {
        "num_classes": check.integer(num_classes, "num_classes", minimum=2),
        "scale": check.positive_number(scale, "scale"),
        "first_stride": check.positive_int(first_stride, "first_stride"),
        "l2": check.non_negative_number(l2, "l2"),
        "augmentation": check.optional(
            check.instance,
            augmentation,
            "augmentation",
            types=keras.layers.Layer,
            what="None or a Keras layer (see course_lib.augmentation)",
        ),
        "name": check.optional(check.string, name, "name"),
    }


def _scaled(n: int, scale: float, multiple: int = 1) -> int:
    """``n * scale`` rounded to a multiple of ``multiple`` (at least ``multiple``)."""
    return max(multiple, round(n * scale / multiple) * multiple)


def _start(input_shape, augmentation):
    inputs = keras.Input(input_shape, name="image")
    return inputs, (augmentation(inputs) if augmentation is not None else inputs)


def _end(inputs, x, num_classes: int, name: str) -> keras.Model:
    return keras.Model(inputs, models._classifier(num_classes)(x), name=name)


def _conv(filters, kernel, strides=1, padding="same", groups=1, *, l2, name):
    return keras.layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding=padding,
        groups=groups,
        activation="relu",
        kernel_initializer="he_normal",
        kernel_regularizer=regularizers.get(l2=l2),
        name=name,
    )


def _dense_head(x, units: int, dropout: float, l2: float):
    """Flatten -> two DenseBlocks of ``units`` ReLUs with dropout (AlexNet, ZFNet, VGG)."""
    x = keras.layers.Flatten(name="flatten")(x)
    for i in (6, 7):
        x = DenseBlock(units, dropout=dropout, l2=l2, name=f"fc{i}")(x)
    return x


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
    classes (the paper: "60 million"; see the module docstring for what differs).

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
        >>> with keras.StatelessScope(initialize_variables=False):
        ...     one_gpu = alexnet(groups=1)
        >>> one_gpu.count_params()  # the often-quoted 62.4 M
        62378344
    """
    groups = check.integer(groups, "groups", minimum=1)
    steps = [(11, first_stride, "valid"), (3, 2, "valid"), (3, 2, "valid"), (3, 2, "valid")]
    opts = _options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _image(input_shape, "alexnet", steps, opts["first_stride"])
    lrn = check.boolean(lrn, "lrn")
    dropout = check.fraction(dropout, "dropout")
    l2 = opts["l2"]

    def n(filters: int) -> int:
        return _scaled(filters, opts["scale"], groups)

    inputs, x = _start(input_shape, opts["augmentation"])
    x = _conv(n(96), 11, opts["first_stride"], "valid", l2=l2, name="conv1")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn1")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _conv(n(256), 5, groups=groups, l2=l2, name="conv2")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = _conv(n(384), 3, l2=l2, name="conv3")(x)
    x = _conv(n(384), 3, groups=groups, l2=l2, name="conv4")(x)
    x = _conv(n(256), 3, groups=groups, l2=l2, name="conv5")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = _dense_head(x, _scaled(4096, opts["scale"]), dropout, l2)
    return _end(inputs, x, opts["num_classes"], opts["name"] or "alexnet")


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
    opts = _options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _image(input_shape, "zfnet", steps, opts["first_stride"])
    lrn = check.boolean(lrn, "lrn")
    dropout = check.fraction(dropout, "dropout")
    l2 = opts["l2"]

    def n(filters: int) -> int:
        return _scaled(filters, opts["scale"])

    inputs, x = _start(input_shape, opts["augmentation"])
    x = keras.layers.ZeroPadding2D(1, name="pad1")(x)
    x = _conv(n(96), 7, opts["first_stride"], "valid", l2=l2, name="conv1")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn1")(x)
    x = _conv(n(256), 5, 2, "valid", l2=l2, name="conv2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn2")(x)
    for i, filters in zip((3, 4, 5), (384, 384, 256), strict=True):
        x = _conv(n(filters), 3, l2=l2, name=f"conv{i}")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = _dense_head(x, _scaled(4096, opts["scale"]), dropout, l2)
    return _end(inputs, x, opts["num_classes"], opts["name"] or "zfnet")


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
        (_scaled(filters, scale), convs)
        for filters, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
    )
    units = _scaled(4096, scale)
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


def googlenet(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    scale: float = 1.0,
    first_stride: int = 2,
    lrn: bool = True,
    batch_norm: bool = False,
    dropout: float = 0.4,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str | None = None,
) -> keras.Model:
    """GoogLeNet (Szegedy et al., 2014), the ILSVRC 2014 winner, without auxiliary classifiers.

    conv 64@7x7 stride 2 -> 3x3 max pool stride 2 -> LRN -> conv 64@1x1 -> conv 192@3x3 -> LRN
    -> pool -> Inception 3a, 3b -> pool -> 4a to 4e -> pool -> 5a, 5b (``InceptionBlock``s,
    filters from ``course_lib.inception.GOOGLENET_BLOCKS``) -> global average pooling ->
    dropout -> softmax, as in the paper's Table 1: 22 weight layers, 6,998,552 parameters.
    Every pooling rounds up ("same" padding), which gives the table's 112, 56, 28, 14 and 7.

    Args:
        input_shape: (height, width, channels), 224x224x3 in the paper; any size from 1x1
            (the poolings round up), 32x32 is a good course size.
        num_classes: number of output classes, at least 2.
        scale: multiplies every layer's filters; e.g. ``1 / 8`` for a CPU.
        first_stride: stride of the 7x7 convolution, 2 in the paper; 1 for 32x32 images.
        lrn: local response normalization after the first pooling and after conv 3x3.
        batch_norm: batch norm after every convolution (Inception v2's idea, not v1's).
        dropout: dropout rate before the classifier (0.4 in the paper), in [0, 1).
        l2: L2 penalty strength on every kernel.
        augmentation: optional augmentation layer right after the input (training only).
        name: model name, default ``"googlenet"``.

    Example:
        >>> model = googlenet((32, 32, 3), 10, scale=1 / 8, first_stride=1, batch_norm=True)
        >>> model.get_layer("inception_4e").output.shape  # 832 / 8 channels
        (None, 4, 4, 104)
    """
    opts = _options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _image(input_shape, "googlenet", [], opts["first_stride"])
    lrn = check.boolean(lrn, "lrn")
    batch_norm = check.boolean(batch_norm, "batch_norm")
    dropout = check.fraction(dropout, "dropout")
    common = {"batch_norm": batch_norm, "l2": opts["l2"]}

    def n(filters: int) -> int:
        return _scaled(filters, opts["scale"])

    def pool(name: str):
        return keras.layers.MaxPooling2D(3, strides=2, padding="same", name=name)

    inputs, x = _start(input_shape, opts["augmentation"])
    x = ConvBlock(n(64), 7, strides=opts["first_stride"], name="conv1", **common)(x)
    x = pool("pool1")(x)
    if lrn:
        x = LocalResponseNorm(name="lrn1")(x)
    x = ConvBlock(n(64), 1, name="conv2_reduce", **common)(x)
    x = ConvBlock(n(192), 3, name="conv2", **common)(x)
    if lrn:
        x = LocalResponseNorm(name="lrn2")(x)
    x = pool("pool2")(x)
    for block, filters in GOOGLENET_BLOCKS.items():
        if block in ("4a", "5a"):
            x = pool(f"pool{int(block[0]) - 1}")(x)
        x = InceptionBlock(*map(n, filters), name=f"inception_{block}", **common)(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return _end(inputs, x, opts["num_classes"], opts["name"] or "googlenet")


def resnet_imagenet(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    depth: int = 50,
    scale: float = 1.0,
    first_stride: int = 2,
    l2: float = 0.0,
    augmentation: keras.layers.Layer | None = None,
    name: str | None = None,
) -> keras.Model:
    """The ImageNet ResNets of He et al. (2015), the ILSVRC 2015 winners: 18 to 152 layers.

    conv 64@7x7 stride 2 -> 3x3 max pool stride 2 -> four stages of 64, 128, 256 and 512
    filters (the first block of stages 2 to 4 halves the resolution) -> global average
    pooling -> softmax. Depths 18 and 34 use ``ResidualBlock`` (two 3x3 convolutions), 50,
    101 and 152 ``BottleneckBlock`` (1x1, 3x3, 1x1 with 4x the filters out); the blocks per
    stage are ``RESNET_BLOCKS[depth]``. ResNet-50 has 25,557,032 trainable parameters
    (25,610,152 with the batch-norm statistics). For CIFAR-size ResNets (6n + 2 layers) see
    ``course_lib.models.resnet``.

    Args:
        input_shape: (height, width, channels), 224x224x3 in the paper; any size (the
            poolings and strided convolutions round up), 32x32 for the course.
        num_classes: number of output classes, at least 2.
        depth: 18, 34, 50, 101 or 152.
        scale: multiplies every layer's filters; e.g. ``1 / 8`` for a CPU.
        first_stride: stride of the 7x7 convolution, 2 in the paper; 1 for 32x32 images.
        l2: L2 penalty strength on every kernel (1e-4 in the paper).
        augmentation: optional augmentation layer right after the input (training only).
        name: model name, default ``"resnet{depth}"``.

    Example:
        >>> with keras.StatelessScope(initialize_variables=False):
        ...     model = resnet_imagenet(depth=18)
        >>> sum(int(np.prod(w.shape)) for w in model.trainable_weights)  # torchvision's too
        11689512
    """
    depth = check.one_of(check.positive_int(depth, "depth"), "depth", tuple(RESNET_BLOCKS))
    opts = _options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _image(input_shape, "resnet_imagenet", [], opts["first_stride"])
    blocks, bottleneck = RESNET_BLOCKS[depth]

    inputs, x = _start(input_shape, opts["augmentation"])
    stem = _scaled(64, opts["scale"])
    x = ConvBlock(
        stem, 7, strides=opts["first_stride"], batch_norm=True, l2=opts["l2"], name="conv1"
    )(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, count in enumerate(blocks):
        filters = _scaled(64 * 2**stage, opts["scale"])
        for b in range(count):
            strides = 2 if stage > 0 and b == 0 else 1
            name = f"stage{stage + 2}_block{b + 1}"  # conv2_x ... conv5_x in the paper
            block = BottleneckBlock if bottleneck else ResidualBlock
            x = block(filters, strides, l2=opts["l2"], name=name)(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return _end(inputs, x, opts["num_classes"], opts["name"] or f"resnet{depth}")
