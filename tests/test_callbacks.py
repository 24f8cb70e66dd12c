"""Tests for course_lib.callbacks: early stopping, dead ReLUs, activation stats, LR finder."""

from __future__ import annotations

import math
import warnings

import keras
import numpy as np
import pytest

from course_lib.callbacks import (
    ActivationStats,
    DeadReLUMonitor,
    LearningRateFinder,
    early_stopping,
    find_learning_rate,
)

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

W_TRUE = np.array([[1.0], [-2.0], [0.5], [1.5]], dtype="float32")


def _regression_data(n: int = 64, noise: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ W_TRUE + noise * rng.normal(size=(n, 1))).astype("float32")
    return x, y


def _linear_model(lr: float = 0.05, momentum: float = 0.0, zeros: bool = True) -> keras.Model:
    init = "zeros" if zeros else "glorot_uniform"
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1, kernel_initializer=init, name="out")]
    )
    model.compile(optimizer=keras.optimizers.SGD(lr, momentum=momentum), loss="mse")
    return model


class _WeightRecorder(keras.callbacks.Callback):
    """Copies of the weights at the end of every epoch."""

    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([np.array(w) for w in self.model.get_weights()])


def _assert_weights_equal(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(a, e)


# --------------------------------------------------------------------------------------------
# early_stopping
# --------------------------------------------------------------------------------------------


def _halfway_fit(epochs: int, patience: int):
    """Train towards W_TRUE while validating against 0.5 * W_TRUE.

    Starting from zero weights, gradient descent passes through 0.5 * W_TRUE, so val_loss
    first falls and then rises again: a deterministic problem that overfits.
    """
    x, y = _regression_data()
    model = _linear_model(lr=0.05)
    recorder = _WeightRecorder()
    stopper = early_stopping(patience=patience)
    history = model.fit(
        x,
        y,
        validation_data=(x, 0.5 * y),
        batch_size=len(x),
        epochs=epochs,
        shuffle=False,
        verbose=0,
        callbacks=[recorder, stopper],
    )
    return model, x, y, recorder, stopper, history.history["val_loss"]


def test_early_stopping_defaults():
    cb = early_stopping()
    assert isinstance(cb, keras.callbacks.EarlyStopping)
    assert cb.restore_best_weights is True
    assert cb.monitor == "val_loss"
    assert cb.patience == 5
    assert cb.start_from_epoch == 0


def test_early_stopping_stops_and_restores_best_weights():
    model, x, y, recorder, stopper, val_loss = _halfway_fit(epochs=60, patience=2)
    best = int(np.argmin(val_loss))
    assert len(val_loss) < 60  # stopped early
    assert stopper.stopped_epoch > 0
    assert len(val_loss) == best + 1 + 2  # best epoch, then `patience` worse ones
    assert val_loss[-1] > val_loss[best]  # the last epoch is worse ...
    _assert_weights_equal(model.get_weights(), recorder.weights[best])  # ... but best is kept
    restored = model.evaluate(x, 0.5 * y, batch_size=len(x), verbose=0)
    np.testing.assert_allclose(restored, min(val_loss), rtol=1e-6)


def test_early_stopping_restores_best_weights_without_stopping_early():
    # The documented Keras 3 behaviour: restored at train end even if the epoch limit is hit.
    model, _, _, recorder, stopper, val_loss = _halfway_fit(epochs=12, patience=50)
    best = int(np.argmin(val_loss))
    assert len(val_loss) == 12
    assert stopper.stopped_epoch == 0
    assert best < 11 and val_loss[-1] > val_loss[best]
    _assert_weights_equal(model.get_weights(), recorder.weights[best])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"patience": -1}, "patience"),
        ({"patience": 1.5}, "patience"),
        ({"min_delta": -0.1}, "min_delta"),
        ({"mode": "up"}, "mode"),
        ({"restore_best_weights": "yes"}, "restore_best_weights"),
        ({"start_from_epoch": -1}, "start_from_epoch"),
        ({"verbose": 2}, "verbose"),
        ({"monitor": ""}, "monitor"),
    ],
)
def test_early_stopping_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        early_stopping(**kwargs)


