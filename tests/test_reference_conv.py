"""course_lib.reference convolution and pooling against Keras layers and the backend's autodiff."""

from __future__ import annotations

import itertools
import time

import keras
import numpy as np
import pytest

from course_lib import reference as ref
from course_lib.autodiff import layer_gradients

# The references are checked in float64, which JAX computes only with x64 on.
pytestmark = pytest.mark.skipif(
    keras.backend.backend() == "jax"
    and not keras.ops.convert_to_numpy(keras.ops.ones(1, dtype="float64")).dtype == np.float64,
    reason="float64 on JAX needs JAX_ENABLE_X64=1",
)

TOL = 1e-6  # gradient checks in float64


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def to_numpy(t) -> np.ndarray:
    return keras.ops.convert_to_numpy(t)


def layer_grads(layer, x, dout, pad=0):
    """dL/dx and dL/d(weights) by the backend's autodiff, L = sum(layer(pad(x)) * dout)."""
    x = np.asarray(x, dtype=np.float64)
    if not layer.built:
        layer(keras.layers.ZeroPadding2D(pad, dtype="float64")(x))
    padded = keras.Sequential(
        [
            keras.Input(x.shape[1:], dtype="float64"),
            keras.layers.ZeroPadding2D(pad, dtype="float64"),
            layer,
        ]
    )
    dx, grads = layer_gradients(padded, x, dout)
    return [dx, *[grads[v.path] for v in layer.trainable_weights]]


# ----------------------------------------------------------------------------- sizes


def test_conv_output_size_examples():
    assert ref.conv_output_size(7, 3, 1) == 5
    assert ref.conv_output_size(7, 3, 2) == 3
    assert ref.conv_output_size(28, 5, stride=1, padding=2) == 28
    message = (
        "kernel_size=3 with stride=3 and padding=0 does not fit input size 7: "
        "(7 - 3 + 2*0)/3 + 1 = 2.33 is not an integer"
    )
    with pytest.raises(ValueError, match=r"2\.33") as info:
        ref.conv_output_size(7, 3, stride=3)
    assert str(info.value) == message
    with pytest.raises(ValueError, match=r"\(3 - 5 \+ 2\*0\)/1 \+ 1 = -1 is not positive"):
        ref.conv_output_size(3, 5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0, "k": 3}, "`n` must be a positive integer. Received: n=0"),
        ({"n": 7.0, "k": 3}, "`n` must be a positive integer. Received: n=7.0"),
        ({"n": 7, "k": True}, "`k` must be a positive integer. Received: k=True"),
        ({"n": 7, "k": 3, "stride": 0}, "`stride` must be a positive integer. Received: stride=0"),
        ({"n": 7, "k": 3, "padding": -1}, "`padding` must be a non-negative integer"),
        ({"n": 7, "k": 3, "padding": "same"}, "Received: padding='same'"),
    ],
)
def test_conv_output_size_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ref.conv_output_size(**kwargs)


def test_conv_output_size_agrees_with_keras():
    checked = 0
    for n, k, s, p in itertools.product(range(4, 9), range(1, 6), (1, 2, 3), (0, 1, 2)):
        span = n - k + 2 * p
        if span < 0 or span % s:
            with pytest.raises(ValueError, match="does not fit input size"):
                ref.conv_output_size(n, k, s, p)
            continue
        padded = np.zeros((1, n + 2 * p, n + 2 * p, 1), dtype=np.float32)
        keras_size = keras.layers.Conv2D(1, k, strides=s)(padded).shape[1]
        assert ref.conv_output_size(n, k, stride=s, padding=p) == keras_size, (n, k, s, p)
        checked += 1
    assert checked > 50


def test_same_padding():
    assert [ref.same_padding(k) for k in (1, 3, 5, 7)] == [0, 1, 2, 3]
    with pytest.raises(ValueError, match=r"`k` must be odd.*Received: k=4"):
        ref.same_padding(4)
    with pytest.raises(ValueError, match="`k` must be a positive integer"):
        ref.same_padding(-3)


