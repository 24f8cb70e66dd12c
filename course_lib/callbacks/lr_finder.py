"""`LearningRateFinder`: the learning-rate range test, and `find_learning_rate()` to run it."""

from __future__ import annotations

import math
import warnings
from typing import Any

import keras
import numpy as np

from course_lib import argument_validation as check

_METHODS = ("steepest", "min_loss")


class LearningRateFinder(keras.callbacks.Callback):
    """The learning-rate range test (Smith, 2017): sweep the learning rate, watch the loss.

    During a short `fit()` the learning rate of batch `k` (counting from 0) is

        lr_k = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))

    so it grows geometrically from `min_lr` (first batch) to `max_lr` (batch
    `num_steps - 1`). After each batch the callback records the learning rate in `lrs`, the
    batch's loss in `raw_losses` and the bias-corrected exponentially smoothed loss in
    `losses`:

        avg_k = smoothing * avg_(k-1) + (1 - smoothing) * loss_k,  avg_(-1) = 0
        losses[k] = avg_k / (1 - smoothing ** (k + 1))

    Training stops (`model.stop_training = True`) after `num_steps` batches, or earlier once
    the smoothed loss exceeds `stop_factor` times the best smoothed loss so far or the loss
    becomes NaN/inf (`diverged` is then True; a non-finite loss is not recorded).

    At the end of training the model is put back exactly as it was: its weights, the
    optimizer's variables (iteration count, momenta, ...) and the learning rate are restored
    to their values at the start of `fit()`. The finder only measures; pick a learning rate
    with `suggestion()` (or by looking at a plot of `losses` against `lrs` on a log axis),
    then compile/train as usual.

    Details:

    - The optimizer needs a plain (float) learning rate; a model compiled with a
      `keras.optimizers.schedules.LearningRateSchedule` (or a callable) raises `ValueError`
      when `fit()` starts.
    - Keras 3 reports the *running mean* of the loss over the epoch in the batch logs. To
      record each batch's own loss the finder resets the model's metrics before every batch,
      so the epoch-level numbers in the `History` of this `fit()` cover only the last batch.
    - The loss is assumed to be positive (as all the usual losses are).
    - `lrs` holds the exact Python floats of the formula above; the optimizer stores each in
      its own dtype (usually float32).
    - With `steps_per_execution > 1` Keras calls batch callbacks once per execution, so the
      learning rate changes only every `steps_per_execution` batches.

    Args:
        min_lr: Learning rate of the first batch (> 0).
        max_lr: Learning rate of batch `num_steps - 1` (> `min_lr`).
        num_steps: Number of batches in the sweep (an integer >= 2).
        stop_factor: Stop once the smoothed loss exceeds `stop_factor` times the best one
            (> 1).
        smoothing: Smoothing factor of the exponential moving average of the loss,
            0 <= smoothing < 1 (0 = no smoothing).

    Example:

    ```python
    from course_lib.callbacks import LearningRateFinder

    model.compile(optimizer=keras.optimizers.SGD(), loss="sparse_categorical_crossentropy")
    check.instance(model, "model", keras.Model, "a keras.Model")
    finder = LearningRateFinder(min_lr=1e-5, max_lr=1.0, num_steps=100)
    model.fit(x_train, y_train, batch_size=64, epochs=5, callbacks=[finder], verbose=0)
    plt.semilogx(finder.lrs, finder.losses)
    lr = finder.suggestion()
    model.optimizer.learning_rate = lr  # the weights are still the initial ones
    ```
    """

    def __init__(
        self,
        min_lr: float = 1e-6,
        max_lr: float = 1.0,
        num_steps: int = 100,
        stop_factor: float = 4.0,
        smoothing: float = 0.98,
    ) -> None:
        super().__init__()
        self.min_lr = check.positive_number(min_lr, "min_lr")
        self.max_lr = check.number(max_lr, "max_lr", minimum=self.min_lr, min_open=True)
        self.num_steps = check.integer(num_steps, "num_steps", minimum=2)
        self.stop_factor = check.number(stop_factor, "stop_factor", minimum=1, min_open=True)
        self.smoothing = check.fraction(smoothing, "smoothing")
        self._reset()

    def _reset(self) -> None:
        self.lrs: list[float] = []
        self.losses: list[float] = []
        self.raw_losses: list[float] = []
        self.best_loss: float | None = None
        self.diverged = False
        self._step = 0
        self._avg = 0.0
        self._lr = self.min_lr
        self._initial_lr: float | None = None
        self._initial_weights: list[np.ndarray] | None = None
        self._initial_optimizer_variables: list[np.ndarray] | None = None

    def learning_rate_at(self, step: int) -> float:
        """The learning rate the sweep uses for batch `step` (counting from 0)."""
        return self.min_lr * (self.max_lr / self.min_lr) ** (step / (self.num_steps - 1))

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._reset()
        model = self.model
        optimizer = getattr(model, "optimizer", None)
        if optimizer is None:
            raise ValueError("LearningRateFinder needs a compiled model (with an optimizer).")
        _check_settable_learning_rate(optimizer)
        if not optimizer.built:
            # Create the slot variables (momenta, ...) now, as the first train step would,
            # so that their initial values are part of the snapshot restored at the end.
            optimizer.build(model.trainable_variables)
        self._initial_lr = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        self._initial_weights = [np.array(w, copy=True) for w in model.get_weights()]
        self._initial_optimizer_variables = [
            np.array(keras.ops.convert_to_numpy(v), copy=True) for v in optimizer.variables
        ]

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        model = self.model  # with JAX, reading `self.model` syncs the training state
        self._lr = self.learning_rate_at(self._step)
        model.optimizer.learning_rate = self._lr
        # Keras logs the running mean of the loss over the epoch; resetting the metrics
        # makes `logs["loss"]` at the end of this batch the loss of this batch alone.
        model.reset_metrics()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        if "loss" not in logs:
            warnings.warn(
                "LearningRateFinder needs the training loss, but `loss` is not in the batch "
                f"logs. Available keys are: {list(logs)}. Stopping the sweep.",
                stacklevel=2,
            )
            self.model.stop_training = True
            return
        loss = float(keras.ops.convert_to_numpy(logs["loss"]))
        step = self._step
        self._step += 1
        if not math.isfinite(loss):
            self.diverged = True
            self.model.stop_training = True
            return
        self._avg = self.smoothing * self._avg + (1.0 - self.smoothing) * loss
        smoothed = self._avg / (1.0 - self.smoothing ** (step + 1))
        self.lrs.append(self._lr)
        self.raw_losses.append(loss)
        self.losses.append(smoothed)
        if self.best_loss is None or smoothed < self.best_loss:
            self.best_loss = smoothed
        elif smoothed > self.stop_factor * self.best_loss:
            self.diverged = True
            self.model.stop_training = True
        if self._step >= self.num_steps:
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._initial_weights is None:
            return
        model = self.model
        optimizer = model.optimizer
        model.set_weights(self._initial_weights)
        variables = list(optimizer.variables)
        if len(variables) == len(self._initial_optimizer_variables):
            for variable, value in zip(variables, self._initial_optimizer_variables, strict=True):
                variable.assign(value)
        else:
            warnings.warn(
                "The optimizer's variables changed during the learning-rate sweep, so only the "
                "model weights and the learning rate were restored, not the optimizer state.",
                stacklevel=2,
            )
        optimizer.learning_rate = self._initial_lr
        self._initial_weights = None
        self._initial_optimizer_variables = None

    def suggestion(self, method: str = "steepest") -> float:
        """A learning rate read off the sweep.

        Args:
            method: `"steepest"` (default): the learning rate where the smoothed loss falls
                fastest, i.e. the most negative slope of `losses` against `log(lrs)`,
                looked for up to the point of lowest loss. If the loss never went down
                (lowest loss within the first 3 steps) it falls back to `"min_loss"`.
                `"min_loss"`: the learning rate of the lowest smoothed loss divided by 10 (a
                common rule of thumb), but not below `min_lr`.

        Returns:
            A learning rate within `[min_lr, max_lr]`.

        Raises:
            ValueError: for an unknown `method`.
            RuntimeError: if fewer than 3 steps were recorded (run `fit()` first).
        """
        check.one_of(method, "method", _METHODS)
        if len(self.losses) < 3:
            raise RuntimeError(
                f"Only {len(self.losses)} step(s) recorded; the learning-rate finder needs at "
                "least 3. Run `model.fit(..., callbacks=[finder])` first."
            )
        lrs = np.asarray(self.lrs, dtype=np.float64)
        losses = np.asarray(self.losses, dtype=np.float64)
        i_min = int(np.argmin(losses))
        if method == "steepest" and i_min >= 2:
            slopes = np.gradient(losses[: i_min + 1], np.log(lrs[: i_min + 1]))
            return float(lrs[int(np.argmin(slopes))])
        return max(float(lrs[i_min]) / 10.0, self.min_lr)


