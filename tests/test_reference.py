"""course_lib.reference (activations, neuron, dense, losses, gradient check) against Keras and
the backend's autodiff (course_lib.autodiff). Convolution, pooling: test_reference_conv.py."""

from __future__ import annotations

import doctest
import importlib

import keras
import numpy as np
import pytest

from course_lib import keras_float64
from course_lib import reference as ref
from course_lib.autodiff import gradients, layer_gradients

# The references are checked in float64, which JAX keeps only in 64-bit mode (course_lib.setup()
# turns it on; here JAX_ENABLE_X64=1 does).
pytestmark = pytest.mark.skipif(
    keras.backend.backend() == "jax"
    and not keras.ops.convert_to_numpy(keras.ops.ones(1, dtype="float64")).dtype == np.float64,
    reason="float64 on JAX needs JAX_ENABLE_X64=1",
)

# Keras computes in float64 on TensorFlow only: on JAX and PyTorch its type promotion turns a
# 64-bit result into a 32-bit one (BIT64_TO_BIT32_DTYPE in keras/src/backend/common/dtypes.py,
# "aligned with JAX's default"), so a float64 layer, loss or matmul is float32 inside. There the
# float64 references are compared with Keras at float32's precision.
KERAS_FLOAT64 = keras_float64()


def assert_close(actual, desired, rtol: float, atol: float = 0.0) -> None:
    """assert_allclose with the given float64 tolerances, or float32's where Keras has no
    float64."""
    if not KERAS_FLOAT64:
        rtol, atol = max(rtol, 2e-5), max(atol, 1e-6)
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)


def approx(value: float, rel: float):
    return pytest.approx(value, rel=rel if KERAS_FLOAT64 else max(rel, 2e-5))


TOL = 1e-6  # gradient checks in float64


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def tf_grads(fn, *arrays):
    """Gradients of the scalar fn(*tensors) with respect to each array, by the backend."""
    grads = gradients(fn, *[np.asarray(a, dtype=np.float64) for a in arrays])
    return list(grads) if isinstance(grads, tuple) else [grads]


# ----------------------------------------------------------------------------- doctests


@pytest.mark.parametrize(
    "module",
    ["", ".activations", ".neuron", ".dense", ".losses", ".gradient_check", ".conv", ".pooling"],
)
def test_docstring_examples_run(module):
    mod = importlib.import_module("course_lib.reference" + module)
    result = doctest.testmod(mod)
    assert result.attempted > 0
    assert result.failed == 0


def test_all_names_exported():
    expected = {
        "sigmoid", "sigmoid_grad", "tanh_grad", "relu", "relu_grad", "leaky_relu",
        "leaky_relu_grad", "neuron_forward", "dense_forward", "dense_backward", "softmax",
        "softmax_cross_entropy", "binary_cross_entropy", "binary_hinge_loss",
        "multiclass_hinge_loss", "numerical_gradient", "relative_error", "gradient_check",
        "conv_output_size", "same_padding", "conv2d_forward", "conv2d_backward",
        "conv_param_count", "maxpool_forward", "maxpool_backward", "avgpool_forward",
        "avgpool_backward",
    }  # fmt: skip
    assert set(ref.__all__) == expected
    assert all(callable(getattr(ref, name)) for name in expected)


# ----------------------------------------------------------------------------- activations

Z = np.array([-30.0, -4.0, -1.3, -0.2, 0.1, 0.7, 2.5, 30.0])
ACTIVATIONS = [  # ours, our gradient, the Keras/TF function
    (ref.sigmoid, ref.sigmoid_grad, keras.activations.sigmoid),
    (np.tanh, ref.tanh_grad, keras.activations.tanh),
    (ref.relu, ref.relu_grad, keras.activations.relu),
    (  # 0.25 is exact in float32, the precision TF keeps the slope in
        lambda z: ref.leaky_relu(z, alpha=0.25),
        lambda z: ref.leaky_relu_grad(z, alpha=0.25),
        lambda z: keras.activations.leaky_relu(z, negative_slope=0.25),
    ),
]


