"""Model builders. ``lenet5`` now; VGG and ResNet arrive with the CNN notebooks."""

from __future__ import annotations

import keras

from course_lib.layers import ACTIVATIONS, ConvBlock, DenseBlock

__all__ = ["lenet5"]


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
    if (
        not isinstance(input_shape, (tuple, list))
        or len(input_shape) != 3
        or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in input_shape)
    ):
        raise ValueError(
            f"`input_shape` must be (height, width, channels) of positive integers. "
            f"Received: input_shape={input_shape!r}"
        )
    if min(input_shape[:2]) < 10:
        raise ValueError(
            "LeNet-5 needs images of at least 10x10: after the first 2x2 pooling the second "
            f"5x5 convolution must still fit. Received: input_shape={tuple(input_shape)}"
        )
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an integer >= 2. Received: num_classes={num_classes!r}"
        )
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
    outputs = keras.layers.Dense(
        num_classes, activation="softmax", dtype="float32", name="output"
    )(x)
    return keras.Model(inputs, outputs, name=name)
