"""The vocabulary of the bad-input table: kinds of argument, their bad values, and rows.

A row names a public callable, a call that works (``args``/``kwargs``), and for every parameter
of its signature either a *kind* (``params``) or the reason it is not checked (``skip``). The
test replaces one argument at a time with each bad value of its kind and expects a
``ValueError`` or ``TypeError`` whose message names the argument; for integer and number kinds
it also passes the good value as a NumPy scalar, which must be accepted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

NAN, INF = float("nan"), float("inf")

#: Bad values every argument of a kind must refuse.
BAD: dict[str, list[Any]] = {
    # integers
    "positive_int": [0, -1, 2.5, True, "3", None, NAN],
    "non_negative_int": [-1, 2.5, True, "3", None, NAN],
    "int": [2.5, True, "3", None, NAN, INF],
    "seed": [-1, 2.5, True, "a", NAN],  # None is a good seed
    "seed_required": [-1, 2.5, True, "a", NAN, None],
    # real numbers
    "number": [True, "1", None, NAN, INF, -INF],
    "positive_number": [0, -1.0, True, "1", None, NAN, INF],
    "non_negative_number": [-1e-3, True, "1", None, NAN, INF],
    "fraction": [-0.1, 1.0, 1.5, True, "0.5", None, NAN, INF],  # [0, 1)
    "probability": [-0.1, 1.5, True, "0.5", None, NAN, INF],  # [0, 1]
    # flags, strings, choices
    "bool": ["no", "True", 1, 0, None],
    "string": [3, None, b"bytes", ["a"]],
    "choice": ["no-such-choice", 3, None, True],
    "path": ["", 3, None],
    "string_list": ["accuracy", 3, None, [3], [""]],
    # arrays (shape-specific bad values go in a row's ``bad``)
    "array": ["abc", [], np.zeros((0,)), None],
    # objects (a row adds its own bad values if it needs more)
    "object": [None, "x", 3],
}

#: Turns a good value into its NumPy twin, which must be accepted as well.
NUMPY_TWIN: dict[str, Callable[[Any], Any]] = {
    "positive_int": np.int64,
    "non_negative_int": np.int64,
    "int": np.int64,
    "seed": np.int64,
    "seed_required": np.int64,
    "number": np.float64,
    "positive_number": np.float64,
    "non_negative_number": np.float64,
    "fraction": np.float32,
    "probability": np.float32,
    "bool": np.bool_,
}


# "optional_<kind>": the same bad values but None, which such a parameter accepts.
for _kind in [k for k, values in BAD.items() if any(v is None for v in values)]:
    BAD[f"optional_{_kind}"] = [v for v in BAD[_kind] if v is not None]
    if _kind in NUMPY_TWIN:
        NUMPY_TWIN[f"optional_{_kind}"] = NUMPY_TWIN[_kind]


@dataclasses.dataclass
class Row:
    """One public callable in the table.

    Args:
        func: the callable (a function or a class, whose constructor is called).
        kwargs: a call that succeeds, by keyword (the arguments the test varies must be here).
        params: ``{parameter: kind}`` for the parameters that are checked; ``kind`` is a key
            of ``BAD``.
        skip: ``{parameter: reason}`` for parameters that take anything (a name, a free-form
            object) or that are covered elsewhere; the reason is required.
        bad: ``{parameter: [values]}``: bad values of this row on top of those of the kind
            (a wrong shape, a value out of this function's range).
        args: positional arguments placed before ``kwargs`` (for positional-only parameters).
        prepare: ``prepare(kwargs) -> kwargs``: fresh objects for each call (a new model).
    """

    func: Callable[..., Any]
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    skip: Mapping[str, str] = dataclasses.field(default_factory=dict)
    bad: Mapping[str, Sequence[Any]] = dataclasses.field(default_factory=dict)
    args: Sequence[Any] = ()
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = f"{self.func.__module__}.{self.func.__qualname__}"
        for param, kind in self.params.items():
            if kind not in BAD:
                raise ValueError(f"{self.id}: unknown kind {kind!r} for {param!r}")


@dataclasses.dataclass
class Exempt:
    """A public callable that takes no arguments from a user (a record the library builds, a
    nbgrader plug-in class), with the reason."""

    func: Callable[..., Any]
    reason: str


def describe(value: Any) -> str:
    """A short, stable id for a bad value in a test name."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, np.ndarray):
        return f"array{value.shape}"
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."
