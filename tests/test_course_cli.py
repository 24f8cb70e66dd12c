"""course.py test: the whole suite on the default backend, then the parts that CI runs on the
other backends (course.OTHER_BACKEND_PARTS), with a table of results and minutes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (course.py at the repository root)


@pytest.fixture
def calls(monkeypatch):
    """subprocess.call recorded instead of run; every part 'passes' unless told otherwise."""
    recorded, results = [], {}

    def fake_call(command, cwd=None, env=None):
        recorded.append((command, env))
        return results.get((env or {}).get("KERAS_BACKEND"), 0)

    monkeypatch.setattr(course.subprocess, "call", fake_call)
    monkeypatch.setattr(course, "installed", lambda python, module: module != "missing")
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    return recorded, results


def test_arguments_go_to_pytest_on_the_current_backend(calls):
    recorded, _ = calls
    assert course.run_tests(Path("python"), ["-k", "datasets"]) == 0
    assert [c for c, _ in recorded] == [["python", "-m", "pytest", "-k", "datasets"]]
    assert recorded[0][1]["COURSE_QUICK"] == "1"


def test_no_arguments_run_every_backend_and_print_a_table(calls, capsys):
    recorded, _ = calls
    assert course.run_tests(Path("python"), []) == 0
    backends = [env.get("KERAS_BACKEND") for _, env in recorded]
    assert backends == [None, "torch", "jax"]
    workers = course.xdist_options()
    # the whole suite, pyproject's options, on the workers there are cores for
    assert recorded[0][0] == ["python", "-m", "pytest", *workers]
    for command, env in recorded[1:]:
        assert "--nbval" not in " ".join(command).split()  # addopts replaced: no notebooks
        assert env["JAX_ENABLE_X64"] == "1" and env["COURSE_QUICK"] == "1"
    torch, jax = recorded[1][0], recorded[2][0]
    assert "tests" in torch and "--ignore=tests/test_homework.py" not in torch
    assert all(" ".join(workers) in " ".join(c) for c, _ in recorded)
    assert "--ignore=tests/test_homework.py" in jax
    table = capsys.readouterr().out
    assert "tensorflow: the whole suite" in table and table.count("passed") == 3


def test_two_workers_where_there_are_two_cores_none_on_one():
    assert course.xdist_options(cpus=2) == ["-n", "2", "--dist", "loadscope"]
    assert course.xdist_options(cpus=16) == ["-n", "2", "--dist", "loadscope"]
    assert course.xdist_options(cpus=1) == []


def test_a_failed_part_fails_the_run_and_the_others_still_run(calls, capsys):
    recorded, results = calls
    results["jax"] = 1
    assert course.run_tests(Path("python"), []) == 1
    assert len(recorded) == 3
    assert "FAILED" in capsys.readouterr().out


def test_a_missing_backend_is_skipped_but_fails_under_ci(calls, monkeypatch, capsys):
    monkeypatch.setattr(course, "installed", lambda python, module: module != "jax")
    monkeypatch.delenv("CI", raising=False)
    assert course.run_tests(Path("python"), []) == 0
    assert "skipped" in capsys.readouterr().out
    monkeypatch.setenv("CI", "true")
    assert course.run_tests(Path("python"), []) == 1
    assert "MISSING" in capsys.readouterr().out


def test_the_default_backend_is_not_run_twice(calls, monkeypatch):
    recorded, _ = calls
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    course.run_tests(Path("python"), [])
    assert [env.get("KERAS_BACKEND") for _, env in recorded] == ["torch", "jax"]


def test_the_parts_name_paths_that_exist():
    for args in course.OTHER_BACKEND_PARTS.values():
        for arg in args:
            path = arg.removeprefix("--ignore=")
            if not arg.startswith("-") or arg.startswith("--ignore="):
                assert (ROOT / path).exists(), path
