"""Shared test set-up: quick mode, a headless matplotlib, the network marker, fixed seeds."""

from __future__ import annotations

import socket

import matplotlib
import pytest

# Headless plots for the unit tests only. (Not through MPLBACKEND: the notebook kernels inherit
# the environment, and they must use Jupyter's inline backend as a student's would.)
matplotlib.use("Agg")

# Quick mode is set for every test run (notebooks included) in the repository's root conftest.py.
# TensorFlow's logging is deliberately left alone: the notebooks must stay quiet the way a student
# runs them, through course_lib.setup(), and nbval fails on any stray stderr line.


def _online(host: str = "storage.googleapis.com", port: int = 443, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    if not any(item.get_closest_marker("network") for item in items):
        return
    if _online():
        return
    skip = pytest.mark.skip(
        reason="needs the internet (dataset download); this machine is offline"
    )
    for item in items:
        if item.get_closest_marker("network"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same seeds, so failures reproduce."""
    import keras

    keras.utils.set_random_seed(0)
    yield
