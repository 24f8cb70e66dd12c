"""Callbacks for watching and steering training.

- `early_stopping()`: Keras's `EarlyStopping` with the course defaults (best weights
  restored).
- `DeadReLUMonitor`: fraction of ReLU units that never fire on a probe batch.
- `ActivationStats`: mean, std and saturation (values near either end of a bounded
  activation's range) of layer activations on a probe batch.
- `LearningRateFinder` / `find_learning_rate()`: the learning-rate range test.
- `LiveProgress`: a live view of a long run (progress, time left, metrics, learning curves that
  update in place in a notebook; Keras's `Progbar` elsewhere), leaving a stable summary;
  `live_view()`: the callbacks a notebook's long training cell passes to `fit` (a
  `LiveProgress` in full mode, none in quick mode).
- `SnapshotSaver` / `average_snapshot_predictions()`: snapshot ensembles from one run with a
  cyclic learning rate.

Example:

```python
from course_lib.callbacks import DeadReLUMonitor, early_stopping

monitor = DeadReLUMonitor(x_train[:256])
model.fit(x_train, y_train, validation_split=0.1, epochs=50,
          callbacks=[early_stopping(patience=3), monitor])
```
"""

from course_lib.callbacks.activation_stats import ActivationStats
from course_lib.callbacks.dead_relu import DeadReLUMonitor
from course_lib.callbacks.early_stopping import early_stopping
from course_lib.callbacks.live_progress import LiveProgress, in_notebook, live_view
from course_lib.callbacks.lr_finder import LearningRateFinder, find_learning_rate
from course_lib.callbacks.snapshot import (
    SnapshotSaver,
    average_snapshot_predictions,
    snapshot_predictions,
)

__all__ = [
    "ActivationStats",
    "DeadReLUMonitor",
    "LearningRateFinder",
    "LiveProgress",
    "SnapshotSaver",
    "average_snapshot_predictions",
    "early_stopping",
    "find_learning_rate",
    "in_notebook",
    "live_view",
    "snapshot_predictions",
]