# --------------------------------------------------------------------------------------------
# DeadReLUMonitor
# --------------------------------------------------------------------------------------------


def _dense_relu_model() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(16, activation="relu", name="hidden"),
            keras.layers.Dense(8, name="pre"),
            keras.layers.ReLU(name="relu"),
            keras.layers.Dense(1, name="out"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def _kill_units(layer: keras.layers.Layer, units: list[int]) -> None:
    """Make `units` (last axis) output a large negative pre-activation for every input."""
    kernel, bias = layer.get_weights()
    kernel[..., units] = 0.0
    bias[units] = -1e3
    layer.set_weights([kernel, bias])


def _probe(shape, n=32, seed=1):
    return np.random.default_rng(seed).normal(size=(n, *shape)).astype("float32")


def test_dead_relu_dense_exact_fraction():
    model = _dense_relu_model()
    _kill_units(model.get_layer("hidden"), [0, 3, 7, 8, 15])
    # "pre" feeds the ReLU layer: units 2 and 5 get -1000, the others a constant +1.
    pre = model.get_layer("pre")
    kernel, bias = pre.get_weights()
    bias[:] = 1.0
    pre.set_weights([np.zeros_like(kernel), bias])
    _kill_units(pre, [2, 5])
    monitor = DeadReLUMonitor(_probe((6,)))
    assert monitor.measure(model) == {"hidden": 5 / 16, "relu": 2 / 8}
    assert monitor.last_overall == 7 / 24


def test_dead_relu_warns_when_the_network_has_diverged():
    model = _dense_relu_model()
    monitor = DeadReLUMonitor(_probe((6,)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # ours; not the backends' own
        monitor.measure(model)  # a healthy network: no warning
    kernel, bias = model.get_layer("hidden").get_weights()
    bias[:] = np.nan
    model.get_layer("hidden").set_weights([kernel, bias])
    with pytest.warns(RuntimeWarning, match=r"\['hidden', 'relu'\] produced non-finite"):
        fractions = monitor.measure(model)
    assert fractions["hidden"] == 0.0  # nan units are not counted as dead, hence the warning


def test_dead_relu_conv_counts_every_position():
    model = keras.Sequential(
        [
            keras.Input((6, 6, 2)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv"),  # -> (4, 4, 4)
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(1),
        ]
    )
    _kill_units(model.get_layer("conv"), [1])  # 16 dead positions
    probe = _probe((6, 6, 2))
    # Input columns 0-2 are always zero, so output column 0 sees only zeros: with zero bias
    # every filter outputs exactly 0 there (4 rows x 4 filters = 16 positions, 4 of which are
    # in the killed filter already). Counting per channel instead would give 1/4.
    probe[:, :, :3, :] = 0.0
    fractions = DeadReLUMonitor(probe).measure(model)
    assert fractions == {"conv": (16 + 12) / 64}


class _CourseBlock(keras.layers.Layer):
    """Stands in for the course's DenseBlock: a layer that says it applies ReLU."""

    activation_name = "relu"

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        return keras.ops.relu(self.dense(x))


def test_dead_relu_finds_every_kind_of_relu_layer():
    inputs = keras.Input((5,))
    h = keras.layers.Dense(6, activation="relu", name="dense_relu")(inputs)
    h = keras.layers.Dense(6, activation="tanh", name="dense_tanh")(h)
    h = keras.layers.Activation("relu", name="act_relu")(h)
    h = keras.layers.ReLU(name="relu_layer")(h)
    h = keras.layers.ReLU(negative_slope=0.1, name="leaky")(h)
    h = _CourseBlock(4, name="block")(h)
    h = keras.layers.Conv1D(2, 1, activation="relu", name="conv_relu")(
        keras.layers.Reshape((4, 1))(h)
    )
    model = keras.Model(inputs, h)
    fractions = DeadReLUMonitor(_probe((5,))).measure(model)
    assert list(fractions) == ["dense_relu", "act_relu", "relu_layer", "block", "conv_relu"]
    # Explicit names override the automatic choice.
    chosen = DeadReLUMonitor(_probe((5,)), layers=["dense_tanh"]).measure(model)
    assert list(chosen) == ["dense_tanh"]


def test_dead_relu_history_and_logs_during_fit():
    model = _dense_relu_model()
    _kill_units(model.get_layer("hidden"), [1, 2])
    x, y = _probe((6,), n=64, seed=2), np.zeros((64, 1), "float32")
    monitor = DeadReLUMonitor(x[:32])
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[monitor])
    assert monitor.epochs == [0, 1, 2, 3]
    assert len(monitor.overall) == 4
    assert set(monitor.history) == {"hidden", "relu"}
    assert all(len(v) == 4 for v in monitor.history.values())
    assert all(type(v) is float for v in monitor.overall)
    # Killed units stay dead: zero weights and a bias of -1000 get no gradient.
    assert monitor.history["hidden"] == [2 / 16] * 4
    assert history.history["dead_relu_fraction"] == monitor.overall[1:]


def test_dead_relu_every_logs_nan_on_skipped_epochs():
    model = _dense_relu_model()
    x, y = _probe((6,), n=32, seed=3), np.zeros((32, 1), "float32")
    monitor = DeadReLUMonitor(x, every=2)
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[monitor])
    assert monitor.epochs == [0, 2]
    logged = history.history["dead_relu_fraction"]
    assert math.isnan(logged[0]) and math.isnan(logged[2])
    assert logged[1] == monitor.overall[1]


def test_dead_relu_sequential_without_input_layer():
    model = keras.Sequential(
        [keras.layers.Dense(3, activation="relu", name="h"), keras.layers.Dense(1)]
    )
    model(np.zeros((1, 2), "float32"))  # built, but without a symbolic graph
    _kill_units(model.get_layer("h"), [0])
    assert DeadReLUMonitor(_probe((2,))).measure(model) == {"h": 1 / 3}


def test_dead_relu_errors():
    model = _dense_relu_model()
    with pytest.raises(ValueError, match="hidden"):  # lists the model's layers
        DeadReLUMonitor(_probe((6,)), layers=["nope"]).measure(model)
    with pytest.raises(ValueError, match="probe_x"):
        DeadReLUMonitor("not an array")
    with pytest.raises(ValueError, match="probe_x"):
        DeadReLUMonitor([[1.0, 2.0], [3.0, 4.0]])  # a plain list is not an array
    with pytest.raises(ValueError, match="probe_x"):
        DeadReLUMonitor(np.zeros((0, 6), "float32"))
    with pytest.raises(ValueError, match="every"):
        DeadReLUMonitor(_probe((6,)), every=0)
    with pytest.raises(ValueError, match="layers"):
        DeadReLUMonitor(_probe((6,)), layers=[])

    no_relu = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2, activation="tanh")])
    with pytest.raises(ValueError, match="no ReLU layers"):
        DeadReLUMonitor(_probe((6,))).measure(no_relu)

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2, activation="relu")

        def call(self, x):
            return self.dense(x)

    sub = Subclassed()
    sub(np.zeros((1, 6), "float32"))
    with pytest.raises(ValueError, match="Sequential or functional"):
        DeadReLUMonitor(_probe((6,))).measure(sub)


