"""course_lib.homework.held_out: what a notebook may hand in, and the sandbox without the
test split. Grading HW4 end to end (the jail trains, the grader scores) is in
tests/test_homework.py."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from course_lib import datasets
from course_lib.homework import bwrap, held_out
from course_lib.homework.held_out import RULES, EntryError, model_config, rebuild
from course_lib.homework.limits import Limits
from course_lib.layers import ConvBlock

HW4 = RULES["hw4"]
GOOD = {"learning_rate": 3e-3, "batch_size": 128, "epochs": 8}


def small_cnn():
    inputs = keras.Input((28, 28, 1))
    x = ConvBlock(8, 3, batch_norm=True)(inputs)
    x = keras.layers.MaxPooling2D(4)(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


@pytest.mark.parametrize(
    "recipe, message",
    [
        ({"learning_rate": 3e-3, "batch_size": 128}, "exactly the keys"),
        ([3e-3, 128, 8], "must be a dict"),
        ({**GOOD, "epochs": 9}, r"epochs must be a whole number in \[1, 8\]. Received: 9"),
        ({**GOOD, "epochs": 2.0}, r"epochs .*Received: 2.0"),
        ({**GOOD, "batch_size": True}, r"batch_size .*Received: True"),
        ({**GOOD, "batch_size": 8}, r"batch_size must be a whole number in \[16, 1024\]"),
        ({**GOOD, "learning_rate": 0.5}, r"learning_rate must be a number in \[1e-05, 0.1\]"),
        ({**GOOD, "learning_rate": "3e-3"}, r"learning_rate .*Received: '3e-3'"),
    ],
)
def test_recipe_outside_the_limits_is_refused_with_the_reason(recipe, message):
    with pytest.raises(EntryError, match=message):
        HW4.check_recipe(recipe)


def test_good_recipe_comes_back_as_plain_numbers():
    assert HW4.check_recipe(GOOD) == GOOD
    recipe = HW4.check_recipe(
        {"learning_rate": np.float32(0.5e-2), "batch_size": np.int64(64), "epochs": 2}
    )
    assert recipe == {"learning_rate": pytest.approx(0.005), "batch_size": 64, "epochs": 2}
    assert type(recipe["batch_size"]) is int and type(recipe["learning_rate"]) is float


def test_hand_in_writes_what_rebuilds_a_fresh_network(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    trained = small_cnn()
    trained.layers[-1].kernel.assign(np.ones((8 * 7 * 7, 10), "float32"))
    summary = HW4.hand_in(lambda: trained, GOOD)
    assert summary == {"parameters": trained.count_params(), **GOOD}
    entry = json.loads((tmp_path / HW4.entry).read_text())
    assert set(entry) == {"model", "recipe"} and entry["recipe"] == GOOD
    fresh = rebuild(entry["model"], HW4)
    assert fresh.count_params() == trained.count_params()
    # the weights are not handed in: the rebuilt network starts from fresh ones
    assert not np.allclose(keras.ops.convert_to_numpy(fresh.layers[-1].kernel), 1.0)


class Mine(keras.layers.Layer):
    def call(self, x):
        return x


def _with(layer):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(layer(inputs))
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def _smuggler():
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(inputs)
    weights = keras.initializers.Constant(np.full((784, 10), 0.01).tolist())
    return keras.Model(inputs, keras.layers.Dense(10, "softmax", kernel_initializer=weights)(x))


def _too_big():
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Dense(64)(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def _wrong_shape():
    inputs = keras.Input((28, 28, 1))
    return keras.Model(inputs, keras.layers.Dense(5)(keras.layers.Flatten()(inputs)))


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: _with(Mine()), "cannot rebuild the network"),
        (lambda: _with(keras.layers.Lambda(lambda t: t * 2)), "Lambda cannot be graded"),
        (_smuggler, "a Constant initializer must hold a single number"),
        (_too_big, "50,890 parameters: over the budget of 20,000"),
        (_wrong_shape, r"\(None, 28, 28, 1\) to \(None, 5\)"),
        (lambda: "a model", "must return a keras.Model"),
    ],
)
def test_what_the_grader_cannot_train_is_refused_at_hand_in(build, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EntryError, match=message):
        HW4.hand_in(build, GOOD)
    assert not (tmp_path / HW4.entry).exists()  # nothing half-written


def test_weights_written_as_long_lists_anywhere_are_refused():
    config = model_config(small_cnn())
    config["config"]["layers"][1]["config"]["note"] = list(range(100))
    with pytest.raises(EntryError, match="a list of 100 numbers"):
        rebuild(config, HW4)
    config["config"]["layers"][1]["config"]["note"] = [[0.5] * 10, [0.25] * 10]
    with pytest.raises(EntryError, match="a list of 20 numbers"):
        rebuild(config, HW4)
    padded = keras.Sequential(  # a short nested list is a layer's setting, not weights
        [
            keras.Input((28, 28, 1)),
            keras.layers.ZeroPadding2D(((1, 1), (2, 2))),
            ConvBlock(4, 3),
            keras.layers.MaxPooling2D(4),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    assert rebuild(model_config(padded), HW4).count_params() == padded.count_params()


def test_fit_trains_as_the_grader_and_caps_epochs_in_quick_mode(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    (x, y), _ = datasets.load("digits", normalize=True, n_train=64, n_test=0)
    x = np.pad(x, ((0, 0), (10, 10), (10, 10)))[..., None]
    model = HW4.fit(small_cnn(), GOOD, x, y)
    assert len(model.history.history["loss"]) == HW4.max_epochs[0] == 4
    monkeypatch.setenv("COURSE_QUICK", "0")
    assert HW4.now("max_epochs") == 8 and HW4.now("bar") == HW4.bar[1]


def test_points_are_all_or_nothing_at_the_bar():
    assert held_out.points({"accuracy": 0.86, "bar": 0.86}, 5) == 5.0
    assert held_out.points({"accuracy": 0.8599, "bar": 0.86}, 5) == 0.0


def test_train_and_score_programs_report_an_error_as_a_line(tmp_path):
    (tmp_path / "entry.json").write_text(json.dumps({"model": {}, "recipe": GOOD}))
    command = [sys.executable, "-m", "course_lib.homework.held_out"]
    out = subprocess.run(
        [*command, "train", "hw4", str(tmp_path / "entry.json"), str(tmp_path / "m.keras")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = held_out.read_report(out.stdout)
    assert report is not None and "does not describe a built keras.Model" in report["error"]
    assert not (tmp_path / "m.keras").exists()


def _fashion_folder(tmp_path, monkeypatch):
    folder = tmp_path / "system" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for stem in ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte"):
        n = 12 if stem.startswith("train") else 6
        data = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        header = np.array([2051, n, 28, 28], ">u4").tobytes()
        (folder / f"{stem}.gz").write_bytes(gzip.compress(header + data.tobytes()))
    for stem in ("train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"):
        n = 12 if stem.startswith("train") else 6
        header = np.array([2049, n], ">u4").tobytes()
        (folder / f"{stem}.gz").write_bytes(gzip.compress(header + bytes(range(n))[:n]))
    monkeypatch.setitem(datasets.SYSTEM_DIRS, "fashion_mnist", (folder,))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "no-keras-home"))
    return folder


def test_held_out_files_are_the_training_files_of_every_place(tmp_path, monkeypatch):
    folder = _fashion_folder(tmp_path, monkeypatch)
    assert held_out.held_out_files("hw4") == [
        (folder, [folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz"])
    ]


def test_the_sandbox_shows_the_training_split_and_not_the_test_split(tmp_path, monkeypatch):
    program = bwrap.find_bwrap()
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set, so the sandbox must be tested: bwrap is missing")
        pytest.skip("bwrap is not installed")
    real = datasets.SYSTEM_DIRS["fashion_mnist"][0]
    if not datasets.places.is_complete("fashion_mnist", real):
        pytest.skip(f"Fashion-MNIST is not in {real}")
    probe = (
        "from course_lib import datasets\n"
        "(x, y), (xt, yt) = datasets.load('fashion_mnist', n_test=0)\n"
        "print('train', len(x), 'test', len(xt))\n"
        "try:\n"
        "    datasets.load('fashion_mnist', download=False)\n"
        "except datasets.DatasetNotAvailableError:\n"
        "    print('test split: not there')\n"
        f"import os; print(sorted(os.listdir({str(real)!r})))\n"
    )
    command = bwrap.sandbox_command(
        [sys.executable, "-c", probe],
        hide=[],
        limits=Limits(),
        bwrap=program,
        held_out=held_out.held_out_files("hw4"),
    )
    env = {**os.environ, "KERAS_HOME": str(tmp_path / "empty")}
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert "train 60000 test 0" in lines and "test split: not there" in lines, out.stdout
    assert lines[-1] == str(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"])
