"""The notebook side of a receipt: ``record(...)`` and what ``setup()`` and ``load()`` note.

A full-mode run made by ``python3 course.py receipts`` sets ``COURSE_RECEIPT`` to a JSON file
for the notebook's kernel. Then ``course_lib.setup()`` notes the backend, device and versions
there, ``datasets.load()`` notes every dataset it reads (where from, how many images), and the
notebook's own ``record(...)`` call adds the figures its text quotes. Without the variable (a
student's run, CI's quick mode) these calls check their arguments and write nothing.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check

__all__ = ["RECEIPT_ENV_VAR", "note_dataset", "note_environment", "record"]

RECEIPT_ENV_VAR = "COURSE_RECEIPT"


def _receipt_path() -> Path | None:
    value = os.environ.get(RECEIPT_ENV_VAR, "")
    return Path(value) if value else None


def read_notes(path: Path) -> dict[str, Any]:
    """The notes of a run so far (the runner reads them when the notebook has finished)."""
    if not path.exists():
        return {"environment": None, "datasets": [], "figures": {}}
    return json.loads(path.read_text())


def _write(path: Path, notes: dict[str, Any]) -> None:
    """Whole file or nothing: write beside it, then rename over it."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(notes, indent=1, sort_keys=True) + "\n")
    os.replace(partial, path)


def _figure_value(value: Any, name: str) -> float | int | str | bool:
    if isinstance(value, bool | str):
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"figure {name!r} is an empty string")
        return value
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # NumPy or a tensor scalar
        value = value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"figure {name!r} must be a finite number; got {value}")
        return value
    raise TypeError(
        f"figure {name!r} must be a number, a bool or a string; got {type(value).__name__}"
    )


def record(**figures: Any) -> None:
    """Record the figures a notebook's text quotes, for its full-mode receipt.

    Call it once, near the end of a notebook, with every result the prose states
    (accuracies, losses, ratios, seconds). In a receipt run the figures are added to the
    notebook's receipt; otherwise they are checked and nothing is written. A figure is a
    number (a NumPy or backend scalar is fine), a bool or a string, and each name is recorded
    once per run.

    Raises:
        ValueError: no figures, a name that is not an identifier, a figure recorded twice in
            one run, nan or inf, an empty string.
        TypeError: a figure that is not a number, a bool or a string (e.g. a list).

    Example:
        >>> record(test_accuracy=np.float32(0.912), epochs=8, dataset="fashion_mnist")
    """
    if not figures:
        raise ValueError("record() needs at least one figure, e.g. record(test_accuracy=0.91)")
    for name in figures:
        if not name.isidentifier():
            raise ValueError(f"figure names must be identifiers; got {name!r}")
    values = {name: _figure_value(value, name) for name, value in figures.items()}
    path = _receipt_path()
    if path is None:
        return
    notes = read_notes(path)
    again = sorted(set(values) & set(notes["figures"]))
    if again:
        raise ValueError(f"figures already recorded in this run: {again}; record each once")
    notes["figures"].update(values)
    _write(path, notes)


def note_environment(
    *, backend: str, device: str, versions: dict[str, str], seed: int, deterministic: bool
) -> None:
    """Note how the run is configured (``course_lib.setup()`` calls this; the last call wins).

    Example:
        >>> note_environment(backend="tensorflow", device="CPU (2 cores)",
        ...                  versions={"keras": "3.13.0"}, seed=0, deterministic=True)
    """
    backend = check.string(backend, "backend")
    device = check.string(device, "device")
    versions = check.instance(versions, "versions", dict, "a dict of name -> version")
    seed = check.seed(seed, "seed", allow_none=False)
    deterministic = check.boolean(deterministic, "deterministic")
    path = _receipt_path()
    if path is None:
        return
    notes = read_notes(path)
    notes["environment"] = {
        "backend": backend,
        "device": device,
        "versions": {str(k): str(v) for k, v in versions.items()},
        "seed": seed,
        "deterministic": deterministic,
    }
    _write(path, notes)


def note_dataset(name: str, source: str, n_train: int, n_test: int) -> None:
    """Note a dataset the notebook read (``datasets.load()`` calls this): its name, the file or
    folder it came from and the sizes of the two splits actually used. A repeat of the same
    read is noted once.

    Example:
        >>> note_dataset("digits", "scikit-learn", 1347, 450)
    """
    name = check.string(name, "name")
    source = check.string(source, "source")
    n_train = check.non_negative_int(n_train, "n_train")
    n_test = check.non_negative_int(n_test, "n_test")
    path = _receipt_path()
    if path is None:
        return
    notes = read_notes(path)
    entry = {"name": name, "source": source, "n_train": n_train, "n_test": n_test}
    if entry not in notes["datasets"]:
        notes["datasets"].append(entry)
        _write(path, notes)
