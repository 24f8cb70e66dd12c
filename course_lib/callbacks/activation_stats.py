"""`ActivationStats`: mean, spread and saturation of each layer's activations during training."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.callbacks._probe import ProbeCache, validate_layer_names, validate_probe

STAT_NAMES = ("mean", "std", "saturated")

# Layers skipped by default: the input itself, and layers whose output holds the same values
# as their input (reshapes) or only adds training-time noise (dropout and friends, which are
# the identity in inference mode, where the probe runs).
_PASS_THROUGH_LAYERS: tuple[type, ...] = tuple(
    getattr(keras.layers, name)
    for name in (
        "InputLayer",
        "Dropout",  # also SpatialDropout1D/2D/3D, which subclass it
        "AlphaDropout",
        "GaussianDropout",
        "GaussianNoise",
        "Flatten",
        "Reshape",
        "Permute",
    )
    if hasattr(keras.layers, name)
)

# Layers whose outputs lie in the range of their inputs (at inference): a monitored one of
# these is saturated when the layer before it is. Max and average pooling pick or average
# values, so they keep the range too.
_RANGE_KEEPING_LAYERS: tuple[type, ...] = _PASS_THROUGH_LAYERS + tuple(
    getattr(keras.layers, name)
    for name in (
        "MaxPooling1D",
        "MaxPooling2D",
        "MaxPooling3D",
        "AveragePooling1D",
        "AveragePooling2D",
        "AveragePooling3D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling2D",
        "GlobalMaxPooling3D",
        "GlobalAveragePooling1D",
        "GlobalAveragePooling2D",
        "GlobalAveragePooling3D",
    )
    if hasattr(keras.layers, name)
)

#: The output range (low, high) of every bounded Keras activation, by name. The others
#: (linear, relu, elu, selu, gelu, swish, softplus, ...) are unbounded on at least one side.
BOUNDED_ACTIVATIONS: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "sparse_sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "sparsemax": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "hard_tanh": (-1.0, 1.0),
    "softsign": (-1.0, 1.0),
    "relu6": (0.0, 6.0),
}
_BOUNDED_BY_FUNCTION = {
    getattr(keras.activations, name): bounds
    for name, bounds in BOUNDED_ACTIVATIONS.items()
    if hasattr(keras.activations, name)
}


class ActivationStats(keras.callbacks.Callback):
    """Record statistics of layer activations on a fixed probe batch, epoch by epoch.

    When training begins and after every epoch, the model is run (in inference mode,
    `training=False`) on the probe batch, and for each monitored layer three plain floats
    are appended to `history[layer_name]`:

    - `"mean"`: mean of all activation values (over examples and units);
    - `"std"`: their standard deviation (population, as `np.std`);
    - `"saturated"`: fraction of values near either end of the layer's activation range,
      where the activation is flat and passes almost no gradient. With the range
      `[low, high]` rescaled to `[-1, 1]`, `u = (2a - low - high) / (high - low)`, a value
      is saturated when `|u| > saturation_threshold` (0.99 by default): `|a| > 0.99` for
      `tanh` and `softsign`, `a < 0.005` or `a > 0.995` for `sigmoid` (since
      `sigmoid(x) = (1 + tanh(x / 2)) / 2`, the same point of the curve, where the slope is
      2 % of its largest). The bounded activations and their ranges are listed in
      `BOUNDED_ACTIVATIONS` (sigmoid, hard_sigmoid, softmax, tanh, softsign, relu6, ...);
      `keras.layers.ReLU(max_value=m)` counts as `[0, m]`.
      For a layer whose output is unbounded (ReLU, ELU, linear, ...) or whose activation
      is unknown, `"saturated"` is `nan`: "saturated" is not defined there (for ReLU units
      stuck at 0 use `DeadReLUMonitor`). `saturation_ranges` shows the range used per layer.

    The activation of a layer is read from its `activation` attribute (`Dense`, `Conv2D`,
    `Activation`, ... with a Keras activation such as `"sigmoid"`), from an
    `activation_name` attribute (the course's blocks), or from its class (`Softmax`,
    `ReLU`). Dropout, noise, reshaping and pooling layers take the range of the layer
    that feeds them.

    `epochs` lists the epoch of each entry (0 = before training). With
    `keep_activations=True` the latest activations are kept in `activations`
    (dict layer name -> NumPy array of shape `(batch, ...)`), e.g. to draw histograms.

    Which layers are monitored, unless `layers` names them: every top-level layer of the
    model except the input layer, reshapes (`Flatten`, `Reshape`, `Permute`), dropout and
    noise layers (`Dropout`, `SpatialDropout*`, `AlphaDropout`, `GaussianDropout`,
    `GaussianNoise`: the identity in inference mode) and nested models. The model must be
    Sequential or functional (see `DeadReLUMonitor`).

    Args:
        probe_x: A fixed batch of inputs: a NumPy array or tensor of shape `(batch, ...)`,
            or a list of them for a multi-input model. It must hold at least one example.
        layers: Names of the layers to monitor, or `None` for the default choice above.
        keep_activations: Whether to keep the latest activations in `activations`.
        saturation_threshold: How close to an end of its range a value must be to count as
            saturated, as a fraction of the half-range: a number with
            0 < threshold < 1 (see `"saturated"` above).

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((3,)),
        ...     keras.layers.Dense(2, activation="sigmoid", name="gate",
        ...                        bias_initializer=keras.initializers.Constant(-20.0)),
        ...     keras.layers.Dense(1, name="out"),
        ... ])
        >>> stats = ActivationStats(np.zeros((4, 3), "float32"))
        >>> measured = stats.measure(model)
        >>> measured["gate"]["saturated"]  # sigmoid(-20) is pinned at 0
        1.0
        >>> measured["out"]["saturated"]  # a linear output cannot saturate
        nan
        >>> stats.saturation_ranges
        {'gate': (0.0, 1.0), 'out': None}

    During training, `model.fit(x, y, epochs=5, callbacks=[stats])` leaves 6 values in
    `stats.history["gate"]["std"]` (before training and after each of the 5 epochs).
    """

    def __init__(
        self,
        probe_x: Any,
        layers: Sequence[str] | str | None = None,
        keep_activations: bool = True,
        saturation_threshold: float = 0.99,
    ) -> None:
        super().__init__()
        self.probe_x = validate_probe(probe_x)
        self.layers: tuple[str, ...] | None = validate_layer_names(layers)
        self.keep_activations = check.boolean(keep_activations, "keep_activations")
        self.saturation_threshold = check.number(
            saturation_threshold,
            "saturation_threshold",
            minimum=0,
            maximum=1,
            min_open=True,
            max_open=True,
        )
        self.history: dict[str, dict[str, list[float]]] = {}
        self.epochs: list[int] = []
        self.activations: dict[str, np.ndarray] = {}
        self.saturation_ranges: dict[str, tuple[float, float] | None] = {}
        self._probe = ProbeCache(self.probe_x, self.layers, _is_default_layer, "suitable")

    def measure(self, model: keras.Model) -> dict[str, dict[str, float]]:
        """Statistics of each monitored layer of `model` on the probe batch.

        Usable without training. With `keep_activations=True` it also refreshes
        `activations`; `saturation_ranges` is refreshed always.

        Args:
            model: A built Sequential or functional model.

        Returns:
            Dict layer name -> `{"mean": ..., "std": ..., "saturated": ...}` (plain floats;
            `"saturated"` is `nan` for a layer with an unbounded or unknown output range).
        """
        names, outputs = self._probe.run(model)
        ranges = {layer.name: output_range(layer) for layer in self._probe.layers}
        stats: dict[str, dict[str, float]] = {}
        for name, activation in zip(names, outputs, strict=True):
            values = np.asarray(activation, dtype=np.float64)
            if values.size == 0:
                stats[name] = {stat: math.nan for stat in STAT_NAMES}
                continue
            stats[name] = {
                "mean": float(np.mean(values)),
                "std": float(np.std(values)),
                "saturated": _saturated_fraction(values, ranges[name], self.saturation_threshold),
            }
        self.saturation_ranges = ranges
        if self.keep_activations:
            self.activations = dict(zip(names, outputs, strict=True))
        return stats

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        # Allow the callback to be reused across `fit()` calls.
        self.history = {}
        self.epochs = []
        self.activations = {}
        self._record(0)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._record(epoch + 1)

    def _record(self, epoch: int) -> None:
        for name, layer_stats in self.measure(self.model).items():
            entry = self.history.setdefault(name, {stat: [] for stat in STAT_NAMES})
            for stat in STAT_NAMES:
                entry[stat].append(layer_stats[stat])
        self.epochs.append(epoch)


def output_range(layer: keras.layers.Layer, _depth: int = 0) -> tuple[float, float] | None:
    """The range `(low, high)` of `layer`'s outputs if its activation is bounded, else None.

    Example:
        >>> output_range(keras.layers.Dense(3, activation="tanh"))
        (-1.0, 1.0)
        >>> output_range(keras.layers.Dense(3, activation="relu")) is None
        True
    """
    name = getattr(layer, "activation_name", None)
    if isinstance(name, str):
        return BOUNDED_ACTIVATIONS.get(name)
    if isinstance(layer, keras.layers.Softmax):
        return (0.0, 1.0)
    if isinstance(layer, keras.layers.ReLU):
        if layer.max_value is not None and float(layer.negative_slope) == 0.0:
            return (0.0, float(layer.max_value))
        return None
    activation = getattr(layer, "activation", None)
    if activation is not None:
        try:
            return _BOUNDED_BY_FUNCTION.get(activation)
        except TypeError:  # an unhashable callable
            return None
    if isinstance(layer, _RANGE_KEEPING_LAYERS) and _depth < 50:
        source = _input_layer(layer)
        return None if source is None else output_range(source, _depth + 1)
    return None


def _input_layer(layer: keras.layers.Layer) -> keras.layers.Layer | None:
    """The layer that feeds `layer` (used once, one input), or None if there is no such one."""
    try:
        history = layer.input._keras_history
    except (AttributeError, ValueError):  # not called yet, called several times, ...
        return None
    operation = getattr(history, "operation", None)
    return operation if isinstance(operation, keras.layers.Layer) else None


def _saturated_fraction(
    values: np.ndarray, bounds: tuple[float, float] | None, threshold: float
) -> float:
    if bounds is None:
        return math.nan
    low, high = bounds
    scaled = (2.0 * values - low - high) / (high - low)  # the range mapped onto [-1, 1]
    return float(np.mean(np.abs(scaled) > threshold))


def _is_default_layer(layer: keras.layers.Layer) -> bool:
    return not isinstance(layer, (*_PASS_THROUGH_LAYERS, keras.Model))
