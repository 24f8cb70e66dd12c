"""Every public callable of course_lib refuses bad arguments with an error that names them.

The rows live in ``tests/bad_input/rows_*.py``; the list of public callables is read from the
``__all__`` of every public module, so a new function without a row fails
``test_every_public_callable_has_a_row``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from bad_input import table
from bad_input.table import BAD, NUMPY_TWIN, Exempt, Row

import course_lib

# The checks themselves are tested in test_argument_validation.py.
NOT_IN_TABLE = ("course_lib.argument_validation",)


def _public_modules():
    yield course_lib
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or info.name.startswith(NOT_IN_TABLE):
            continue
        yield importlib.import_module(info.name)


def public_callables() -> dict[int, tuple[str, object]]:
    found: dict[int, tuple[str, object]] = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not callable(obj):
                continue  # constants
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue  # error classes
            found.setdefault(id(obj), (f"{module.__name__}.{name}", obj))
    return found


def _load_rows() -> list[Row | Exempt]:
    import bad_input

    rows: list[Row | Exempt] = []
    for info in pkgutil.iter_modules(bad_input.__path__):
        if info.name.startswith("rows_"):
            rows.extend(importlib.import_module(f"bad_input.{info.name}").ROWS)
    return rows


ROWS = _load_rows()
TABLE = [r for r in ROWS if isinstance(r, Row)]


def _signature_params(func) -> list[str]:
    target = func.__init__ if inspect.isclass(func) else func
    sig = inspect.signature(target)
    names = [
        p.name
        for p in sig.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in ("self", "cls")
    ]
    return names


def test_every_public_callable_has_a_row():
    covered = {id(r.func) for r in ROWS}
    missing = sorted(name for key, (name, _) in public_callables().items() if key not in covered)
    assert not missing, f"public callables without a row in tests/bad_input/: {missing}"


def test_no_row_twice():
    seen: dict[int, str] = {}
    for row in ROWS:
        assert id(row.func) not in seen, f"two rows for {row.func!r}"
        seen[id(row.func)] = repr(row.func)


@pytest.mark.parametrize("row", TABLE, ids=[r.id for r in TABLE])
def test_row_names_every_parameter(row):
    """Each parameter is either checked (a kind) or skipped with a reason."""
    names = _signature_params(row.func)
    unaccounted = [n for n in names if n not in row.params and n not in row.skip]
    assert not unaccounted, f"{row.id}: parameters with no kind and no skip reason: {unaccounted}"
    unknown = [n for n in [*row.params, *row.skip] if n not in names]
    assert not unknown, f"{row.id}: not parameters of the signature: {unknown}"
    assert all(isinstance(r, str) and r for r in row.skip.values())


def _call(row: Row, **override):
    kwargs = {**row.kwargs, **override}
    if row.prepare is not None:
        kwargs = row.prepare(kwargs)
    return row.func(*row.args, **kwargs)


def _bad_cases():
    for row in TABLE:
        for param, kind in row.params.items():
            values = [*BAD[kind], *row.bad.get(param, ())]
            for i, value in enumerate(values):
                yield pytest.param(
                    row, param, value, id=f"{row.id}-{param}-{i}-{table.describe(value)}"
                )


def _twin_cases():
    for row in TABLE:
        for param, kind in row.params.items():
            if kind in NUMPY_TWIN and param in row.kwargs and row.kwargs[param] is not None:
                yield pytest.param(row, param, kind, id=f"{row.id}-{param}")


@pytest.mark.parametrize("row", TABLE, ids=[r.id for r in TABLE])
def test_good_call_works(row):
    _call(row)


@pytest.mark.parametrize(("row", "param", "value"), list(_bad_cases()))
def test_bad_value_is_refused_by_name(row, param, value):
    with pytest.raises((ValueError, TypeError)) as caught:
        _call(row, **{param: value})
    message = str(caught.value)
    assert re.search(rf"\b{re.escape(param)}\b", message), (
        f"{row.id}({param}={table.describe(value)}) raised an error that does not name "
        f"`{param}`: {type(caught.value).__name__}: {message}"
    )


@pytest.mark.parametrize(("row", "param", "kind"), list(_twin_cases()))
def test_numpy_scalar_is_accepted(row, param, kind):
    _call(row, **{param: NUMPY_TWIN[kind](row.kwargs[param])})