@pytest.mark.parametrize(("ours", "grad", "theirs"), ACTIVATIONS)
def test_activation_forward_and_grad(ours, grad, theirs):
    assert_close(ours(Z), keras.ops.convert_to_numpy(theirs(Z)), rtol=1e-12)
    (expected,) = tf_grads(lambda z: keras.ops.sum(theirs(z)), Z)
    assert_close(grad(Z), expected, rtol=1e-10, atol=1e-15)
    # At |z| = 30 the sigmoid's slope (1e-13) is below the rounding noise of a finite
    # difference, so the numerical check uses the moderate entries only.
    z = Z[1:-1].copy()
    dout = rng().normal(size=z.shape)
    assert ref.gradient_check(lambda v: np.sum(ours(v) * dout), z, dout * grad(z)) < TOL


def test_sigmoid_is_stable():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # (underflow is fine)
        s = ref.sigmoid(np.array([-1000.0, 1000.0, -745.0]))
    assert s[0] == 0.0 and s[1] == 1.0 and 0 <= s[2] < 1e-300
    assert ref.sigmoid(np.float32(-100.0)).dtype == np.float32


def test_relu_gradient_at_zero_is_zero_like_tf():
    assert ref.relu_grad(0.0) == 0.0
    (expected,) = tf_grads(lambda z: keras.ops.sum(keras.ops.relu(z)), np.zeros(1))
    assert expected[0] == 0.0
    assert ref.leaky_relu_grad(0.0, alpha=0.1) == pytest.approx(0.1)


@pytest.mark.parametrize("alpha", [-0.1, float("nan"), "0.1", True])
def test_leaky_relu_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="`alpha` must be a non-negative number"):
        ref.leaky_relu(Z, alpha=alpha)
    with pytest.raises(ValueError, match="`alpha`"):
        ref.leaky_relu_grad(Z, alpha=alpha)


def test_activation_rejects_strings():
    with pytest.raises(ValueError, match="`z` must hold real numbers"):
        ref.relu(["a", "b"])


# ----------------------------------------------------------------------------- neuron


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_neuron_matches_dense_with_one_unit(activation):
    x = rng(1).normal(size=(6, 4))
    w, b = rng(2).normal(size=4), 0.3
    layer = keras.layers.Dense(1, activation=activation, dtype="float64")
    layer.build((None, 4))
    layer.set_weights([w[:, None], np.array([b])])
    expected = keras.ops.convert_to_numpy(layer(x))[:, 0]
    assert_close(ref.neuron_forward(x, w, b, activation), expected, rtol=1e-12)
    single = ref.neuron_forward(x[0], w, b, activation)
    assert isinstance(single, float)
    assert single == approx(expected[0], rel=1e-12)


def test_neuron_rejects_bad_arguments():
    x, w = np.ones((2, 3)), np.ones(3)
    with pytest.raises(ValueError, match=r"`activation` must be one of \['sigmoid', 'tanh'"):
        ref.neuron_forward(x, w, 0.0, activation="softmax")
    with pytest.raises(ValueError, match=r"x.shape=\(2, 3\), w.shape=\(4,\)"):
        ref.neuron_forward(x, np.ones(4), 0.0)
    with pytest.raises(ValueError, match=r"`w` must be a 1-D array of shape \(D,\)"):
        ref.neuron_forward(x, np.ones((3, 1)), 0.0)
    with pytest.raises(ValueError, match=r"`x` must have shape \(D,\) or \(N, D\)"):
        ref.neuron_forward(np.ones((2, 2, 3)), w, 0.0)
    with pytest.raises(ValueError, match="`b` must be a finite number"):
        ref.neuron_forward(x, w, np.ones(3))


# ----------------------------------------------------------------------------- dense


def dense_layer(W, b):
    layer = keras.layers.Dense(W.shape[1], dtype="float64")
    layer.build((None, W.shape[0]))
    layer.set_weights([W, b])
    return layer


def test_dense_forward_and_backward_match_keras_and_autodiff():
    r = rng(3)
    x, W, b = r.normal(size=(5, 4)), r.normal(size=(4, 3)), r.normal(size=3)
    dout = r.normal(size=(5, 3))
    layer = dense_layer(W, b)

    out, cache = ref.dense_forward(x, W, b)
    assert_close(out, keras.ops.convert_to_numpy(layer(x)), rtol=1e-12)

    dx, dW, db = ref.dense_backward(dout, cache)
    tdx, weight_grads = layer_gradients(layer, x, dout)
    tdW, tdb = weight_grads[layer.kernel.path], weight_grads[layer.bias.path]
    assert_close(dx, tdx, rtol=1e-10)
    assert_close(dW, tdW, rtol=1e-10)
    assert_close(db, tdb, rtol=1e-10)

    def loss_of(x_, W_, b_):
        return np.sum(ref.dense_forward(x_, W_, b_)[0] * dout)

    assert ref.gradient_check(lambda v: loss_of(v, W, b), x, dx) < TOL
    assert ref.gradient_check(lambda v: loss_of(x, v, b), W, dW) < TOL
    assert ref.gradient_check(lambda v: loss_of(x, W, v), b, db) < TOL


