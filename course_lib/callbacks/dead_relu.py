"""`DeadReLUMonitor`: how many ReLU units never fire on a fixed probe batch, epoch by epoch."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.callbacks._probe import ProbeCache, validate_layer_names, validate_probe
from course_lib.inspection import ModelInputs


class DeadReLUMonitor(keras.callbacks.Callback):
    """Track the fraction of "dead" ReLU units during training.

    A unit is *dead* on the probe batch when its output is exactly 0 for every example in
    the batch: it never fires, so no gradient flows through it. A diverged network (outputs
    that are nan or inf) is not "dead": `measure` then warns with a `RuntimeWarning`.
    A unit is every element of a layer's output except the batch axis: one per neuron of a
    `Dense` layer, one per `(height, width, channel)` position of a `Conv2D` layer.

    The monitor runs the model (in inference mode, `training=False`) on the probe batch once
    when training begins (recorded as epoch 0) and then after every `every`-th epoch, so with
    the default `every=1` its history has `epochs + 1` entries. It records:

    - `history`: dict layer name -> list of dead fractions (plain floats), one per
      measurement;
    - `overall`: list of dead fractions over all monitored units together;
    - `epochs`: the epoch each measurement belongs to (0 = before training, `k` = after the
      k-th epoch);
    - `logs["dead_relu_fraction"]`: the overall fraction, added to the epoch logs so that it
      appears in the `History` returned by `fit()`. Epochs that are skipped because of
      `every > 1` log `nan`, which keeps `History`'s lists aligned with the epochs.

    Which layers are monitored, unless `layers` names them: the model's top-level layers
    that apply a plain ReLU, namely layers whose `activation` is `keras.activations.relu`
    (`Dense(..., activation="relu")`, `Conv2D(..., activation="relu")`,
    `Activation("relu")`), `keras.layers.ReLU` layers without a negative slope, and any layer
    with an attribute `activation_name == "relu"` (the course's blocks). Layers inside a
    nested model are not searched; name the nested model's output layer instead, or build
    the model flat.

    The model must be a Sequential or functional model (one with symbolic inputs, or a
    Sequential that can be rebuilt on the probe's shape); a subclassed model raises a
    `ValueError`. The probe batch is run in a single forward pass, so keep it modest (a few
    hundred examples is plenty).

    Args:
        probe_x: A fixed batch of inputs: a NumPy array or tensor of shape
            `(batch, ...)`, or a list of them for a multi-input model (in the order of
            `model.inputs`). It must hold at least one example.
        layers: Names of the layers to monitor, or `None` to find the ReLU layers
            automatically.
        every: Measure after every `every`-th epoch (a positive integer).

    Example:

    ```python
    from course_lib.callbacks import DeadReLUMonitor

    monitor = DeadReLUMonitor(x_train[:256])
    history = model.fit(x_train, y_train, epochs=10, callbacks=[monitor])
    monitor.overall                       # 11 floats: before training + 10 epochs
    history.history["dead_relu_fraction"]  # 10 floats, one per epoch
    monitor.measure(model)                # {"dense": 0.0, "dense_1": 0.125}
    ```
    """

    log_key = "dead_relu_fraction"

    def __init__(
        self,
        probe_x: Any,
        layers: Sequence[str] | str | None = None,
        every: int = 1,
    ) -> None:
        super().__init__()
        self.probe_x: ModelInputs = validate_probe(probe_x)
        self.layers: tuple[str, ...] | None = validate_layer_names(layers)
        self.every = check.positive_int(every, "every")
        self.history: dict[str, list[float]] = {}
        self.overall: list[float] = []
        self.epochs: list[int] = []
        self.last_overall: float | None = None
        self._probe = ProbeCache(self.probe_x, self.layers, _is_relu_layer, "ReLU")

    def measure(self, model: keras.Model) -> dict[str, float]:
        """Dead fraction of each monitored layer of `model` on the probe batch.

        Usable without training. The overall fraction (over all monitored units together) of
        this measurement is left in `self.last_overall`.

        Args:
            model: A built Sequential or functional model.

        Returns:
            Dict layer name -> fraction of that layer's units that are 0 for every example.
        """
        names, outputs = self._probe.run(model)
        fractions: dict[str, float] = {}
        n_dead = 0
        n_units = 0
        diverged = [
            name
            for name, activation in zip(names, outputs, strict=True)
            if not np.all(np.isfinite(activation))
        ]
        if diverged:
            warnings.warn(
                f"Layer(s) {diverged} produced non-finite values (nan or inf) on the probe "
                "batch: the network has diverged (is the learning rate too high?). A dead "
                "fraction counts only units that are exactly 0, so it says nothing about the "
                "diverged units.",
                RuntimeWarning,
                stacklevel=2,
            )
        for name, activation in zip(names, outputs, strict=True):
            dead = np.all(activation == 0, axis=0)
            fractions[name] = float(np.mean(dead)) if dead.size else 0.0
            n_dead += int(np.count_nonzero(dead))
            n_units += int(dead.size)
        self.last_overall = n_dead / n_units if n_units else 0.0
        return fractions

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        # Allow the monitor to be reused across `fit()` calls.
        self.history = {}
        self.overall = []
        self.epochs = []
        self._record(0)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if (epoch + 1) % self.every == 0:
            self._record(epoch + 1)
            value = self.overall[-1]
        else:
            value = math.nan
        if logs is not None:
            logs[self.log_key] = value

    def _record(self, epoch: int) -> None:
        fractions = self.measure(self.model)
        for name, fraction in fractions.items():
            self.history.setdefault(name, []).append(fraction)
        self.overall.append(float(self.last_overall))
        self.epochs.append(epoch)


def _is_relu_layer(layer: keras.layers.Layer) -> bool:
    if getattr(layer, "activation_name", None) == "relu":
        return True
    if isinstance(layer, keras.layers.ReLU):
        return float(layer.negative_slope) == 0.0
    return getattr(layer, "activation", None) is keras.activations.relu
