import copy
import json

import keras
import numpy as np
import pytest
from round_trip import assert_config_holds, assert_every_argument_set

from course_lib import augmentation


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.random((8, 28, 28, 1)).astype("float32")


def _layer_types(pipe):
    return [type(layer).__name__ for layer in pipe.layers]


def test_digit_preset_never_flips():
    pipe = augmentation.for_digits(seed=0)
    assert "RandomFlip" not in _layer_types(pipe)
    assert {"RandomRotation", "RandomTranslation", "RandomZoom"} <= set(_layer_types(pipe))


def test_digit_preset_refuses_class_changing_rotation():
    with pytest.raises(ValueError, match="rotation"):
        augmentation.for_digits(rotation=0.5)


def test_natural_preset_layers():
    pipe = augmentation.for_natural_images(seed=0)
    types = _layer_types(pipe)
    assert types[0] == "RandomFlip" and pipe.layers[0].mode == "horizontal"
    assert {"RandomTranslation", "RandomContrast", "RandomBrightness"} <= set(types)


@pytest.mark.parametrize("make", [augmentation.for_digits, augmentation.for_natural_images])
def test_active_in_training_only(make, images):
    if make is augmentation.for_natural_images:
        images = np.repeat(images, 3, axis=-1)
    pipe = make(seed=1)
    np.testing.assert_array_equal(np.asarray(pipe(images, training=False)), images)
    changed = np.asarray(pipe(images, training=True))
    assert changed.shape == images.shape
    assert np.abs(changed - images).mean() > 0.01


def test_inside_a_model_predict_is_untouched(images):
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), augmentation.for_digits(seed=0), keras.layers.Flatten()]
    )
    np.testing.assert_array_equal(model.predict(images, verbose=0), images.reshape(8, -1))


def test_horizontal_flip_mirrors_columns():
    pipe = augmentation.pipeline(flip="horizontal", seed=0)
    image = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) / 16
    batch = np.repeat(image, 64, axis=0)
    out = np.asarray(pipe(batch, training=True))
    mirrored = image[:, :, ::-1]
    flipped = [np.array_equal(o[None], mirrored) for o in out]
    kept = [np.array_equal(o[None], image) for o in out]
    assert all(
        f or k for f, k in zip(flipped, kept, strict=True)
    )  # each image is either flipped or kept
    assert 10 < sum(flipped) < 54  # about half of them are flipped


def test_brightness_and_contrast_stay_in_range(images):
    pipe = augmentation.pipeline(contrast=0.5, brightness=0.5, seed=0)
    out = np.asarray(pipe(images, training=True))
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_seeded_pipelines_repeat(images):
    a = np.asarray(augmentation.for_digits(seed=4)(images, training=True))
    b = np.asarray(augmentation.for_digits(seed=4)(images, training=True))
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"flip": "diagonal"}, "flip"),
        ({"rotation": 1.0}, "rotation"),
        ({"translation": -0.1}, "translation"),
        ({"zoom": "a"}, "zoom"),
        ({"contrast": 2}, "contrast"),
        ({"noise": -1.0}, "noise"),
        ({"brightness": 0.1, "value_range": (1, 0)}, "value_range"),
        ({"rotation": 0.1, "seed": 1.5}, "seed"),
        ({}, "empty"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        augmentation.pipeline(**kwargs)


def test_pipeline_saves_and_reloads(tmp_path, images):
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), augmentation.for_digits(seed=0), keras.layers.Flatten()]
    )
    model.save(tmp_path / "aug.keras")
    reloaded = keras.saving.load_model(tmp_path / "aug.keras")
    assert _layer_types(reloaded.layers[0]) == _layer_types(model.layers[0])
    np.testing.assert_array_equal(reloaded.predict(images, verbose=0), images.reshape(8, -1))


def test_digit_preset_names_a_bad_rotation():
    with pytest.raises(ValueError, match="`rotation` must be a number in"):
        augmentation.for_digits(rotation="a")


def test_numpy_numbers_are_accepted():
    pipe = augmentation.pipeline(
        rotation=np.float32(0.05), noise=np.float64(0.1), seed=np.int64(2)
    )
    assert [type(layer).__name__ for layer in pipe.layers] == ["RandomRotation", "GaussianNoise"]
    assert augmentation.for_digits(rotation=np.float64(0.05), seed=np.int32(1)) is not None


def _every_argument():
    return {
        "flip": "vertical",
        "rotation": 0.05,
        "translation": 0.1,
        "zoom": 0.15,
        "contrast": 0.3,
        "brightness": 0.25,
        "noise": 0.05,
        "value_range": (-1.0, 1.0),
        "seed": 3,
        "name": "my_augmentation",
    }


def test_pipeline_round_trip_with_every_argument(tmp_path, images):
    """Each argument reaches the saved config, and a clone (from the config, or loaded from a
    .keras file) makes the same random changes from the same seed."""
    kwargs = _every_argument()
    assert_every_argument_set(augmentation.pipeline, kwargs)
    images = 2 * images - 1
    pipe = augmentation.pipeline(**kwargs)
    config = pipe.get_config()
    assert config["name"] == "my_augmentation"
    layers = {layer["class_name"]: layer["config"] for layer in config["layers"]}
    fill = {"fill_mode": "constant", "fill_value": -1.0}  # the low end of value_range
    assert_config_holds(layers["RandomFlip"], {"mode": "vertical", "seed": 3})
    assert_config_holds(layers["RandomRotation"], {"factor": (-0.05, 0.05), "seed": 4, **fill})
    assert_config_holds(
        layers["RandomTranslation"],
        {"height_factor": 0.1, "width_factor": 0.1, "seed": 5, **fill},
    )
    assert_config_holds(layers["RandomZoom"], {"height_factor": 0.15, "seed": 6, **fill})
    assert_config_holds(layers["RandomContrast"], {"value_range": (-1.0, 1.0), "seed": 7})
    assert 0.3 in layers["RandomContrast"]["factor"]
    assert_config_holds(
        layers["RandomBrightness"],
        {"factor": (-0.25, 0.25), "value_range": (-1.0, 1.0), "seed": 8},
    )
    assert_config_holds(layers["GaussianNoise"], {"stddev": 0.05, "seed": 9})
    clone = keras.Sequential.from_config(copy.deepcopy(config))
    assert clone.get_config() == config
    expected = np.asarray(pipe(images, training=True))
    np.testing.assert_allclose(np.asarray(clone(images, training=True)), expected, atol=1e-6)

    fresh = augmentation.pipeline(**kwargs)
    model = keras.Sequential([keras.Input((28, 28, 1)), fresh])
    model.save(tmp_path / "aug.keras")
    loaded = keras.saving.load_model(tmp_path / "aug.keras").layers[0]
    assert json.dumps(loaded.get_config()) == json.dumps(fresh.get_config())
    np.testing.assert_allclose(np.asarray(loaded(images, training=True)), expected, atol=1e-6)
    np.testing.assert_array_equal(np.asarray(loaded(images, training=False)), images)