def test_dense_rejects_mismatched_shapes():
    x, W, b = np.ones((2, 3)), np.ones((3, 4)), np.ones(4)
    with pytest.raises(ValueError, match=r"`x` and `W`.*x.shape=\(2, 3\), W.shape=\(5, 4\)"):
        ref.dense_forward(x, np.ones((5, 4)), b)
    with pytest.raises(ValueError, match=r"`b` must have shape \(M,\).*b.shape=\(3,\)"):
        ref.dense_forward(x, W, np.ones(3))
    with pytest.raises(ValueError, match=r"`x` must be a 2-D array of shape \(N, D\)"):
        ref.dense_forward(np.ones(3), W, b)
    with pytest.raises(ValueError, match=r"`b` must be a 1-D array"):
        ref.dense_forward(x, W, np.ones((1, 4)))
    _, cache = ref.dense_forward(x, W, b)
    with pytest.raises(ValueError, match=r"`dout`.*\(2, 4\).*dout.shape=\(4, 2\)"):
        ref.dense_backward(np.ones((4, 2)), cache)


# ----------------------------------------------------------------------------- losses


def test_softmax_matches_keras_and_is_stable():
    z = rng(4).normal(size=(3, 5)) * 3
    for axis in (-1, 0):
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(z, axis=axis))
        assert_close(ref.softmax(z, axis=axis), expected, rtol=1e-12)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = ref.softmax(np.array([[1000.0, 1001.0], [-1000.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1 / (1 + np.e), np.e / (1 + np.e)], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"`axis` must be an integer in \[-2, 1\]"):
        ref.softmax(z, axis=2)


def check_loss_gradient(loss_fn, scores, y, tf_loss):
    """Our gradient == backend autodiff of tf_loss, and passes the numerical check."""
    loss, dscores = loss_fn(scores, y)
    (expected,) = tf_grads(lambda s: tf_loss(s), scores)
    assert_close(dscores, expected, rtol=1e-9, atol=1e-15)
    s = scores.copy()
    assert ref.gradient_check(lambda v: loss_fn(v, y)[0], s, dscores) < TOL
    return loss


def test_softmax_cross_entropy_matches_keras():
    scores = rng(5).normal(size=(6, 4)) * 2
    y = np.array([0, 3, 1, 1, 2, 3])
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    loss = check_loss_gradient(ref.softmax_cross_entropy, scores, y, lambda s: keras_loss(y, s))
    assert loss == approx(float(keras_loss(y, scores)), rel=1e-12)
    # Huge scores: still finite, and the right class at +1000 costs (almost) nothing.
    big_loss, _ = ref.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), [0])
    assert big_loss == 0.0
    assert ref.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), [1])[0] == 2000.0


@pytest.mark.parametrize("shape", [(7,), (7, 1)])
def test_binary_cross_entropy_matches_keras(shape):
    logits = (rng(6).normal(size=shape) * 3).astype(np.float64)
    y = (rng(7).random(size=shape) > 0.5).astype(np.float64)
    keras_loss = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    loss = check_loss_gradient(ref.binary_cross_entropy, logits, y, lambda s: keras_loss(y, s))
    assert loss == approx(float(keras_loss(y, logits)), rel=1e-12)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        big, dbig = ref.binary_cross_entropy(np.array([800.0, -800.0]), np.array([0, 1]))
    assert big == pytest.approx(800.0) and np.all(np.isfinite(dbig))


def test_binary_hinge_matches_keras_and_autodiff():
    scores = rng(8).normal(size=9) * 1.5
    y = np.where(rng(9).random(9) > 0.5, 1.0, -1.0)
    keras_loss = keras.losses.Hinge(dtype="float64")
    loss = check_loss_gradient(ref.binary_hinge_loss, scores, y, lambda s: keras_loss(y, s))
    assert loss == approx(float(keras_loss(y, scores)), rel=1e-12)

    def tf_hinge(s):  # margin 2: no Keras class for this, so the formula in keras.ops
        return keras.ops.mean(keras.ops.maximum(2.0 - keras.ops.multiply(y, s), 0.0))

    loss2 = check_loss_gradient(
        lambda s, t: ref.binary_hinge_loss(s, t, margin=2.0), scores, y, tf_hinge
    )
    assert loss2 == approx(float(tf_hinge(keras.ops.convert_to_tensor(scores))), rel=1e-12)


