"""Bad-input rows for course_lib.datasets, course_lib.run_mode and course_lib.toy_data."""

from __future__ import annotations

from bad_input.table import Row
from course_lib import datasets, run_mode, toy_data

_ANY = "any value: it is returned as it is, never inspected"

ROWS = [
    # datasets: the good calls read scikit-learn's digits, which is always on disk.
    Row(
        datasets.load,
        kwargs={
            "name": "digits",
            "normalize": False,
            "n_train": 5,
            "n_test": 5,
            "channels": False,
            "seed": 0,
            "download": False,
        },
        params={
            "name": "choice",
            "normalize": "bool",
            "n_train": "optional_positive_int",
            "n_test": "optional_non_negative_int",
            "channels": "bool",
            "seed": "seed_required",
            "download": "bool",
        },
        bad={"n_train": [1348], "n_test": [451]},  # larger than the digits splits
    ),
    Row(
        datasets.load_first,
        kwargs={"names": ["digits"]},
        params={"names": "string_list"},
        bad={"names": [[], ["imagenet"], ["digits", "digits"], ("digits", 3)]},
    ),
    Row(datasets.available),
    Row(
        datasets.locate,
        kwargs={"name": "digits", "test": True},
        params={"name": "choice", "test": "bool"},
    ),
    Row(datasets.class_names, kwargs={"name": "cifar10"}, params={"name": "choice"}),
    Row(datasets.data_home),
    # run_mode
    Row(
        run_mode.epochs,
        kwargs={"full": 3, "quick": 1},
        params={"full": "positive_int", "quick": "positive_int"},
    ),
    Row(
        run_mode.subset_size,
        kwargs={"full": 100, "quick": 10},
        params={"full": "optional_positive_int", "quick": "positive_int"},
    ),
    Row(run_mode.pick, kwargs={"quick": 1, "full": 2}, skip={"quick": _ANY, "full": _ANY}),
    Row(run_mode.is_quick),
    Row(run_mode.mode),
    # toy_data
    Row(
        toy_data.spiral,
        kwargs={"n_per_class": 5, "n_classes": 2, "noise": 0.1, "turns": 1.0, "seed": 0},
        params={
            "n_per_class": "positive_int",
            "n_classes": "positive_int",
            "noise": "non_negative_number",
            "turns": "positive_number",
            "seed": "seed",
        },
        bad={"n_classes": [1]},  # two arms at least
    ),
]
