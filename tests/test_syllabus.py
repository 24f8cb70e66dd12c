"""syllabus.toml, the machine-readable map of the syllabus: every section it names exists."""

from __future__ import annotations

import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SYLLABUS = tomllib.loads((ROOT / "syllabus.toml").read_text())
TOPICS = SYLLABUS["topic"]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def _headings(stem: str) -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return {
        line.strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    }


def test_every_topic_has_the_fields():
    for entry in TOPICS:
        assert set(entry) <= {"topic", "notes", "notebook", "section"}, entry
        assert entry.get("topic") and entry.get("notes"), entry
        assert entry.get("notebook") and entry.get("section"), entry


@pytest.mark.parametrize("entry", TOPICS, ids=[t["topic"][:60] for t in TOPICS])
def test_named_section_exists(entry):
    assert entry["notebook"] in NOTEBOOKS, f"no notebook {entry['notebook']}.ipynb"
    assert entry["section"] in _headings(entry["notebook"]), (
        f"{entry['notebook']} has no heading {entry['section']!r}"
    )


def test_every_notebook_is_on_the_map():
    named = {t["notebook"] for t in TOPICS}
    assert not set(NOTEBOOKS) - named - {"00_setup"}, sorted(set(NOTEBOOKS) - named)


def test_no_topic_twice():
    topics = [t["topic"] for t in TOPICS]
    assert len(topics) == len(set(topics))
