"""What the ImageNet builders share: argument checks, the size arithmetic, small layers."""

from __future__ import annotations

import keras

from course_lib import argument_validation as check
from course_lib import models, regularizers
from course_lib.layers import DenseBlock


def final_size(size: int, steps) -> int:
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


def image(input_shape, builder: str, steps, first_stride: int) -> tuple[int, int, int]:
    """``input_shape`` checked, and large enough for the layers ``steps``."""
    check.channels_last(builder)
    shape = check.shape(input_shape, "input_shape", length=3, layout="(height, width, channels)")
    if final_size(min(shape[:2]), steps) < 1:
        smallest = next(n for n in range(1, 4096) if final_size(n, steps) >= 1)
        raise ValueError(
            f"{builder} with first_stride={first_stride} shrinks images below 1 pixel, so "
            f"`input_shape` needs at least {smallest}x{smallest} pixels. "
            f"Received: input_shape={shape}"
        )
    return shape


def options(num_classes, scale, first_stride, l2, augmentation, name) -> dict:
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


def scaled(n: int, scale: float, multiple: int = 1) -> int:
    """``n * scale`` rounded to a multiple of ``multiple`` (at least ``multiple``)."""
    return max(multiple, round(n * scale / multiple) * multiple)


def start(input_shape, augmentation):
    inputs = keras.Input(input_shape, name="image")
    return inputs, (augmentation(inputs) if augmentation is not None else inputs)


def end(inputs, x, num_classes: int, name: str) -> keras.Model:
    return keras.Model(inputs, models._classifier(num_classes)(x), name=name)


def conv(filters, kernel, strides=1, padding="same", groups=1, *, l2, name):
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


def dense_head(x, units: int, dropout: float, l2: float):
    """Flatten -> two DenseBlocks of ``units`` ReLUs with dropout (AlexNet, ZFNet, VGG)."""
    x = keras.layers.Flatten(name="flatten")(x)
    for i in (6, 7):
        x = DenseBlock(units, dropout=dropout, l2=l2, name=f"fc{i}")(x)
    return x
