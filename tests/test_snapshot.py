"""Tests for course_lib.callbacks.snapshot: snapshots at the end of each learning-rate cycle."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_lib.callbacks import SnapshotSaver, average_snapshot_predictions, snapshot_predictions
from course_lib.schedules import CyclicCosine


class _WeightRecorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([np.array(w) for w in self.model.get_weights()])


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    return x, y


def _model(schedule=0.05):
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="sparse_categorical_crossentropy")
    return model


def test_snapshots_are_the_weights_at_each_cycle_end():
    x, y = _data()
    model = _model(CyclicCosine(max_lr=0.1, cycle_steps=2 * 4))  # batch 8 -> 4 steps an epoch
    saver, recorder = SnapshotSaver(cycle_epochs=2), _WeightRecorder()
    model.fit(x, y, batch_size=8, epochs=7, callbacks=[recorder, saver], verbose=0)
    assert saver.epochs == [2, 4, 6]
    assert len(saver.snapshots) == 3 and saver.paths == []
    for snapshot, epoch in zip(saver.snapshots, saver.epochs, strict=True):
        for got, expected in zip(snapshot, recorder.weights[epoch - 1], strict=True):
            np.testing.assert_array_equal(got, expected)
    # Copies, not views of the live weights: the last epoch changed the model, not them.
    assert not np.array_equal(saver.snapshots[-1][0], model.get_weights()[0])


def test_state_resets_when_training_begins_again():
    x, y = _data()
    model = _model()
    saver = SnapshotSaver(cycle_epochs=1)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[saver])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[saver])
    assert saver.epochs == [1, 2] and len(saver.snapshots) == 2


def test_files_reload_and_predict_like_the_snapshots(tmp_path):
    x, y = _data()
    model = _model(CyclicCosine(max_lr=0.1, cycle_steps=4))
    saver = SnapshotSaver(cycle_epochs=1, directory=tmp_path / "snaps")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[saver])
    assert [p.name for p in saver.paths] == ["snapshot_1.keras", "snapshot_2.keras"]
    assert all(p.exists() for p in saver.paths)
    from_memory = snapshot_predictions(model, saver.snapshots, x)
    from_files = snapshot_predictions(model, saver.paths, x)
    assert from_memory.shape == (2, 32, 2)
    np.testing.assert_allclose(from_files, from_memory, rtol=1e-5, atol=1e-6)


def test_files_only(tmp_path):
    x, y = _data()
    model = _model()
    saver = SnapshotSaver(cycle_epochs=1, directory=tmp_path / "snaps", keep_in_memory=False)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[saver])
    assert saver.snapshots == [] and saver.epochs == [1, 2]
    assert [p.name for p in saver.paths] == ["snapshot_1.keras", "snapshot_2.keras"]
    assert all(p.exists() for p in saver.paths)


def test_average_is_the_mean_of_the_members_and_weights_are_put_back():
    x, y = _data()
    model = _model()
    saver = SnapshotSaver(cycle_epochs=1)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[saver])
    before = [np.array(w) for w in model.get_weights()]
    members = []
    for snapshot in saver.snapshots:
        model.set_weights(snapshot)
        members.append(model.predict(x, verbose=0))
    model.set_weights(before)
    averaged = average_snapshot_predictions(model, saver.snapshots, x, batch_size=5)
    np.testing.assert_allclose(averaged, np.mean(members, axis=0), rtol=1e-6, atol=1e-7)
    for got, expected in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_snapshot_from_another_architecture_is_refused():
    x, _ = _data()
    model = _model()
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="architecture"):
        snapshot_predictions(model, [other.get_weights()], x)
    with pytest.raises(ValueError, match="snapshots"):
        snapshot_predictions(model, [], x)
    with pytest.raises(ValueError, match=r"snapshots\[0\]"):
        snapshot_predictions(model, [42], x)
    with pytest.raises(ValueError, match="batch_size"):
        snapshot_predictions(model, [model.get_weights()], x, batch_size=0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cycle_epochs": 0}, "cycle_epochs"),
        ({"cycle_epochs": 1.5}, "cycle_epochs"),
        ({"cycle_epochs": True}, "cycle_epochs"),
        ({"cycle_epochs": 2, "directory": 3}, "directory"),
        ({"cycle_epochs": 2, "directory": ""}, "directory"),
        ({"cycle_epochs": 2, "directory": "  "}, "directory"),
        ({"cycle_epochs": 2, "keep_in_memory": "yes"}, "keep_in_memory"),
        ({"cycle_epochs": 2, "keep_in_memory": False}, "directory"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SnapshotSaver(**kwargs)


def test_empty_directory_is_refused_instead_of_writing_into_the_working_folder(
    tmp_path, monkeypatch
):
    # Before, SnapshotSaver(directory="") saved snapshot_<k>.keras into the working folder.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="`directory` must be a non-empty path"):
        SnapshotSaver(cycle_epochs=1, directory="")
    assert list(tmp_path.iterdir()) == []


def test_snapshot_predictions_check_model_and_paths():
    x, _ = _data()
    model = _model()
    with pytest.raises(TypeError, match="`model`"):
        snapshot_predictions("model", [model.get_weights()], x)
    with pytest.raises(ValueError, match=r"`snapshots\[0\]`"):
        snapshot_predictions(model, [""], x)
    with pytest.raises(TypeError, match="`model`"):
        average_snapshot_predictions(None, [model.get_weights()], x)


def test_numpy_scalars_are_accepted():
    x, y = _data()
    model = _model()
    saver = SnapshotSaver(cycle_epochs=np.int64(1), keep_in_memory=np.bool_(True))
    model.fit(x, y, epochs=1, verbose=0, callbacks=[saver])
    assert saver.epochs == [1] and type(saver.cycle_epochs) is int
    got = snapshot_predictions(model, saver.snapshots, x, batch_size=np.int64(8))
    assert got.shape == (1, 32, 2)


def test_average_of_models_with_one_dimensional_outputs():
    # average_predictions refuses a 2-D stacked array as ambiguous; the snapshots are passed
    # to it as one array per snapshot, so models whose predict gives shape (n,) work too.
    x, y = _data()
    inputs = keras.Input((4,))
    outputs = keras.layers.Reshape(())(keras.layers.Dense(1, activation="sigmoid")(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="binary_crossentropy")
    saver = SnapshotSaver(cycle_epochs=1)
    model.fit(x, y.astype("float32"), epochs=2, verbose=0, callbacks=[saver])
    members = snapshot_predictions(model, saver.snapshots, x)
    assert members.shape == (2, 32)
    averaged = average_snapshot_predictions(model, saver.snapshots, x)
    np.testing.assert_allclose(averaged, members.mean(axis=0), rtol=1e-6)
