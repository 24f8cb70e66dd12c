"""Training on several machines, for real: two worker processes on this machine over loopback.

Each engine (TensorFlow's ``MultiWorkerMirroredStrategy`` from ``TF_CONFIG``; JAX's
``jax.distributed`` with ``keras.distribution.DataParallel`` from ``KERAS_DISTRIBUTION_*``) is
started the way the README says to start it on two machines: the same script, once per worker,
with that worker's environment. tests/multi_worker_script.py trains a small regression network
for 4 epochs on a global batch of 16 (8 per worker) and writes its loss curve.

- Two workers give the loss curve of one process on the same global batches, within a
  relative 1e-4 (float32 sums taken in another order; seen: 1e-7).
- A worker that crashes after epoch 2 (``os._exit``) stops the run; started again, both
  workers resume from their ``BackupAndRestore`` backups at epoch 3 and finish with the
  one-process curve's last two epochs.

JAX's part is skipped where JAX is not installed (CI installs only TensorFlow today).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_lib.training import multi_worker

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "multi_worker_script.py"
TOLERANCE = 1e-4
TIMEOUT = 240  # seconds for one run of both workers, on a loaded 2-core machine


def _backends() -> list:
    jax = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX not installed")
    tf = pytest.mark.skipif(
        importlib.util.find_spec("tensorflow") is None, reason="TensorFlow not installed"
    )
    return [pytest.param("tensorflow", marks=tf), pytest.param("jax", marks=jax)]


def free_ports(count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def worker_env(backend: str, index: int, ports: list[int]) -> dict[str, str]:
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(ROOT)}
    for name in ("TF_CONFIG", *multi_worker.JAX_VARIABLES):
        env.pop(name, None)
    if backend == "tensorflow":
        workers = [f"127.0.0.1:{port}" for port in ports]
        cluster = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        env["TF_CONFIG"] = json.dumps(cluster)
    else:
        env["KERAS_DISTRIBUTION_JOB_ADDRESSES"] = f"127.0.0.1:{ports[0]}"  # the coordinator
        env["KERAS_DISTRIBUTION_NUM_PROCESSES"] = str(len(ports))
        env["KERAS_DISTRIBUTION_PROCESS_ID"] = str(index)
    return env


def start(env: dict[str, str], out: Path, backup: str, crash_after: int | None, log: Path):
    args = [sys.executable, str(SCRIPT), str(out), backup]
    if crash_after is not None:
        args.append(str(crash_after))
    with log.open("wb") as handle:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)


def finish(process: subprocess.Popen, log: Path, timeout: float = TIMEOUT) -> int:
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"a worker did not finish in {timeout} s; its log:\n{log.read_text()[-3000:]}")


def curve(out: Path, log: Path) -> dict:
    assert out.exists(), f"no loss curve written; the log:\n{log.read_text()[-3000:]}"
    return json.loads(out.read_text())


def one_process(backend: str, tmp_path: Path) -> dict:
    env = worker_env(backend, 0, [0])
    for name in ("TF_CONFIG", *multi_worker.JAX_VARIABLES):
        env.pop(name, None)
    out, log = tmp_path / "single.json", tmp_path / "single.log"
    assert finish(start(env, out, "-", None, log), log) == 0, log.read_text()[-3000:]
    return curve(out, log)


def two_workers(backend, tmp_path, tag, *, backup=False, crash_after=None):
    """Both workers, started together; returns their processes' exit codes and logs."""
    ports = free_ports(2)
    runs = []
    for index in (0, 1):
        out, log = tmp_path / f"{tag}{index}.json", tmp_path / f"{tag}{index}.log"
        backup_dir = str(tmp_path / f"backup{index}") if backup else "-"
        crash = crash_after if index == 1 else None
        process = start(worker_env(backend, index, ports), out, backup_dir, crash, log)
        runs.append((process, out, log))
    return runs


_REFERENCES: dict[str, dict] = {}


