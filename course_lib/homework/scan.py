"""What the grader reads before anything runs: the submissions of a folder and their notebooks.

- ``find_submissions`` lists ``<student>.ipynb`` and ``<student>/<hw>.ipynb`` in a folder and
  says (a warning, and a note in that student's grade) when a student has both;
- ``scan_answer_cells`` flags answer cells that use files, processes, the kernel's input
  history or the reference solutions, for a human to look at;
- the private helpers read a notebook (or say why it is not one) and note the test cells and
  provided cells a submission changed or deleted.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import nbformat

from course_lib import argument_validation as check

__all__ = ["find_submissions", "scan_answer_cells"]

#: A usable student id: what nbgrader accepts as a folder name, and safe in a file name.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# Answer cells that use these are flagged for a human to look at: none of the homework needs
# them, and they are how a submission would reach files, processes or the hidden tests.
_SUSPICIOUS = {
    r"(?<![\w.])open\s*\(": "open()",
    r"\bos\.(remove|unlink|rmdir|rename|replace|system|walk|listdir|scandir|chdir|popen|kill|"
    r"environ|path|makedirs|mkdir)\b": "os",
    r"\bshutil\b": "shutil",
    r"\bsubprocess\b": "subprocess",
    r"\bpathlib\b|\bPath\s*\(": "pathlib",
    r"\bglob\b": "glob",
    r"\bsocket\b": "socket",
    r"(?<![\w.])(exec|eval|compile|__import__)\s*\(": "exec/eval",
    r"\bimportlib\b": "importlib",
    r"\bget_ipython\b|\b_ih\b|\bIn\s*\[|\b_iii?\b": "the kernel's input history",
    r"\bsys\.modules\b|\bbuiltins\b|\bgc\.get_objects\b": "interpreter internals",
    r"^\s*[!%]": "shell or magic commands",
    r"course_lib\.reference|from\s+course_lib\s+import\s+reference": "course_lib.reference",
}

_HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def submissions_folder(folder: str | os.PathLike, name: str = "folder") -> Path:
    """``folder`` as a ``Path`` to an existing folder, or a ``ValueError`` naming ``name``."""
    path = Path(check.path(folder, name))
    if not path.is_dir():
        raise ValueError(f"`{name}` must be a folder of notebooks. Received: {name}={folder!r}")
    return path


def collect_submissions(
    folder: Path, assignment: str
) -> tuple[list[tuple[str, Path]], dict[str, str]]:
    """The submissions of ``folder`` and, per student with two of them, the note saying so.

    A student with both ``<student>.ipynb`` and ``<student>/<hw>.ipynb`` is graded on the first
    (the file directly in the folder, as before); the note names both files.
    """
    files: dict[str, Path] = {}
    in_folders: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix == ".ipynb":
            files[path.stem] = path
        elif path.is_dir() and (path / f"{assignment}.ipynb").is_file():
            in_folders[path.name] = path / f"{assignment}.ipynb"
    notes = {}
    for student in sorted(files.keys() & in_folders.keys()):
        graded = files[student].relative_to(folder).as_posix()
        ignored = in_folders[student].relative_to(folder).as_posix()
        notes[student] = (
            f"two submissions for {student!r}: {graded!r} and {ignored!r}; "
            f"{graded!r} was graded, {ignored!r} was not"
        )
    return sorted({**in_folders, **files}.items()), notes


def find_submissions(folder: str | os.PathLike, assignment: str) -> list[tuple[str, Path]]:
    """``(student id, notebook path)`` for ``<student>.ipynb`` and ``<student>/<hw>.ipynb``.

    A student who has both is graded on ``<student>.ipynb``, with a ``UserWarning`` naming both
    files (``grade`` also records it in that student's notes, so it is in the gradebook).

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     folder = Path(tmp)
        ...     _ = (folder / "ann.ipynb").write_text("{}")
        ...     (folder / "bob").mkdir()
        ...     _ = (folder / "bob" / "hw1.ipynb").write_text("{}")
        ...     [student for student, _ in find_submissions(folder, "hw1")]
        ['ann', 'bob']
    """
    folder = submissions_folder(folder)
    assignment = check.string(assignment, "assignment")
    found, notes = collect_submissions(folder, assignment)
    for note in notes.values():
        warnings.warn(f"{note} (in {folder})", UserWarning, stacklevel=2)
    return found


def scan_answer_cells(nb: nbformat.NotebookNode) -> list[str]:
    """Notes on answer cells that use files, processes, the kernel or the reference solutions.

    Example:
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import shutil")])
        >>> nb.cells[0].metadata["nbgrader"] = {"solution": True, "grade_id": "neuron"}
        >>> scan_answer_cells(nb)
        ["answer cell 'neuron' uses shutil: flagged for review"]
    """
    check.instance(nb, "nb", dict, "a notebook (an nbformat.NotebookNode)")
    if not isinstance(nb.get("cells"), list):
        raise ValueError("`nb` must be a notebook with a list of `cells`.")
    notes = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        hits = [
            what
            for pattern, what in _SUSPICIOUS.items()
            if re.search(pattern, cell.get("source", ""), re.M)
        ]
        if hits:
            uses = ", ".join(dict.fromkeys(hits))
            notes.append(f"answer cell '{meta.get('grade_id')}' uses {uses}: flagged for review")
    return notes


def _protected_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    """``{grade_id: source}`` of the test cells and locked (provided) cells, hidden tests cut."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") and (meta.get("locked") or meta.get("grade")):
            if not meta.get("solution"):
                cells[meta["grade_id"]] = _HIDDEN_REGION.sub("", cell.get("source", "")).strip()
    return cells


def changed_cells(released: nbformat.NotebookNode, submitted: nbformat.NotebookNode) -> list[str]:
    """Notes on the test/provided cells of ``released`` that ``submitted`` changed or lost."""
    original = _protected_cells(released)
    seen = _protected_cells(submitted)
    notes = []
    changed = [g for g in original if g in seen and seen[g] != original[g]]
    missing = [g for g in original if g not in seen]
    if changed:
        notes.append(
            f"the submission changed the test/provided cell(s) {changed}; "
            "the originals were put back before grading"
        )
    if missing:
        notes.append(
            f"the submission deleted or un-marked the test/provided cell(s) {missing}; "
            "the originals were put back before grading"
        )
    return notes


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """``(notebook, None)``, or ``(None, why it is not a notebook)``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, f"the file could not be read as UTF-8 text ({error})"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"the file is not valid JSON, so not a notebook ({error})"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # nbformat raises several kinds for a malformed notebook
        kind = type(error).__name__
        return None, f"the file is JSON but not a valid notebook ({kind}: {str(error)[:200]})"
    return nb, None
