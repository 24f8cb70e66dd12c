"""Bad-input rows for course_lib.homework (release, grading, scan, sandbox, feedback).

No row runs a grading: ``grade`` is called on an empty submissions folder (it checks every
argument first, then writes an empty gradebook without starting nbgrader). ``release``,
``generate`` and ``run_in_process`` run ``nbgrader generate_assignment`` on a one-cell
assignment, a few seconds each for the good call; their bad calls stop at the checks.
Folders that a call writes into are made fresh for each call by ``prepare``.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from pathlib import Path

import nbformat
from tiny_assignment import write_tiny_source

from bad_input.table import Exempt, Row
from course_lib.homework import (
    bwrap,
    distributed_grading,
    feedback,
    gradebook,
    grading,
    held_out,
    jail,
    sandbox,
    scan,
)
from course_lib.homework.limits import Limits

# The module, not the function: ``course_lib.homework.release`` is the function ``release``.
release = importlib.import_module("course_lib.homework.release")

_TMP = tempfile.TemporaryDirectory(prefix="rows-homework-")  # removed when the tests exit
_MISSING = str(Path(_TMP.name) / "no-such-folder")


TINY_SOURCE = write_tiny_source(Path(_TMP.name) / "source")


class _Fresh:
    """A placeholder in a row's kwargs that ``_fresh`` replaces by a new folder each call."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return f"<fresh {self.what} folder>"


EMPTY = _Fresh("empty")
COURSE = _Fresh("course")  # a course folder with source/tiny, as nbgrader wants it


def _fresh(kwargs: dict) -> dict:
    made = {}
    for key, value in kwargs.items():
        if value is EMPTY or value is COURSE:
            folder = Path(tempfile.mkdtemp(dir=_TMP.name))
            if value is COURSE:
                shutil.copytree(TINY_SOURCE / "tiny", folder / "source" / "tiny")
            value = folder
        made[key] = value
    return made


# Time limits are whole seconds: a fraction would be rounded to 0, "no limit" to nbclient.
_SECONDS = [0.5, 2.5, 119.999]

ROWS = [
    Row(
        grading.grade,
        kwargs=dict(
            assignment="hw1",
            submissions=EMPTY,
            out=EMPTY,
            source=release.DEFAULT_SOURCE,
            cell_timeout=120,
            total_timeout=1800,
            jobs=2,
            html_feedback=False,
            progress=False,
            limits=None,
            sandbox=True,
            scheduler=None,
        ),
        params=dict(
            assignment="string",
            submissions="path",
            out="path",
            source="path",
            cell_timeout="positive_number",
            total_timeout="positive_number",
            jobs="positive_int",
            html_feedback="bool",
            progress="bool",
            limits="optional_object",
            sandbox="bool",
            scheduler="optional_string",
        ),
        bad=dict(
            assignment=["hw9"],
            submissions=[_MISSING],
            source=[_MISSING],
            cell_timeout=_SECONDS,
            total_timeout=_SECONDS,
        ),
        prepare=_fresh,
    ),
    Row(
        release.release,
        kwargs=dict(names=["tiny"], out=EMPTY, source=TINY_SOURCE),
        params=dict(names="optional_string_list", out="path", source="path"),
        bad=dict(names=[[], ["hw7"]], source=[_MISSING]),
        prepare=_fresh,
    ),
    Row(
        release.assignments,
        kwargs=dict(source=TINY_SOURCE),
        params=dict(source="path"),
        bad=dict(source=[_MISSING]),
    ),
    Row(
        release.generate,
        kwargs=dict(name="tiny", source=TINY_SOURCE, root=EMPTY),
        params=dict(name="string", source="path", root="path"),
        bad=dict(name=["hw7"], source=[_MISSING]),
        prepare=_fresh,
    ),
    Row(
        release.run_in_process,
        kwargs=dict(step="generate_assignment", root=COURSE, assignment="tiny", config=None),
        params=dict(
            step="choice",
            root="path",
            assignment="string",
            student="optional_string",
            config="optional_object",
        ),
        bad=dict(
            step=["autograde"],  # runs submitted code: never in this process
            student=["ann"],  # only for generate_feedback
            config=[{"no_dot": 1}, {3: 1}],
        ),
        prepare=_fresh,
    ),
    Row(release.nbgrader_command, args=("autograde", "hw1")),  # *args: tested in test_homework
    Row(
        release.with_scripts_on_path,
        kwargs=dict(env={"PATH": "/usr/bin"}),
        params=dict(env="object"),
        bad=dict(env=[["PATH"]]),
    ),
    Row(
        scan.find_submissions,
        kwargs=dict(folder=EMPTY, assignment="hw1"),
        params=dict(folder="path", assignment="string"),
        bad=dict(folder=[_MISSING]),
        prepare=_fresh,
    ),
    Row(
        scan.scan_answer_cells,
        kwargs=dict(nb=nbformat.v4.new_notebook()),
        params=dict(nb="object"),
        bad=dict(nb=[{"cells": 3}, {}]),
    ),
    Row(
        sandbox.hidden_paths,
        kwargs=dict(course_root="/tmp/run", notebook_dir="/tmp/run/a/s/hw1", notebook_name="hw1"),
        params=dict(course_root="path", notebook_dir="path", notebook_name="string"),
    ),
    Row(
        Limits,
        kwargs=dict(memory_mb=2048, file_size_mb=64, processes=128, cpu_seconds=60, disk_mb=64),
        params=dict(
            memory_mb="positive_int",
            file_size_mb="positive_int",
            processes="positive_int",
            cpu_seconds="positive_int",
            disk_mb="positive_int",
        ),
    ),
    Row(bwrap.find_bwrap),
    Row(
        bwrap.sandbox_command,
        kwargs=dict(
            inner=["python", "-V"],
            hide=[("out", _MISSING)],
            limits=Limits(),
            bwrap="/usr/bin/bwrap",
            visible=(),
        ),
        params=dict(inner="string_list", hide="object", limits="object", bwrap="string"),
        skip=dict(
            visible="folders shown again; one that is missing is left out",
            held_out="from held_out.held_out_files (tests/test_held_out.py), not from a user",
        ),
        bad=dict(hide=[[("out", "")], [("out",)], ["out"]]),
    ),
    Exempt(
        distributed_grading.DaskGrading,
        "connects to a running Dask scheduler; tests/test_distributed_grading.py starts one",
    ),
    Exempt(jail.main, "the program the grader starts: it reads a job from its standard input"),
    Exempt(
        held_out.Rules,
        "the grader's settings, built in code (held_out.RULES); what a notebook hands in is "
        "checked by its methods, with EntryError (tests/test_held_out.py)",
    ),
    Exempt(gradebook.Result, "a record grade() builds; users read it, never construct it"),
    Exempt(
        feedback.ShortTestTracebacks,
        "an nbgrader preprocessor the grader adds to nbgrader's feedback step",
    ),
    Exempt(
        sandbox.HiddenFilesExecute,
        "an nbgrader preprocessor that nbgrader loads from the grading config",
    ),
]
