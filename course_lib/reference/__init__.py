"""From-scratch NumPy reference implementations of the course's building blocks.

Each forward pass has its backward pass next to it, in the layouts Keras uses:

- dense: x (N, D), W (D, M), b (M,)
- convolution: x (N, H, W, C) channels-last, kernel (KH, KW, C, F), bias (F,)
- pooling: x (N, H, W, C)

The test suite checks every function against Keras layers and TensorFlow autodiff.

Example:
    >>> import numpy as np
    >>> from course_lib.reference import dense_forward, dense_backward
    >>> out, cache = dense_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
    >>> dx, dW, db = dense_backward(np.ones_like(out), cache)
"""

from course_lib.reference.activations import (
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh_grad,
)
from course_lib.reference.conv import (
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
    conv_param_count,
    same_padding,
)
from course_lib.reference.dense import dense_backward, dense_forward
from course_lib.reference.gradient_check import gradient_check, numerical_gradient, relative_error
from course_lib.reference.losses import (
    binary_cross_entropy,
    binary_hinge_loss,
    multiclass_hinge_loss,
    softmax,
    softmax_cross_entropy,
)
from course_lib.reference.neuron import neuron_forward
from course_lib.reference.pooling import (
    avgpool_backward,
    avgpool_forward,
    maxpool_backward,
    maxpool_forward,
)

__all__ = [
    "avgpool_backward",
    "avgpool_forward",
    "binary_cross_entropy",
    "binary_hinge_loss",
    "conv2d_backward",
    "conv2d_forward",
    "conv_output_size",
    "conv_param_count",
    "dense_backward",
    "dense_forward",
    "gradient_check",
    "leaky_relu",
    "leaky_relu_grad",
    "maxpool_backward",
    "maxpool_forward",
    "multiclass_hinge_loss",
    "neuron_forward",
    "numerical_gradient",
    "relative_error",
    "relu",
    "relu_grad",
    "same_padding",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy",
    "tanh_grad",
]
