"""Plots for the course: training curves, decision regions, image grids, histograms, confusions,
convolution filters and feature maps.

Every function draws on an Axes you pass (``ax=`` or, for multi-panel plots, ``axes=``) or, when
you pass nothing, on a new figure of a sensible size, and returns what it drew on. Nothing here
calls ``plt.show()`` or changes matplotlib's global settings, and importing the package imports
neither TensorFlow nor Keras nor ``matplotlib.pyplot``: the functions take plain arrays, a
``History`` (anything with a ``.history`` dict) or a callable, so they work with any backend.

One module per family, all importable from here:

- ``plots.history``: ``plot_history``, training curves;
- ``plots.decision_regions``: ``plot_decision_regions``, a classifier of 2-D points;
- ``plots.images``: ``plot_image_grid`` (at most ``MAX_GRID_IMAGES``), image mosaics;
- ``plots.activations``: ``plot_activation_histograms``, per-layer histograms;
- ``plots.confusion``: ``plot_confusion_matrix``, a confusion matrix as a heat map;
- ``plots.conv``: ``plot_filters`` and ``plot_feature_maps`` (at most ``MAX_TILES``);
- ``plots.attribution``: ``plot_attribution`` (at most ``MAX_ATTRIBUTION_IMAGES``), saliency,
  occlusion or Grad-CAM maps over their images.

``confusion_matrix`` is an evaluation metric: it lives in ``course_lib.metrics`` and is
importable from here as well (the same function).

Example::

    from course_lib.plots import plot_history, plot_confusion_matrix

    history = model.fit(x, y, validation_split=0.1, epochs=5, verbose=0)
    plot_history(history)
    plot_confusion_matrix(y_test, model.predict(x_test, verbose=0), class_names=names)
"""

from __future__ import annotations

from course_lib.metrics import confusion_matrix
from course_lib.plots.activations import plot_activation_histograms
from course_lib.plots.attribution import MAX_ATTRIBUTION_IMAGES, plot_attribution
from course_lib.plots.confusion import plot_confusion_matrix
from course_lib.plots.conv import MAX_TILES, plot_feature_maps, plot_filters
from course_lib.plots.decision_regions import plot_decision_regions
from course_lib.plots.history import plot_history
from course_lib.plots.images import MAX_GRID_IMAGES, plot_image_grid

__all__ = [
    "MAX_ATTRIBUTION_IMAGES",
    "MAX_GRID_IMAGES",
    "MAX_TILES",
    "confusion_matrix",
    "plot_activation_histograms",
    "plot_attribution",
    "plot_confusion_matrix",
    "plot_decision_regions",
    "plot_feature_maps",
    "plot_filters",
    "plot_history",
    "plot_image_grid",
]
