"""Tests for course_lib.attribution (saliency, occlusion, Grad-CAM) and plots.attribution.

Known answers come from models with hand-set weights: a "quadrant" model whose class 0 logit
is the sum of the top-left quadrant (class 1: bottom-right), and a "two-colour" model whose
class k logit is the sum of input channel k. Gradients are checked against central finite
differences of float64 models, and a short training on synthetic images (a bright shape, drawn
anywhere, whose kind is the class) checks that the maps point at the shape.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_lib import keras_float64
from course_lib.attribution import (
    OcclusionCheck,
    grad_cam,
    logit_model,
    occlusion_check,
    occlusion_map,
    saliency_map,
    split_model,
)
from course_lib.attribution import occlusion as occlusion_module
from course_lib.models import lenet5, vgg

numpy = keras.ops.convert_to_numpy  # backend tensors as arrays, on every backend

TL = np.zeros((8, 8))
TL[:4, :4] = 1.0
BR = np.zeros((8, 8))
BR[4:, 4:] = 1.0


def _quadrant_model(sequential: bool = False) -> keras.Model:
    """Logit 0 = sum of the top-left quadrant, logit 1 = sum of the bottom-right one."""
    layers = [
        keras.layers.Conv2D(1, 1, use_bias=False, name="conv"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(2, activation="softmax", name="output"),
    ]
    if sequential:
        model = keras.Sequential([keras.Input((8, 8, 1)), *layers])
    else:
        inputs = keras.Input((8, 8, 1))
        h = inputs
        for layer in layers:
            h = layer(h)
        model = keras.Model(inputs, h)
    model.get_layer("conv").set_weights([np.ones((1, 1, 1, 1))])
    kernel = np.stack([TL.ravel(), BR.ravel()], axis=1)
    model.get_layer("output").set_weights([kernel, np.zeros(2)])
    return model


def _two_colour_model(pool: bool = True) -> keras.Model:
    """Logit k = (a multiple of) the sum of input channel k, through a 1x1 identity conv."""
    inputs = keras.Input((8, 8, 2))
    h = keras.layers.Conv2D(2, 1, use_bias=False, activation="relu", name="conv")(inputs)
    if pool:
        h = keras.layers.AveragePooling2D(2, name="pool")(h)
    flat = keras.layers.Flatten(name="flatten")(h)
    out = keras.layers.Dense(2, activation="softmax", name="output")(flat)
    model = keras.Model(inputs, out)
    model.get_layer("conv").set_weights([np.eye(2).reshape(1, 1, 2, 2)])
    side = 4 if pool else 8
    kernel = np.zeros((side * side * 2, 2))
    kernel[0::2, 0] = 1.0  # channel 0 of every position -> class 0
    kernel[1::2, 1] = 1.0
    model.get_layer("output").set_weights([kernel, np.zeros(2)])
    return model


def _two_colour_image() -> np.ndarray:
    """Channel 0 (class 0) lit in the top-left quadrant, channel 1 in the bottom-right."""
    image = np.zeros((1, 8, 8, 2), dtype="float32")
    image[0, 2:4, 2:4, 0] = 1.0  # inside one 2x2 pooling cell, (1, 1)
    image[0, 5:7, 5:7, 1] = 0.5
    return image


def _float64_model() -> keras.Model:
    """A smooth random CNN in float64, for finite differences."""
    keras.utils.set_random_seed(1)
    kw = {"dtype": "float64"}
    inputs = keras.Input((6, 6, 2), dtype="float64")
    h = keras.layers.Conv2D(3, 3, activation="tanh", name="conv", **kw)(inputs)
    h = keras.layers.AveragePooling2D(2, name="pool", **kw)(h)
    h = keras.layers.Flatten(**kw)(h)
    out = keras.layers.Dense(3, activation="softmax", name="output", **kw)(h)
    return keras.Model(inputs, out)


def _needs_float64():
    if keras.backend.backend() == "jax":
        import jax

        if not jax.config.jax_enable_x64:
            pytest.skip("float64 finite differences need JAX_ENABLE_X64=1")


# Keras computes float64 fully on TensorFlow only; on JAX and PyTorch its type promotion makes the
# float64 model's matmuls 32-bit (keras/src/backend/common/dtypes.py, BIT64_TO_BIT32_DTYPE). There
# the finite differences take a wider step (round-off ~1e-7 / eps against truncation ~eps**2)
# and the comparison float32's tolerance.
KERAS_FLOAT64 = keras_float64()
FD_EPS = 1e-5 if KERAS_FLOAT64 else 3e-3
FD_RTOL, FD_ATOL = (1e-6, 1e-9) if KERAS_FLOAT64 else (2e-3, 1e-4)


def _finite_difference(f, x: np.ndarray, eps: float = FD_EPS) -> np.ndarray:
    """Central differences of the scalar f at every entry of x (one batch of all copies)."""
    flat = x.ravel()
    plus = np.repeat(flat[None], flat.size, axis=0) + eps * np.eye(flat.size)
    minus = np.repeat(flat[None], flat.size, axis=0) - eps * np.eye(flat.size)
    values = f(np.concatenate([plus, minus]).reshape(-1, *x.shape))
    return ((values[: flat.size] - values[flat.size :]) / (2 * eps)).reshape(x.shape)


# --------------------------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------------------------


def test_saliency_of_the_quadrant_model_is_its_quadrant():
    images = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32")
    np.testing.assert_array_equal(saliency_map(_quadrant_model(), images, 0), np.stack([TL] * 3))
    np.testing.assert_array_equal(saliency_map(_quadrant_model(), images, 1), np.stack([BR] * 3))


def test_saliency_uses_the_logit_not_the_probability():
    images = np.ones((1, 8, 8, 1), dtype="float32")
    images[0, :4, :4] = 2.0  # logit 0 = 32, logit 1 = 16: the probability saturates
    logit = saliency_map(_quadrant_model(), images, 0)
    prob = saliency_map(_quadrant_model(), images, 0, score="probability")
    np.testing.assert_array_equal(logit[0], TL)
    assert prob.max() < 1e-5  # d softmax / d logit = p (1 - p), about e^-16
    assert prob[0][BR > 0].min() > 0  # the probability also depends on the other class


def test_occlusion_of_the_quadrant_model_is_exact():
    images = np.ones((1, 8, 8, 1), dtype="float32")
    grid = occlusion_map(
        _quadrant_model(), images, 0, patch=2, stride=2, score="logit", upsample=False
    )
    expected = np.zeros((4, 4))
    expected[:2, :2] = 4.0  # a 2x2 patch of ones hidden from the top-left sum
    np.testing.assert_allclose(grid[0], expected)
    prob = occlusion_map(_quadrant_model(), images, 0, patch=2, stride=2, upsample=False)[0]
    assert (prob[:2, :2] > 0).all() and (prob[2:, 2:] < 0).all()  # hiding class 1 helps class 0
    np.testing.assert_allclose(prob[:2, 2:], 0.0, atol=1e-7)
    np.testing.assert_allclose(prob[2:, :2], 0.0, atol=1e-7)


def test_occlusion_map_upsampled_averages_the_patches_covering_each_pixel():
    images = np.ones((1, 8, 8, 1), dtype="float32")
    model = _quadrant_model()
    full = occlusion_map(model, images, 0, patch=4, stride=2, score="logit")
    assert full.shape == (1, 8, 8)
    # Row/column positions 0, 2, 4; a patch at (r, c) hides the TL pixels of its window.
    grid = occlusion_map(model, images, 0, patch=4, stride=2, score="logit", upsample=False)[0]
    expected = np.zeros((8, 8))
    count = np.zeros((8, 8))
    for i, r in enumerate((0, 2, 4)):
        for j, c in enumerate((0, 2, 4)):
            expected[r : r + 4, c : c + 4] += grid[i, j]
            count[r : r + 4, c : c + 4] += 1
    np.testing.assert_allclose(full[0], expected / count)
    # (0, 0) is covered by the patch at (0, 0) alone, (7, 7) by the one at (4, 4) alone
    assert full[0, 0, 0] == 16.0 and full[0, 7, 7] == 0.0


def test_occlusion_last_patch_touches_the_edge():
    grid = occlusion_map(
        _quadrant_model(),
        np.ones((1, 8, 8, 1)),
        1,
        patch=3,
        stride=3,
        score="logit",
        upsample=False,
    )
    assert grid.shape == (1, 3, 3)  # positions 0, 3 and 5 (the edge), not only 0 and 3
    assert grid[0, 2, 2] == 9.0  # the patch at (5, 5) lies inside the bottom-right quadrant


def test_grad_cam_points_at_the_channel_of_its_class():
    image = _two_colour_image()
    model = _two_colour_model(pool=False)
    for cls, square in ((0, (slice(2, 4), slice(2, 4))), (1, (slice(5, 7), slice(5, 7)))):
        cam = grad_cam(model, image, "conv", cls)[0]
        expected = np.zeros((8, 8))
        expected[square] = 1.0
        np.testing.assert_allclose(cam, expected, atol=1e-6)


def test_grad_cam_default_layer_is_the_last_4d_one_and_is_upsampled():
    image = _two_colour_image()
    model = _two_colour_model(pool=True)
    coarse = grad_cam(model, image, class_index=0, upsample=False)
    assert coarse.shape == (1, 4, 4)  # the pooling layer, not the 8x8 convolution
    np.testing.assert_allclose(coarse[0], np.where(np.arange(16).reshape(4, 4) == 5, 1.0, 0.0))
    fine = grad_cam(model, image, class_index=0)[0]
    assert fine.shape == (8, 8) and fine.max() == pytest.approx(1.0)
    assert np.unravel_index(fine.argmax(), fine.shape) in {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert fine[5:].max() == 0 and fine[:, 5:].max() == 0  # only cells 0-2 reach pixel 4
    # class_index None: class 0 is predicted (its square is brighter)
    np.testing.assert_array_equal(grad_cam(model, image, upsample=False), coarse)


def test_grad_cam_keeps_only_the_positive_part():
    model = _two_colour_model(pool=False)
    kernel, bias = model.get_layer("output").get_weights()
    kernel[1::2, 0] = -1.0  # channel 1 now speaks against class 0
    model.get_layer("output").set_weights([kernel, bias])
    cam = grad_cam(model, _two_colour_image(), "conv", 0)[0]
    expected = np.zeros((8, 8))
    expected[2:4, 2:4] = 1.0  # the channel-1 square is negative before the ReLU: zero
    np.testing.assert_allclose(cam, expected, atol=1e-6)


def test_occlusion_fill_value_is_used():
    images = np.ones((1, 8, 8, 1), dtype="float32")
    grid = occlusion_map(
        _quadrant_model(), images, 0, patch=2, stride=2, fill=1.0, score="logit", upsample=False
    )
    np.testing.assert_allclose(grid, 0.0)  # filling ones with ones hides nothing
    grid = occlusion_map(
        _quadrant_model(), images, 0, patch=2, stride=2, fill=-1.0, score="logit", upsample=False
    )
    assert grid[0, 0, 0] == 8.0  # 4 pixels from 1 to -1


def test_grad_cam_with_no_positive_evidence_is_zero_not_nan():
    image = _two_colour_image()
    image[..., 0] = 0.0  # nothing of class 0 left
    cam = grad_cam(_two_colour_model(pool=False), image, "conv", 0)
    assert np.isfinite(cam).all() and (cam == 0).all()


def test_occlusion_check_on_the_quadrant_model():
    images = np.ones((2, 8, 8, 1), dtype="float32")
    maps = np.stack([TL, TL])
    result = occlusion_check(_quadrant_model(), images, maps, 0, fraction=0.25, score="logit")
    assert isinstance(result, OcclusionCheck)
    np.testing.assert_allclose(result.salient, [16.0, 16.0])  # the whole quadrant hidden
    assert (result.random < 16.0).all() and (result.random >= 0).all()
    again = occlusion_check(_quadrant_model(), images, maps, 0, fraction=0.25, score="logit")
    np.testing.assert_array_equal(again.random, result.random)  # seeded
    flipped = occlusion_check(_quadrant_model(), images, 1 - maps, 0, fraction=0.25, score="logit")
    assert flipped.salient.max() == 0.0  # a map pointing away from the evidence


# --------------------------------------------------------------------------------------------
# Gradients against finite differences (float64)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("score", ["logit", "probability"])
def test_saliency_equals_finite_differences(score):
    _needs_float64()
    model = _float64_model()
    logits_of = logit_model(model)
    x = np.random.default_rng(2).normal(size=(1, 6, 6, 2))
    cls = 2

    def f(batch):
        out = np.asarray(keras.ops.convert_to_numpy(logits_of(batch)))
        if score == "probability":
            out = np.exp(out) / np.exp(out).sum(axis=1, keepdims=True)
        return out[:, cls]

    numeric = _finite_difference(f, x[0])
    got = saliency_map(model, x, cls, score=score)
    np.testing.assert_allclose(got[0], np.abs(numeric).max(axis=-1), rtol=FD_RTOL, atol=FD_ATOL)


def test_grad_cam_equals_its_formula_with_finite_difference_gradients():
    _needs_float64()
    model = _float64_model()
    x = np.random.default_rng(3).normal(size=(1, 6, 6, 2))
    base, head = split_model(model, "conv", logits=True)
    features = np.asarray(keras.ops.convert_to_numpy(base(x)))[0]  # (4, 4, 3)
    cls = 1
    grads = _finite_difference(
        lambda f: np.asarray(keras.ops.convert_to_numpy(head(f)))[:, cls], features
    )
    cam = np.maximum((grads.mean(axis=(0, 1)) * features).sum(axis=-1), 0)
    cam = cam / cam.max()
    np.testing.assert_allclose(
        grad_cam(model, x, "conv", cls, upsample=False)[0], cam, rtol=FD_RTOL, atol=FD_ATOL
    )


def test_saliency_is_computed_per_image_in_chunks():
    model = lenet5()
    images = np.random.default_rng(4).random((5, 28, 28, 1)).astype("float32")
    together = saliency_map(model, images, [0, 1, 2, 3, 4], batch_size=2)
    alone = np.concatenate([saliency_map(model, images[i : i + 1], i) for i in range(5)])
    np.testing.assert_allclose(together, alone, rtol=1e-3, atol=1e-7)  # float32 round-off


# --------------------------------------------------------------------------------------------
# Logits, models, cuts
# --------------------------------------------------------------------------------------------


def _dense_then(last: str) -> keras.Model:
    keras.utils.set_random_seed(5)
    inputs = keras.Input((4, 4, 1))
    h = keras.layers.Flatten()(inputs)
    if last == "dense":
        return keras.Model(inputs, keras.layers.Dense(3, activation="softmax", name="d")(h))
    z = keras.layers.Dense(3, name="d")(h)
    if last == "activation":
        return keras.Model(inputs, keras.layers.Activation("softmax")(z))
    if last == "softmax_layer":
        return keras.Model(inputs, keras.layers.Softmax()(z))
    return keras.Model(inputs, z)  # outputs logits


@pytest.mark.parametrize("last", ["dense", "activation", "softmax_layer", "logits"])
def test_logit_model_finds_the_logits_however_the_softmax_is_written(last):
    model = _dense_then(last)
    x = np.random.default_rng(6).random((3, 4, 4, 1)).astype("float32")
    w, b = model.get_layer("d").get_weights()
    expected = x.reshape(3, -1) @ w + b
    np.testing.assert_allclose(numpy(logit_model(model)(x)), expected, rtol=1e-5, atol=1e-6)
    # the saliency of a linear score is |its weights|, whatever the final activation
    np.testing.assert_allclose(
        saliency_map(model, x, 1)[0], np.abs(w[:, 1]).reshape(4, 4), rtol=1e-6
    )
    probs = occlusion_map(model, x, 1, patch=4, stride=4, upsample=False)[:, 0, 0]
    p = np.exp(expected) / np.exp(expected).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probs, p[:, 1] - np.exp(b[1]) / np.exp(b).sum(), rtol=1e-5)


def test_sigmoid_output_is_explained_through_its_logit():
    inputs = keras.Input((2, 2, 1))
    out = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, out)
    w = model.layers[-1].get_weights()[0][:, 0]
    x = np.ones((1, 2, 2, 1), dtype="float32")
    np.testing.assert_allclose(saliency_map(model, x, 0)[0], np.abs(w).reshape(2, 2), rtol=1e-6)


def test_logit_model_leaves_the_model_unchanged():
    model = lenet5()
    before = [w.copy() for w in model.get_weights()]
    logit_model(model)
    assert model.layers[-1].activation is keras.activations.softmax
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


def test_sequential_and_functional_give_the_same_maps():
    images = np.random.default_rng(7).random((2, 8, 8, 1)).astype("float32")
    functional, sequential = _quadrant_model(), _quadrant_model(sequential=True)
    for method in (saliency_map, grad_cam):
        np.testing.assert_allclose(method(functional, images), method(sequential, images))
    np.testing.assert_allclose(
        occlusion_map(functional, images), occlusion_map(sequential, images), atol=1e-7
    )


def test_sequential_without_input_works_for_any_batch_size():
    model = keras.Sequential(
        [
            keras.layers.Conv2D(2, 3, name="conv"),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model(np.zeros((1, 8, 8, 1)))  # built on a batch of one
    images = np.random.default_rng(8).random((3, 8, 8, 1))
    assert saliency_map(model, images).shape == (3, 8, 8)
    assert grad_cam(model, images, "conv").shape == (3, 8, 8)
    with pytest.raises(ValueError, match="input_shape"):
        logit_model(keras.Sequential([keras.layers.Dense(2)]))


def test_subclassed_models_are_refused():
    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(keras.ops.reshape(x, (-1, 16)))

    with pytest.raises(ValueError, match=r"`model`.*subclassed"):
        saliency_map(Sub(), np.zeros((1, 4, 4, 1)))


@pytest.mark.parametrize(
    "build",
    [lambda: lenet5(), lambda: vgg((16, 16, 3), stages=((4, 1), (8, 1)), dense_units=(8,))],
)
def test_split_model_composes_back_to_the_model(build):
    model = build()
    x = np.random.default_rng(9).random((2, *model.input_shape[1:])).astype("float32")
    for layer in model.layers[1:-1]:
        base, head = split_model(model, layer.name)
        np.testing.assert_allclose(numpy(head(base(x))), numpy(model(x)), rtol=1e-5, atol=1e-6)
    base, head = split_model(model, model.layers[2].name, logits=True)
    np.testing.assert_allclose(
        numpy(head(base(x))), numpy(logit_model(model)(x)), rtol=1e-5, atol=1e-5
    )


def test_split_model_refuses_a_layer_a_skip_connection_bypasses():
    inputs = keras.Input((8, 8, 1))
    a = keras.layers.Conv2D(2, 3, padding="same", name="a")(inputs)
    b = keras.layers.Conv2D(2, 3, padding="same", name="b")(a)
    out = keras.layers.Dense(2, activation="softmax")(
        keras.layers.Flatten()(keras.layers.Add()([a, b]))
    )
    model = keras.Model(inputs, out)
    with pytest.raises(ValueError, match=r"`layer_name`.*skips it"):
        split_model(model, "b")
    with pytest.raises(ValueError, match=r"`layer_name`.*skips it"):
        grad_cam(model, np.zeros((1, 8, 8, 1)), "b")
    assert grad_cam(model, np.ones((1, 8, 8, 1)), "a").shape == (1, 8, 8)  # a cuts the graph


def test_grad_cam_on_the_course_models_has_the_documented_shapes():
    lenet = lenet5()
    x = np.random.default_rng(10).random((2, 28, 28, 1))
    assert grad_cam(lenet, x, upsample=False).shape == (2, 5, 5)  # s4
    assert grad_cam(lenet, x, "c3", upsample=False).shape == (2, 10, 10)
    cam = grad_cam(lenet, x)
    assert cam.shape == (2, 28, 28) and cam.min() >= 0 and cam.max() <= 1
    small_vgg = vgg((16, 16, 3), stages=((4, 1), (8, 1)), dense_units=(8,))
    assert grad_cam(
        small_vgg, np.random.default_rng(0).random((2, 16, 16, 3)), upsample=False
    ).shape == (2, 4, 4)


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [-1, 2, 2.5, True, "0", [0], np.array([0.0, 1.0]), np.array([0, 5])]
)
def test_class_index_is_checked(bad):
    images = np.ones((2, 8, 8, 1))
    for call in (
        lambda: saliency_map(_quadrant_model(), images, bad),
        lambda: occlusion_map(_quadrant_model(), images, bad),
        lambda: grad_cam(_quadrant_model(), images, class_index=bad),
        lambda: occlusion_check(_quadrant_model(), images, np.ones((2, 8, 8)), bad),
    ):
        with pytest.raises(ValueError, match="`class_index`"):
            call()


def test_class_index_per_image():
    images = np.ones((2, 8, 8, 1))
    maps = saliency_map(_quadrant_model(), images, np.array([0, 1]))
    np.testing.assert_array_equal(maps, np.stack([TL, BR]))


def test_images_must_fit_the_model():
    with pytest.raises(ValueError, match=r"images\[\.\.\., None\]"):
        saliency_map(_quadrant_model(), np.ones((2, 8, 8)))
    with pytest.raises(ValueError, match="`images`"):
        saliency_map(_quadrant_model(), np.ones((2, 9, 9, 1)))
    with pytest.raises(ValueError, match=r"`layer_name`.*4-D"):
        grad_cam(_quadrant_model(), np.ones((1, 8, 8, 1)), "flatten")


def test_patch_and_stride_are_checked():
    images = np.ones((1, 8, 8, 1))
    with pytest.raises(ValueError, match="`patch`"):
        occlusion_map(_quadrant_model(), images, patch=9)
    with pytest.raises(ValueError, match="`stride`"):
        occlusion_map(_quadrant_model(), images, patch=2, stride=3)


def test_occlusion_chunks_give_the_same_drops(monkeypatch):
    model = lenet5()
    images = np.random.default_rng(11).random((3, 28, 28, 1)).astype("float32")
    whole = occlusion_map(model, images, patch=7, stride=7, batch_size=256)
    monkeypatch.setattr(occlusion_module, "CHUNK_BYTES", 1)  # one image per chunk
    chunked = occlusion_map(model, images, patch=7, stride=7, batch_size=5)
    np.testing.assert_allclose(chunked, whole, rtol=1e-3, atol=1e-6)  # float32 round-off


# --------------------------------------------------------------------------------------------
# A trained network: the maps point at the object
# --------------------------------------------------------------------------------------------


_PATTERNS = np.zeros((4, 5, 5))
_PATTERNS[0, 2, :] = 1.0  # a horizontal bar
_PATTERNS[1, :, 2] = 1.0  # a vertical bar
_PATTERNS[2] = np.maximum(np.eye(5), np.eye(5)[::-1])  # a cross
_PATTERNS[3] = 1.0
_PATTERNS[3, 1:4, 1:4] = 0.0  # a hollow square


def _shapes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """16x16 noise in [0, 0.3] with one bright 5x5 shape anywhere; the shape is the class.
    Also returns where the shape is (its 5x5 box)."""
    rng = np.random.default_rng(seed)
    x = (0.3 * rng.random((n, 16, 16, 1))).astype("float32")
    y = rng.integers(0, 4, n)
    box = np.zeros((n, 16, 16), dtype=bool)
    for i, cls in enumerate(y):
        r, c = rng.integers(0, 12, 2)
        x[i, r : r + 5, c : c + 5, 0] = np.maximum(x[i, r : r + 5, c : c + 5, 0], _PATTERNS[cls])
        box[i, r : r + 5, c : c + 5] = True
    return x, y, box


@pytest.fixture(scope="module")
def trained():
    """A small VGG (same padding, so Grad-CAM's grid lines up with the image), 8 epochs."""
    keras.utils.set_random_seed(0)
    x, y, _ = _shapes(600, seed=0)
    model = vgg(
        (16, 16, 1), 4, stages=((8, 1), (16, 1)), dense_units=(32,), batch_norm=False, dropout=0.0
    )
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    return model, *_shapes(40, seed=100)


def test_trained_model_maps_point_at_the_shape(trained):
    model, x, y, box = trained
    assert (model.predict(x, verbose=0).argmax(axis=1) == y).mean() >= 0.9
    maps = {
        "saliency": saliency_map(model, x, y),
        "occlusion": occlusion_map(model, x, y, patch=3, stride=1),
        "grad_cam": grad_cam(model, x, "stage2_conv1", y),
    }
    for name, m in maps.items():
        result = occlusion_check(model, x, m, y, fraction=0.1, score="logit")
        assert result.salient.mean() > result.random.mean() + 1.0, name
        assert (result.salient > result.random).mean() >= 0.6, name
        inside = (m * box).sum(axis=(1, 2)) / box.sum(axis=(1, 2))
        outside = (m * ~box).sum(axis=(1, 2)) / (~box).sum(axis=(1, 2))
        assert (inside > outside).mean() >= 0.8, name


# --------------------------------------------------------------------------------------------
# plot_attribution
# --------------------------------------------------------------------------------------------


def test_plot_attribution_draws_one_row_per_method():
    import matplotlib.pyplot as plt

    from course_lib.plots.attribution import plot_attribution

    rng = np.random.default_rng(12)
    images = rng.random((2, 8, 8, 1))
    maps = {"a": rng.random((2, 8, 8)), "b": rng.random((2, 4, 4))}
    axes = plot_attribution(images, maps, titles=["x", "y"], overlay=True)
    assert axes.shape == (3, 2)
    assert [axes[r, 0].get_ylabel() for r in (1, 2)] == ["a", "b"]
    assert len(axes[1, 1].images) == 2 and len(axes[0, 1].images) == 1  # map over its image
    assert axes[2, 0].images[1].get_extent() == [-0.5, 7.5, 7.5, -0.5]  # stretched over it
    np.testing.assert_allclose(axes[1, 0].images[1].get_array(), maps["a"][0])
    plt.close(axes[0, 0].figure)
    alone = plot_attribution(rng.random((1, 8, 8, 3)) * 5 - 2, maps["a"][:1], overlay=False)
    assert len(alone[1, 0].images) == 1
    picture = alone[0, 0].images[0].get_array()
    assert picture.min() == 0.0 and picture.max() == 1.0  # rescaled for display
    _, given = plt.subplots(2, 1)
    assert plot_attribution(images[:1], maps["a"][:1], axes=given)[1, 0] is given[1]
    with pytest.raises(ValueError, match="`axes`"):
        plot_attribution(images, maps["a"], axes=given)
    with pytest.raises(ValueError, match="`maps`"):
        plot_attribution(images, maps["a"][:1])
    with pytest.raises(ValueError, match="`titles`"):
        plot_attribution(images, maps["a"], titles=["x"])
    plt.close("all")