# --------------------------------------------------------------------------------------------
# ActivationStats
# --------------------------------------------------------------------------------------------


def _tanh_model() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(
                8,
                activation="tanh",
                kernel_initializer=keras.initializers.RandomNormal(stddev=100.0),
                name="big",
            ),
            keras.layers.Dropout(0.5, name="drop"),
            keras.layers.Dense(
                4,
                activation="tanh",
                kernel_initializer=keras.initializers.RandomNormal(stddev=0.01),
                name="small",
            ),
            keras.layers.Dense(1, name="out"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def test_activation_stats_match_numpy():
    model = _tanh_model()
    probe = _probe((5,), n=40)
    stats = ActivationStats(probe)
    measured = stats.measure(model)
    assert list(measured) == ["big", "small", "out"]  # Dropout skipped by default

    # The same activations computed by hand, in float64.
    expected = {}
    a = probe.astype(np.float64)
    for name, act in (("big", np.tanh), ("small", np.tanh), ("out", lambda z: z)):
        kernel, bias = model.get_layer(name).get_weights()
        a = act(a @ kernel.astype(np.float64) + bias)
        expected[name] = a
    for name, acts in expected.items():
        np.testing.assert_allclose(stats.activations[name], acts, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(measured[name]["mean"], acts.mean(), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(measured[name]["std"], acts.std(), rtol=1e-4, atol=1e-6)
        # Against NumPy on the stored activations: exactly the same numbers.
        stored = stats.activations[name]
        assert measured[name]["mean"] == float(np.mean(stored.astype(np.float64)))
        assert measured[name]["std"] == float(np.std(stored.astype(np.float64)))

    assert measured["big"]["saturated"] > 0.95  # huge weights: tanh pinned at +-1
    assert measured["small"]["saturated"] == 0.0


def test_activation_stats_history_during_fit():
    model = _tanh_model()
    x, y = _probe((5,), n=32), np.zeros((32, 1), "float32")
    stats = ActivationStats(x, layers=["small", "drop"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[stats])
    assert stats.epochs == [0, 1, 2]
    assert set(stats.history) == {"small", "drop"}
    for layer_history in stats.history.values():
        assert set(layer_history) == {"mean", "std", "saturated"}
        for values in layer_history.values():
            assert len(values) == 3
            assert all(type(v) is float for v in values)
    assert stats.activations["small"].shape == (32, 4)
    # The probe runs in inference mode, where Dropout is the identity.
    big = ActivationStats(x, layers=["big"])
    big.measure(model)
    np.testing.assert_array_equal(stats.activations["drop"], big.activations["big"])

    quiet = ActivationStats(x, keep_activations=False)
    quiet.measure(model)
    assert quiet.activations == {}


def test_activation_stats_errors():
    model = _tanh_model()
    with pytest.raises(ValueError, match="big"):
        ActivationStats(_probe((5,)), layers=["missing"]).measure(model)
    with pytest.raises(ValueError, match="probe_x"):
        ActivationStats(None)
    with pytest.raises(ValueError, match="probe_x"):
        ActivationStats(np.zeros((0, 5)))
    with pytest.raises(ValueError, match="keep_activations"):
        ActivationStats(_probe((5,)), keep_activations="yes")
    with pytest.raises(ValueError, match="saturation_threshold"):
        ActivationStats(_probe((5,)), saturation_threshold=0)
    # A fraction of the half-range now; 1 or more would count nothing, ever.
    with pytest.raises(ValueError, match="saturation_threshold"):
        ActivationStats(_probe((5,)), saturation_threshold=1.5)


def _pinned_model(activation: str, bias: float, units: int = 6) -> keras.Model:
    """A layer of `activation` whose pre-activation is `bias` for every input (zero kernel)."""
    return keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(
                units,
                activation=activation,
                kernel_initializer="zeros",
                bias_initializer=keras.initializers.Constant(bias),
                name="act",
            ),
        ]
    )


@pytest.mark.parametrize(
    ("activation", "bias"),
    [
        ("sigmoid", -20.0),  # pinned at 0: counted 0 % before (|a| > 0.99 only)
        ("sigmoid", 20.0),
        ("hard_sigmoid", -10.0),  # exactly 0
        ("tanh", -20.0),
        ("softsign", 1e4),
    ],
)
def test_activation_stats_saturation_at_either_end_of_the_range(activation, bias):
    stats = ActivationStats(_probe((5,)))
    assert stats.measure(_pinned_model(activation, bias))["act"]["saturated"] == 1.0


@pytest.mark.parametrize("activation", ["sigmoid", "hard_sigmoid", "tanh", "softsign"])
def test_activation_stats_middle_of_the_range_is_not_saturated(activation):
    # A sigmoid at 0.5 is not saturated, nor is a tanh at 0 (|a| > 0.99 gave the right
    # answer only for the symmetric ones).
    stats = ActivationStats(_probe((5,)))
    assert stats.measure(_pinned_model(activation, 0.0))["act"]["saturated"] == 0.0


def test_activation_stats_sigmoid_band_is_the_tanh_band():
    # sigmoid(x) = (1 + tanh(x / 2)) / 2: a sigmoid unit is saturated exactly where the tanh
    # unit at x / 2 is, i.e. where |tanh| > 0.99.
    x = np.linspace(-12, 12, 97, dtype="float32")[:, None]
    sigmoid = keras.Sequential([keras.Input((1,)), keras.layers.Activation("sigmoid", name="s")])
    tanh = keras.Sequential([keras.Input((1,)), keras.layers.Activation("tanh", name="t")])
    from_sigmoid = ActivationStats(x).measure(sigmoid)["s"]["saturated"]
    half = np.tanh(x.astype(np.float64) / 2)
    from_tanh = ActivationStats(x / 2).measure(tanh)["t"]["saturated"]
    assert from_tanh == float(np.mean(np.abs(half) > 0.99))  # the old rule, for tanh
    assert from_sigmoid == from_tanh
    assert 0.0 < from_sigmoid < 1.0


def test_activation_stats_tanh_keeps_the_abs_099_rule():
    # Notebook 07's numbers: for tanh the fraction is exactly that of |a| > threshold.
    model = _tanh_model()
    stats = ActivationStats(_probe((5,), n=40), saturation_threshold=0.9)
    measured = stats.measure(model)
    acts = stats.activations["big"].astype(np.float64)
    assert measured["big"]["saturated"] == float(np.mean(np.abs(acts) > 0.9))


def test_activation_stats_unbounded_layers_report_nan():
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4, activation="relu", name="relu"),
            keras.layers.Dense(4, activation="elu", name="elu"),
            keras.layers.Dense(4, name="linear"),
            keras.layers.BatchNormalization(name="bn"),  # no activation known
        ]
    )
    stats = ActivationStats(_probe((5,)))
    measured = stats.measure(model)
    # Before: relu/elu/linear counted values above 0.99, a number that meant nothing.
    assert all(math.isnan(measured[name]["saturated"]) for name in measured)
    assert stats.saturation_ranges == {"relu": None, "elu": None, "linear": None, "bn": None}
    assert all(math.isfinite(measured[name]["std"]) for name in measured)


