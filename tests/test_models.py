import keras
import numpy as np
import pytest
from round_trip import assert_model_round_trip

from benchmarks.lenet_course_vs_keras import plain_keras_lenet5, training_step_ops
from course_lib import augmentation
from course_lib.layers import ConvBlock, DenseBlock
from course_lib.models import lenet5

RNG = np.random.default_rng(0)


def test_lenet5_parameter_count_and_shapes():
    model = lenet5()
    assert model.count_params() == 61_706 == plain_keras_lenet5().count_params()
    assert tuple(model.output_shape) == (None, 10)
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers[1:6]]
    assert shapes == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (400,)]


def test_lenet5_same_function_as_plain_keras():
    ours, plain = lenet5(), plain_keras_lenet5()
    plain.set_weights(ours.get_weights())
    x = RNG.random((4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(ours.predict(x, verbose=0), plain.predict(x, verbose=0), atol=1e-6)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="traces a tf.function")
def test_lenet5_blocks_add_no_operations():
    """The blocks are packaging only: one training step of the course LeNet traces to exactly
    the operations of the plain Keras one (so it cannot be slower; see benchmarks/)."""
    ours, plain = training_step_ops(lenet5()), training_step_ops(plain_keras_lenet5())
    assert ours == plain
    assert ours["Conv2D"] == 2 and ours["MatMul"] > 3


def test_lenet5_options():
    model = lenet5(
        (32, 32, 3),
        num_classes=5,
        activation="tanh",
        pooling="average",
        batch_norm=True,
        dropout=0.3,
        l2=1e-4,
        augmentation=augmentation.for_natural_images(seed=0),
    )
    assert tuple(model.output_shape) == (None, 5)
    blocks = [layer for layer in model.layers if isinstance(layer, (ConvBlock, DenseBlock))]
    assert len(blocks) == 4 and all(b.batch_norm and b.activation_name == "tanh" for b in blocks)
    assert len(model.losses) == 4
    assert isinstance(model.get_layer("s2"), keras.layers.AveragePooling2D)


def test_lenet5_learns_and_reloads(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((64, 28, 28, 1)).astype("float32")
    y = (x[:, :14].mean(axis=(1, 2, 3)) > x[:, 14:].mean(axis=(1, 2, 3))).astype("int32")
    model = lenet5(num_classes=2)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "lenet.keras")
    reloaded = keras.saving.load_model(tmp_path / "lenet.keras")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reloaded.predict(x, verbose=0), atol=1e-6
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"input_shape": (28, 28)}, "input_shape"),
        ({"input_shape": (8, 8, 1)}, "at least 10x10"),
        ({"num_classes": 1}, "num_classes"),
        ({"activation": "magic"}, "activation"),
        ({"pooling": "min"}, "pooling"),
        ({"dropout": 1.0}, "dropout"),
    ],
)
def test_lenet5_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lenet5(**kwargs)


def test_lenet5_augmentation_must_be_a_layer():
    with pytest.raises(TypeError, match="`augmentation` must be None or a Keras layer"):
        lenet5(augmentation="flip")


def test_lenet5_accepts_numpy_integers():
    model = lenet5((np.int64(12), np.int64(12), np.int64(1)), num_classes=np.int64(3))
    assert model.output_shape == (None, 3)


def test_lenet5_round_trip_with_every_argument(tmp_path):
    kwargs = {
        "input_shape": (12, 12, 2),
        "num_classes": 3,
        "activation": "tanh",
        "pooling": "average",
        "batch_norm": True,
        "dropout": 0.2,
        "l2": 1e-3,
        "augmentation": augmentation.for_digits(seed=0),
        "name": "small_lenet",
    }
    x = RNG.random((4, 12, 12, 2)).astype("float32")
    assert_model_round_trip(lenet5, kwargs, x, tmp_path)
