"""Run a notebook in full mode and write its receipt.

``run_notebook`` executes a notebook top to bottom in a fresh kernel, as a student would
without ``COURSE_QUICK``, with ``COURSE_RECEIPT`` pointing the kernel's notes (``setup()``,
``datasets.load()``, ``record()``) at a scratch file. When the last cell has run it adds the
machine, the wall time and the code hash and writes ``receipts/<notebook>.json``. The notebook
file itself is not changed (its stored outputs stay those of quick mode), and a run that fails
leaves the old receipt as it was.
"""

from __future__ import annotations

import datetime
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check
from course_lib.receipts import files
from course_lib.receipts.recording import RECEIPT_ENV_VAR, read_notes
from course_lib.run_mode import QUICK_ENV_VAR

__all__ = ["cpu_model", "run_notebook"]


def cpu_model() -> str:
    """The CPU's model name (from ``/proc/cpuinfo`` on Linux), else what ``platform`` says.

    Example:
        >>> isinstance(cpu_model(), str) and cpu_model() != ""
        True
    """
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def run_notebook(
    notebook: str | os.PathLike[str],
    receipts_dir: str | os.PathLike[str],
    *,
    cell_timeout: int = 4 * 3600,
    kernel_name: str = "python3",
) -> dict[str, Any]:
    """Run ``notebook`` in full mode and write its receipt into ``receipts_dir``.

    Args:
        notebook: path of the ``.ipynb`` file.
        receipts_dir: folder of the receipts (created if needed).
        cell_timeout: seconds one cell may run (whole seconds).
        kernel_name: the Jupyter kernel to run it in.

    Returns:
        The receipt that was written.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell failed; no receipt is written.
        ValueError: the notebook called neither ``setup()`` nor ``record()``.
    """
    import nbformat  # Jupyter's (the lab extra); not needed by the rest of course_lib
    from nbclient import NotebookClient

    path = Path(check.path(notebook, "notebook"))
    if not path.is_file():
        raise ValueError(f"notebook={str(path)!r} is not a file")
    receipts_dir = Path(check.path(receipts_dir, "receipts_dir"))
    cell_timeout = check.whole_seconds(cell_timeout, "cell_timeout")
    kernel_name = check.string(kernel_name, "kernel_name")
    digest = files.code_hash(path)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="receipt-") as scratch:
        notes_path = Path(scratch) / "notes.json"
        saved = {k: os.environ.get(k) for k in (QUICK_ENV_VAR, RECEIPT_ENV_VAR)}
        os.environ[QUICK_ENV_VAR] = "0"  # full mode, whatever the caller's shell says
        os.environ[RECEIPT_ENV_VAR] = str(notes_path)
        try:
            client = NotebookClient(
                nb,
                timeout=cell_timeout,
                kernel_name=kernel_name,
                resources={"metadata": {"path": str(path.parent.resolve())}},
            )
            start = time.perf_counter()
            client.execute()
            wall = time.perf_counter() - start
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        notes = read_notes(notes_path)
    if notes["environment"] is None:
        raise ValueError(f"{path.name} never called course_lib.setup(): no environment to note")
    if not notes["figures"]:
        raise ValueError(f"{path.name} recorded no figures: call course_lib.record(...) in it")
    if files.code_hash(path) != digest:
        raise ValueError(f"{path.name} was edited while it ran; run it again")
    receipt = {
        "notebook": path.name,
        "code_sha256": digest,
        "mode": "full",
        "finished": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "wall_seconds": round(wall, 1),
        "machine": {
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "system": f"{platform.system()} {platform.machine()}",
        },
        "environment": notes["environment"],
        "datasets": notes["datasets"],
        "figures": notes["figures"],
    }
    files.write_receipt(receipt, files.receipt_path(path, receipts_dir))
    return receipt
