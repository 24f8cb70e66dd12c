"""A one-cell nbgrader assignment for tests that need a real but fast release or grading."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_tiny_source(source: Path) -> Path:
    """Write ``source/tiny/tiny.ipynb`` (one answer cell and one test cell worth a point) and
    return ``source``."""
    answer = nbformat.v4.new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    )
    answer.metadata["nbgrader"] = {
        "solution": True,
        "grade": False,
        "locked": False,
        "grade_id": "f",
        "schema_version": 3,
    }
    test = nbformat.v4.new_code_cell("assert f() == 1\n")
    test.metadata["nbgrader"] = {
        "solution": False,
        "grade": True,
        "locked": True,
        "grade_id": "f_tests",
        "points": 1,
        "schema_version": 3,
    }
    (source / "tiny").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[answer, test]), source / "tiny" / "tiny.ipynb")
    return source
