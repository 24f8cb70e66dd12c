"""`early_stopping()`: Keras's `EarlyStopping` with the course's defaults."""

from __future__ import annotations

import keras

from course_lib import argument_validation as check

_MODES = ("auto", "min", "max")


def early_stopping(
    monitor: str = "val_loss",
    patience: int = 5,
    min_delta: float = 0.0,
    mode: str = "auto",
    restore_best_weights: bool = True,
    start_from_epoch: int = 0,
    verbose: int = 0,
) -> keras.callbacks.EarlyStopping:
    """Return a `keras.callbacks.EarlyStopping` configured with the course's defaults.

    The differences from Keras's own defaults are `patience=5` (Keras: 0) and
    `restore_best_weights=True` (Keras: False), so that the model you are left with after
    `fit()` is the one from the best epoch rather than the last one. The arguments are
    checked here, so a typo raises a `ValueError` instead of a silent fallback (Keras only
    warns about an unknown `mode`).

    What happens at the end of training (checked in the Keras 3 source,
    `keras/src/callbacks/early_stopping.py`): with `restore_best_weights=True` the callback
    copies the weights at the end of every epoch that improves on the best value so far,
    and in `on_train_end` it puts the best ones back **whether or not training was stopped
    early**. So a run that reaches the `epochs` limit also ends with the best epoch's weights,
    not the last epoch's. (The old `tf.keras` 2.x callback restored only when it actually
    stopped training early.) Some details follow from how Keras counts "best":

    - An epoch counts as an improvement only if it beats the best value by more than
      `min_delta`; with `min_delta > 0` the restored epoch can therefore differ from the one
      with the very lowest `val_loss`.
    - Epochs before `start_from_epoch` are ignored: they are never "best", and if training
      ends before `start_from_epoch` nothing is restored.
    - If the monitored metric is missing from the logs (e.g. `val_loss` without validation
      data), Keras warns, listing the available metrics, and never stops or restores.

    Args:
        monitor: Name of the logged quantity to watch, e.g. `"val_loss"` or
            `"val_accuracy"`.
        patience: Number of epochs without improvement after which training stops.
        min_delta: Smallest change of `monitor` that counts as an improvement (>= 0).
        mode: One of `"auto"`, `"min"` or `"max"`. `"auto"` infers the direction from the
            metric (loss and error metrics go down, accuracy goes up).
        restore_best_weights: Whether to put back the weights of the best epoch at the end of
            training.
        start_from_epoch: Number of warm-up epochs before improvement is monitored.
        verbose: 0 (silent) or 1 (print a line when stopping and when restoring).

    Returns:
        A `keras.callbacks.EarlyStopping` instance.

    Raises:
        ValueError: if an argument is out of range.

    Example:

    ```python
    from course_lib.callbacks import early_stopping

    history = model.fit(
        x_train, y_train,
        validation_data=(x_val, y_val),
        epochs=100,
        callbacks=[early_stopping(patience=3)],
    )
    # `model` now holds the weights of the epoch with the lowest val_loss.
    ```

    >>> stopper = early_stopping(patience=np.int64(3))
    >>> stopper.patience, stopper.restore_best_weights
    (3, True)
    """
    monitor = check.string(monitor, "monitor")
    patience = check.non_negative_int(patience, "patience")
    min_delta = check.non_negative_number(min_delta, "min_delta")
    mode = check.one_of(mode, "mode", _MODES)
    restore_best_weights = check.boolean(restore_best_weights, "restore_best_weights")
    start_from_epoch = check.non_negative_int(start_from_epoch, "start_from_epoch")
    verbose = check.integer(verbose, "verbose", minimum=0, maximum=1)

    return keras.callbacks.EarlyStopping(
        monitor=monitor,
        min_delta=min_delta,
        patience=patience,
        verbose=verbose,
        mode=mode,
        restore_best_weights=restore_best_weights,
        start_from_epoch=start_from_epoch,
    )
