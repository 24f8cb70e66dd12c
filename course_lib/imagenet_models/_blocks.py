"""GoogLeNet and the ImageNet ResNets: networks built from repeated multi-branch blocks."""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib.bottleneck import BottleneckBlock
from course_lib.imagenet_models import _shared
from course_lib.inception import GOOGLENET_BLOCKS, InceptionBlock
from course_lib.layers import ConvBlock
from course_lib.local_response_norm import LocalResponseNorm
from course_lib.residual import ResidualBlock

__all__ = ["RESNET_BLOCKS", "googlenet", "resnet_imagenet"]

#: Blocks per stage of the ImageNet ResNets (He et al., 2015, Table 1) and whether they are
#: bottleneck blocks (50 layers and more) or two 3x3 convolutions (``ResidualBlock``).
RESNET_BLOCKS: dict[int, tuple[tuple[int, int, int, int], bool]] = {
    18: ((2, 2, 2, 2), False),
    34: ((3, 4, 6, 3), False),
    50: ((3, 4, 6, 3), True),
    101: ((3, 4, 23, 3), True),
    152: ((3, 8, 36, 3), True),
}


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
    opts = _shared.options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _shared.image(input_shape, "googlenet", [], opts["first_stride"])
    lrn = check.boolean(lrn, "lrn")
    batch_norm = check.boolean(batch_norm, "batch_norm")
    dropout = check.fraction(dropout, "dropout")
    common = {"batch_norm": batch_norm, "l2": opts["l2"]}

    def n(filters: int) -> int:
        return _shared.scaled(filters, opts["scale"])

    def pool(name: str):
        return keras.layers.MaxPooling2D(3, strides=2, padding="same", name=name)

    inputs, x = _shared.start(input_shape, opts["augmentation"])
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
    return _shared.end(inputs, x, opts["num_classes"], opts["name"] or "googlenet")


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
        >>> model = resnet_imagenet((32, 32, 3), 10, scale=1 / 8, first_stride=1)
        >>> model.get_layer("stage5_block1").output.shape  # 4 x 512 / 8 channels
        (None, 2, 2, 256)
    """
    depth = check.one_of(check.positive_int(depth, "depth"), "depth", tuple(RESNET_BLOCKS))
    opts = _shared.options(num_classes, scale, first_stride, l2, augmentation, name)
    input_shape = _shared.image(input_shape, "resnet_imagenet", [], opts["first_stride"])
    blocks, bottleneck = RESNET_BLOCKS[depth]

    inputs, x = _shared.start(input_shape, opts["augmentation"])
    stem = _shared.scaled(64, opts["scale"])
    x = ConvBlock(
        stem, 7, strides=opts["first_stride"], batch_norm=True, l2=opts["l2"], name="conv1"
    )(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, count in enumerate(blocks):
        filters = _shared.scaled(64 * 2**stage, opts["scale"])
        for b in range(count):
            strides = 2 if stage > 0 and b == 0 else 1
            name = f"stage{stage + 2}_block{b + 1}"  # conv2_x ... conv5_x in the paper
            block = BottleneckBlock if bottleneck else ResidualBlock
            x = block(filters, strides, l2=opts["l2"], name=name)(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return _shared.end(inputs, x, opts["num_classes"], opts["name"] or f"resnet{depth}")
