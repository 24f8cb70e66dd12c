"""The course's datasets, found on disk first and downloaded only when missing.

``load(name)`` returns ``(x_train, y_train), (x_test, y_test)`` as NumPy arrays for each name
in ``NAMES``. It reads the real files and never substitutes other data. It looks in these
places, in order, and uses the first one that has every file:

1. **The Keras cache**, ``data_home()``: ``$KERAS_HOME/datasets`` when ``KERAS_HOME`` is set,
   else ``~/.keras/datasets``. The layout is the one ``keras.datasets`` uses, so files Keras
   downloaded earlier are reused:

   - mnist: ``mnist.npz``
   - fashion_mnist: ``fashion-mnist/`` with the four IDX files (``.gz`` or uncompressed)
   - cifar10: ``cifar-10-batches-py/``, either directly in the cache or inside
     ``cifar-10-batches-py-target/`` (where newer Keras versions extract it)

2. **System folders** (``SYSTEM_DIRS``): ``/usr/share/datasets/fashion-mnist``, installed by
   the Debian/Ubuntu package ``dataset-fashion-mnist``; fashion_mnist only.

3. **A download** with ``keras.utils.get_file`` and a SHA-256 check, into the Keras cache. The
   files are downloaded into a temporary folder inside the cache and moved into place only
   when complete and verified, so a failed or corrupt download leaves nothing behind.

   No download is tried when the machine is offline (a 3-second connection test), when
   ``download=False`` is passed, or when the environment variable ``COURSE_OFFLINE=1`` is set:
   ``load`` then raises ``DatasetNotAvailableError`` at once, listing every place it searched
   and what to do about it.

digits is scikit-learn's 8x8 digits set, which ships inside scikit-learn: it never downloads.

The package's modules: ``api`` (``load``, ``load_first``), ``catalog`` (names, classes,
sizes, file layouts), ``places`` (``data_home``, ``locate``, ``available``, ``SYSTEM_DIRS``),
``readers`` (the four file formats), ``downloads`` (verified downloads, ``COURSE_OFFLINE``) and
``errors`` (the exceptions and their advice).

Example:
    >>> from course_lib import datasets
    >>> (x_train, y_train), (x_test, y_test) = datasets.load("fashion_mnist", normalize=True)
    >>> x_train.shape, x_train.dtype, y_train[:5]
    ((60000, 28, 28), dtype('float32'), array([9, 0, 0, 3, 0]))
    >>> datasets.class_names("fashion_mnist")[9]
    'Ankle boot'
"""

from __future__ import annotations

from course_lib.datasets.api import load, load_first
from course_lib.datasets.catalog import NAMES, class_names
from course_lib.datasets.downloads import OFFLINE_ENV_VAR
from course_lib.datasets.errors import (
    DatasetDownloadError,
    DatasetFormatError,
    DatasetNotAvailableError,
)
from course_lib.datasets.places import SYSTEM_DIRS, available, data_home, locate

__all__ = [
    "NAMES",
    "OFFLINE_ENV_VAR",
    "SYSTEM_DIRS",
    "DatasetDownloadError",
    "DatasetFormatError",
    "DatasetNotAvailableError",
    "available",
    "class_names",
    "data_home",
    "load",
    "load_first",
    "locate",
]
