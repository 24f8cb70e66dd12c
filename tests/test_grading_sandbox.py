"""Hostile submissions in the grading sandbox (bubblewrap) and under its resource limits.

One grading run of HW1 (module fixture) with the solution and one submission per way of
breaking out: each is the solution with a few lines added to an answer cell, lines that raise
an error which names what they got when they get something they should not. Each test checks
that the submission was graded or recorded with its reason, that nothing outside its copy was
touched and that the honest submission beside them scores full marks.

Needs ``bwrap`` (Debian's ``bubblewrap``); without it the tests are skipped, except under CI,
where they fail.
"""

from __future__ import annotations

import os
import secrets
import socket
import warnings
from pathlib import Path

import nbformat
import pytest
from tree_hash import tree_hash

from course_lib.homework import grade
from course_lib.homework.bwrap import find_bwrap, sandbox_command
from course_lib.homework.isolation import NO_SANDBOX, Isolation
from course_lib.homework.jail import MARK, Job, Outcome, read_outcome
from course_lib.homework.limits import Limits, limit_note

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source"
CELL_TIMEOUT = 10
LIMITS = Limits(memory_mb=2048, file_size_mb=64, processes=256, disk_mb=256)

# Code added to the end of an answer cell; {names} are filled in by the fixture.
HOSTILE = {
    "reads_solution": (
        "neuron",
        "_text = open({solution!r}).read()\n"
        "raise RuntimeError(f'read the solution: {{len(_text)}} characters')\n",
    ),
    "reads_other_submission": (
        "neuron",
        "import glob\n"
        "_copies = glob.glob('/tmp/course-*')\n"
        "if len(_copies) != 1:\n"
        "    raise RuntimeError(f'saw other working copies: {{_copies}}')\n"
        "_text = open({other!r}).read()\n"
        "raise RuntimeError(f'read another submission: {{len(_text)}} characters')\n",
    ),
    "daemon": (
        "neuron",
        "import subprocess\nsubprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n",
    ),
    "ignores_signals": (
        "softmax",
        "import signal\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "while True:\n"
        "    pass\n",
    ),
    "memory_hog": (
        "neuron",
        "_blocks = []\nwhile True:\n    _blocks.append(np.ones(2**24))  # 128 MiB, written\n",
    ),
    "disk_filler": (
        "neuron",
        "_chunk = b'x' * 2**24\nfor _i in range(10**6):\n"
        "    with open(f'filler_{{_i}}.bin', 'wb') as _f:\n        _f.write(_chunk)\n",
    ),
    "big_file": (
        "neuron",
        "with open('big.bin', 'wb') as _f:\n    for _ in range(10**4):\n"
        "        _f.write(b'x' * 2**24)\n",
    ),
    "fork_bomb": (
        "neuron",
        "import os, time\n"
        "_parent, _forks = os.getpid(), 0\n"
        "while True:\n"
        "    try:\n"
        "        _pid = os.fork()\n"
        "    except OSError:\n"
        "        if os.getpid() != _parent:\n"
        "            time.sleep(5)\n"
        "            os._exit(0)\n"
        "        raise\n"
        "    if _pid and os.getpid() == _parent:\n"
        "        _forks += 1\n",
    ),
    "network": (
        "neuron",
        "import socket\n"
        "_s = socket.create_connection(('127.0.0.1', {port}), timeout=5)\n"
        "raise RuntimeError('reached the grader over the network')\n",
    ),
}

pytestmark = pytest.mark.slow


