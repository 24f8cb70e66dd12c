"""Checks on the repository itself: the notebook lint, and that CI runs what the README says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT.parent / "shared" / "tools" / "check_notebooks.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.skipif(not CHECKER.exists(), reason=f"{CHECKER} is not beside this checkout")
def test_static_notebook_checks_pass():
    result = subprocess.run(
        [sys.executable, str(CHECKER), str(ROOT)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Run the tests", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert ci_lines[-1] == command


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_skeleton(path):
    """A title first, a setup() call in the first code cell, exercises at the end, and no
    stored error or stderr output (TensorFlow's log lines must not leak into notebooks)."""
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert "course_lib.setup(seed=" in first_code.source
    assert "## Exercises" in nb.cells[-1].source
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.source
            assert output.get("name") != "stderr", (cell.source, output.get("text"))


NBVAL_MARKERS = (
    "NBVAL_IGNORE_OUTPUT",
    "NBVAL_CHECK_OUTPUT",
    "NBVAL_RAISES_EXCEPTION",
    "NBVAL_SKIP",
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_nbval_markers_stand_alone(path):
    """nbval only sees a marker that is the whole comment: '# NBVAL_IGNORE_OUTPUT (why)' is
    silently ignored, and the cell's varying output is then compared after all."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            comment = line.strip().lstrip("#").strip()
            if line.strip().startswith("#") and any(m in comment for m in NBVAL_MARKERS):
                assert comment in NBVAL_MARKERS, f"{path.name}: marker with extra text: {line!r}"


def test_readme_table_lists_every_notebook_once():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| `(\d\d_[a-z0-9_]+)` \|", readme, re.M)
    assert [name for _, name in rows] == [p.stem for p in NOTEBOOKS]
    assert all(number == name[:2] for number, name in rows)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_title_and_links_carry_the_file_numbers(path):
    """After a renumbering: the title is `# NN · ...` with the file's NN, every link
    `[NN](MM_name.ipynb)` shows the number of the file it points to, and that file exists."""
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source.startswith(f"# {path.name[:2]} ·")
    names = {p.name for p in NOTEBOOKS}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for text, target in re.findall(r"\[([^\]]+)\]\((\d\d_[a-z0-9_]+\.ipynb)\)", cell.source):
            assert target in names, f"{path.name} links to a missing {target}"
            if re.fullmatch(r"\d\d", text):
                assert text == target[:2], f"{path.name}: [{text}]({target})"