def find_learning_rate(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    batch_size: int = 32,
    min_lr: float = 1e-6,
    max_lr: float = 1.0,
    num_steps: int = 100,
    stop_factor: float = 4.0,
    smoothing: float = 0.98,
    **fit_kwargs: Any,
) -> LearningRateFinder:
    """Run the learning-rate range test on a compiled model and return the finder.

    Calls `model.fit()` with a `LearningRateFinder` and just enough epochs to cover
    `num_steps` batches; the model's weights, optimizer state and learning rate are the
    same afterwards as before.

    Args:
        model: A compiled model with a float learning rate.
        x: Training inputs (arrays or tensors, or a dataset / `PyDataset` yielding batches,
            in which case `batch_size` is not used and `y` must be None).
        y: Training targets, for array inputs.
        batch_size: Batch size for array inputs.
        min_lr, max_lr, num_steps, stop_factor, smoothing: See `LearningRateFinder`.
        **fit_kwargs: Passed on to `model.fit()` (e.g. `shuffle`, `sample_weight`,
            `callbacks`). `verbose` defaults to 0. `epochs` is chosen here and may not be
            given.

    Returns:
        The `LearningRateFinder`, holding `lrs`, `losses` and `suggestion()`.

    Example:

    ```python
    from course_lib.callbacks import find_learning_rate

    finder = find_learning_rate(model, x_train, y_train, batch_size=64, max_lr=10.0)
    print(finder.suggestion())
    ```

    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    >>> x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    >>> finder = find_learning_rate(model, x, x[:, :1], batch_size=8, max_lr=0.1, num_steps=10)
    >>> len(finder.lrs), finder.lrs[0], round(finder.lrs[-1], 9)
    (10, 1e-06, 0.1)
    """
    check.instance(model, "model", keras.Model, "a keras.Model")
    finder = LearningRateFinder(
        min_lr=min_lr,
        max_lr=max_lr,
        num_steps=num_steps,
        stop_factor=stop_factor,
        smoothing=smoothing,
    )
    batch_size = check.positive_int(batch_size, "batch_size")
    for name in ("epochs", "initial_epoch"):
        if name in fit_kwargs:
            raise ValueError(
                f"`{name}` is set by find_learning_rate and cannot be passed. "
                f"Received: {name}={fit_kwargs[name]!r}"
            )
    callbacks = list(fit_kwargs.pop("callbacks", None) or [])
    fit_kwargs.setdefault("verbose", 0)

    steps_per_epoch = check.optional(
        check.positive_int, fit_kwargs.get("steps_per_epoch"), "steps_per_epoch"
    )
    n_examples = _num_examples(x)
    if n_examples is not None:
        fit_kwargs["batch_size"] = batch_size
        if steps_per_epoch is None:
            split = check.fraction(fit_kwargs.get("validation_split") or 0.0, "validation_split")
            n_train = math.floor(n_examples * (1.0 - split))
            steps_per_epoch = max(1, math.ceil(n_train / batch_size))
    elif steps_per_epoch is None:
        try:
            steps_per_epoch = len(x)  # tf.data.Dataset of known size, PyDataset, ...
        except TypeError:
            steps_per_epoch = 1  # unknown: one epoch per step at worst; the finder stops
    epochs = max(1, math.ceil(finder.num_steps / max(1, int(steps_per_epoch))))

    model.fit(x, y, epochs=epochs, callbacks=[finder, *callbacks], **fit_kwargs)
    return finder


def _check_settable_learning_rate(optimizer: keras.optimizers.Optimizer) -> None:
    inner = getattr(optimizer, "inner_optimizer", optimizer)  # e.g. LossScaleOptimizer
    current = getattr(inner, "_learning_rate", None)
    if isinstance(current, keras.optimizers.schedules.LearningRateSchedule) or (
        current is not None and not isinstance(current, keras.Variable)
    ):
        raise ValueError(
            "LearningRateFinder sets the learning rate batch by batch, so the optimizer must "
            "be created with a float `learning_rate`, e.g. keras.optimizers.SGD(0.01). "
            f"Received: learning_rate={current!r}"
        )


def _num_examples(x: Any) -> int | None:
    """Number of examples of array-like inputs (array, tensor, list/dict of them), else None."""
    leaves = keras.tree.flatten(x) if isinstance(x, (list, tuple, dict)) else [x]
    if not leaves or not all(
        isinstance(leaf, np.ndarray) or keras.ops.is_tensor(leaf) for leaf in leaves
    ):
        return None
    return int(leaves[0].shape[0])
