"""Grading on a Dask cluster: a real scheduler and two worker processes over loopback.

The same HW1 submissions are graded locally and on the cluster, where one worker is killed
(SIGKILL) while it grades: the other worker takes its submissions, and ``grades.csv`` is the
same byte for byte as local grading's. The progress line of every submission is printed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from hw1_submissions import WRONG_HW1

from course_lib.homework import grade
from course_lib.homework.bwrap import find_bwrap
from course_lib.homework.distributed_grading import DaskGrading
from course_lib.homework.limits import Limits

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source"
DASK = Path(sys.executable).parent / "dask"
SLOW = "import time\ntime.sleep(6)  # long enough to be caught by the kill\n"

pytestmark = pytest.mark.slow


def _submissions(folder: Path) -> int:
    """The solution under two names, one of them slow, and two wrong submissions."""
    solution = nbformat.read(SOURCE / "hw1" / "hw1.ipynb", as_version=4)
    for name in ("ann",):
        nbformat.write(solution, folder / f"{name}.ipynb")
    slow = nbformat.read(SOURCE / "hw1" / "hw1.ipynb", as_version=4)
    for cell in slow.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "neuron":
            cell.source += "\n\n" + SLOW
    nbformat.write(slow, folder / "eve.ipynb")
    for name, (_, changes) in list(WRONG_HW1.items())[:2]:
        nb = nbformat.read(SOURCE / "hw1" / "hw1.ipynb", as_version=4)
        for cell in nb.cells:
            change = changes.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
            if isinstance(change, str):
                cell.source = change
            elif change:
                for old, new in change:
                    cell.source = cell.source.replace(old, new)
        nbformat.write(nb, folder / f"{name}.ipynb")
    return 4


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(DASK), *args], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1."""
    if find_bwrap() is None and not os.environ.get("CI"):
        pytest.skip("bwrap is not installed (apt-get install bubblewrap)")
    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _start(
        ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        logs / "scheduler.log",
    )
    workers = {}
    try:
        for name in ("w1", "w2"):
            workers[name] = _start(
                ["worker", address, "--nthreads", "1", "--name", name, "--no-dashboard"],
                logs / f"{name}.log",
            )
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield {"address": address, "workers": workers, "logs": logs}
    finally:
        for proc in [*workers.values(), scheduler]:
            _stop(proc)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kill_a_busy_worker(address: str, workers: dict, killed: list) -> None:
    """Wait until a worker grades something, then SIGKILL that worker's process."""
    from distributed import Client

    with Client(address, timeout=60) as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            busy = {w: tasks for w, tasks in client.processing().items() if tasks}
            names = {w: info["name"] for w, info in client.scheduler_info()["workers"].items()}
            for worker in busy:
                name = names.get(worker)
                if name in workers:
                    time.sleep(2)  # well into its task
                    _stop(workers[name])
                    killed.append(name)
                    return
            time.sleep(0.2)


def test_cluster_grades_like_local_grading_and_survives_a_killed_worker(cluster, tmp_path, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    count = _submissions(folder)
    limits = Limits(memory_mb=4096)
    local = grade(
        "hw1",
        folder,
        out=tmp_path / "local",
        html_feedback=False,
        progress=False,
        jobs=2,
        limits=limits,
    )
    killed: list[str] = []
    killer = threading.Thread(
        target=_kill_a_busy_worker, args=(cluster["address"], cluster["workers"], killed)
    )
    killer.start()
    remote = grade(
        "hw1",
        folder,
        out=tmp_path / "remote",
        html_feedback=False,
        scheduler=cluster["address"],
        limits=limits,
    )
    killer.join()
    assert killed, "no worker was caught grading"
    assert len(remote) == len(local) == count
    assert [(r.student, r.score, r.notes) for r in remote] == [
        (r.student, r.score, r.notes) for r in local
    ]
    local_csv = (tmp_path / "local" / "grades.csv").read_bytes()
    assert (tmp_path / "remote" / "grades.csv").read_bytes() == local_csv
    printed = capsys.readouterr().out
    # a line as each submission ends (Keras's bar redraws itself on the same line)
    assert len(re.findall(r"graded [\w.-]+: graded, ", printed)) == count
    assert f"{count}/{count}" in printed  # Keras's progress bar: graded / total


def test_a_scheduler_that_does_not_answer_is_named(monkeypatch):
    monkeypatch.setattr("course_lib.homework.distributed_grading.CONNECT_TIMEOUT", 3)
    with pytest.raises(ConnectionError, match=r"no Dask scheduler answered at tcp://127\.0\.0\.1"):
        DaskGrading(f"tcp://127.0.0.1:{_free_port()}", Limits(), {}, True)