def test_activation_stats_ranges_of_layer_kinds():
    inputs = keras.Input((4, 4, 1))
    h = keras.layers.Conv2D(2, 3, activation="sigmoid", name="conv")(inputs)
    h = keras.layers.MaxPooling2D(name="pool")(h)  # keeps the sigmoid's range
    h = keras.layers.Flatten(name="flat")(h)
    h = keras.layers.Dropout(0.5, name="drop")(h)
    h = keras.layers.Dense(3, name="logits")(h)
    soft = keras.layers.Softmax(name="softmax")(h)
    capped = keras.layers.ReLU(max_value=6.0, name="relu6")(h)
    leaky = keras.layers.ReLU(max_value=6.0, negative_slope=0.1, name="leaky")(h)
    block = _CourseBlock(3, name="block")(h)
    model = keras.Model(inputs, [soft, capped, leaky, block])
    names = ["conv", "pool", "drop", "logits", "softmax", "relu6", "leaky", "block"]
    stats = ActivationStats(_probe((4, 4, 1)), layers=names)
    stats.measure(model)
    assert stats.saturation_ranges == {
        "conv": (0.0, 1.0),
        "pool": (0.0, 1.0),
        "drop": (0.0, 1.0),  # through Flatten and Dropout
        "logits": None,
        "softmax": (0.0, 1.0),
        "relu6": (0.0, 6.0),
        "leaky": None,
        "block": None,  # activation_name "relu"
    }


