"""`ActivationStats`: mean, spread and saturation of each layer's activations during training."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import keras
import numpy as np

from course_lib.callbacks.dead_relu import _ProbeCache, validate_layer_names, validate_probe

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


class ActivationStats(keras.callbacks.Callback):
    """Record statistics of layer activations on a fixed probe batch, epoch by epoch.

    When training begins and after every epoch, the model is run (in inference mode,
    `training=False`) on the probe batch, and for each monitored layer three plain floats
    are appended to `history[layer_name]`:

    - `"mean"`: mean of all activation values (over examples and units);
    - `"std"`: their standard deviation (population, as `np.std`);
    - `"saturated"`: fraction of values with `|a| > saturation_threshold` (0.99 by default).
      This is meaningful for `tanh` (range -1..1) and `sigmoid` (range 0..1) layers, where
      saturated units pass almost no gradient; for unbounded activations such as ReLU it
      just counts large values.

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
        saturation_threshold: A value counts as saturated when `|a|` exceeds this
            (0 < threshold).

    Example:

    ```python
    from course_lib.callbacks import ActivationStats

    stats = ActivationStats(x_train[:256])
    model.fit(x_train, y_train, epochs=5, callbacks=[stats])
    stats.history["dense"]["std"]        # 6 floats: before training + 5 epochs
    plt.hist(stats.activations["dense"].ravel(), bins=50)
    stats.measure(model)["dense"]["saturated"]
    ```
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
        if not isinstance(keep_activations, bool):
            raise ValueError(
                "`keep_activations` must be True or False. "
                f"Received: keep_activations={keep_activations!r}"
            )
        if (
            isinstance(saturation_threshold, bool)
            or not isinstance(saturation_threshold, Real)
            or not math.isfinite(saturation_threshold)
            or saturation_threshold <= 0
        ):
            raise ValueError(
                "`saturation_threshold` must be a positive number. "
                f"Received: saturation_threshold={saturation_threshold!r}"
            )
        self.keep_activations = keep_activations
        self.saturation_threshold = float(saturation_threshold)
        self.history: dict[str, dict[str, list[float]]] = {}
        self.epochs: list[int] = []
        self.activations: dict[str, np.ndarray] = {}
        self._probe = _ProbeCache(self.probe_x, self.layers, _is_default_layer, "suitable")

    def measure(self, model: keras.Model) -> dict[str, dict[str, float]]:
        """Statistics of each monitored layer of `model` on the probe batch.

        Usable without training. With `keep_activations=True` it also refreshes
        `activations`.

        Args:
            model: A built Sequential or functional model.

        Returns:
            Dict layer name -> `{"mean": ..., "std": ..., "saturated": ...}` (plain floats).
        """
        names, outputs = self._probe.run(model)
        stats: dict[str, dict[str, float]] = {}
        for name, activation in zip(names, outputs, strict=True):
            values = np.asarray(activation, dtype=np.float64)
            if values.size == 0:
                stats[name] = {stat: math.nan for stat in STAT_NAMES}
                continue
            stats[name] = {
                "mean": float(np.mean(values)),
                "std": float(np.std(values)),
                "saturated": float(np.mean(np.abs(values) > self.saturation_threshold)),
            }
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


def _is_default_layer(layer: keras.layers.Layer) -> bool:
    return not isinstance(layer, (*_PASS_THROUGH_LAYERS, keras.Model))