def _with_code(cell_id: str, code: str) -> nbformat.NotebookNode:
    nb = nbformat.read(SOURCE / "hw1" / "hw1.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == cell_id:
            cell.source += "\n\n" + code
            return nb
    raise AssertionError(cell_id)


def _running_with(marker: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    if find_bwrap() is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set, so the grading sandbox must be tested: bwrap is missing")
        pytest.skip("bwrap is not installed (apt-get install bubblewrap)")
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "submissions"
    folder.mkdir()
    (folder / "solution.ipynb").write_bytes((SOURCE / "hw1" / "hw1.ipynb").read_bytes())
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    names = {
        "solution": str(SOURCE / "hw1" / "hw1.ipynb"),
        "other": str(folder / "solution.ipynb"),
        "marker": f"4{secrets.randbelow(10**6)}.5",
        "port": listener.getsockname()[1],
    }
    for name, (cell_id, code) in HOSTILE.items():
        nbformat.write(_with_code(cell_id, code.format(**names)), folder / f"{name}.ipynb")
    before = tree_hash(SOURCE, folder)
    try:
        results = grade(
            "hw1",
            folder,
            out=base / "graded",
            cell_timeout=CELL_TIMEOUT,
            total_timeout=600,
            jobs=2,
            html_feedback=False,
            progress=False,
            limits=LIMITS,
        )
        try:
            listener.accept()
            reached = True
        except BlockingIOError:
            reached = False
    finally:
        listener.close()
    return {
        "results": {r.student: r for r in results},
        "hashes": (before, tree_hash(SOURCE, folder)),
        "names": names,
        "reached": reached,
    }


def _notes(hostile, name: str) -> str:
    result = hostile["results"][name]
    assert result.status == "graded", result.notes
    return "\n".join(result.notes)


def test_the_honest_submission_beside_them_scores_full_marks(hostile):
    result = hostile["results"]["solution"]
    assert result.status == "graded" and result.score == result.max_score, result.notes
    assert len(hostile["results"]) == 1 + len(HOSTILE)


def test_nothing_outside_the_working_copies_changed(hostile):
    before, after = hostile["hashes"]
    assert before == after


def test_the_solutions_cannot_be_read_by_absolute_path(hostile):
    notes = _notes(hostile, "reads_solution")
    assert "FileNotFoundError" in notes and "read the solution" not in notes


def test_other_submissions_and_their_copies_cannot_be_seen(hostile):
    notes = _notes(hostile, "reads_other_submission")
    assert "FileNotFoundError" in notes
    assert "saw other working copies" not in notes and "read another submission" not in notes


def test_a_detached_daemon_is_killed_and_recorded(hostile):
    notes = _notes(hostile, "daemon")
    assert "process(es) it left running were killed at the end" in notes
    assert _running_with(hostile["names"]["marker"]) == []


def test_a_cell_that_ignores_sigint_and_sigterm_is_stopped_at_the_cell_limit(hostile):
    result = hostile["results"]["ignores_signals"]
    notes = _notes(hostile, "ignores_signals")
    assert "ignored the interrupt, so its kernel was restarted" in notes
    assert result.parts["neuron_tests"][0] == 1.0  # the parts above it keep their points
    assert result.parts["softmax_tests"][0] == 0.0
    assert result.seconds < 10 * CELL_TIMEOUT  # not the whole run's limit (600 s)


def test_a_memory_hog_is_stopped_by_the_memory_limit(hostile):
    notes = _notes(hostile, "memory_hog")
    assert "MemoryError" in notes and "the memory limit of 2048 MiB" in notes


def test_a_disk_filler_is_stopped_by_the_disk_limit(hostile):
    """Its copy and nbgrader's share the sandbox's /tmp: once it is full, nbgrader cannot
    save the results either, so the submission is recorded as not graded, with the reason."""
    result = hostile["results"]["disk_filler"]
    assert result.status == "not graded" and result.score == 0
    expected = "the submission filled its disk (the disk limit of 256 MiB)"
    assert any(note.startswith(expected) for note in result.notes), result.notes


def test_a_huge_file_is_stopped_by_the_file_size_limit(hostile):
    notes = _notes(hostile, "big_file")
    assert "File too large" in notes and "the file size limit of 64 MiB" in notes


def test_a_fork_bomb_is_stopped_by_the_process_limit(hostile):
    notes = _notes(hostile, "fork_bomb")
    assert "Resource temporarily unavailable" in notes
    assert "the limit of 256 processes" in notes


def test_the_network_is_out_of_reach(hostile):
    notes = _notes(hostile, "network")
    assert "ConnectionRefusedError" in notes and "reached the grader" not in notes
    assert not hostile["reached"]


# ------------------------------------------------------------------------------------------
# The parts, without a grading run
# ------------------------------------------------------------------------------------------


def test_the_sandbox_refuses_to_hide_its_own_environment(tmp_path):
    with pytest.raises(ValueError, match="`submissions` holds what the sandbox must see"):
        sandbox_command(
            ["true"], hide=[("submissions", ROOT)], limits=Limits(), bwrap="/usr/bin/bwrap"
        )


def test_hidden_folders_are_covered_and_tmp_is_sized(tmp_path):
    folder = ROOT / "notebooks"
    command = sandbox_command(
        ["true"], hide=[("out", folder)], limits=Limits(disk_mb=8), bwrap="bwrap"
    )
    assert command[command.index(str(folder)) - 1] == "--tmpfs"
    assert command[command.index("/tmp") - 3 : command.index("/tmp")] == [
        "--size",
        str(8 * 2**20),
        "--tmpfs",
    ]


def test_the_jail_outcome_is_the_last_marked_line():
    forged = Outcome(code=0, log="forged", graded=b"{}")
    real = Outcome(code=0, log="real", graded=b'{"cells": []}')
    output = f"{MARK}{forged.encode()}\nnoise\n{MARK}{real.encode()}\n"
    assert read_outcome(output) == real
    assert read_outcome("nothing") is None


def test_a_job_survives_its_encoding():
    job = Job("hw1", "ann", b"\x00db", b"{}", "c = 1", 60, Limits().to_dict(), None)
    assert Job.decode(job.encode()) == job


def test_limits_are_checked_and_named():
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=-1)
    assert limit_note("MemoryError", "", Limits(memory_mb=100)) == "the memory limit of 100 MiB"
    assert limit_note("OSError", "[Errno 28] No space left on device", Limits()).startswith(
        "the disk limit"
    )


def test_without_bwrap_grading_warns_and_notes_it(monkeypatch, tmp_path):
    monkeypatch.setattr("course_lib.homework.bwrap.find_bwrap", lambda: None)
    with pytest.warns(UserWarning, match="WITHOUT the sandbox"):
        isolation = Isolation.for_run(Limits(), {})
    assert not isolation.sandboxed and isolation.command(["x"]) == ["x"]
    assert "apt-get install bubblewrap" in NO_SANDBOX
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "ann.ipynb").write_bytes((SOURCE / "hw1" / "hw1.ipynb").read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [result] = grade("hw1", folder, out=tmp_path / "out", html_feedback=False, progress=False)
    assert result.score == result.max_score, result.notes
    assert "graded without the sandbox (bubblewrap is not installed)" in result.notes
