"""Bad-input rows for course_lib.training.multi_worker."""

from __future__ import annotations

import numpy as np

from bad_input.table import Exempt, Row
from course_lib.training import multi_worker

TF_CONFIG = '{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}'
ROLE = multi_worker.WorkerRole(("a:1", "b:2"), 1)

ROWS = [
    Row(
        multi_worker.WorkerRole,
        kwargs={"addresses": ("a:1", "b:2"), "index": 1},
        params={"addresses": "string_list", "index": "non_negative_int"},
        bad={"addresses": [()], "index": [2]},  # no worker; an index past the last worker
    ),
    Row(
        multi_worker.tf_config_role,
        kwargs={"tf_config": TF_CONFIG},
        params={"tf_config": "string"},
    ),
    Row(
        multi_worker.shard_for_fit,
        kwargs={
            "x": np.zeros((8, 2)),
            "y": np.zeros(8),
            "global_batch": 4,
            "plan": multi_worker.MultiWorkerPlan("jax", ROLE),
        },
        params={"global_batch": "positive_int"},
        skip={
            "x": "any array; its length is checked with y's (test_multi_worker.py)",
            "y": "any array; its length is checked with x's (test_multi_worker.py)",
            "plan": "a MultiWorkerPlan or None; a wrong type is tested in test_multi_worker.py",
        },
        bad={"global_batch": [3]},  # 8 examples are not whole batches of 3
    ),
    Exempt(
        multi_worker.jax_role,
        "reads a mapping of environment variables; each bad variable is tested by name in "
        "test_multi_worker.py",
    ),
    Exempt(
        multi_worker.configure_multi_worker,
        "joins a cluster named by the environment; run for real by two worker processes in "
        "test_multi_worker.py",
    ),
    Exempt(multi_worker.MultiWorkerPlan, "a record made by configure_multi_worker"),
]
