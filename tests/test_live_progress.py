"""course_lib.callbacks.LiveProgress and training.fit(progress=): text view, notebook view
(executed by nbclient, twice: the stored outputs must be the same), throttling, bad input."""

from __future__ import annotations

import json
import warnings

import keras
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from course_lib import training
from course_lib.callbacks import LiveProgress, live_view

X = np.linspace(-1, 1, 64, dtype="float32").reshape(32, 2)
Y = (X[:, 0] > X[:, 1]).astype("int64")


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_text_view_prints_keras_progbar_and_a_summary(capsys):
    live = LiveProgress(display="text")
    tiny_model().fit(
        X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[live], validation_data=(X, Y)
    )
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out  # Keras's Progbar: 4 batches of 8
    assert out.rstrip().endswith(live.summary)
    assert live.summary.startswith("trained 2 epochs: accuracy ")
    for key in ("loss", "val_loss", "val_accuracy"):
        assert f" {key} " in live.summary
    assert len(live.history["loss"]) == 2


def test_one_view_over_a_loop_counts_its_runs_and_labels_them(capsys):
    live = LiveProgress(display="text", title="tiny", runs=2)
    for _ in range(2):
        tiny_model().fit(X, Y, epochs=1, batch_size=8, verbose=0, callbacks=[live])
    out = capsys.readouterr().out
    assert "run 1/2 tiny · Epoch 1/1" in out and "run 2/2 tiny · Epoch 1/1" in out
    assert live.run == 2 and live.summary.startswith("run 2/2 tiny: trained 1 epoch: ")


def test_live_view_is_a_live_progress_in_full_mode_and_nothing_in_quick_mode(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    assert live_view("member 1", runs=3) == []
    monkeypatch.setenv("COURSE_QUICK", "0")
    (live,) = live_view("member 1", runs=3)
    assert isinstance(live, LiveProgress) and (live.title, live.runs) == ("member 1", 3)


class FakeClock:
    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


@pytest.mark.parametrize(("step", "expected_at_most"), [(0.01, 4), (1.0, 40)])
def test_notebook_view_updates_at_most_every_interval(step, expected_at_most):
    # 8 epochs x 4 batches; each clock reading advances `step` s; updates at most every 0.5 s.
    live = LiveProgress(display="notebook", every=0.5, curves=False, clock=FakeClock(step))
    tiny_model().fit(X, Y, epochs=8, batch_size=8, verbose=0, callbacks=[live])
    batch_updates = live.updates - 8  # one update more at each epoch's end
    if step < 0.5:
        assert 1 <= batch_updates <= expected_at_most  # throttled: 32 batches, few lines
    else:
        assert batch_updates == 32  # every batch, as the clock moves 1 s a reading


def test_resumed_run_counts_only_its_own_epochs():
    live = LiveProgress(display="text")
    tiny_model().fit(X, Y, epochs=3, initial_epoch=1, batch_size=8, verbose=0, callbacks=[live])
    assert live.first_epoch == 1 and live.summary.startswith("trained 2 epochs")


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="display"):
        LiveProgress(display="html")
    with pytest.raises(TypeError, match="clock"):
        LiveProgress(clock=3)
    with pytest.raises(ValueError, match="runs"):
        LiveProgress(runs=0)
    with pytest.raises((TypeError, ValueError), match="title"):
        LiveProgress(title=3)
    model = tiny_model()
    for bad in (1, "yes", None):
        with pytest.raises(ValueError, match="progress"):
            training.fit(model, X, Y, epochs=1, progress=bad)
    with pytest.raises(ValueError, match="verbose=0"):
        training.fit(model, X, Y, epochs=1, progress=True, verbose=1)


def test_fit_progress_true_adds_the_live_view(capsys):
    training.fit(training.compile_model(tiny_model()), X, Y, epochs=1, batch_size=8, progress=True)
    assert "trained 1 epoch: " in capsys.readouterr().out  # outside a kernel: the text view