@pytest.mark.parametrize(("k", "c", "f"), [(3, 1, 5), (5, 3, 8), ((1, 3), 2, 4)])
def test_conv_param_count_matches_keras(k, c, f):
    layer = keras.layers.Conv2D(f, k)
    layer.build((None, 9, 9, c))
    assert ref.conv_param_count(k, c, f) == layer.count_params()
    assert ref.conv_param_count(3, 1, 5) == 50


def test_conv_param_count_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`k` must be a positive integer or a pair"):
        ref.conv_param_count((3, 0), 1, 1)
    with pytest.raises(ValueError, match="`in_channels` must be a positive integer"):
        ref.conv_param_count(3, 0, 1)
    with pytest.raises(ValueError, match="`filters` must be a positive integer"):
        ref.conv_param_count(3, 1, 2.5)


# ----------------------------------------------------------------------------- convolution


def conv_layer(w, b, stride=1, padding="valid"):
    layer = keras.layers.Conv2D(
        w.shape[3], w.shape[:2], strides=stride, padding=padding, dtype="float64"
    )
    layer.build((None, None, None, w.shape[2]))
    layer.set_weights([w, b])
    return layer


CONV_CASES = [  # (kernel (kh, kw), stride, padding), input 2 x 9 x 9 x 3
    ((3, 3), 1, 0),
    ((3, 3), 2, 0),
    ((2, 2), 1, 0),
    ((1, 3), 2, 0),
    ((3, 3), 1, 1),
    ((5, 5), 2, 2),
]


@pytest.mark.parametrize(("kernel", "stride", "padding"), CONV_CASES)
def test_conv2d_matches_keras_and_autodiff(kernel, stride, padding):
    r = rng(20)
    x = r.normal(size=(2, 9, 9, 3))
    w, b = r.normal(size=(*kernel, 3, 4)), r.normal(size=4)
    layer = conv_layer(w, b, stride)

    out, cache = ref.conv2d_forward(x, w, b, stride=stride, padding=padding)
    x_pad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    np.testing.assert_allclose(out, to_numpy(layer(x_pad)), rtol=1e-10, atol=1e-12)

    dout = r.normal(size=out.shape)
    dx, dw, db = ref.conv2d_backward(dout, cache)
    tdx, tdw, tdb = layer_grads(layer, x, dout, pad=padding)
    np.testing.assert_allclose(dx, tdx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dw, tdw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(db, tdb, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_conv2d_same_padding_matches_keras_same(k):
    r = rng(21)
    x, w, b = r.normal(size=(2, 7, 8, 2)), r.normal(size=(k, k, 2, 3)), r.normal(size=3)
    out, _ = ref.conv2d_forward(x, w, b, stride=1, padding=ref.same_padding(k))
    assert out.shape == (2, 7, 8, 3)
    expected = to_numpy(conv_layer(w, b, padding="same")(x))
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1)])
def test_conv2d_backward_numerically(stride, padding):
    r = rng(22)
    x, w, b = r.normal(size=(2, 5, 5, 2)), r.normal(size=(3, 3, 2, 3)), r.normal(size=3)
    out, cache = ref.conv2d_forward(x, w, b, stride, padding)
    dout = r.normal(size=out.shape)
    dx, dw, db = ref.conv2d_backward(dout, cache)

    def loss(x_, w_, b_):
        return np.sum(ref.conv2d_forward(x_, w_, b_, stride, padding)[0] * dout)

    assert ref.gradient_check(lambda v: loss(v, w, b), x, dx) < TOL
    assert ref.gradient_check(lambda v: loss(x, v, b), w, dw) < TOL
    assert ref.gradient_check(lambda v: loss(x, w, v), b, db) < TOL


def test_conv2d_is_fast_enough_for_mnist_batches():
    r = rng(23)
    x, w, b = r.normal(size=(8, 28, 28, 3)), r.normal(size=(3, 3, 3, 16)), r.normal(size=16)
    start = time.perf_counter()
    out, cache = ref.conv2d_forward(x, w, b, padding=1)
    ref.conv2d_backward(np.ones_like(out), cache)
    assert time.perf_counter() - start < 1.0


