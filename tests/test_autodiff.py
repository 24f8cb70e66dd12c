"""course_lib.autodiff: gradients through the Keras backend, against known derivatives."""

from __future__ import annotations

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from course_lib import keras_float64
from course_lib.autodiff import gradients, layer_gradients
from course_lib.reference import dense_backward, dense_forward, sigmoid

# Keras computes float64 fully on TensorFlow only: on JAX and PyTorch its type promotion turns
# 64-bit results into 32-bit ones (keras/src/backend/common/dtypes.py, BIT64_TO_BIT32_DTYPE), so
# a float64 Dense layer is float32 inside. There the checks use float32's precision.
KERAS_FLOAT64 = keras_float64()
RTOL = 1e-12 if KERAS_FLOAT64 else 2e-5
ATOL = 1e-14 if KERAS_FLOAT64 else 1e-6


def test_gradient_of_a_known_function():
    x = np.array([0.5, -1.0, 2.0])
    g = gradients(lambda v: keras.ops.sum(keras.ops.sin(v) * v), x)
    assert g.dtype == np.float64 and g.shape == (3,)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=RTOL)


def test_several_arrays_give_a_tuple_in_order():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    dout = rng.normal(size=(4, 2))
    dx, dW, db = gradients(
        lambda x, W, b: keras.ops.sum(keras.ops.multiply(x @ W + b, dout)), x, W, b
    )
    ref = dense_backward(dout, dense_forward(x, W, b)[1])
    for ours, theirs in zip((dx, dW, db), ref, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def test_sigmoid_neuron_gradient():
    x, w = np.array([-1.0, -2.0]), np.array([2.0, -3.0, -3.0])  # w[2] is the bias

    def neuron(x, w):
        return keras.ops.sigmoid(keras.ops.sum(w[:2] * x) + w[2])

    dx, dw = gradients(neuron, x, w)
    s = sigmoid(w[:2] @ x + w[2])
    np.testing.assert_allclose(dw, s * (1 - s) * np.array([-1.0, -2.0, 1.0]), rtol=RTOL)
    np.testing.assert_allclose(dx, s * (1 - s) * w[:2], rtol=RTOL)


def test_integer_input_is_differentiated_as_float64():
    g = gradients(lambda v: keras.ops.sum(v**3), np.array([1, 2]))
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [3.0, 12.0])


def test_unused_argument_has_zero_gradient():
    _, dunused = gradients(lambda a, b: keras.ops.sum(a * 2.0), np.ones(2), np.ones(3))
    np.testing.assert_array_equal(dunused, np.zeros(3))


def test_non_scalar_function_is_refused():
    with pytest.raises(ValueError, match="`fn` must return a scalar"):
        gradients(lambda v: v * 2.0, np.ones(3))


def test_float32_stays_float32():
    g = gradients(lambda v: keras.ops.sum(v * v), np.ones(2, dtype=np.float32))
    assert g.dtype == np.float32


def test_layer_gradients_of_dense_equal_the_reference():
    rng = np.random.default_rng(1)
    layer = keras.layers.Dense(3, dtype="float64")
    x, dout = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    dx, grads = layer_gradients(layer, x, dout)
    W, b = (keras.ops.convert_to_numpy(v) for v in (layer.kernel, layer.bias))
    ref_dx, ref_dW, ref_db = dense_backward(dout, dense_forward(x, W, b)[1])
    np.testing.assert_allclose(dx, ref_dx, rtol=RTOL, atol=ATOL)
    assert list(grads) == [layer.kernel.path, layer.bias.path]
    np.testing.assert_allclose(grads[layer.kernel.path], ref_dW, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(grads[layer.bias.path], ref_db, rtol=RTOL, atol=ATOL)


def test_batch_norm_in_training_mode_uses_batch_statistics_and_keeps_its_state():
    rng = np.random.default_rng(2)
    bn = keras.layers.BatchNormalization(dtype="float64")
    x, dout = rng.normal(2.0, 3.0, size=(16, 3)), rng.normal(size=(16, 3))
    dx, grads = layer_gradients(bn, x, dout, training=True)
    # With batch statistics the output is invariant to shifting the batch, so dx sums to 0.
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=max(RTOL, ATOL))
    xhat = (x - x.mean(0)) / np.sqrt(x.var(0) + bn.epsilon)
    np.testing.assert_allclose(grads[bn.gamma.path], (dout * xhat).sum(0), rtol=max(RTOL, 1e-10))
    np.testing.assert_allclose(grads[bn.beta.path], dout.sum(0), rtol=RTOL)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(bn.moving_mean), np.zeros(3))
    # In inference mode the layer is affine: dx = dout * gamma / sqrt(var + eps), var = 1.
    dx_inf, _ = layer_gradients(bn, x, dout, training=False)
    np.testing.assert_allclose(dx_inf, dout / np.sqrt(1.0 + bn.epsilon), rtol=RTOL)


def test_layer_gradients_of_a_model():
    rng = np.random.default_rng(3)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, activation="tanh", dtype="float64"),
            keras.layers.Dense(1, dtype="float64"),
        ]
    )
    x = rng.normal(size=(6, 4))
    dx, grads = layer_gradients(model, x, np.ones((6, 1)))
    assert dx.shape == (6, 4) and len(grads) == 4

    def total(v):
        return keras.ops.sum(model(v))

    np.testing.assert_allclose(dx, gradients(total, x), rtol=RTOL)


def test_layer_without_a_training_argument():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    dx, grads = layer_gradients(
        keras.layers.MaxPooling2D(2, dtype="float64"), x, np.ones((1, 2, 2, 1))
    )
    assert grads == {}
    expected = np.zeros((4, 4))
    expected[1::2, 1::2] = 1.0  # the maximum of each 2x2 window is its lower-right entry
    np.testing.assert_array_equal(dx[0, :, :, 0], expected)


def test_wrong_upstream_shape_names_the_argument():
    layer = keras.layers.Dense(2, dtype="float64")
    with pytest.raises(ValueError, match=r"`upstream` must have the shape .*\(3, 2\)"):
        layer_gradients(layer, np.ones((3, 4)), np.ones((3, 4)))


JAX_32_BIT = """
import keras, numpy as np, pytest
from course_lib.autodiff import gradients
import jax
assert not jax.config.jax_enable_x64
with pytest.raises(ValueError, match="JAX_ENABLE_X64"):
    gradients(lambda v: keras.ops.sum(v), np.ones(2))
import course_lib
course_lib.setup(verbose=False)  # turns on 64-bit mode
assert gradients(lambda v: keras.ops.sum(v * v), np.ones(2)).dtype == np.float64
print("ok")
"""


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's 32-bit mode")
def test_jax_refuses_float64_in_32_bit_mode_and_setup_turns_64_bit_on():
    # In a fresh process: this one may run with JAX_ENABLE_X64=1.
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_ENABLE_X64": "0"}
    done = subprocess.run(
        [sys.executable, "-c", JAX_32_BIT], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="a PyTorch pitfall")
def test_torch_tensor_times_ndarray_gets_a_clear_error():
    dout = np.ones((2, 2))
    with pytest.raises(TypeError, match=r"keras\.ops\.multiply"):
        gradients(lambda x: keras.ops.sum(x * dout), np.ones((2, 2)))
    # The advice works.
    g = gradients(lambda x: keras.ops.sum(keras.ops.multiply(x, dout)), np.ones((2, 2)))
    np.testing.assert_array_equal(g, dout)
