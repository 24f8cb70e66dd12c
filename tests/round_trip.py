"""Round-trip checks for the serializable layers, models and pipelines of course_lib.

A configuration test can only fail if the object is built with values that differ from the
defaults: a key missing from ``get_config`` is then either absent from the config (checked
directly), or ``from_config`` falls back to the default and the clone computes something else
(checked on the outputs, the losses, and the outputs in training mode with the same seed).
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any

import keras
import numpy as np

_SIMPLE = (bool, int, float, str, tuple, type(None))


def assert_every_argument_set(func: Callable[..., Any], kwargs: Mapping[str, Any]) -> None:
    """``kwargs`` gives every parameter of ``func`` (a class: its constructor) a value that is
    not its default, so that a configuration which forgets one cannot pass unnoticed."""
    target = func.__init__ if inspect.isclass(func) else func
    for p in inspect.signature(target).parameters.values():
        if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        assert p.name in kwargs, f"the round trip of {func.__name__} does not set `{p.name}`"
        if p.default is not p.empty and isinstance(p.default, _SIMPLE):
            assert kwargs[p.name] != p.default, f"`{p.name}` is set to its default"


def assert_config_holds(config: Mapping[str, Any], kwargs: Mapping[str, Any]) -> None:
    """Every constructor argument is in the config, with the value it was given."""
    for name, value in kwargs.items():
        assert name in config, f"get_config() has no `{name}`"
        if isinstance(value, _SIMPLE):
            stored = tuple(config[name]) if isinstance(value, tuple) else config[name]
            assert stored == value, f"get_config() has {name}={config[name]!r}, not {value!r}"
        elif hasattr(value, "get_config"):
            assert config[name] == keras.saving.serialize_keras_object(value), name


def set_weights_away_from_init(obj, seed: int = 0) -> None:
    """Weights that are not the initial ones: every value in [0.5, 1.5] (so that batch-norm
    variances stay positive), the same for an object and its clone."""
    rng = np.random.default_rng(seed)
    obj.set_weights([rng.uniform(0.5, 1.5, size=w.shape) for w in obj.get_weights()])


def _plain(config: Any) -> Any:
    """A config as it reads back from a ``.keras`` file (JSON): tuples become lists."""
    return json.loads(json.dumps(config))


def _numpy(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x)


def _same_behaviour(a, b, x, *, training_too: bool) -> None:
    np.testing.assert_allclose(
        _numpy(a(x, training=False)), _numpy(b(x, training=False)), atol=1e-5
    )
    np.testing.assert_allclose(
        [float(_numpy(v)) for v in a.losses], [float(_numpy(v)) for v in b.losses], rtol=1e-6
    )
    if training_too:  # dropout rate and seed: the same masks from the same seed
        np.testing.assert_allclose(
            _numpy(a(x, training=True)), _numpy(b(x, training=True)), atol=1e-5
        )


def assert_layer_round_trip(cls, kwargs: Mapping[str, Any], x: np.ndarray, directory) -> None:
    """``cls(**kwargs)`` survives ``from_config(get_config())`` and a ``.keras`` save/load:
    the same config, the same outputs on ``x`` (inference and seeded training) and losses."""
    assert_every_argument_set(cls, {k: v for k, v in kwargs.items() if k != "name"})
    layer = cls(**kwargs)
    layer(x)
    set_weights_away_from_init(layer)
    config = layer.get_config()
    assert_config_holds(config, kwargs)

    clone = cls.from_config(copy.deepcopy(config))  # from_config may consume its argument
    assert clone.get_config() == config
    clone(x)
    if "kernel_initializer" in kwargs:  # a seeded initializer: the same first weights
        first = cls(**kwargs)
        first(x)
        for fresh, cloned in zip(first.get_weights(), clone.get_weights(), strict=True):
            np.testing.assert_array_equal(fresh, cloned)
    clone.set_weights(layer.get_weights())
    _same_behaviour(layer, clone, x, training_too=False)

    # Saved inside a model and loaded again (fresh layers: the dropout seeds start alike).
    inputs = keras.Input(x.shape[1:])
    fresh = cls(**kwargs)
    model = keras.Model(inputs, fresh(inputs))
    set_weights_away_from_init(model)
    model.save(directory / f"{cls.__name__}.keras")
    reloaded = keras.saving.load_model(directory / f"{cls.__name__}.keras")
    loaded = reloaded.layers[-1]
    assert type(loaded) is cls
    assert loaded.get_config() == fresh.get_config() == config
    _same_behaviour(fresh, loaded, x, training_too=True)


def assert_model_round_trip(
    builder: Callable[..., keras.Model], kwargs: Mapping[str, Any], x: np.ndarray, directory
) -> None:
    """A model from ``builder(**kwargs)`` survives ``keras.Model.from_config`` and a ``.keras``
    save/load with the same config and the same outputs on ``x``."""
    assert_every_argument_set(builder, kwargs)
    model = builder(**kwargs)
    set_weights_away_from_init(model)
    config = model.get_config()
    clone = keras.Model.from_config(copy.deepcopy(config))  # it consumes its argument
    assert clone.get_config() == config
    clone.set_weights(model.get_weights())
    _same_behaviour(model, clone, x, training_too=False)

    model.save(directory / f"{model.name}.keras")
    reloaded = keras.saving.load_model(directory / f"{model.name}.keras")
    assert _plain(reloaded.get_config()) == _plain(config)
    _same_behaviour(model, reloaded, x, training_too=False)