def naive_multiclass_hinge(scores, y, margin):
    total = 0.0
    for i in range(scores.shape[0]):
        for j in range(scores.shape[1]):
            if j != y[i]:
                total += max(0.0, scores[i, j] - scores[i, y[i]] + margin)
    return total / scores.shape[0]


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_multiclass_hinge_matches_loops_and_autodiff(margin):
    scores = rng(10).normal(size=(5, 4))
    y = np.array([2, 0, 3, 1, 2])
    onehot = np.eye(4)[y]

    def tf_loss(s):
        correct = keras.ops.sum(keras.ops.multiply(s, onehot), axis=1, keepdims=True)
        terms = keras.ops.multiply(keras.ops.maximum(s - correct + margin, 0.0), 1.0 - onehot)
        return keras.ops.sum(terms) / 5.0

    loss = check_loss_gradient(
        lambda s, t: ref.multiclass_hinge_loss(s, t, margin=margin), scores, y, tf_loss
    )
    assert loss == pytest.approx(naive_multiclass_hinge(scores, y, margin), rel=1e-12)
    assert loss > 0  # some terms are active, so the test exercises the gradient


def test_losses_reject_bad_labels():
    scores = np.zeros((3, 4))
    for fn in (ref.softmax_cross_entropy, ref.multiclass_hinge_loss):
        with pytest.raises(ValueError, match=r"class labels in \[0, 3\].*y\[1\]=4"):
            fn(scores, [0, 4, 1])
        with pytest.raises(ValueError, match=r"class labels in \[0, 3\].*=-1"):
            fn(scores, [0, 1, -1])
        with pytest.raises(ValueError, match=r"`y` must have shape \(N,\) = \(3,\)"):
            fn(scores, [[0], [1], [2]])
        with pytest.raises(ValueError, match="`y` must hold integer class labels"):
            fn(scores, [0.0, 1.5, 2.0])
        with pytest.raises(ValueError, match=r"`scores` must be a 2-D array of shape \(N, C\)"):
            fn(np.zeros(3), [0, 1, 2])
    # Integer-valued floats are accepted as labels.
    assert ref.softmax_cross_entropy(scores, [0.0, 1.0, 2.0])[0] == pytest.approx(np.log(4))

    with pytest.raises(ValueError, match=r"`y` must hold binary labels, 0 or 1.*\[0, 2\]"):
        ref.binary_cross_entropy(np.zeros(3), np.array([0, 2, 0]))
    with pytest.raises(ValueError, match=r"same shape as `logits`.*y.shape=\(3, 1\)"):
        ref.binary_cross_entropy(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"`y` must hold labels -1 or \+1.*2 \* y - 1"):
        ref.binary_hinge_loss(np.zeros(3), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"same shape as `scores`"):
        ref.binary_hinge_loss(np.zeros(3), np.ones(4))
    for margin in (-1.0, "1"):
        with pytest.raises(ValueError, match="`margin` must be a non-negative number"):
            ref.binary_hinge_loss(np.zeros(3), np.ones(3), margin=margin)
        with pytest.raises(ValueError, match="`margin`"):
            ref.multiclass_hinge_loss(scores, [0, 1, 2], margin=margin)


# ----------------------------------------------------------------------------- gradient check


