"""Attribution by gradients: saliency maps and Grad-CAM.

Every gradient goes through ``course_lib.autodiff.gradients``, so both run on TensorFlow, JAX
and PyTorch alike. Each image's class score depends on that image only (inference mode:
dropout off, batch norm with its moving statistics), so the gradient of the *sum* of the
scores of a batch with respect to the batch holds each image's own gradient.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from numpy.typing import ArrayLike

from course_lib import argument_validation as check
from course_lib.attribution import graph as g
from course_lib.autodiff import gradients

__all__ = ["grad_cam", "saliency_map"]

SCORES = ("logit", "probability")


def saliency_map(
    model: keras.Model,
    images: ArrayLike,
    class_index: int | ArrayLike | None = None,
    *,
    score: str = "logit",
    batch_size: int = 64,
) -> np.ndarray:
    """The saliency map of each image (Simonyan, Vedaldi and Zisserman, 2014).

    The map of image x for class c is |d S_c / d x|, the largest over the colour channels at
    each pixel: how much a small change of that pixel changes the class score S_c. S_c is the
    logit of class c (the input of the final softmax, see ``graph.logit_model``) unless
    ``score="probability"``.

    Args:
        model: a Sequential or functional ``keras.Model`` of images (not subclassed).
        images: a batch of its inputs, (N, H, W, C) floats.
        class_index: the class to explain: None for each image's predicted class, one integer
            for all images, or one integer per image, shape (N,).
        score: ``"logit"`` (the score before the softmax) or ``"probability"``.
        batch_size: the images differentiated at a time.

    Returns:
        (N, H, W) float64 NumPy array, >= 0, not normalized.

    Example:
        >>> from course_lib.models import lenet5
        >>> images = np.random.default_rng(0).random((2, 28, 28, 1))
        >>> maps = saliency_map(lenet5(), images, class_index=3)
        >>> maps.shape, bool(maps.min() >= 0)
        ((2, 28, 28), True)
    """
    graph, x = g.graph_and_images(model, images)
    score = check.one_of(score, "score", SCORES)
    batch_size = check.positive_int(batch_size, "batch_size")
    net = keras.Model(graph.inputs, graph.logits)
    logits = g.predict(net, x, batch_size)
    classes = g.class_indices(class_index, logits.argmax(axis=1), logits.shape[1])
    maps = []
    for start in range(0, len(x), batch_size):
        chunk = slice(start, start + batch_size)
        objective = _class_score(net, classes[chunk], logits.shape[1], score, graph.squash)
        maps.append(np.abs(gradients(objective, x[chunk])).max(axis=-1))
    return np.concatenate(maps).astype(np.float64)


def grad_cam(
    model: keras.Model,
    images: ArrayLike,
    layer_name: str | None = None,
    class_index: int | ArrayLike | None = None,
    *,
    upsample: bool = True,
    batch_size: int = 64,
) -> np.ndarray:
    """Grad-CAM (Selvaraju et al., 2017): where a convolutional layer saw the class.

    With A the feature maps of the layer (h, w, K) and y_c the logit of class c:
    alpha_k = mean over (i, j) of dy_c / dA_ij^k weighs each map, and the map is
    ReLU(sum_k alpha_k A^k), upsampled bilinearly to the input's height and width (the maps of
    a deep layer are coarse: 5x5 for LeNet-5's s4), then divided by its maximum, so it lies in
    [0, 1] (all zeros where no location speaks for the class). The model is cut after the
    layer (``graph.split_model``) and dy_c / dA is the gradient of the head at A.

    The upsampling takes the layer's grid to span the whole image, which holds for "same"
    padding (``vgg``); after "valid" convolutions (LeNet-5's c3 sees only the central part of
    the image) the map comes out a little spread towards the edges. Grad-CAM also needs
    channels that mean the same thing wherever they fire: a class decided by *where* a
    feature is rather than *what* it is averages to weights near zero.

    Args:
        model: a Sequential or functional ``keras.Model`` of images (not subclassed).
        images: a batch of its inputs, (N, H, W, C) floats.
        layer_name: the layer to explain; None takes the last layer whose output is 4-D (for
            the course's models a pooling layer: ``"s4"`` for ``lenet5``; pass the
            convolution before it, ``"c3"``, for a map twice as fine). Every path to the
            output must go through it.
        class_index: None (the predicted class), one integer, or one per image, shape (N,).
        upsample: resize the maps to (H, W); False keeps the layer's resolution (h, w).
        batch_size: the images differentiated at a time.

    Returns:
        (N, H, W) (or (N, h, w)) float64 NumPy array in [0, 1].

    Example:
        >>> from course_lib.models import lenet5
        >>> images = np.random.default_rng(0).random((2, 28, 28, 1))
        >>> cams = grad_cam(lenet5(), images, layer_name="c3")
        >>> cams.shape, bool(cams.min() >= 0 and cams.max() <= 1)
        ((2, 28, 28), True)
    """
    graph, x = g.graph_and_images(model, images)
    if layer_name is not None:
        check.string(layer_name, "layer_name")
    upsample = check.boolean(upsample, "upsample")
    batch_size = check.positive_int(batch_size, "batch_size")
    features_t = g.layer_tensor(graph, layer_name, "layer_name", ndim=4)
    name = g.producer(features_t)[0].name
    base, head = g.cut(graph, features_t, graph.logits, name)
    features = g.predict(base, x, batch_size).astype(x.dtype)
    logits = g.predict(head, features, batch_size)
    classes = g.class_indices(class_index, logits.argmax(axis=1), logits.shape[1])
    cams = []
    for start in range(0, len(x), batch_size):
        chunk = slice(start, start + batch_size)
        objective = _class_score(head, classes[chunk], logits.shape[1], "logit", graph.squash)
        grads = gradients(objective, features[chunk])  # (n, h, w, K)
        weights = grads.mean(axis=(1, 2), keepdims=True)
        cams.append(np.maximum((weights * features[chunk]).sum(axis=-1), 0.0))
    cam = np.concatenate(cams).astype(np.float64)
    if upsample and cam.shape[1:] != x.shape[1:3]:
        resized = keras.ops.image.resize(
            cam[..., None].astype("float32"), x.shape[1:3], interpolation="bilinear"
        )
        cam = np.maximum(np.asarray(keras.ops.convert_to_numpy(resized), np.float64)[..., 0], 0)
    top = cam.max(axis=(1, 2), keepdims=True)
    return np.divide(cam, top, out=np.zeros_like(cam), where=top > 0)


def _class_score(net: keras.Model, classes: np.ndarray, k: int, score: str, squash: str) -> Any:
    """The function of a batch that sums each example's score for its class."""
    onehot = np.eye(k)[classes]

    def objective(t: Any) -> Any:
        values = net(t, training=False)
        if score == "probability":
            values = (
                keras.ops.softmax(values, axis=-1)
                if squash == "softmax"
                else keras.ops.sigmoid(values)
            )
        return keras.ops.sum(values * keras.ops.convert_to_tensor(onehot, dtype=values.dtype))

    return objective
