"""A live view of a long training run: progress, time left, metrics and learning curves.

In a Jupyter notebook one line (epoch, batch, time elapsed and left, the current metrics) and a
figure of the learning curves update in place; elsewhere Keras's own ``Progbar`` prints the
progress as text. When training ends, the progress line is replaced by one summary with no times
in it, so that a notebook's stored output is the same on every run of the same training.
"""

from __future__ import annotations

import base64
import io
import math
import time
from collections.abc import Callable
from typing import Any

import keras

from course_lib import argument_validation as check

__all__ = ["LiveProgress", "in_notebook", "live_view"]

DISPLAYS = ("auto", "notebook", "text")


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where outputs can be updated in place)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _clock_time(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _metrics(logs: dict[str, Any] | None) -> str:
    return ", ".join(f"{k} {float(v):.4f}" for k, v in (logs or {}).items() if _is_number(v))


def _is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


class LiveProgress(keras.callbacks.Callback):
    """Show a training run while it runs; leave a stable summary when it ends.

    Use it with ``verbose=0``: ``model.fit(..., verbose=0, callbacks=[LiveProgress()])``.

    Args:
        display: ``"notebook"`` (update outputs in place, with learning curves), ``"text"``
            (Keras's ``Progbar``) or ``"auto"`` (the notebook view inside a Jupyter kernel).
        every: at most one update of the progress line per ``every`` seconds.
        curves: draw the learning curves (notebook view only).
        title: a label shown before the progress and the summary (it may be changed between
            runs: ``live.title = "seed 3"``).
        runs: how many ``fit`` calls this one view will watch (a loop over models): each run
            is counted ("run 2/5"), and in a notebook they share one line and one figure
            instead of adding two outputs a run. None: one run (or an unknown number).
        clock: the time source, in seconds (a test passes a fake one).

    Example:
        >>> import numpy as np
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> live = LiveProgress(display="text", every=60)
        >>> _ = model.fit(np.zeros((8, 2)), np.zeros(8), epochs=1, verbose=0, callbacks=[live])
        ... # doctest: +ELLIPSIS
        Epoch 1/1
        ...
        trained 1 epoch: loss 0.0000
        >>> live.summary
        'trained 1 epoch: loss 0.0000'
    """

    def __init__(
        self,
        *,
        display: str = "auto",
        every: float = 0.5,
        curves: bool = True,
        title: str | None = None,
        runs: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        display = check.one_of(display, "display", DISPLAYS)
        self.notebook = in_notebook() if display == "auto" else display == "notebook"
        self.every = check.positive_number(every, "every")
        self.curves = check.boolean(curves, "curves")
        self.title = check.optional(check.string, title, "title")
        self.runs = check.optional(check.positive_int, runs, "runs")
        self.run = 0  # fit calls watched so far
        if not callable(clock):
            raise TypeError(
                f"`clock` must be a function that returns seconds. Received: {clock!r}"
            )
        self.clock = clock
        self.summary = ""
        self.history: dict[str, list[float]] = {}
        self.updates = 0  # progress lines shown (throttled)

    # ------------------------------------------------------------------ training events
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.run += 1
        self.epochs = self.params.get("epochs", 1)
        self.steps = self.params.get("steps") or 0
        self.start = self.clock()
        self.last = -math.inf
        self.done_steps = 0
        self.epochs_done = 0
        self.epoch, self.epoch_batches = 0, 0
        self.first_epoch: int | None = None
        self.history = {}
        self.summary = ""
        self._bar = None
        if self.notebook and not hasattr(self, "_line"):  # later runs reuse the same outputs
            from IPython.display import DisplayHandle

            self._line = DisplayHandle()
            self._line.display({"text/plain": f"{self._prefix()}starting..."}, raw=True)
            self._figure = DisplayHandle()
            if self.curves:
                self._figure.display({"text/plain": ""}, raw=True)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch = epoch
        self.epoch_batches = 0
        if self.first_epoch is None:
            self.first_epoch = epoch  # later than 0 when BackupAndRestore resumed the run
        if not self.notebook:
            print(f"{self._prefix()}Epoch {epoch + 1}/{self.epochs}", flush=True)
            self._bar = keras.utils.Progbar(self.steps or None, verbose=1, interval=self.every)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.done_steps += 1
        self.epoch_batches = batch + 1
        if self._bar is not None:
            self._bar.update(batch + 1, values=self._values(logs))
            return
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self._show(self._line_text(batch + 1, logs, now))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epochs_done += 1
        for key, value in (logs or {}).items():
            if _is_number(value):
                self.history.setdefault(key, []).append(float(value))
        if self._bar is not None:
            self._bar.update(
                self.steps or self.epoch_batches, values=self._values(logs), finalize=True
            )
            self._bar = None
            return
        self._show(self._line_text(self.steps, logs, self.clock()))
        if self.curves:
            self._draw()

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        last = {k: v[-1] for k, v in self.history.items()}
        n = self.epochs_done
        trained = f"trained {n} epoch{'s' if n != 1 else ''}: {_metrics(last)}".rstrip(": ")
        self.summary = self._prefix(": ") + trained
        if self.notebook:
            self._line.update({"text/plain": self.summary}, raw=True)
        else:
            print(self.summary, flush=True)

    def stopped(self, error: BaseException) -> None:
        """Say where training stopped when it raised (Keras calls no callback then):
        ``course_lib.training.fit`` calls this before it re-raises. The summary names the
        error and how far the run got; the learning curves stay as they were."""
        if not hasattr(self, "start"):
            return  # training had not begun
        n, b = self.epochs_done, self.epoch_batches
        if self.first_epoch is None:  # it raised before the first epoch began
            self.summary = (
                f"{self._prefix(': ')}stopped by {type(error).__name__} before the first epoch"
            )
        else:
            self.summary = self._prefix(": ") + (
                f"stopped by {type(error).__name__} in epoch {self.epoch + 1}/{self.epochs} "
                f"after {b} of {self.steps or '?'} batch{'es' if (self.steps or b) != 1 else ''} "
                f"({n} complete epoch{'s' if n != 1 else ''})"
            )
        if self.notebook:
            self._line.update({"text/plain": self.summary}, raw=True)
        else:
            print(f"\n{self.summary}", flush=True)

    # ------------------------------------------------------------------ helpers
    def _prefix(self, end: str = " · ") -> str:
        parts = []
        if self.runs is not None:
            parts.append(f"run {self.run}/{self.runs}")
        if self.title:
            parts.append(self.title)
        return " ".join(parts) + end if parts else ""

    def _values(self, logs: dict[str, Any] | None) -> list[tuple[str, float]]:
        return [(k, float(v)) for k, v in (logs or {}).items() if _is_number(v)]

    def _line_text(self, batch: int, logs: dict[str, Any] | None, now: float) -> str:
        elapsed = now - self.start
        total = self.steps * (self.epochs - (self.first_epoch or 0))
        left = ""
        if self.done_steps and total:
            left = f", ~{_clock_time(elapsed / self.done_steps * (total - self.done_steps))} left"
        return self._prefix() + (
            f"epoch {self.epoch + 1}/{self.epochs} · batch {batch}/{self.steps} · "
            f"{_clock_time(elapsed)} elapsed{left} · {_metrics(logs)}"
        )

    def _show(self, text: str) -> None:
        self.updates += 1
        self._line.update({"text/plain": text}, raw=True)

    def _draw(self) -> None:
        import matplotlib.pyplot as plt

        names = [k for k in self.history if not k.startswith("val_")]
        fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.4), squeeze=False)
        for ax, name in zip(axes[0], names, strict=True):
            epochs = range(1, len(self.history[name]) + 1)
            ax.plot(epochs, self.history[name], label="train")
            if f"val_{name}" in self.history:
                ax.plot(epochs, self.history[f"val_{name}"], label="validation")
                ax.legend(fontsize=7)
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("epoch", fontsize=8)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        plt.close(fig)  # not also shown inline by the notebook backend
        self._figure.update(
            {
                "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                "text/plain": "<learning curves>",
            },
            raw=True,
        )


def live_view(
    title: str | None = None, *, runs: int | None = None, curves: bool = True
) -> list[keras.callbacks.Callback]:
    """The callbacks for a notebook's long training cell: a ``LiveProgress`` in full mode, none
    in quick mode (a quick run is short, and its stored outputs stay as they were).

    Pass the list to ``fit`` with ``verbose=0``; in a loop, make it once and pass the same list
    to every ``fit`` (``runs`` counts them). ``curves=False`` for many short runs, where the
    count matters and a curve of one or two epochs says nothing.

    Example:
        >>> from unittest import mock
        >>> with mock.patch.dict("os.environ", {"COURSE_QUICK": "1"}):
        ...     live_view("member 1")
        []
        >>> with mock.patch.dict("os.environ", {"COURSE_QUICK": "0"}):
        ...     [type(c).__name__ for c in live_view("member 1")]
        ['LiveProgress']
    """
    from course_lib.run_mode import is_quick

    title = check.optional(check.string, title, "title")  # checked in quick mode too
    runs = check.optional(check.positive_int, runs, "runs")
    curves = check.boolean(curves, "curves")
    if is_quick():
        return []
    return [LiveProgress(title=title, runs=runs, curves=curves)]
