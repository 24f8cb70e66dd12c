"""course_lib.receipts: recording figures, running a notebook for its receipt, staleness."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from nbclient.exceptions import CellExecutionError
from tiny_notebook import RECORDING_CELLS, write_notebook

import course_lib
from course_lib import datasets, receipts
from course_lib.receipts import __main__ as cli
from course_lib.receipts import runner

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def receipt_file(tmp_path, monkeypatch):
    path = tmp_path / "notes.json"
    monkeypatch.setenv(receipts.RECEIPT_ENV_VAR, str(path))
    return path


# --- the notebook side ---------------------------------------------------------------------


def test_record_outside_a_receipt_run_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(receipts.RECEIPT_ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert course_lib.record(accuracy=0.9) is None
    assert list(tmp_path.iterdir()) == []


def test_record_writes_plain_values(receipt_file):
    course_lib.record(accuracy=np.float32(0.5), epochs=np.int64(8), data="digits", ok=True)
    course_lib.record(seconds=81.25)
    figures = json.loads(receipt_file.read_text())["figures"]
    assert figures == {
        "accuracy": 0.5,
        "epochs": 8,
        "data": "digits",
        "ok": True,
        "seconds": 81.25,
    }
    assert type(figures["epochs"]) is int


def test_record_refuses_a_figure_twice_and_keeps_the_first(receipt_file):
    course_lib.record(accuracy=0.9)
    with pytest.raises(ValueError, match=r"already recorded.*accuracy"):
        course_lib.record(accuracy=0.1, loss=1.0)
    assert json.loads(receipt_file.read_text())["figures"] == {"accuracy": 0.9}


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (float("nan"), ValueError, "finite"),
        (np.float64("inf"), ValueError, "finite"),
        ("  ", ValueError, "empty"),
        ([0.9, 0.8], TypeError, "number, a bool or a string"),
        (None, TypeError, "number, a bool or a string"),
        (np.zeros(3), TypeError, "number, a bool or a string"),
    ],
)
def test_record_refuses_what_is_not_a_figure(receipt_file, value, error, match):
    with pytest.raises(error, match=match) as caught:
        course_lib.record(accuracy=value)
    assert "accuracy" in str(caught.value)
    assert not receipt_file.exists()  # nothing half-written


def test_record_needs_a_figure_and_identifier_names():
    with pytest.raises(ValueError, match="at least one figure"):
        course_lib.record()
    with pytest.raises(ValueError, match="identifiers"):
        course_lib.record(**{"test accuracy": 0.9})


def test_setup_and_load_note_environment_and_dataset(receipt_file):
    info = course_lib.setup(seed=3, verbose=False)
    datasets.load("digits", n_train=100)
    datasets.load("digits", n_train=100)  # the same read again: noted once
    notes = json.loads(receipt_file.read_text())
    assert notes["environment"]["backend"] == info.backend
    assert notes["environment"]["seed"] == 3
    assert notes["environment"]["versions"]["keras"] == info.versions["keras"]
    assert notes["datasets"] == [
        {"name": "digits", "source": notes["datasets"][0]["source"], "n_train": 100, "n_test": 450}
    ]
    assert notes["datasets"][0]["source"] == "scikit-learn"


# --- a run and its receipt -----------------------------------------------------------------


def test_run_notebook_runs_in_full_mode_and_writes_a_whole_receipt(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")  # the caller's quick mode does not leak in
    notebook = write_notebook(tmp_path / "nb" / "07_tiny.ipynb", RECORDING_CELLS)
    receipt = runner.run_notebook(notebook, tmp_path / "receipts")
    on_disk = receipts.read_receipt(tmp_path / "receipts" / "07_tiny.json")
    assert on_disk == receipt
    assert receipt["figures"] == {"quick": False, "answer": 42}
    assert receipt["mode"] == "full" and receipt["code_sha256"] == receipts.code_hash(notebook)
    assert receipt["environment"]["device"] == "CPU (test)"
    assert receipt["machine"]["cores"] >= 1 and receipt["machine"]["cpu"]
    assert receipt["wall_seconds"] > 0
    assert receipts.problems([notebook], tmp_path / "receipts") == []
    assert os.environ["COURSE_QUICK"] == "1"  # restored


def test_a_failed_run_leaves_the_old_receipt(tmp_path):
    notebook = write_notebook(tmp_path / "07_tiny.ipynb", RECORDING_CELLS)
    runner.run_notebook(notebook, tmp_path / "receipts")
    before = (tmp_path / "receipts" / "07_tiny.json").read_text()
    write_notebook(notebook, [*RECORDING_CELLS[:2], "raise RuntimeError('broken')"])
    with pytest.raises(CellExecutionError, match="broken"):
        runner.run_notebook(notebook, tmp_path / "receipts")
    assert (tmp_path / "receipts" / "07_tiny.json").read_text() == before
    assert sorted(p.name for p in (tmp_path / "receipts").iterdir()) == ["07_tiny.json"]
    assert "stale" in receipts.problems([notebook], tmp_path / "receipts")[0]


def test_a_notebook_that_records_nothing_gets_no_receipt(tmp_path):
    notebook = write_notebook(tmp_path / "07_tiny.ipynb", RECORDING_CELLS[:2])
    with pytest.raises(ValueError, match="recorded no figures"):
        runner.run_notebook(notebook, tmp_path / "receipts")
    assert not (tmp_path / "receipts").exists()


def test_problems_name_every_kind_of_fault(tmp_path):
    good = write_notebook(tmp_path / "01_a.ipynb", ["x = 1"])
    receipt = {
        "notebook": good.name,
        "code_sha256": receipts.code_hash(good),
        "mode": "full",
        "finished": "2026-12-02 01:00 UTC",
        "wall_seconds": 1.0,
        "machine": {"cpu": "cpu", "cores": 2, "system": "Linux"},
        "environment": {"backend": "numpy", "device": "CPU", "versions": {}},
        "datasets": [],
        "figures": {"x": 1},
    }
    out = tmp_path / "receipts"
    receipts.write_receipt(receipt, out / "01_a.json")
    assert receipts.problems([good], out) == []
    # prose edits do not make a receipt stale; code edits do
    write_notebook(good, ["x = 1"], markdown="# Other words")
    assert receipts.problems([good], out) == []
    write_notebook(good, ["x = 2"])
    assert receipts.problems([good], out) == [
        "01_a.ipynb: the receipt is stale (the code changed after 2026-12-02 01:00 UTC); "
        "run: python3 course.py receipts 01"
    ]
    receipts.write_receipt({**receipt, "mode": "quick", "figures": {}}, out / "01_a.json")
    write_notebook(good, ["x = 1"])
    assert receipts.problems([good], out) == [
        "01_a.ipynb: the receipt is from quick mode, not full",
        "01_a.ipynb: the receipt records no figures",
    ]
    receipts.write_receipt({**receipt, "notebook": "02_b.ipynb"}, out / "01_a.json")
    assert receipts.problems([good], out) == [
        f"01_a.ipynb: {out / '01_a.json'} is the receipt of 02_b.ipynb"
    ]
    (out / "01_a.json").write_text('{"notebook": "01_a.ipynb"}')
    assert "not a whole receipt" in receipts.problems([good], out)[0]
    missing = write_notebook(tmp_path / "02_b.ipynb", ["y = 1"])
    assert "no receipt" in receipts.problems([missing], out)[0]
    with pytest.raises(ValueError, match="lacks"):
        receipts.write_receipt({"notebook": "x"}, out / "x.json")
    assert not (out / "x.json").exists()


# --- the committed receipts ----------------------------------------------------------------


def test_every_notebook_has_a_fresh_full_mode_receipt():
    found = receipts.problems(NOTEBOOKS, ROOT / "receipts")
    assert not found, "\n".join(found)


def test_results_md_is_made_from_the_receipts():
    assert (ROOT / "RESULTS.md").read_text() == receipts.render_results(ROOT / "receipts"), (
        "RESULTS.md differs from the receipts: run python3 course.py receipts --table"
    )


def test_check_command_reports_fresh_receipts(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert cli.main(["--check", "00", "12"]) == 0
    assert "all 2 receipts are fresh" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="no notebook numbered 99"):
        cli.main(["--check", "99"])