def test_numerical_gradient_of_a_known_function_restores_x():
    x = rng(11).normal(size=(3, 2))
    before = x.copy()
    grad = ref.numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-8, atol=1e-8)
    np.testing.assert_array_equal(x, before)

    def fails(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        ref.numerical_gradient(fails, x)
    np.testing.assert_array_equal(x, before)


def test_gradient_check_catches_a_missing_transpose():
    r = rng(12)
    x, W, dout = r.normal(size=(4, 3)), r.normal(size=(3, 3)), r.normal(size=(4, 3))

    def f(W_):
        return np.sum((x @ W_) * dout)

    right = x.T @ dout
    wrong = (x.T @ dout).T  # the same numbers in the wrong places
    assert ref.gradient_check(f, W, right) < 1e-8
    assert ref.gradient_check(f, W, wrong) > 0.1


def test_relative_error():
    assert ref.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert ref.relative_error([1.0, 2.0], [1.0, 2.0 * (1 + 1e-9)]) < 1e-9
    assert ref.relative_error([1.0, -1.0], [1.0, 1.0]) == 1.0
    with pytest.raises(ValueError, match=r"same shape. Received: a.shape=\(2,\), b.shape=\(3,\)"):
        ref.relative_error(np.zeros(2), np.zeros(3))


def test_gradient_check_rejects_bad_arguments():
    x = np.ones(3)
    with pytest.raises(ValueError, match=r"`x` must be a float64 NumPy array.*float32"):
        ref.numerical_gradient(np.sum, x.astype(np.float32))
    with pytest.raises(ValueError, match=r"`x` must be a float64 NumPy array.*list"):
        ref.numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"`h` must be a positive number\. Received: h=0"):
        ref.numerical_gradient(np.sum, x, h=0)
    with pytest.raises(ValueError, match=r"`f` must return a scalar.*shape \(3,\)"):
        ref.numerical_gradient(lambda v: v * 2, x)
    with pytest.raises(TypeError, match="`f` must be a function of x that returns a scalar"):
        ref.numerical_gradient("sum", x)
    with pytest.raises(ValueError, match=r"`analytic_grad` must have the shape of `x`"):
        ref.gradient_check(np.sum, x, np.ones(4))
    x.flags.writeable = False
    with pytest.raises(ValueError, match="`x` must be a writeable array"):
        ref.numerical_gradient(np.sum, x)


# ------------------------------------------------------------------- empty batches, caches


@pytest.mark.parametrize(
    ("fn", "args", "named"),
    [
        (ref.softmax_cross_entropy, (np.zeros((0, 3)), np.zeros(0, dtype=int)), "scores"),
        (ref.multiclass_hinge_loss, (np.zeros((0, 3)), np.zeros(0, dtype=int)), "scores"),
        (ref.binary_cross_entropy, (np.zeros(0), np.zeros(0)), "logits"),
        (ref.binary_hinge_loss, (np.zeros((0, 1)), np.zeros((0, 1))), "scores"),
        (ref.dense_forward, (np.zeros((0, 3)), np.ones((3, 2)), np.zeros(2)), "x"),
        (ref.relative_error, (np.zeros(0), np.zeros(0)), "a"),
        (ref.numerical_gradient, (np.sum, np.zeros(0)), "x"),
        (ref.softmax, (np.zeros((0, 3)),), "z"),
        (ref.relu, ([],), "z"),
    ],
)
def test_empty_batches_are_refused_alike(fn, args, named):
    # softmax_cross_entropy and multiclass_hinge_loss used to return nan for an empty batch
    # (where binary_cross_entropy raised), relative_error 0.0, and dense_forward an empty output.
    with pytest.raises(ValueError, match=rf"`{named}` is empty \({named}.shape=\(0"):
        fn(*args)


def test_backward_passes_refuse_what_is_not_their_cache():
    x, W, b = np.ones((2, 3)), np.ones((3, 4)), np.ones(4)
    out, _ = ref.dense_forward(x, W, b)
    # Passing the output instead of the cache used to fail with "too many values to unpack".
    with pytest.raises(TypeError, match=r"`cache` must be the cache returned by `dense_forward`"):
        ref.dense_backward(np.ones((2, 4)), out)
    _, conv_cache = ref.conv2d_forward(np.ones((1, 3, 3, 1)), np.ones((3, 3, 1, 1)), np.zeros(1))
    with pytest.raises(ValueError, match=r"`cache` must be the cache returned by `dense_forward`"):
        ref.dense_backward(np.ones((2, 4)), conv_cache)


def test_neuron_names_a_bad_activation_and_bias():
    x, w = np.ones((2, 3)), np.ones(3)
    # An unhashable activation used to raise "TypeError: unhashable type: 'list'".
    with pytest.raises(ValueError, match=r"`activation` must be one of"):
        ref.neuron_forward(x, w, 0.0, activation=["relu"])
    with pytest.raises(ValueError, match="`b` must be a finite number"):
        ref.neuron_forward(x, w, float("nan"))
    assert ref.neuron_forward(x[0], w, np.array(1.0), "linear") == 4.0  # a 0-D array is a number