def test_conv2d_rejects_bad_arguments():
    x, w, b = np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4)), np.ones(4)
    with pytest.raises(ValueError, match=r"input channels.*x.shape=\(1, 5, 5, 2\), w.shape="):
        ref.conv2d_forward(x, np.ones((3, 3, 1, 4)), b)
    with pytest.raises(ValueError, match=r"`b` must have shape \(F,\) = \(4,\)"):
        ref.conv2d_forward(x, w, np.ones(3))
    with pytest.raises(ValueError, match=r"`x` must be a 4-D array of shape \(N, H, W, C\)"):
        ref.conv2d_forward(np.ones((5, 5, 2)), w, b)
    with pytest.raises(ValueError, match=r"`w` must be a 4-D array of shape \(KH, KW, C, F\)"):
        ref.conv2d_forward(x, np.ones((3, 3, 2)), b)
    with pytest.raises(
        ValueError, match=r"`stride` must be a positive integer\. Received: stride=0"
    ):
        ref.conv2d_forward(x, w, b, stride=0)
    with pytest.raises(ValueError, match=r"`padding`.*same_padding\(k\).*padding='same'"):
        ref.conv2d_forward(x, w, b, padding="same")
    with pytest.raises(ValueError, match="`padding` must be a non-negative integer"):
        ref.conv2d_forward(x, w, b, padding=-1)
    with pytest.raises(
        ValueError,
        match=r"w.shape\[0\]=3 .*does not fit input height x.shape\[1\]=5: \(5 - 3 \+ 2\*0\)/3",
    ):
        ref.conv2d_forward(x, w, b, stride=3)
    _, cache = ref.conv2d_forward(x, w, b)
    with pytest.raises(ValueError, match=r"`dout`.*\(1, 3, 3, 4\).*dout.shape=\(1, 3, 3, 3\)"):
        ref.conv2d_backward(np.ones((1, 3, 3, 3)), cache)


# ----------------------------------------------------------------------------- pooling


def distinct_values(shape, seed):
    """Random order of values at least 0.01 apart: no ties, and a finite-difference step
    cannot change which value of a window is the largest."""
    return rng(seed).permutation(np.prod(shape)).reshape(shape) * 0.01 - 1.0


POOL_CASES = [(2, None), (3, None), (2, 1), (3, 1), (3, 2)]  # on 2 x 7 x 7 x 3 or 2 x 6 x 6 x 3


def pool_input(pool_size, stride, seed):
    s = pool_size if stride is None else stride
    side = 7 if (7 - pool_size) % s == 0 else 6
    return distinct_values((2, side, side, 3), seed)


@pytest.mark.parametrize(
    ("kind", "keras_layer"),
    [
        ("max", keras.layers.MaxPooling2D),
        ("avg", keras.layers.AveragePooling2D),
    ],
)
@pytest.mark.parametrize(("pool_size", "stride"), POOL_CASES)
def test_pooling_matches_keras_and_autodiff(kind, keras_layer, pool_size, stride):
    forward = {"max": ref.maxpool_forward, "avg": ref.avgpool_forward}[kind]
    backward = {"max": ref.maxpool_backward, "avg": ref.avgpool_backward}[kind]
    x = pool_input(pool_size, stride, seed=30)
    layer = keras_layer(pool_size, strides=stride, dtype="float64")

    out, cache = forward(x, pool_size, stride)
    np.testing.assert_allclose(out, to_numpy(layer(x)), rtol=1e-12, atol=1e-15)

    dout = rng(31).normal(size=out.shape)
    dx = backward(dout, cache)
    (tdx,) = layer_grads(layer, x, dout)
    np.testing.assert_allclose(dx, tdx, rtol=1e-10, atol=1e-15)

    def loss(v):
        return np.sum(forward(v, pool_size, stride)[0] * dout)

    assert ref.gradient_check(loss, x.copy(), dx) < TOL


