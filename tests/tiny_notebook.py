"""A notebook of a few cells for the receipt tests: no Keras, so a run takes a few seconds."""

from __future__ import annotations

from pathlib import Path

import nbformat

#: Notes the environment without importing Keras (``setup()`` would take seconds more) and
#: records which mode the kernel was in.
RECORDING_CELLS = [
    "import course_lib\nfrom course_lib.receipts import note_environment",
    'note_environment(backend="numpy", device="CPU (test)", versions={"numpy": "x"},\n'
    "                 seed=0, deterministic=True)",
    "course_lib.record(quick=course_lib.is_quick(), answer=42)",
]


def write_notebook(path: Path, cells: list[str], markdown: str = "# A tiny notebook") -> Path:
    """Write a notebook with one markdown cell and these code cells; returns its path."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
