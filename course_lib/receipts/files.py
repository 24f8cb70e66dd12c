"""Where receipts live, the code hash that dates them, and which are missing or stale.

One receipt a notebook, ``receipts/<notebook>.json`` beside ``notebooks/``. It stores the
SHA-256 of the notebook's code cells, so editing the code (not the prose) of a notebook makes
its receipt stale until the notebook is run again in full mode.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check

__all__ = ["code_hash", "problems", "read_receipt", "receipt_path", "write_receipt"]

#: The fields every receipt has (``runner.run_notebook`` writes them all).
FIELDS = (
    "notebook",
    "code_sha256",
    "mode",
    "finished",
    "wall_seconds",
    "machine",
    "environment",
    "datasets",
    "figures",
)


def code_hash(notebook: str | os.PathLike[str]) -> str:
    """SHA-256 of a notebook's code cells, in order (prose and outputs do not count).

    Example:
        >>> len(code_hash("notebooks/00_setup.ipynb"))
        64
    """
    import nbformat  # Jupyter's; imported here so that course_lib itself does not need it

    path = Path(check.path(notebook, "notebook"))
    nb = nbformat.read(path, as_version=4)
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()


def receipt_path(notebook: str | os.PathLike[str], receipts_dir: str | os.PathLike[str]) -> Path:
    """``receipts_dir/<notebook name>.json``.

    Example:
        >>> receipt_path("notebooks/15_lenet.ipynb", "receipts").as_posix()
        'receipts/15_lenet.json'
    """
    name = Path(check.path(notebook, "notebook")).stem
    return Path(check.path(receipts_dir, "receipts_dir")) / f"{name}.json"


def read_receipt(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A receipt as a dict; ``ValueError`` naming the file if it is not a whole receipt.

    Example:
        >>> read_receipt("receipts/00_setup.json")["mode"]
        'full'
    """
    path = Path(check.path(path, "path"))
    try:
        receipt = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error})") from None
    missing = [f for f in FIELDS if f not in receipt]
    if missing:
        raise ValueError(f"{path} is not a whole receipt: it lacks {missing}")
    return receipt


def write_receipt(receipt: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a receipt whole or not at all (beside the target, then renamed over it)."""
    receipt = check.instance(receipt, "receipt", dict, "a dict")
    missing = [f for f in FIELDS if f not in receipt]
    if missing:
        raise ValueError(f"receipt lacks {missing}")
    path = Path(check.path(path, "path"))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(receipt, indent=1) + "\n")
    os.replace(partial, path)


def problems(notebooks: list[Path] | list[str], receipts_dir: str | os.PathLike[str]) -> list[str]:
    """What is wrong with the receipts of these notebooks: one line each (empty: all fresh).

    A receipt is missing, not whole, of another notebook, not from full mode, without figures,
    or stale (its code hash is not the notebook's now).

    Example:
        >>> problems(["notebooks/00_setup.ipynb"], "no-such-folder")
        ['00_setup.ipynb: no receipt (no-such-folder/00_setup.json is missing)']
    """
    found = []
    for notebook in notebooks:
        notebook = Path(notebook)
        path = receipt_path(notebook, receipts_dir)
        if not path.exists():
            found.append(f"{notebook.name}: no receipt ({path} is missing)")
            continue
        try:
            receipt = read_receipt(path)
        except ValueError as error:
            found.append(f"{notebook.name}: {error}")
            continue
        if receipt["notebook"] != notebook.name:
            found.append(f"{notebook.name}: {path} is the receipt of {receipt['notebook']}")
        if receipt["mode"] != "full":
            found.append(f"{notebook.name}: the receipt is from {receipt['mode']} mode, not full")
        if not receipt["figures"]:
            found.append(f"{notebook.name}: the receipt records no figures")
        if receipt["code_sha256"] != code_hash(notebook):
            found.append(
                f"{notebook.name}: the receipt is stale (the code changed after "
                f"{receipt['finished']}); run: python3 course.py receipts {notebook.name[:2]}"
            )
    return found
