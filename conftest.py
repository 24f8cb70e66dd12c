"""Loaded by pytest for every path in the repository, notebooks included.

Quick mode is the default for any test run, so that ``pytest notebooks/15_lenet.ipynb`` on its
own checks the stored quick-mode outputs, as the whole suite does. (Set ``COURSE_QUICK=0`` to run
the notebooks in full mode under pytest.) The notebook kernels inherit this environment.
"""

import os

os.environ.setdefault("COURSE_QUICK", "1")


import pytest


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    """The names every docstring example may use without importing them: ``np`` and ``keras``
    (the way the module itself has them)."""
    import keras
    import numpy as np

    doctest_namespace["np"] = np
    doctest_namespace["keras"] = keras