@pytest.fixture
def reference(backend, tmp_path_factory):
    """The one-process loss curve of ``backend``, run once for the module."""
    if backend not in _REFERENCES:
        _REFERENCES[backend] = one_process(backend, tmp_path_factory.mktemp(f"one-{backend}"))
    return _REFERENCES[backend]


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backends())
def test_two_workers_follow_the_one_process_loss_curve(backend, reference, tmp_path):
    runs = two_workers(backend, tmp_path, "pair")
    curves = []
    for process, out, log in runs:
        assert finish(process, log) == 0, log.read_text()[-3000:]
        curves.append(curve(out, log))
    assert "worker 0 of 2 (chief)" in runs[0][2].read_text()
    for got in curves:
        assert got["epochs"] == [0, 1, 2, 3]
        np.testing.assert_allclose(got["loss"], reference["loss"], rtol=TOLERANCE)
    assert reference["loss"][-1] < 0.2 * reference["loss"][0]  # it did learn


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backends())
def test_a_crashed_worker_resumes_from_its_backup(backend, reference, tmp_path):
    (chief, _, _), (crashing, _, crash_log) = two_workers(
        backend, tmp_path, "crash", backup=True, crash_after=2
    )
    assert finish(crashing, crash_log) == 17, crash_log.read_text()[-3000:]
    # The chief now waits for its peer in a collective (or fails): stop it as an operator would.
    with contextlib.suppress(subprocess.TimeoutExpired):
        chief.wait(10)
    if chief.poll() is None:
        chief.kill()
        chief.wait()
    for index in (0, 1):
        saved = json.loads((tmp_path / f"backup{index}" / "training_metadata.json").read_text())
        assert saved["epoch"] == 2, (index, saved)

    runs = two_workers(backend, tmp_path, "resumed", backup=True)
    for process, out, log in runs:
        assert finish(process, log) == 0, log.read_text()[-3000:]
        got = curve(out, log)
        assert got["epochs"] == [2, 3]  # resumed after the two saved epochs
        np.testing.assert_allclose(got["loss"], reference["loss"][2:], rtol=TOLERANCE)
    assert not (tmp_path / "backup0").exists()  # a finished run deletes its backup


def test_roles_from_tf_config_and_from_keras_variables():
    role = multi_worker.tf_config_role(
        '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}'
    )
    assert role.addresses == ("a:1", "b:2") and role.index == 1 and not role.is_chief
    role = multi_worker.jax_role(
        {
            "KERAS_DISTRIBUTION_JOB_ADDRESSES": "a:1",
            "KERAS_DISTRIBUTION_NUM_PROCESSES": "3",
            "KERAS_DISTRIBUTION_PROCESS_ID": "0",
        }
    )
    assert role.num_workers == 3 and role.is_chief


@pytest.mark.parametrize(
    ("tf_config", "match"),
    [
        ("not json", "must be JSON"),
        ('{"task": {}}', '"cluster" and "task"'),
        ('{"cluster": {"worker": "a:1"}, "task": {}}', '"worker" list'),
        ('{"cluster": {"worker": ["a:1"], "ps": ["b:2"]}, "task": {}}', "may hold only"),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "chief", "index": 0}}', '"task"'),
        ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 1}}', "below"),
    ],
)
def test_a_bad_tf_config_is_refused_with_what_is_wrong(tf_config, match):
    with pytest.raises(ValueError, match=match):
        multi_worker.tf_config_role(tf_config)


def test_bad_keras_variables_are_refused_by_name():
    good = {
        "KERAS_DISTRIBUTION_JOB_ADDRESSES": "a:1",
        "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
        "KERAS_DISTRIBUTION_PROCESS_ID": "1",
    }
    with pytest.raises(ValueError, match="KERAS_DISTRIBUTION_PROCESS_ID"):
        multi_worker.jax_role({k: v for k, v in good.items() if "PROCESS_ID" not in k})
    with pytest.raises(ValueError, match="must be integers"):
        multi_worker.jax_role({**good, "KERAS_DISTRIBUTION_NUM_PROCESSES": "two"})
    with pytest.raises(ValueError, match="one coordinator or all 2"):
        multi_worker.jax_role({**good, "KERAS_DISTRIBUTION_JOB_ADDRESSES": "a:1,b:2,c:3"})
    with pytest.raises(ValueError, match="below the number of workers"):
        multi_worker.jax_role({**good, "KERAS_DISTRIBUTION_PROCESS_ID": "2"})


def test_shard_for_fit_splits_every_global_batch_in_worker_order():
    x, y = np.arange(16.0).reshape(8, 2), np.arange(8.0)
    role = multi_worker.WorkerRole(("a:1", "b:2"), 1)
    plan = multi_worker.MultiWorkerPlan("jax", role)
    args = multi_worker.shard_for_fit(x, y, 4, plan)
    assert args["batch_size"] == 2 and args["shuffle"] is False
    np.testing.assert_array_equal(args["y"], [2.0, 3.0, 6.0, 7.0])  # second half of each batch
    with pytest.raises(ValueError, match="multiple of `global_batch`"):
        multi_worker.shard_for_fit(x, y, 3, None)
    with pytest.raises(ValueError, match="number of workers"):
        multi_worker.shard_for_fit(np.zeros((6, 2)), np.zeros(6), 3, plan)
    with pytest.raises(TypeError, match="plan"):
        multi_worker.shard_for_fit(x, y, 4, "jax")


def test_configure_refuses_a_process_outside_any_cluster(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    for name in multi_worker.JAX_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match=r"TF_CONFIG|KERAS_DISTRIBUTION"):
        multi_worker.configure_multi_worker(verbose=False)
