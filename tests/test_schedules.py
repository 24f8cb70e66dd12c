"""Tests for course_lib.schedules: the cyclic cosine learning rate."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from course_lib.schedules import CyclicCosine


def _numpy_schedule(step, max_lr, cycle_steps, min_lr):
    t = np.mod(step, cycle_steps)
    return min_lr + (max_lr - min_lr) * 0.5 * (1.0 + np.cos(np.pi * t / cycle_steps))


def test_matches_the_cosine_formula_over_three_cycles():
    schedule = CyclicCosine(max_lr=0.2, cycle_steps=7, min_lr=0.01)
    steps = np.arange(21)
    got = np.array([float(schedule(int(s))) for s in steps])
    np.testing.assert_allclose(got, _numpy_schedule(steps, 0.2, 7, 0.01), rtol=1e-6)


def test_restarts_at_the_top_and_falls_within_a_cycle():
    schedule = CyclicCosine(max_lr=0.1, cycle_steps=10)
    lrs = np.array([float(schedule(s)) for s in range(30)])
    for start in (0, 10, 20):
        assert lrs[start] == pytest.approx(0.1)
        assert np.all(np.diff(lrs[start : start + 10]) < 0)  # falls all through the cycle
    assert lrs[9] < 0.01 * 0.1 * 10  # the end of a cycle is near min_lr (0)
    assert lrs[5] == pytest.approx(0.05, rel=1e-6)


def test_cycle_of():
    schedule = CyclicCosine(max_lr=0.1, cycle_steps=4)
    assert [schedule.cycle_of(s) for s in range(9)] == [0, 0, 0, 0, 1, 1, 1, 1, 2]
    with pytest.raises(ValueError, match="step"):
        schedule.cycle_of(-1)


def test_config_round_trip_and_serialization():
    schedule = CyclicCosine(max_lr=0.3, cycle_steps=12, min_lr=0.001, name="snap")
    clone = CyclicCosine.from_config(schedule.get_config())
    assert clone.get_config() == schedule.get_config()
    restored = keras.optimizers.schedules.deserialize(
        keras.optimizers.schedules.serialize(schedule)
    )
    assert isinstance(restored, CyclicCosine)
    assert float(restored(17)) == pytest.approx(float(schedule(17)))


def test_optimizer_uses_the_schedule_and_model_reloads(tmp_path):
    schedule = CyclicCosine(max_lr=0.05, cycle_steps=3)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    x = np.ones((8, 2), dtype="float32")
    model.fit(x, np.zeros((8, 1), dtype="float32"), batch_size=4, epochs=2, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == 4
    assert float(model.optimizer.learning_rate) == pytest.approx(float(schedule(4)))
    path = tmp_path / "m.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded.optimizer._learning_rate, CyclicCosine)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_lr": 0.0, "cycle_steps": 5}, "max_lr"),
        ({"max_lr": -1.0, "cycle_steps": 5}, "max_lr"),
        ({"max_lr": math.inf, "cycle_steps": 5}, "max_lr"),
        ({"max_lr": "0.1", "cycle_steps": 5}, "max_lr"),
        ({"max_lr": 0.1, "cycle_steps": 0}, "cycle_steps"),
        ({"max_lr": 0.1, "cycle_steps": 2.5}, "cycle_steps"),
        ({"max_lr": 0.1, "cycle_steps": True}, "cycle_steps"),
        ({"max_lr": 0.1, "cycle_steps": 5, "min_lr": -0.1}, "min_lr"),
        ({"max_lr": 0.1, "cycle_steps": 5, "min_lr": 0.1}, "min_lr"),
        ({"max_lr": 0.1, "cycle_steps": 5, "name": 3}, "name"),
        ({"max_lr": True, "cycle_steps": 5}, "max_lr"),
        ({"max_lr": 0.1, "cycle_steps": 5, "min_lr": float("nan")}, "min_lr"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CyclicCosine(**kwargs)


def test_numpy_scalars_are_accepted():
    schedule = CyclicCosine(max_lr=np.float32(0.5), cycle_steps=np.int64(4), min_lr=np.float64(0))
    assert schedule.get_config()["cycle_steps"] == 4
    assert type(schedule.get_config()["max_lr"]) is float
    assert schedule.cycle_of(np.int64(9)) == 2
