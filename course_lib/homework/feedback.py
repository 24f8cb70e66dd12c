"""Feedback pages that show no hidden test: nbgrader's, with tracebacks of test cells cut.

nbgrader's ``ClearHiddenTests`` removes the hidden regions from the source of the test cells,
but an error's traceback quotes the lines around the failing assertion, which are often
hidden tests. ``ShortTestTracebacks`` keeps only the last line (``AssertionError: ...``) of
every error in a test cell. The grader adds both to nbgrader's feedback step.
"""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["NOTICE", "ShortTestTracebacks"]

NOTICE = "(The traceback is not shown: this test cell also runs hidden tests.)"


class ShortTestTracebacks(NbGraderPreprocessor):
    """Replace the traceback of every error in a test cell by its last line and a notice.

    Example:
        >>> from nbformat.v4 import new_code_cell, new_output
        >>> cell = new_code_cell("assert f(1) == 2")
        >>> cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1}
        >>> cell.outputs = [new_output("error", ename="AssertionError", evalue="",
        ...                            traceback=["...", "assert _hidden == 3"])]
        >>> ShortTestTracebacks().preprocess_cell(cell, {}, 0)[0].outputs[0].traceback
        ['AssertionError', '(The traceback is not shown: this test cell also runs hidden tests.)']
    """

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    last = f"{output.get('ename', '')}: {output.get('evalue', '')}".rstrip(": ")
                    output["traceback"] = [last, NOTICE]
        return cell, resources
