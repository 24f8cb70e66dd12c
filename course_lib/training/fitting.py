"""Compile with the plan's XLA setting, and fit through the input pipeline, resumably."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check
from course_lib.callbacks.live_progress import LiveProgress, in_notebook
from course_lib.run_mode import is_quick
from course_lib.training.pipeline import check_arrays, make_dataset
from course_lib.training.plan import Plan, accelerator

__all__ = ["compile_model", "fit"]


def _model(model: Any) -> keras.Model:
    return check.instance(model, "model", keras.Model, "a keras.Model")


# Used here only: a Keras object, or a name that keras.<kind>.get knows.
def _keras_object(
    value: Any, name: str, kind: type, get: Any, what: str, *, functions: bool = False
) -> Any:
    """A ``kind`` instance (or, with ``functions``, a function), or a name that ``get``
    (``keras.optimizers.get``, ``keras.losses.get``) knows: a typo fails here, by name."""
    if isinstance(value, kind):
        return value
    if functions and callable(value) and not isinstance(value, type):
        return value
    known = isinstance(value, str) and bool(value)
    if known:
        try:
            get(value)
        except (ValueError, TypeError):
            known = False
    if not known:
        raise ValueError(f"`{name}` must be {what}. Received: {name}={value!r}")
    return value


def compile_model(
    model: keras.Model,
    *,
    optimizer: str | keras.optimizers.Optimizer = "adam",
    loss: str | keras.losses.Loss = "sparse_categorical_crossentropy",
    metrics: Sequence[str] = ("accuracy",),
    plan: Plan | None = None,
) -> keras.Model:
    """``model.compile`` with the plan's ``jit_compile``; returns the model.

    Args:
        model: the model to compile.
        optimizer: a Keras optimizer or its name (``"adam"``).
        loss: a Keras loss (an object or a function) or its name.
        metrics: a list of metric names, e.g. ``["accuracy"]`` (a bare string is refused: it
            would be read letter by letter).
        plan: the training plan; None makes one with ``accelerator()``.

    Example:
        >>> model = compile_model(keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]))
        >>> model.compiled
        True
    """
    model = _model(model)
    optimizer = _keras_object(
        optimizer,
        "optimizer",
        keras.optimizers.Optimizer,
        keras.optimizers.get,
        "a Keras optimizer or its name, e.g. keras.optimizers.Adam(1e-3) or 'adam'",
    )
    loss = _keras_object(
        loss,
        "loss",
        keras.losses.Loss,
        keras.losses.get,
        "a Keras loss or its name, e.g. 'sparse_categorical_crossentropy'",
        functions=True,
    )
    metrics = check.string_list(metrics, "metrics")
    plan = check.optional(check.instance, plan, "plan", types=Plan, what="a `Plan` or None")
    plan = plan or accelerator()
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics, jit_compile=plan.jit_compile)
    return model


# Used here only: fit's (x_val, y_val) pair.
def _validation_pair(value: Any) -> tuple[np.ndarray, np.ndarray] | None:
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        what = f"of length {len(value)}" if isinstance(value, (tuple, list)) else "of type"
        detail = len(value) if isinstance(value, (tuple, list)) else type(value).__name__
        raise ValueError(
            "`validation_data` must be a pair (x_val, y_val) or None. "
            f"Received: validation_data {what} {detail}"
        )
    return check_arrays(*value, names=("validation_data[0]", "validation_data[1]"))


def _verbose(value: Any) -> int | str:
    """What ``model.fit`` accepts: 0, 1, 2 or ``"auto"``."""
    if check.is_int(value):
        return check.integer(value, "verbose", minimum=0, maximum=2)
    return check.one_of(value, "verbose", ("auto", 0, 1, 2))


def fit(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    validation_data: tuple[Any, Any] | None = None,
    epochs: int,
    batch_size: int = 128,
    backup_dir: str | os.PathLike | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    seed: int | None = 0,
    verbose: int | str = 0,
    progress: bool | str = "auto",
) -> keras.callbacks.History:
    """Train a compiled model through ``make_dataset``, resumable with ``BackupAndRestore``.

    Args:
        model: a compiled ``keras.Model`` (see ``compile_model``).
        x, y: training arrays.
        validation_data: ``(x_val, y_val)`` or None.
        epochs: total number of epochs; a resumed run trains only the ones still missing.
        batch_size: the global batch size.
        backup_dir: a folder for ``keras.callbacks.BackupAndRestore``: if a run is interrupted,
            running the same call again resumes at the last finished epoch. The folder is
            deleted when training ends normally. None: no backup.
        callbacks: further Keras callbacks.
        seed: seed of the shuffling.
        verbose: passed to ``model.fit``: 0, 1, 2 or ``"auto"``.
        progress: a live view (``course_lib.callbacks.LiveProgress``): True, False, or
            ``"auto"``: in full mode inside a notebook (a quick run is short, and its stored
            outputs stay as they were). Needs ``verbose=0``.

    Returns:
        The ``History`` of this call (a resumed run holds only the epochs it trained).

    Example:
        >>> model = compile_model(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
        >>> history = fit(model, np.ones((8, 3)), np.zeros(8), epochs=2, batch_size=4)
        >>> history.epoch
        [0, 1]
    """
    model = _model(model)
    if not getattr(model, "compiled", False):
        raise ValueError("`model` must be compiled before fit (see compile_model).")
    x, y = check_arrays(x, y)
    if y is None:
        raise ValueError("`y` must be an array of targets, one per example. Received: y=None")
    validation_data = _validation_pair(validation_data)
    epochs = check.positive_int(epochs, "epochs")
    batch_size = check.positive_int(batch_size, "batch_size")
    backup_dir = check.optional(check.path, backup_dir, "backup_dir")
    check.instance(callbacks, "callbacks", (list, tuple), "a list of Keras callbacks")
    for i, callback in enumerate(callbacks):
        check.instance(callback, f"callbacks[{i}]", keras.callbacks.Callback, "a Keras callback")
    seed = check.seed(seed)
    verbose = _verbose(verbose)
    if not (isinstance(progress, bool) or progress == "auto"):
        raise ValueError(
            f"`progress` must be True, False or 'auto'. Received: progress={progress!r}"
        )
    if progress == "auto":
        progress = in_notebook() and not is_quick()
    if progress and verbose != 0:
        raise ValueError("`progress` needs verbose=0 (Keras's own progress bar would show too).")

    train = make_dataset(x, y, batch_size=batch_size, shuffle=True, seed=seed)
    val = None
    if validation_data is not None:
        val = make_dataset(*validation_data, batch_size=batch_size, shuffle=False)
    all_callbacks = list(callbacks)
    live = LiveProgress() if progress else None
    if live is not None:
        all_callbacks.append(live)
    if backup_dir is not None:
        if not model.built:
            model.build((None, *np.shape(x)[1:]))
        # First in the list, so the weights and the epoch are restored before anything else.
        all_callbacks.insert(0, keras.callbacks.BackupAndRestore(backup_dir))
    try:
        return model.fit(
            train,
            validation_data=val,
            epochs=epochs,
            callbacks=all_callbacks,
            verbose=verbose,
            shuffle=False,  # the pipeline shuffles already, every epoch
        )
    except BaseException as error:  # KeyboardInterrupt too: the live view says where it stopped
        if live is not None:
            live.stopped(error)
        raise