def test_callbacks_and_layer_outputs_read_the_same_activations():
    from course_lib.inspection import layer_outputs

    model = _tanh_model()
    probe = _probe((5,), n=12)
    stats = ActivationStats(probe, layers=["big", "small"])
    stats.measure(model)
    got = layer_outputs(model, probe, ["big", "small"])
    for name in ("big", "small"):
        np.testing.assert_allclose(stats.activations[name], got[name], rtol=1e-6, atol=1e-7)


def test_one_probe_model_for_callbacks_and_inspection():
    # The model that reads a layer's activations was written twice (callbacks, inspection).
    from course_lib import inspection
    from course_lib.callbacks import _probe

    assert _probe.build_probe_model is inspection.build_probe_model
    assert _probe.find_layers is inspection.find_layers


@pytest.mark.parametrize(
    ("factory", "kwargs"),
    [
        (DeadReLUMonitor, {"every": np.int64(2)}),
        (ActivationStats, {"saturation_threshold": np.float32(0.9)}),
        (ActivationStats, {"keep_activations": np.bool_(False)}),
    ],
)
def test_probe_callbacks_accept_numpy_scalars(factory, kwargs):
    factory(_probe((6,)), **kwargs)


# --------------------------------------------------------------------------------------------
# LearningRateFinder
# --------------------------------------------------------------------------------------------


