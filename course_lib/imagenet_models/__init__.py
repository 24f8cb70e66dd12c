"""The ImageNet networks of the lecture's history table, at ImageNet size and at course size.

Every builder is ``builder(input_shape, num_classes, *, ...)``: its defaults build the paper's
network for 1000 ImageNet classes, and the same builder makes a *course-size* version that trains
on a CPU: ``scale`` multiplies the number of filters and dense units of every layer (rounded,
at least 1; not the classifier), and ``first_stride=1`` (not for VGG, which has no strided
convolution) keeps the resolution of 28x28 or 32x32 images, which the stride-4 or stride-2 first
layer of a network made for 224-pixel photos would throw away. Like ``course_lib.models``, they
return functional, uncompiled models with a float32 softmax on top, channels last only.

=========  ==========================  =====  =====================  =====================
builder    paper                       input  paper's parameters     ours (count_params)
=========  ==========================  =====  =====================  =====================
alexnet    Krizhevsky et al. (2012)    227    "60 million"           60,965,224 (groups=2)
zfnet      Zeiler and Fergus (2013)    224    none given             62,357,608
vgg16      Simonyan, Zisserman (2014)  224    138 M (Table 2, "D")   138,357,544
googlenet  Szegedy et al. (2014)       224    6.8 M (Table 1's sum)  6,998,552
resnet50   He et al. (2015)            224    none given (25.6 M)    25,610,152
=========  ==========================  =====  =====================  =====================

What differs from the papers, and why the counts differ:

- **AlexNet** (input 227x227: the paper says 224, but its 55x55 first feature maps need 227).
  The two GPUs become ``groups=2``: conv2, conv4 and conv5 see only the half of the channels
  "on their GPU", as in the paper (``groups=1`` joins them: 62,378,344 parameters). With it
  our count is 60,965,224, 1.6 % above the paper's rounded "60 million". Local response
  normalization (``course_lib.local_response_norm``, no weights) follows conv1 and conv2.
- **ZFNet**: AlexNet with a 7x7 stride-2 first layer and conv2 of stride 2; conv3 to conv5
  are not split (384, 384, 256 filters as in its figure 3). The paper gives no total; ours
  has 62,357,608, the same as an ungrouped AlexNet within 0.04 %.
- **VGG-16** (configuration D) is ``course_lib.models.vgg`` with the paper's stages; the same
  138,357,544 as ``keras.applications.VGG16``.
- **GoogLeNet**: without the two auxiliary classifiers (used only in training); with biases
  (Table 1 counts weights only) 6,998,552, 2.9 % above the column's sum of 6.8 M.
- **ResNet-50** (``resnet_imagenet(depth=50)``; 18, 34, 101 and 152 too): convolutions without
  biases, batch norm after each (4 numbers per channel in ``count_params``, 2 of them trained).
  The trainable weights, 25,557,032, are the often-quoted "25.6 M" of the original model
  (torchvision's ``resnet50`` too); ``keras.applications.ResNet50`` has 26,560 more (25,636,712)
  because its convolutions keep a bias before batch norm, which the norm's beta makes redundant.

Example:
    >>> model = alexnet((32, 32, 3), 10, scale=1 / 16, first_stride=1)  # course size
    >>> model.output_shape, model.count_params()
    ((None, 10), 83954)
"""

from course_lib.imagenet_models._blocks import RESNET_BLOCKS, googlenet, resnet_imagenet
from course_lib.imagenet_models._stacks import alexnet, vgg16, zfnet

__all__ = ["RESNET_BLOCKS", "alexnet", "googlenet", "resnet_imagenet", "vgg16", "zfnet"]
