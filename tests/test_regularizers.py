import keras
import numpy as np
import pytest

from course_lib import regularizers

W = np.array([[0.5, -1.0, 0.0], [2.0, -0.25, 3.0]], dtype="float32")


def test_l1_penalty_formula():
    assert float(regularizers.L1(0.1)(W)) == pytest.approx(0.1 * np.abs(W).sum())


def test_l2_penalty_formula_has_the_half():
    assert float(regularizers.L2(0.1)(W)) == pytest.approx(0.1 / 2 * (W**2).sum())
    # Keras's own L2 leaves out the 1/2: ours with alpha equals theirs with alpha / 2.
    assert float(regularizers.L2(0.1)(W)) == pytest.approx(float(keras.regularizers.L2(0.05)(W)))


def test_l1l2_penalty_formula():
    reg = regularizers.L1L2(l1=0.2, l2=0.3)
    assert float(reg(W)) == pytest.approx(0.2 * np.abs(W).sum() + 0.15 * (W**2).sum())


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="uses tf.GradientTape")
def test_l2_gradient_is_alpha_w():
    import tensorflow as tf

    w = tf.Variable(W)
    with tf.GradientTape() as tape:
        penalty = regularizers.L2(0.4)(w)
    np.testing.assert_allclose(tape.gradient(penalty, w).numpy(), 0.4 * W, rtol=1e-6)


def test_one_sgd_step_is_weight_decay():
    """With J = 0 one SGD step on alpha/2 |w|^2 is exactly w <- (1 - lr * alpha) w."""
    lr, alpha = 0.1, 0.5
    layer = keras.layers.Dense(3, use_bias=False, kernel_regularizer=regularizers.L2(alpha))
    model = keras.Sequential([keras.Input((2,)), layer])
    layer.kernel.assign(W)
    model.compile(keras.optimizers.SGD(lr), loss=lambda y, p: 0.0 * keras.ops.sum(p))
    model.fit(np.zeros((1, 2)), np.zeros((1, 3)), epochs=1, verbose=0)
    np.testing.assert_allclose(layer.kernel.numpy(), (1 - lr * alpha) * W, rtol=1e-6)


def test_regularizer_enters_model_losses():
    layer = keras.layers.Dense(3, kernel_regularizer=regularizers.L1(0.01))
    model = keras.Sequential([keras.Input((2,)), layer])
    model(np.zeros((1, 2)))
    assert len(model.losses) == 1
    assert float(model.losses[0]) == pytest.approx(0.01 * np.abs(layer.kernel.numpy()).sum())


@pytest.mark.parametrize(
    "reg", [regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(0.1, 0.2)]
)
def test_config_round_trip(reg):
    clone = keras.regularizers.deserialize(keras.regularizers.serialize(reg))
    assert type(clone) is type(reg)
    assert clone.get_config() == reg.get_config()
    assert float(clone(W)) == pytest.approx(float(reg(W)))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", None, True])
def test_bad_strength(bad):
    with pytest.raises(ValueError, match="alpha"):
        regularizers.L2(bad)
    with pytest.raises(ValueError, match="l1"):
        regularizers.L1L2(l1=bad)


def test_get_picks_the_simplest():
    assert regularizers.get() is None
    assert isinstance(regularizers.get(l1=0.1), regularizers.L1)
    assert isinstance(regularizers.get(l2=0.1), regularizers.L2)
    both = regularizers.get(l1=0.1, l2=0.2)
    assert type(both) is regularizers.L1L2 and both.l2 == 0.2


def test_numpy_scalars_are_strengths():
    # np.float32 and np.int64 used to be refused ("must be a non-negative number").
    assert regularizers.L2(np.float32(0.5)).alpha == 0.5
    assert regularizers.L1L2(l1=np.int64(0), l2=np.float32(0.25)).get_config() == {
        "l1": 0.0,
        "l2": 0.25,
    }
    assert isinstance(regularizers.get(l1=np.float32(0.5)), regularizers.L1)


@pytest.mark.parametrize("bad", [-1e-3, float("-inf"), "0", [0.1]])
def test_get_names_the_bad_strength(bad):
    with pytest.raises(ValueError, match="`l2` must be a non-negative number"):
        regularizers.get(l1=0.1, l2=bad)
