"""Full-mode receipts: what a notebook's full run produced, on which machine, from which code.

``python3 course.py receipts [NN ...]`` runs notebooks in full mode (``runner``) and writes
``receipts/<notebook>.json`` and ``RESULTS.md`` (``results_table``); each notebook states its
figures through one call, ``course_lib.record(...)`` (``recording``); ``files.problems`` says
which receipts are missing or stale, and the test suite fails on any.
"""

from course_lib.receipts.files import (
    code_hash,
    problems,
    read_receipt,
    receipt_path,
    write_receipt,
)
from course_lib.receipts.recording import (
    RECEIPT_ENV_VAR,
    note_dataset,
    note_environment,
    record,
)
from course_lib.receipts.results_table import format_figure, render_results

__all__ = [
    "RECEIPT_ENV_VAR",
    "code_hash",
    "format_figure",
    "note_dataset",
    "note_environment",
    "problems",
    "read_receipt",
    "receipt_path",
    "record",
    "render_results",
    "write_receipt",
]