def _optimizer_state(model):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in model.optimizer.variables]


def _sweep(model, x, y, **kwargs):
    finder = LearningRateFinder(**kwargs)
    model.fit(x, y, batch_size=16, epochs=10, shuffle=False, verbose=0, callbacks=[finder])
    return finder


def test_lr_finder_sweep_stops_on_divergence_and_restores_model():
    x, y = _regression_data(n=256, noise=0.1)
    model = _linear_model(lr=0.01, momentum=0.9, zeros=False)  # optimizer not built yet
    weights_before = model.get_weights()
    lr_before = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))

    finder = _sweep(model, x, y, min_lr=1e-4, max_lr=100.0, num_steps=60)

    lrs = np.array(finder.lrs)
    assert finder.lrs[0] == 1e-4
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], (100.0 / 1e-4) ** (1 / 59), rtol=1e-12)
    # The loss blows up long before lr = 100: stopped early by the stop_factor rule.
    assert finder.diverged
    assert len(finder.lrs) < 60
    assert len(finder.losses) == len(finder.raw_losses) == len(finder.lrs)
    assert all(math.isfinite(loss) for loss in finder.raw_losses)
    assert finder.losses[-1] > finder.stop_factor * finder.best_loss
    # ... and not before: no earlier step exceeded stop_factor x the best loss up to it.
    running_best = np.minimum.accumulate(finder.losses)
    assert np.all(np.array(finder.losses[:-1]) <= finder.stop_factor * running_best[:-1])

    # Model left exactly as it was: weights, learning rate, optimizer state (momenta at 0).
    _assert_weights_equal(model.get_weights(), weights_before)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == lr_before
    state = _optimizer_state(model)
    assert int(model.optimizer.iterations.numpy()) == 0
    assert all(not np.any(v) for v in state if v.shape != ())  # momenta
    # ... so a second sweep repeats the first one step for step.
    again = _sweep(model, x, y, min_lr=1e-4, max_lr=100.0, num_steps=60)
    np.testing.assert_allclose(again.raw_losses, finder.raw_losses, rtol=1e-6)

    suggestion = finder.suggestion()
    assert 1e-4 <= suggestion <= 100.0
    assert 1e-4 <= finder.suggestion("min_loss") <= 100.0


def test_lr_finder_records_per_batch_loss_and_smooths_it():
    x, y = _regression_data(n=128, noise=0.5)
    model = _linear_model(zeros=False)
    kernel, bias = (w.astype(np.float64) for w in model.get_weights())
    # Learning rates so small that the weights do not move: the loss of batch k is known.
    finder = LearningRateFinder(min_lr=1e-12, max_lr=1e-11, num_steps=6, smoothing=0.5)
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0, callbacks=[finder])
    assert len(finder.lrs) == 6  # stopped after num_steps of the 8 batches
    expected = [
        float(np.mean((x[k * 16 : (k + 1) * 16] @ kernel + bias - y[k * 16 : (k + 1) * 16]) ** 2))
        for k in range(6)
    ]
    # Each batch's own loss, not Keras's running mean over the epoch.
    np.testing.assert_allclose(finder.raw_losses, expected, rtol=1e-5)
    avg, smoothed = 0.0, []
    for k, loss in enumerate(finder.raw_losses):
        avg = 0.5 * avg + 0.5 * loss
        smoothed.append(avg / (1 - 0.5 ** (k + 1)))
    np.testing.assert_allclose(finder.losses, smoothed, rtol=1e-12)