class StopAt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt (a student pressing stop) at the second batch of epoch 2,
    before LiveProgress (after it in the list) has seen that batch."""

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == 1 and batch == 1:
            raise KeyboardInterrupt

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch


def test_an_interrupted_fit_says_where_it_stopped(capsys):
    model = training.compile_model(tiny_model())
    with pytest.raises(KeyboardInterrupt):
        training.fit(model, X, Y, epochs=3, batch_size=8, progress=True, callbacks=[StopAt()])
    out = capsys.readouterr().out
    expected = "stopped by KeyboardInterrupt in epoch 2/3 after 1 of 4 batches (1 complete epoch)"
    assert out.rstrip().endswith(expected)
    assert "trained" not in out


class StopAtFirstEpoch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        raise KeyboardInterrupt


def test_a_fit_interrupted_before_its_first_epoch_says_so(capsys):
    model = training.compile_model(tiny_model())
    with pytest.raises(KeyboardInterrupt):  # the student's interrupt, not an error of ours
        training.fit(
            model, X, Y, epochs=2, batch_size=8, progress=True, callbacks=[StopAtFirstEpoch()]
        )
    out = capsys.readouterr().out
    assert out.rstrip().endswith("stopped by KeyboardInterrupt before the first epoch")


def test_text_view_with_an_unknown_number_of_steps(capsys):
    # a generator has no length: Keras does not know the steps; the bar counts the batches seen
    def batches():
        for start in range(0, 32, 8):
            yield X[start : start + 8], Y[start : start + 8]

    live = LiveProgress(display="text")
    with warnings.catch_warnings():  # Keras warns when a generator ends; here that is the point
        warnings.filterwarnings("ignore", message="Your input ran out of data")
        tiny_model().fit(batches(), epochs=1, verbose=0, shuffle=False, callbacks=[live])
    out = capsys.readouterr().out
    assert live.steps == 0 and live.epoch_batches == 4
    assert "4/Unknown" in out and live.summary.startswith("trained 1 epoch: ")


CELLS = [
    "import keras, numpy as np\nfrom course_lib.callbacks import LiveProgress\n"
    "X = np.linspace(-1, 1, 64, dtype='float32').reshape(32, 2)\n"
    "Y = (X[:, 0] > X[:, 1]).astype('int64')\n"
    "keras.utils.set_random_seed(0)\n"
    "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation='softmax')])\n"
    "model.compile('sgd', 'sparse_categorical_crossentropy', metrics=['accuracy'])",
    "_ = model.fit(X, Y, epochs=3, batch_size=8, verbose=0, validation_data=(X, Y),\n"
    "              callbacks=[LiveProgress()])",
    "view = [LiveProgress(runs=2)]\n"
    "for _ in range(2):\n"
    "    _ = model.fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=view)",
]


def run_notebook(tmp_path, name):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    for cell in nb.cells:
        for output in cell.outputs:
            output.pop("transient", None)
    return nb.cells[1].outputs, nb.cells[2].outputs


def test_in_a_notebook_the_stored_outputs_are_a_summary_and_curves_and_repeat(tmp_path):
    first, loop = run_notebook(tmp_path, "a")
    kinds = [o.output_type for o in first]
    assert "stream" not in kinds and "error" not in kinds, first  # no stderr, no Progbar text
    summary, curves = first
    assert summary.data["text/plain"].startswith("trained 3 epochs: accuracy ")
    assert "image/png" in curves.data and curves.data["text/plain"] == "<learning curves>"
    # a loop over two fits with one view: one line and one figure, not two of each
    assert [o.output_type for o in loop] == ["display_data", "display_data"], loop
    assert loop[0].data["text/plain"].startswith("run 2/2: trained 2 epochs: accuracy ")
    second, _ = run_notebook(tmp_path, "b")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_watching_a_run_does_not_change_it(capsys):
    """The same seed trains the same weights with the live view and without it: the view reads
    the logs and draws no random numbers (a run with dropout and shuffled batches, 3 epochs)."""

    def trained(callbacks):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((2,)),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dropout(0.5),
                keras.layers.Dense(2, activation="softmax"),
            ]
        )
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=callbacks)
        return model.get_weights()

    plain = trained([])
    watched = trained([LiveProgress(title="watched", runs=1)])
    assert "trained 3 epochs" in capsys.readouterr().out
    assert all(np.array_equal(a, b) for a, b in zip(plain, watched, strict=True))
