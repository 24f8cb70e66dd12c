"""Bad-input rows for course_lib.maxout."""

from __future__ import annotations

from bad_input.table import Row
from course_lib import maxout

ROWS = [
    Row(
        maxout.Maxout,
        kwargs={"units": 3, "pieces": 2, "kernel_initializer": "glorot_uniform", "use_bias": True},
        params={"units": "positive_int", "pieces": "positive_int", "use_bias": "bool"},
        bad={"pieces": [1]},
        skip={"kernel_initializer": "any Keras initializer; a bad name: tests/test_maxout.py"},
    ),
    Row(
        maxout.maxout_param_count,
        kwargs={"inputs": 4, "units": 3, "pieces": 2},
        params={"inputs": "positive_int", "units": "positive_int", "pieces": "positive_int"},
    ),
]
