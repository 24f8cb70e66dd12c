"""course_lib: the reusable parts of the deep-learning course.

Importing the package does nothing but define names: no seeding, no printing, no TensorFlow
import. A notebook starts with::

    import course_lib
    info = course_lib.setup(seed=0)

and then imports the parts it needs, e.g. ``from course_lib.layers import DenseBlock``.
"""

from course_lib.environment import EnvironmentInfo, keras_float64, setup
from course_lib.receipts.recording import record
from course_lib.run_mode import QUICK_ENV_VAR, epochs, is_quick, mode, pick, subset_size

__version__ = "0.1.0"

__all__ = [
    "QUICK_ENV_VAR",
    "EnvironmentInfo",
    "__version__",
    "epochs",
    "is_quick",
    "keras_float64",
    "mode",
    "pick",
    "record",
    "setup",
    "subset_size",
]
