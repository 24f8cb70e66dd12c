"""Looking inside a trained CNN: which pixels its decision rests on.

Three ways to draw a map over an image that says what the model used for one class:

- ``saliency_map``: the gradient of the class score with respect to the pixels (Simonyan et
  al., 2014): sharp, per pixel, and often noisy;
- ``occlusion_map``: the drop of the class probability when a patch is greyed out (Zeiler and
  Fergus, 2014): no gradient, one prediction per patch position;
- ``grad_cam``: the feature maps of a convolutional layer weighted by their averaged
  gradients (Selvaraju et al., 2017): coarse, but class-specific and robust.

``occlusion_check`` tests a map: occluding its most salient pixels must lower the class score
more than occluding as many random ones. ``course_lib.plots.attribution.plot_attribution``
draws the maps over the images.

The class score of the gradient methods is the logit, the input of the final softmax
(``logit_model`` finds it in models that end with a softmax, such as ``lenet5`` and ``vgg``);
``split_model`` cuts a model into a convolutional base and a head. All gradients go through
``course_lib.autodiff``, so this runs on TensorFlow, JAX and PyTorch. Sequential and
functional models work; subclassed models have no graph to cut and are refused.

Example::

    from course_lib.attribution import grad_cam, occlusion_check, saliency_map
    from course_lib.plots.attribution import plot_attribution

    maps = {"saliency": saliency_map(model, x_test[:8]), "Grad-CAM": grad_cam(model, x_test[:8])}
    plot_attribution(x_test[:8], maps)
    result = occlusion_check(model, x_test[:100], grad_cam(model, x_test[:100]))
    assert result.salient.mean() > result.random.mean()
"""

from course_lib.attribution.gradient import grad_cam, saliency_map
from course_lib.attribution.graph import logit_model, split_model
from course_lib.attribution.occlusion import OcclusionCheck, occlusion_check, occlusion_map

__all__ = [
    "OcclusionCheck",
    "grad_cam",
    "logit_model",
    "occlusion_check",
    "occlusion_map",
    "saliency_map",
    "split_model",
]