def test_find_learning_rate_covers_num_steps():
    x, y = _regression_data(n=100)
    model = _linear_model(zeros=False)
    weights_before = model.get_weights()
    finder = find_learning_rate(model, x, y, batch_size=16, min_lr=1e-5, max_lr=1e-3, num_steps=20)
    assert isinstance(finder, LearningRateFinder)
    assert len(finder.lrs) == 20  # 7 batches per epoch -> 3 epochs, stopped at 20
    np.testing.assert_allclose(finder.lrs[-1], 1e-3, rtol=1e-12)
    assert not finder.diverged
    _assert_weights_equal(model.get_weights(), weights_before)
    assert 1e-5 <= finder.suggestion() <= 1e-3
    with pytest.raises(ValueError, match="epochs"):
        find_learning_rate(model, x, y, epochs=3)


def test_lr_finder_suggestion_on_a_known_curve():
    finder = LearningRateFinder(min_lr=1e-4, max_lr=1.0, num_steps=41)
    with pytest.raises(RuntimeError, match="fit"):
        finder.suggestion()
    finder.lrs = list(np.geomspace(1e-4, 1.0, 41))
    log_lr = np.log10(finder.lrs)
    # Falls fastest at lr = 1e-2, lowest at lr = 1e-1, then rises.
    finder.losses = list(1 - np.tanh(3 * (log_lr + 2)) + 4 * np.maximum(log_lr + 1, 0) ** 2)
    assert finder.suggestion() == pytest.approx(1e-2)
    assert finder.suggestion("min_loss") == pytest.approx(1e-2)  # 1e-1 / 10
    with pytest.raises(ValueError, match="method"):
        finder.suggestion("best")


def test_lr_finder_rejects_a_schedule():
    x, y = _regression_data(n=32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    with pytest.raises(ValueError, match="float `learning_rate`"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[LearningRateFinder()])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"min_lr": 0.0}, "min_lr"),
        ({"min_lr": -1e-3}, "min_lr"),
        ({"min_lr": "small"}, "min_lr"),
        ({"min_lr": 1e-2, "max_lr": 1e-2}, "max_lr"),
        ({"max_lr": math.inf}, "max_lr"),
        ({"num_steps": 1}, "num_steps"),
        ({"num_steps": 10.0}, "num_steps"),
        ({"stop_factor": 1.0}, "stop_factor"),
        ({"smoothing": 1.0}, "smoothing"),
        ({"smoothing": -0.1}, "smoothing"),
    ],
)
def test_lr_finder_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        LearningRateFinder(**kwargs)


def test_find_learning_rate_checks_its_own_arguments():
    x, y = _regression_data(n=32)
    # Before: an AttributeError from model.fit ("'str' object has no attribute 'fit'").
    with pytest.raises(TypeError, match="`model`"):
        find_learning_rate("model", x, y)
    # Before: "could not convert string to float: 'a'", which names nothing.
    with pytest.raises(ValueError, match="`validation_split`"):
        find_learning_rate(_linear_model(), x, y, validation_split="a")
    with pytest.raises(ValueError, match="`steps_per_epoch`"):
        find_learning_rate(_linear_model(), x, y, steps_per_epoch=0)


def test_lr_finder_max_lr_must_exceed_min_lr_and_numpy_scalars_pass():
    with pytest.raises(ValueError, match=r"`max_lr` must be a number > 0\.1"):
        LearningRateFinder(min_lr=0.1, max_lr=0.05)
    finder = LearningRateFinder(
        min_lr=np.float32(1e-3),
        max_lr=np.float64(1.0),
        num_steps=np.int64(5),
        smoothing=np.float32(0),
    )
    assert finder.num_steps == 5 and type(finder.num_steps) is int
    with pytest.raises(ValueError, match="`method`"):
        finder.suggestion(method=3)
