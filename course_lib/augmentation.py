"""Data augmentation pipelines built from Keras preprocessing layers.

Augmentation shows the network a slightly different version of every training image at every
epoch: shifted, rotated, zoomed, brighter or darker. It is the cheapest regulariser there is,
with one rule: a transform must not change what the image *is*. A horizontal flip of a cat is
still a cat; a digit rotated by 180 degrees turns a 6 into a 9, and a mirrored 2 is no digit at
all. So there are two presets:

* ``for_digits()``: small rotations, shifts and zooms, and **no flips**.
* ``for_natural_images()``: horizontal flips, shifts, contrast and brightness changes.

The pipelines are ``keras.Sequential`` models of random layers. Put them inside the model
(right after the input): Keras then applies them only while training, and at inference
(``model.predict``, ``model.evaluate``) they pass images through unchanged. Inside the model they
also run on the GPU with everything else.
"""

from __future__ import annotations

import itertools

import keras

from course_lib import argument_validation as check

__all__ = ["FLIP_MODES", "for_digits", "for_natural_images", "pipeline"]

FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def pipeline(
    *,
    flip: str | None = None,
    rotation: float = 0.0,
    translation: float = 0.0,
    zoom: float = 0.0,
    contrast: float = 0.0,
    brightness: float = 0.0,
    noise: float = 0.0,
    value_range: tuple[float, float] = (0.0, 1.0),
    seed: int | None = None,
    name: str = "augmentation",
) -> keras.Sequential:
    """A custom augmentation pipeline; a factor of 0 leaves that transform out.

    Args:
        flip: None or one of ``FLIP_MODES``.
        rotation: largest rotation as a fraction of a full turn (0.05 is 18 degrees).
        translation: largest shift as a fraction of height and width.
        zoom: largest zoom in or out as a fraction of the size.
        contrast: contrast changes by a factor in [1 - contrast, 1 + contrast].
        brightness: brightness shifts by up to this fraction of ``value_range``.
        noise: standard deviation of additive Gaussian noise (input noise).
        value_range: the range of the pixel values, (0, 1) for normalised images.
        seed: seed of the first random layer; each further layer gets the next integer.
        name: name of the returned model.

    Example:
        >>> augment = pipeline(flip="horizontal", translation=0.1, contrast=0.2)
        >>> model = keras.Sequential([keras.Input((32, 32, 3)), augment, keras.layers.Flatten()])
    """
    flip = check.optional(check.one_of, flip, "flip", choices=FLIP_MODES)
    rotation = check.fraction(rotation, "rotation")
    translation = check.fraction(translation, "translation")
    zoom = check.fraction(zoom, "zoom")
    contrast = check.fraction(contrast, "contrast")
    brightness = check.fraction(brightness, "brightness")
    noise = check.non_negative_number(noise, "noise")
    value_range = check.interval(value_range, "value_range")
    seed = check.seed(seed)
    name = check.string(name, "name")

    seeds = itertools.count(seed) if seed is not None else itertools.repeat(None)
    fill = {"fill_mode": "constant", "fill_value": float(value_range[0])}
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip(flip, seed=next(seeds)))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, seed=next(seeds), **fill))
    if translation:
        layers.append(
            keras.layers.RandomTranslation(translation, translation, seed=next(seeds), **fill)
        )
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, seed=next(seeds), **fill))
    if contrast:
        layers.append(
            keras.layers.RandomContrast(contrast, value_range=value_range, seed=next(seeds))
        )
    if brightness:
        layers.append(
            keras.layers.RandomBrightness(brightness, value_range=value_range, seed=next(seeds))
        )
    if noise:
        layers.append(keras.layers.GaussianNoise(noise, seed=next(seeds)))
    if not layers:
        raise ValueError(
            "The pipeline is empty: give at least one non-zero factor or a flip mode."
        )
    return keras.Sequential(layers, name=name)


def for_digits(
    *,
    rotation: float = 0.03,
    translation: float = 0.1,
    zoom: float = 0.1,
    seed: int | None = None,
) -> keras.Sequential:
    """Label-safe preset for handwritten digits: small rotations (about 11 degrees), shifts
    and zooms, no flips.

    Example:
        >>> augment = for_digits(seed=0)
    """
    if check.fraction(rotation, "rotation") > 0.1:
        raise ValueError(
            "`rotation` above 0.1 (36 degrees) starts to turn one digit into another (6 and 9). "
            f"Received: rotation={rotation!r}"
        )
    return pipeline(
        rotation=rotation,
        translation=translation,
        zoom=zoom,
        seed=seed,
        name="digits_augmentation",
    )


def for_natural_images(
    *,
    translation: float = 0.1,
    contrast: float = 0.2,
    brightness: float = 0.2,
    value_range: tuple[float, float] = (0.0, 1.0),
    seed: int | None = None,
) -> keras.Sequential:
    """Preset for photos (CIFAR-10 and the like): horizontal flips, shifts, contrast and
    brightness.

    Example:
        >>> augment = for_natural_images(seed=0)
    """
    return pipeline(
        flip="horizontal",
        translation=translation,
        contrast=contrast,
        brightness=brightness,
        value_range=value_range,
        seed=seed,
        name="natural_image_augmentation",
    )