def test_maxpool_gradient_lands_only_on_the_maxima():
    x = distinct_values((2, 6, 6, 3), seed=32)
    out, cache = ref.maxpool_forward(x, pool_size=2)
    dout = rng(33).uniform(1.0, 2.0, size=out.shape)  # no zeros
    dx = ref.maxpool_backward(dout, cache)
    assert np.count_nonzero(dx) == out.size  # one position per window
    # Each window's maximum, spread back over the window, marks where gradient may land.
    window_max = out.repeat(2, axis=1).repeat(2, axis=2)
    np.testing.assert_array_equal(dx != 0, x == window_max)
    window_dout = dout.repeat(2, axis=1).repeat(2, axis=2)
    np.testing.assert_array_equal(dx[x == window_max], window_dout[x == window_max])
    np.testing.assert_allclose(dx.sum(), dout.sum())


def test_maxpool_ties_go_to_the_first_maximum_in_row_major_order():
    window = lambda rows: np.array(rows, dtype=float).reshape(1, 2, 2, 1)  # noqa: E731
    for rows, expected in [
        ([[5, 5], [5, 5]], [[1, 0], [0, 0]]),
        ([[1, 7], [7, 0]], [[0, 1], [0, 0]]),
        ([[0, 1], [7, 7]], [[0, 0], [1, 0]]),
    ]:
        _, cache = ref.maxpool_forward(window(rows))
        dx = ref.maxpool_backward(np.ones((1, 1, 1, 1)), cache)
        np.testing.assert_array_equal(dx[0, :, :, 0], expected)


def test_maxpool_overlapping_windows_add_up():
    x = np.zeros((1, 3, 3, 1))
    x[0, 1, 1, 0] = 9.0  # the maximum of all four 2x2 windows at stride 1
    out, cache = ref.maxpool_forward(x, pool_size=2, stride=1)
    dx = ref.maxpool_backward(np.ones_like(out), cache)
    assert dx[0, 1, 1, 0] == 4.0 and np.count_nonzero(dx) == 1


@pytest.mark.parametrize("forward", [ref.maxpool_forward, ref.avgpool_forward])
def test_pooling_rejects_bad_arguments(forward):
    x = np.ones((1, 4, 4, 2))
    with pytest.raises(ValueError, match="`pool_size` must be a positive integer"):
        forward(x, pool_size=0)
    with pytest.raises(
        ValueError, match=r"`stride` must be a positive integer\. Received: stride=0"
    ):
        forward(x, pool_size=2, stride=0)
    with pytest.raises(ValueError, match=r"`x` must be a 4-D array of shape \(N, H, W, C\)"):
        forward(np.ones((4, 4, 2)))
    with pytest.raises(ValueError, match=r"\(5 - 2 \+ 2\*0\)/2 \+ 1 = 2.50 is not an integer"):
        forward(np.ones((1, 5, 5, 1)), pool_size=2)
    _, cache = forward(x)
    backward = ref.maxpool_backward if forward is ref.maxpool_forward else ref.avgpool_backward
    with pytest.raises(ValueError, match=r"`dout`.*\(1, 2, 2, 2\).*dout.shape=\(1, 2, 2\)"):
        backward(np.ones((1, 2, 2)), cache)


def test_window_errors_name_the_arguments():
    # The error said "kernel_size=5 ... input size 4", names that are no argument of these
    # functions; it now says which argument (and which axis of `x`) does not fit.
    # (conv_output_size keeps its wording, which notebook 13 shows.)
    with pytest.raises(
        ValueError, match=r"pool_size=5 .* does not fit input height x\.shape\[1\]=4"
    ):
        ref.maxpool_forward(np.ones((1, 4, 4, 1)), pool_size=5)
    with pytest.raises(
        ValueError, match=r"kernel width w\.shape\[1\]=5 .* input width x\.shape\[2\]=4"
    ):
        ref.conv2d_forward(np.ones((1, 5, 4, 1)), np.ones((1, 5, 1, 1)), np.zeros(1))


def test_pooling_accepts_numpy_integers():
    out, _ = ref.avgpool_forward(np.ones((1, 4, 4, 1)), pool_size=np.int64(2), stride=np.int32(2))
    assert out.shape == (1, 2, 2, 1)
