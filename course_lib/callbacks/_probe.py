"""What `ActivationStats` and `DeadReLUMonitor` share: checking the probe batch and the layer
names, and running the probe model on the probe batch (built once per model).

The probe model itself (a model from the inputs to the chosen layers' outputs, sharing the
weights) lives in `course_lib.inspection`, which `layer_outputs` uses as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.inspection import (
    ModelInputs,
    build_probe_model,
    find_layers,
    model_inputs,
    not_probeable,
    symbolic_inputs,
)


def validate_probe(probe_x: Any, name: str = "probe_x") -> ModelInputs:
    """Check a probe batch and return it as a NumPy array (or a list of them)."""
    return model_inputs(probe_x, name)


def validate_layer_names(layers: Sequence[str] | str | None) -> tuple[str, ...] | None:
    """Check the `layers` argument: `None`, one name, or a non-empty list of distinct names."""
    if layers is None:
        return None
    if isinstance(layers, str):
        return (check.string(layers, "layers"),)
    names = check.string_list(layers, "layers", allow_empty=False)
    if len(set(names)) != len(names):
        raise ValueError(f"`layers` must not repeat a name. Received: layers={names!r}")
    return tuple(names)


class ProbeCache:
    """Builds (once per model) and runs the probe model of the chosen layers.

    Args:
        probe: the checked probe batch.
        names: the layer names given by the user, or None for `default`'s choice.
        default: which top-level layers are monitored when `names` is None.
        what: the kind of layer `default` picks, for the error when it picks none.
    """

    def __init__(
        self,
        probe: ModelInputs,
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
        self.layers: list[keras.layers.Layer] = []

    def run(self, model: keras.Model) -> tuple[list[str], list[np.ndarray]]:
        """The names of the monitored layers and their outputs on the probe batch."""
        if self._model is not model:
            check.instance(model, "model", keras.Model, "a keras.Model")
            if symbolic_inputs(model) is None and not isinstance(model, keras.Sequential):
                raise not_probeable(model)
            layers = self._select(model)
            self._probe_model = build_probe_model(model, layers, self.probe)
            self.layers = layers
            self._model = model
        outputs = self._probe_model(self.probe, training=False)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        names = [layer.name for layer in self.layers]
        return names, [keras.ops.convert_to_numpy(o) for o in outputs]

    def _select(self, model: keras.Model) -> list[keras.layers.Layer]:
        if self.names is not None:
            return find_layers(model, self.names, "layers")
        all_layers = list(model.layers)
        chosen = [layer for layer in all_layers if self.default(layer)]
        if not chosen:
            raise ValueError(
                f"Model '{model.name}' has no {self.what} layers to monitor among its "
                "top-level layers. Pass `layers=[...]` with the names of the layers to "
                f"monitor. Available layers: {[layer.name for layer in all_layers]}"
            )
        return chosen
