"""`DeadReLUMonitor`: how many ReLU units never fire on a fixed probe batch, epoch by epoch.

This module also holds the small helpers that `ActivationStats` shares with it: checking a
probe batch, picking layers by name, and building the probe sub-model that returns the
outputs of the chosen layers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from numbers import Integral
from typing import Any

import keras
import numpy as np

ProbeBatch = np.ndarray | list[np.ndarray]


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
        self.probe_x: ProbeBatch = validate_probe(probe_x)
        self.layers: tuple[str, ...] | None = validate_layer_names(layers)
        if isinstance(every, bool) or not isinstance(every, Integral) or every < 1:
            raise ValueError(f"`every` must be a positive integer. Received: every={every!r}")
        self.every = int(every)
        self.history: dict[str, list[float]] = {}
        self.overall: list[float] = []
        self.epochs: list[int] = []
        self.last_overall: float | None = None
        self._probe = _ProbeCache(self.probe_x, self.layers, _is_relu_layer, "ReLU")

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


# --- helpers shared with ActivationStats -------------------------------------------------


def validate_probe(probe_x: Any, name: str = "probe_x") -> ProbeBatch:
    """Check a probe batch and return it as a NumPy array (or a list of them)."""
    allowed = (
        f"`{name}` must be a non-empty NumPy array or tensor of shape (batch, ...), "
        "or a list of them for a multi-input model."
    )
    if isinstance(probe_x, (list, tuple)) and probe_x and all(_is_array(p) for p in probe_x):
        arrays = [_to_numpy(p, name, allowed) for p in probe_x]
        lengths = {a.shape[0] for a in arrays}
        if len(lengths) != 1:
            raise ValueError(
                f"{allowed} All arrays of a multi-input `{name}` must have the same number "
                f"of examples. Received shapes: {[a.shape for a in arrays]}"
            )
        return arrays
    if not _is_array(probe_x):
        raise ValueError(f"{allowed} Received: {name} of type {type(probe_x).__name__}")
    return _to_numpy(probe_x, name, allowed)


def validate_layer_names(layers: Sequence[str] | str | None) -> tuple[str, ...] | None:
    """Check the `layers` argument: `None`, one name, or a non-empty sequence of names."""
    if layers is None:
        return None
    if isinstance(layers, str):
        layers = [layers]
    if (
        not isinstance(layers, Sequence)
        or not layers
        or not all(isinstance(n, str) and n for n in layers)
    ):
        raise ValueError(
            "`layers` must be None or a non-empty list of layer names. "
            f"Received: layers={layers!r}"
        )
    if len(set(layers)) != len(layers):
        raise ValueError(f"`layers` must not repeat a name. Received: layers={list(layers)!r}")
    return tuple(layers)


class _ProbeCache:
    """Builds (once per model) and runs the probe sub-model of the chosen layers."""

    def __init__(
        self,
        probe: ProbeBatch,
        names: tuple[str, ...] | None,
        default: Callable[[keras.layers.Layer], bool],
        what: str,
    ) -> None:
        self.probe = probe
        self.names = names
        self.default = default
        self.what = what
        self._model: keras.Model | None = None
        self._probe_model: keras.Model | None = None
        self._layer_names: list[str] = []

    def run(self, model: keras.Model) -> tuple[list[str], list[np.ndarray]]:
        if self._model is not model:
            if not isinstance(model, keras.Model):
                raise ValueError(
                    f"Expected a keras.Model. Received: model of type {type(model).__name__}"
                )
            if _symbolic_inputs(model) is None and not isinstance(model, keras.Sequential):
                raise _not_probeable(model)
            layers = self._select(model)
            self._probe_model = _build_probe_model(model, layers, self.probe)
            self._layer_names = [layer.name for layer in layers]
            self._model = model
        outputs = self._probe_model(self.probe, training=False)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return self._layer_names, [keras.ops.convert_to_numpy(o) for o in outputs]

    def _select(self, model: keras.Model) -> list[keras.layers.Layer]:
        all_layers = list(model.layers)
        if self.names is None:
            chosen = [layer for layer in all_layers if self.default(layer)]
            if not chosen:
                raise ValueError(
                    f"Model '{model.name}' has no {self.what} layers to monitor among its "
                    "top-level layers. Pass `layers=[...]` with the names of the layers to "
                    f"monitor. Available layers: {[layer.name for layer in all_layers]}"
                )
            return chosen
        by_name = {layer.name: layer for layer in all_layers}
        unknown = [n for n in self.names if n not in by_name]
        if unknown:
            raise ValueError(
                f"Unknown layer name(s) {unknown} in `layers`. Model '{model.name}' has the "
                f"layers: {list(by_name)}"
            )
        return [by_name[n] for n in self.names]


def _build_probe_model(
    model: keras.Model, layers: list[keras.layers.Layer], probe: ProbeBatch
) -> keras.Model:
    """A functional model from `model`'s inputs to the outputs of `layers` (shared weights)."""
    inputs = _symbolic_inputs(model)
    if inputs is not None:
        try:
            outputs = [layer.output for layer in layers]
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"Could not read the outputs of the layers {[la.name for la in layers]} "
                f"of model '{model.name}': {error}"
            ) from error
        for layer, output in zip(layers, outputs, strict=True):
            if not isinstance(output, keras.KerasTensor):
                raise ValueError(
                    f"Layer '{layer.name}' has several outputs; only layers with a single "
                    "output tensor can be probed."
                )
        try:
            return keras.Model(inputs[0] if len(inputs) == 1 else list(inputs), outputs)
        except ValueError as error:
            raise ValueError(
                f"Could not build a probe model from the inputs of model '{model.name}' to "
                f"the layers {[la.name for la in layers]}: {error}"
            ) from error
    if isinstance(model, keras.Sequential):
        # A Sequential model built without `keras.Input` has no symbolic graph; rebuild
        # the chain of its layers on an input shaped like the probe (same layer objects,
        # hence the same weights).
        if isinstance(probe, list):
            raise ValueError(
                "A Sequential model has a single input, but `probe_x` is a list of "
                f"{len(probe)} arrays."
            )
        dtype = probe.dtype.name if probe.dtype.kind in "biu" else None
        x = inputs = keras.Input(shape=probe.shape[1:], dtype=dtype)
        wanted = {id(layer) for layer in layers}
        found: dict[int, keras.KerasTensor] = {}
        for layer in model.layers:
            x = layer(x)
            if id(layer) in wanted:
                found[id(layer)] = x
        return keras.Model(inputs, [found[id(layer)] for layer in layers])
    raise _not_probeable(model)


def _not_probeable(model: keras.Model) -> ValueError:
    return ValueError(
        f"Probing layer outputs needs a Sequential or functional model (one built from "
        f"`keras.Input`), but model '{model.name}' of type {type(model).__name__} has no "
        "symbolic inputs (a subclassed model). Build it with the Sequential or functional "
        "API to use this callback."
    )


def _symbolic_inputs(model: keras.Model) -> list[keras.KerasTensor] | None:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    return list(inputs) if inputs else None


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or keras.ops.is_tensor(value)


def _to_numpy(value: Any, name: str, allowed: str) -> np.ndarray:
    array = np.asarray(keras.ops.convert_to_numpy(value))
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{allowed} Received: {name} with dtype {array.dtype}")
    if array.ndim < 1 or array.shape[0] == 0:
        raise ValueError(f"{allowed} Received: {name} with shape {array.shape}")
    return array
