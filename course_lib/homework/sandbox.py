"""The execute step of grading, with the grader's own files taken off the disk meanwhile.

nbgrader writes two files that hold the hidden tests into a grading run's working copy: the
gradebook database and the notebook it is about to execute (the submission with the original
test cells put back). ``HiddenFilesExecute`` reads both into memory and deletes them before the
kernel starts, and writes them back only after the kernel has been shut down. Code in a
submission therefore finds no file with hidden tests in its working copy while it runs.

It does not hide the hidden-test source that the kernel itself has been sent: a cell that runs
*after* a hidden test cell can read that cell's source from IPython's input history (``In``).
See ``course_lib.homework`` for the whole list of what grading protects and what it does not.

nbgrader loads this class through its configuration (``Autograde.autograde_preprocessors``),
which ``course_lib.homework.runner`` writes for every run; it is not meant to be used alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError
from nbgrader.preprocessors import Execute

from course_lib import argument_validation as check

__all__ = ["HiddenFilesExecute", "hidden_paths"]


def hidden_paths(
    course_root: str | os.PathLike, notebook_dir: str | os.PathLike, notebook_name: str
) -> list[Path]:
    """The files of a grading run that hold hidden tests: the gradebook and the notebook.

    Example:
        >>> hidden_paths(Path("/tmp/run"), Path("/tmp/run/autograded/s1/hw1"), "hw1")
        [PosixPath('/tmp/run/gradebook.db'), PosixPath('/tmp/run/autograded/s1/hw1/hw1.ipynb')]
    """
    course_root = Path(check.path(course_root, "course_root"))
    notebook_dir = Path(check.path(notebook_dir, "notebook_dir"))
    notebook_name = check.string(notebook_name, "notebook_name")
    return [course_root / "gradebook.db", notebook_dir / f"{notebook_name}.ipynb"]


class HiddenFilesExecute(Execute):
    """nbgrader's ``Execute`` with the gradebook and the graded notebook off the disk, and
    cells that ignore the interrupt stopped anyway.

    At the cell limit nbclient interrupts the kernel (SIGINT) and waits a few seconds for the
    cell's last output. A submission can ignore SIGINT (``signal.signal(signal.SIGINT,
    signal.SIG_IGN)``); nbgrader would then give up on the whole submission. Here such a
    kernel is killed and restarted instead: the cell ends with an error that says so, and the
    cells below run in the fresh kernel (without what the cells above defined).
    """

    _interrupted: Any = None  # the cell interrupted at its limit last, or None

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
        self._interrupted = cell
        return await super()._async_handle_timeout(timeout, cell)  # interrupts the kernel

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        try:
            return super().preprocess_cell(cell, resources, index)
        except CellTimeoutError as error:
            # Interrupted at its limit, and no word from the kernel since: it ignores SIGINT.
            if self._interrupted is not cell or "IOPub" not in str(error):
                raise
        self.log.error("The cell ignored the interrupt: restarting the kernel")
        self._interrupted = None
        run_sync(self.km.restart_kernel)(now=True)
        cell.outputs.append(
            nbformat.v4.new_output(
                "error",
                ename="CellTimeoutError",
                evalue=(
                    f"the cell ran past the limit of {self.timeout} s and ignored the "
                    "interrupt; its kernel was killed and restarted"
                ),
                traceback=[],
            )
        )
        return cell, resources

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        notebook_dir = Path(resources["metadata"]["path"]).resolve()
        name = resources["unique_key"]
        # nbgrader runs with the course root as its working directory (jail.py sees to it).
        paths = hidden_paths(Path.cwd().resolve(), notebook_dir, name)
        saved = {path: path.read_bytes() for path in paths if path.exists()}
        for path in saved:
            path.unlink()
        try:
            return super().preprocess(nb, resources)
        finally:
            for path, data in saved.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
