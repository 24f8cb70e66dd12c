"""Bad-input rows for course_lib.receipts (recording, files, runner, results table).

``record(**figures)`` has only keyword figures, so its bad values are tested in
tests/test_receipts.py. The good call of ``run_notebook`` runs a three-cell notebook without
Keras (a few seconds for the kernel to start).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tiny_notebook import RECORDING_CELLS, write_notebook

from bad_input.table import Row
from course_lib import receipts
from course_lib.receipts import runner

_TMP = tempfile.TemporaryDirectory(prefix="rows-receipts-")  # removed when the tests exit
_NOTEBOOK = str(write_notebook(Path(_TMP.name) / "01_tiny.ipynb", RECORDING_CELLS))
_OUT = str(Path(_TMP.name) / "receipts")
_RECEIPT = {
    "notebook": "01_tiny.ipynb",
    "code_sha256": "0" * 64,
    "mode": "full",
    "finished": "2026-12-02 01:00 UTC",
    "wall_seconds": 1.0,
    "machine": {"cpu": "cpu", "cores": 2, "system": "Linux"},
    "environment": {
        "backend": "numpy",
        "device": "CPU",
        "versions": {},
        "seed": 0,
        "deterministic": True,
    },
    "datasets": [],
    "figures": {"x": 1},
}


def _with_receipt(kwargs: dict) -> dict:
    """A whole receipt in the folder, whichever row ran before."""
    receipts.write_receipt(_RECEIPT, Path(_OUT) / "01_tiny.json")
    return kwargs


ROWS = [
    Row(receipts.record, kwargs={"accuracy": 0.9}, skip={}),
    Row(
        receipts.note_environment,
        kwargs={
            "backend": "tensorflow",
            "device": "CPU",
            "versions": {"keras": "3"},
            "seed": 0,
            "deterministic": True,
        },
        params={
            "backend": "string",
            "device": "string",
            "versions": "object",
            "seed": "seed_required",
            "deterministic": "bool",
        },
    ),
    Row(
        receipts.note_dataset,
        kwargs={"name": "digits", "source": "scikit-learn", "n_train": 10, "n_test": 5},
        params={
            "name": "string",
            "source": "string",
            "n_train": "non_negative_int",
            "n_test": "non_negative_int",
        },
    ),
    Row(receipts.code_hash, kwargs={"notebook": _NOTEBOOK}, params={"notebook": "path"}),
    Row(
        receipts.receipt_path,
        kwargs={"notebook": _NOTEBOOK, "receipts_dir": _OUT},
        params={"notebook": "path", "receipts_dir": "path"},
    ),
    Row(
        receipts.write_receipt,
        kwargs={"receipt": _RECEIPT, "path": str(Path(_OUT) / "01_tiny.json")},
        params={"receipt": "object", "path": "path"},
        bad={"receipt": [{"notebook": "x"}]},  # not a whole receipt
    ),
    Row(
        receipts.read_receipt,
        kwargs={"path": str(Path(_OUT) / "01_tiny.json")},
        params={"path": "path"},
        prepare=_with_receipt,
    ),
    Row(
        receipts.problems,
        kwargs={"notebooks": [_NOTEBOOK], "receipts_dir": _OUT},
        params={"receipts_dir": "path"},
        skip={"notebooks": "paths; each is read as a notebook (a wrong one fails to open)"},
    ),
    Row(receipts.format_figure, kwargs={"value": 0.5}, skip={"value": "any figure is shown"}),
    Row(
        receipts.render_results,
        kwargs={"receipts_dir": _OUT},
        params={"receipts_dir": "path"},
        prepare=_with_receipt,
    ),
    Row(runner.cpu_model),
    Row(
        runner.run_notebook,
        kwargs={"notebook": _NOTEBOOK, "receipts_dir": _OUT, "cell_timeout": 60},
        params={
            "notebook": "path",
            "receipts_dir": "path",
            "cell_timeout": "positive_int",
            "kernel_name": "string",
        },
        bad={"notebook": [str(Path(_TMP.name) / "missing.ipynb")]},
    ),
]
