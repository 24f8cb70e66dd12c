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

Example:
    >>> from course_lib import datasets
    >>> (x_train, y_train), (x_test, y_test) = datasets.load("fashion_mnist", normalize=True)
    >>> x_train.shape, x_train.dtype, y_train[:5]
    ((60000, 28, 28), dtype('float32'), array([9, 0, 0, 3, 0]))
    >>> datasets.class_names("fashion_mnist")[9]
    'Ankle boot'
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import math
import os
import pickle
import shutil
import socket
import struct
import tarfile
import tempfile
import urllib.parse
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

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

NAMES = ("mnist", "fashion_mnist", "cifar10", "digits")

#: Set to 1 (or true/yes/on) to forbid downloads, e.g. on an exam machine or in CI.
OFFLINE_ENV_VAR = "COURSE_OFFLINE"

#: Folders that system packages install datasets into, searched after the Keras cache.
#: Each folder holds the dataset's files in the Keras cache layout (for fashion_mnist the four
#: IDX files). Tests point these elsewhere with ``monkeypatch.setitem``.
SYSTEM_DIRS: dict[str, tuple[Path, ...]] = {
    "fashion_mnist": (Path("/usr/share/datasets/fashion-mnist"),),
}

Split = tuple[np.ndarray, np.ndarray]

_TRUE = ("1", "true", "yes", "on")

_CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "mnist": tuple(str(i) for i in range(10)),
    "digits": tuple(str(i) for i in range(10)),
    "fashion_mnist": (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    "cifar10": (
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ),
}

# (train, test) sizes of the real datasets, used in error messages before anything is read.
_SPLIT_SIZES = {
    "mnist": (60_000, 10_000),
    "fashion_mnist": (60_000, 10_000),
    "cifar10": (50_000, 10_000),
    "digits": (1_347, 450),
}

# What a pixel value is divided by for normalize=True.
_PIXEL_MAX = {"mnist": 255, "fashion_mnist": 255, "cifar10": 255, "digits": 16}

_FASHION_DIR = "fashion-mnist"
# IDX file stems in the order train images, train labels, test images, test labels.
_FASHION_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
_IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions

_CIFAR_DIR = "cifar-10-batches-py"
_CIFAR_TARGET_DIR = "cifar-10-batches-py-target"
_CIFAR_TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
_CIFAR_TEST_FILE = "test_batch"

_MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")


@dataclasses.dataclass(frozen=True)
class _Remote:
    """One file to download: its URL, its SHA-256 and where it goes under ``data_home()``."""

    url: str
    sha256: str
    target: str
    # For an archive: the folder inside it that is moved to ``target``.
    extract: str | None = None


# Origins and hashes as in Keras's own loaders (keras/src/datasets/*.py). Keras 3 gives no hash
# for the Fashion-MNIST files; these are the SHA-256 sums of Zalando's published files, which
# the Keras mirror serves unchanged (same sizes; the MD5s Zalando publishes match these files).
_KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_FASHION_SHA256 = {
    "train-images-idx3-ubyte": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
_DOWNLOADS: dict[str, tuple[_Remote, ...]] = {
    "mnist": (
        _Remote(
            url=_KERAS_ORIGIN + "mnist.npz",
            sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            target="mnist.npz",
        ),
    ),
    "fashion_mnist": tuple(
        _Remote(
            url=f"{_KERAS_ORIGIN}{stem}.gz",
            sha256=_FASHION_SHA256[stem],
            target=f"{_FASHION_DIR}/{stem}.gz",
        )
        for stem in _FASHION_FILES
    ),
    "cifar10": (
        _Remote(
            url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
            target=_CIFAR_DIR,
            extract=_CIFAR_DIR,
        ),
    ),
}

_CONNECT_TIMEOUT_S = 3.0


class DatasetNotAvailableError(FileNotFoundError):
    """The dataset is on none of the searched places and cannot be downloaded now.

    The message names the dataset, lists every place searched and says how to fix it.
    """


class DatasetDownloadError(OSError):
    """A download failed or was corrupt. Nothing was left in the cache."""


class DatasetFormatError(ValueError):
    """A dataset file exists but is truncated, garbled or not in the expected format."""


# --------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------


def data_home() -> Path:
    """The Keras dataset cache: ``$KERAS_HOME/datasets``, else ``~/.keras/datasets``.

    Read at every call, so setting ``KERAS_HOME`` later takes effect. The folder need not
    exist.

    Example:
        >>> data_home()
        PosixPath('/home/student/.keras/datasets')
    """
    root = os.environ.get("KERAS_HOME")
    base = Path(root).expanduser() if root else Path.home() / ".keras"
    return base / "datasets"


def class_names(name: str) -> list[str]:
    """The human-readable class names of a dataset, indexed by label.

    Example:
        >>> class_names("cifar10")[:3]
        ['airplane', 'automobile', 'bird']
    """
    return list(_CLASS_NAMES[_check_name(name)])


def locate(name: str) -> tuple[str, Path] | None:
    """Where ``load(name)`` would read the dataset from, without downloading anything.

    Returns:
        ``(source, path)`` with ``source`` one of ``"keras cache"``, ``"system"`` or
        ``"scikit-learn"`` and ``path`` the file or folder that would be read, or ``None``
        when no place has all of the dataset's files (``load`` would then download it).
        Only the presence of the files is checked, not their contents.

    Example:
        >>> locate("fashion_mnist")
        ('system', PosixPath('/usr/share/datasets/fashion-mnist'))
    """
    name = _check_name(name)
    for source, path in _search_places(name):
        if _is_complete(name, path):
            return source, path
    return None


def available() -> dict[str, str | None]:
    """Which datasets are on this machine, for a notebook table.

    Returns:
        ``{name: "source: path"}`` for every name in ``NAMES``, with ``None`` where the dataset
        is not on disk (``load`` would have to download it).

    Example:
        >>> available()["digits"]
        'scikit-learn: /.../sklearn/datasets/data/digits.csv.gz'
    """
    result: dict[str, str | None] = {}
    for name in NAMES:
        found = locate(name)
        result[name] = None if found is None else f"{found[0]}: {found[1]}"
    return result


def load(
    name: str,
    *,
    normalize: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
    channels: bool = False,
    seed: int = 0,
    download: bool = True,
) -> tuple[Split, Split]:
    """Load one of the course's datasets as NumPy arrays.

    Args:
        name: one of ``NAMES``: ``"mnist"``, ``"fashion_mnist"``, ``"cifar10"``, ``"digits"``.
        normalize: if True, images are float32 in [0, 1] (divided by 255; by 16 for digits).
            Otherwise they are uint8 as stored (digits: 0..16).
        n_train: take a random subset of this many training examples (None: all of them).
        n_test: the same for the test split.
        channels: if True, grayscale images get a trailing channel axis, e.g. (n, 28, 28, 1).
            CIFAR-10 images always have their 3 channels last.
        seed: seed of the subsets: ``np.random.default_rng(seed)`` picks them, separately for
            each split, and they keep the stored order. Same seed, same subset.
        download: if False, never download; raise ``DatasetNotAvailableError`` instead.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``. Images have shape (n, 28, 28) for mnist and
        fashion_mnist, (n, 32, 32, 3) for cifar10 and (n, 8, 8) for digits; labels are 1-D
        int64 arrays with values 0..9 (see ``class_names``). digits is split once, 75 % / 25 %,
        stratified by class with ``random_state=0``.

    Raises:
        ValueError: for an unknown name or a bad argument.
        DatasetNotAvailableError: the dataset is not on disk and cannot be downloaded now.
        DatasetDownloadError: the download failed or was corrupt (nothing is left behind).
        DatasetFormatError: a file on disk is truncated or garbled; the message names it.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load("mnist", normalize=True, n_train=2000)
        >>> x_train.shape, x_train.dtype, y_train.dtype
        ((2000, 28, 28), dtype('float32'), dtype('int64'))
    """
    name = _check_name(name)
    normalize = _check_bool("normalize", normalize)
    channels = _check_bool("channels", channels)
    download = _check_bool("download", download)
    n_train_size, n_test_size = _SPLIT_SIZES[name]
    n_train = _check_count("n_train", n_train, name, "training", n_train_size, full_check=False)
    n_test = _check_count("n_test", n_test, name, "test", n_test_size, full_check=False)
    seed = _check_seed(seed)

    found = locate(name)
    if found is None:
        _download(name, download=download)
        found = locate(name)
        if found is None:  # pragma: no cover - the download moved the files into place
            raise DatasetDownloadError(
                f"The {name} download finished but its files are not in {data_home()}."
            )
    _, path = found
    (x_train, y_train), (x_test, y_test) = _READERS[name](path)

    n_train = _check_count("n_train", n_train, name, "training", len(x_train))
    n_test = _check_count("n_test", n_test, name, "test", len(x_test))
    x_train, y_train = _subset(x_train, y_train, n_train, seed)
    x_test, y_test = _subset(x_test, y_test, n_test, seed)
    x_train = _finish_images(x_train, name, normalize=normalize, channels=channels)
    x_test = _finish_images(x_test, name, normalize=normalize, channels=channels)
    return (x_train, y_train), (x_test, y_test)


_DISPLAY_NAMES = {
    "mnist": "MNIST",
    "fashion_mnist": "Fashion-MNIST",
    "cifar10": "CIFAR-10",
    "digits": "scikit-learn's digits",
}


def load_first(names: Sequence[str], **kwargs: Any) -> tuple[str, tuple[Split, Split]]:
    """Load the first of ``names`` that is available, and say so when it is not the first.

    A notebook that prefers one dataset but can teach with another (CIFAR-10, else
    Fashion-MNIST) calls this instead of catching ``DatasetNotAvailableError`` itself. Skipping
    a dataset is never silent: it prints one line naming what was missing and what is used.

    Args:
        names: dataset names in order of preference (each one of ``NAMES``, no repeats).
        **kwargs: passed to ``load`` for whichever dataset is loaded.

    Returns:
        ``(name, ((x_train, y_train), (x_test, y_test)))`` for the dataset that was loaded.

    Raises:
        ValueError: ``names`` is empty, repeats a name or holds an unknown one.
        DatasetNotAvailableError: none of them is available; the message lists every reason.

    Example:
        >>> name, ((x_train, y_train), (x_test, y_test)) = load_first(
        ...     ["cifar10", "fashion_mnist"], normalize=True, channels=True, n_train=2000
        ... )
    """
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise ValueError(
            f"`names` must be a non-empty list of dataset names from {list(NAMES)}. "
            f"Received: names={names!r}"
        )
    checked = [_check_name(name) for name in names]
    if len(set(checked)) != len(checked):
        raise ValueError(f"`names` must not repeat a dataset. Received: names={list(names)!r}")
    missing: list[DatasetNotAvailableError] = []
    for name in checked:
        try:
            data = load(name, **kwargs)
        except DatasetNotAvailableError as error:
            missing.append(error)
            continue
        if missing:
            skipped = " and ".join(_DISPLAY_NAMES[n] for n in checked[: len(missing)])
            verb = "is" if len(missing) == 1 else "are"
            using = _DISPLAY_NAMES[name]
            print(f"{skipped} {verb} not available on this machine: using {using} instead.")
        return name, data
    reasons = "\n".join(f"- {error}" for error in missing)
    raise DatasetNotAvailableError(f"None of {checked} is available:\n{reasons}")


# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ValueError(f"`name` must be a string, one of {list(NAMES)}. Received: name={name!r}")
    if name not in NAMES:
        raise ValueError(
            f"Unknown dataset {name!r}. `name` must be one of {list(NAMES)}. "
            f"Received: name={name!r}"
        )
    return name


def _check_bool(arg: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"`{arg}` must be True or False. Received: {arg}={value!r}")
    return bool(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_count(
    arg: str, value: Any, name: str, split: str, size: int, *, full_check: bool = True
) -> int | None:
    """None, or an int in [1, size]. Before loading (``full_check=False``) only the type and
    the lower bound are checked; ``size`` is then the real dataset's size, for the message."""
    if value is None:
        return None
    ok = _is_int(value) and value >= 1 and (not full_check or value <= size)
    if not ok:
        raise ValueError(
            f"`{arg}` must be None (all of it) or an integer in [1, {size}], the size of the "
            f"{name} {split} split. Received: {arg}={value!r}"
        )
    return int(value)


def _check_seed(seed: Any) -> int:
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer. Received: seed={seed!r}")
    return int(seed)


# --------------------------------------------------------------------------------------------
# Finding the files
# --------------------------------------------------------------------------------------------


def _sklearn_digits_file() -> Path:
    """scikit-learn's bundled digits file, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return Path("sklearn (not installed)") / "datasets" / "data" / "digits.csv.gz"
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "datasets" / "data" / "digits.csv.gz"


def _search_places(name: str) -> list[tuple[str, Path]]:
    """Every place searched for ``name``, in order, as ``(source, path)``."""
    home = data_home()
    if name == "mnist":
        return [("keras cache", home / "mnist.npz")]
    if name == "fashion_mnist":
        places = [("keras cache", home / _FASHION_DIR)]
        places += [("system", Path(folder)) for folder in SYSTEM_DIRS.get(name, ())]
        return places
    if name == "cifar10":
        return [
            ("keras cache", home / _CIFAR_DIR),
            ("keras cache", home / _CIFAR_TARGET_DIR / _CIFAR_DIR),
        ]
    return [("scikit-learn", _sklearn_digits_file())]


def _idx_file(folder: Path, stem: str) -> Path | None:
    """``folder/stem.gz`` or ``folder/stem``, whichever exists first."""
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    return None


def _is_complete(name: str, path: Path) -> bool:
    if name == "fashion_mnist":
        return all(_idx_file(path, stem) is not None for stem in _FASHION_FILES)
    if name == "cifar10":
        files = (*_CIFAR_TRAIN_FILES, _CIFAR_TEST_FILE)
        return all((path / f).is_file() for f in files)
    return path.is_file()


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


def _damaged(path: Path, problem: str) -> DatasetFormatError:
    return DatasetFormatError(
        f"Dataset file {path} is damaged or not in the expected format: {problem}. "
        f"Delete it (the course then looks elsewhere or downloads it again) or replace it with "
        f"a good copy."
    )


def _check_labels(labels: np.ndarray, n_images: int, path: Path) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != n_images:
        raise _damaged(path, f"{n_images} images but labels of shape {labels.shape}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise _damaged(path, f"labels have dtype {labels.dtype}, expected integers")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise _damaged(path, f"labels range from {labels.min()} to {labels.max()}, not 0..9")
    return labels.astype(np.int64)


def _read_idx(path: Path, *, magic: int, item_shape: tuple[int, ...]) -> np.ndarray:
    """Read an IDX file of unsigned bytes (gzip-compressed or not) and check its header."""
    try:
        with open(path, "rb") as f:
            compressed = f.read(2) == b"\x1f\x8b"
        opener = gzip.open if compressed else open
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise _damaged(path, f"cannot be read ({type(exc).__name__}: {exc})") from exc
    ndim = 1 + len(item_shape)
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise _damaged(path, f"only {len(data)} bytes, shorter than the IDX header")
    found_magic = int.from_bytes(data[:4], "big")
    if found_magic != magic:
        raise _damaged(
            path,
            f"IDX magic number {found_magic}, expected {magic} "
            f"({'labels' if magic == _IDX_LABELS_MAGIC else 'images'})",
        )
    dims = struct.unpack(f">{ndim}I", data[4:header_size])
    if tuple(dims[1:]) != item_shape:
        raise _damaged(path, f"item shape {tuple(dims[1:])}, expected {item_shape}")
    expected = header_size + math.prod(dims)
    if len(data) != expected:
        raise _damaged(
            path, f"{len(data)} bytes, but its header {tuple(dims)} needs exactly {expected}"
        )
    # Copy: np.frombuffer over bytes would give a read-only array.
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(dims).copy()


def _read_fashion(folder: Path) -> tuple[Split, Split]:
    paths = [_idx_file(folder, stem) for stem in _FASHION_FILES]
    if any(p is None for p in paths):  # pragma: no cover - locate() checked this
        raise DatasetNotAvailableError(f"Fashion-MNIST files are missing from {folder}.")
    train_x_path, train_y_path, test_x_path, test_y_path = paths
    splits = []
    for x_path, y_path in ((train_x_path, train_y_path), (test_x_path, test_y_path)):
        x = _read_idx(x_path, magic=_IDX_IMAGES_MAGIC, item_shape=(28, 28))
        y = _read_idx(y_path, magic=_IDX_LABELS_MAGIC, item_shape=())
        splits.append((x, _check_labels(y, len(x), y_path)))
    return splits[0], splits[1]


def _read_mnist(path: Path) -> tuple[Split, Split]:
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with loaded as f:
            missing = [key for key in _MNIST_KEYS if key not in f.files]
            if missing:
                raise KeyError(f"no arrays named {missing} (it has {f.files})")
            arrays = {key: f[key] for key in _MNIST_KEYS}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as exc:
        raise _damaged(path, f"cannot be read as mnist.npz ({type(exc).__name__}: {exc})") from exc
    splits = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
            raise _damaged(path, f"x_{split} is {x.dtype} {x.shape}, expected uint8 (n, 28, 28)")
        splits.append((x, _check_labels(y, len(x), path)))
    return splits[0], splits[1]


class _CifarUnpickler(pickle.Unpickler):
    """Unpickles the CIFAR batches, refusing everything but NumPy arrays and plain data."""

    _ALLOWED = frozenset(
        {
            ("numpy", "ndarray"),
            ("numpy", "dtype"),
            ("numpy.core.multiarray", "_reconstruct"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.numeric", "_frombuffer"),
            ("numpy._core.numeric", "_frombuffer"),
            ("_codecs", "encode"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a dataset file")


def _read_cifar_batch(path: Path) -> Split:
    try:
        with open(path, "rb") as f:
            batch = _CifarUnpickler(f, encoding="bytes").load()
    except Exception as exc:  # a garbled pickle can raise almost anything
        raise _damaged(path, f"not a CIFAR batch ({type(exc).__name__}: {exc})") from exc
    if not isinstance(batch, dict):
        raise _damaged(path, f"holds a {type(batch).__name__}, expected a dict")
    batch = {k.decode("latin-1") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise _damaged(path, f"has keys {sorted(map(str, batch))}, expected 'data' and 'labels'")
    data = batch["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2:
        raise _damaged(path, "'data' is not a 2-D uint8 array")
    if data.shape[1] != 3 * 32 * 32:
        raise _damaged(path, f"'data' has {data.shape[1]} values per image, expected 3072")
    # Rows are stored channel-first (1024 red, 1024 green, 1024 blue values): make them HWC.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, _check_labels(np.asarray(batch["labels"]), len(images), path)


def _read_cifar(folder: Path) -> tuple[Split, Split]:
    train = [_read_cifar_batch(folder / f) for f in _CIFAR_TRAIN_FILES]
    x_train = np.ascontiguousarray(np.concatenate([x for x, _ in train]))
    y_train = np.concatenate([y for _, y in train])
    x_test, y_test = _read_cifar_batch(folder / _CIFAR_TEST_FILE)
    return (x_train, y_train), (np.ascontiguousarray(x_test), y_test)


def _read_digits(path: Path) -> tuple[Split, Split]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype(np.uint8)  # values 0..16, stored as floats by scikit-learn
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.25, random_state=0, stratify=labels
    )
    return (x_train, y_train), (x_test, y_test)


_READERS = {
    "mnist": _read_mnist,
    "fashion_mnist": _read_fashion,
    "cifar10": _read_cifar,
    "digits": _read_digits,
}


def _subset(x: np.ndarray, y: np.ndarray, n: int | None, seed: int) -> Split:
    if n is None:
        return x, y
    index = np.sort(np.random.default_rng(seed).choice(len(x), size=n, replace=False))
    return x[index], y[index]


def _finish_images(x: np.ndarray, name: str, *, normalize: bool, channels: bool) -> np.ndarray:
    if channels and x.ndim == 3:
        x = x[..., np.newaxis]
    if normalize:
        x = x.astype(np.float32) / np.float32(_PIXEL_MAX[name])
    return x


# --------------------------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------------------------


def _env_offline() -> bool:
    return os.environ.get(OFFLINE_ENV_VAR, "").strip().lower() in _TRUE


def _is_online(host: str, port: int = 443, timeout: float = _CONNECT_TIMEOUT_S) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _describe_origin(name: str) -> str:
    urls = [remote.url for remote in _DOWNLOADS[name]]
    if len(urls) == 1:
        return urls[0]
    folders = {url.rsplit("/", 1)[0] for url in urls}
    if len(folders) == 1:
        return f"{folders.pop()}/ ({len(urls)} files)"
    return ", ".join(urls)


def _file_list(name: str) -> str:
    if name == "mnist":
        return "mnist.npz"
    if name == "fashion_mnist":
        return ", ".join(f"{stem}.gz" for stem in _FASHION_FILES)
    return f"the folder {_CIFAR_DIR}/ (data_batch_1 .. data_batch_5, test_batch)"


def _not_available(name: str, reason: str) -> DatasetNotAvailableError:
    places = "\n".join(f"  - {path} ({source})" for source, path in _search_places(name))
    if name == "digits":
        remedies = ["reinstall scikit-learn: pip install --force-reinstall scikit-learn"]
    else:
        home = data_home()
        target = home / _FASHION_DIR if name == "fashion_mnist" else home
        remedies = [
            f"connect to the internet once and run load({name!r}) again "
            f"(it is then kept in {home})",
            f"copy {_file_list(name)} into {target}{os.sep}",
        ]
        if name == "fashion_mnist":
            remedies.append("on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist")
    remedy = "To fix it, do one of:\n" + "\n".join(f"  - {r}" for r in remedies)
    return DatasetNotAvailableError(
        f"Dataset {name!r} is not on this machine and was not downloaded: {reason}.\n"
        f"Searched:\n{places}\n{remedy}"
    )


def _get_file(**kwargs: Any) -> str:
    """``keras.utils.get_file``, looked up at call time (Keras is imported only here, quietly,
    so TensorFlow's C++ start-up lines stay out of a notebook)."""
    from course_lib.environment import import_keras_quietly

    return import_keras_quietly().utils.get_file(**kwargs)


def _extract_tar(archive: Path, dest: Path) -> None:
    """Extract ``archive`` into ``dest``, refusing links, devices and paths outside ``dest``."""
    dest.mkdir()
    with tarfile.open(archive, "r:*") as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12 / 3.11.4
            tar.extractall(dest, filter="data")
            return
        root = dest.resolve()
        for member in tar.getmembers():
            target = (root / member.name).resolve()
            if not (member.isfile() or member.isdir()) or not target.is_relative_to(root):
                raise DatasetFormatError(f"Refusing unsafe archive member {member.name!r}.")
        tar.extractall(dest)  # every member was checked above


def _download(name: str, *, download: bool) -> None:
    """Download ``name`` into ``data_home()`` or raise; never leaves a partial file behind."""
    if name not in _DOWNLOADS:
        raise _not_available(name, "it ships with scikit-learn, whose copy is missing")
    if not download:
        raise _not_available(name, "download=False was passed")
    if _env_offline():
        raise _not_available(
            name, f"downloads are switched off ({OFFLINE_ENV_VAR}={os.environ[OFFLINE_ENV_VAR]})"
        )
    host = urllib.parse.urlsplit(_DOWNLOADS[name][0].url).hostname or ""
    if host and not _is_online(host):
        raise _not_available(
            name, f"this machine is offline (no connection to {host}:443 within 3 s)"
        )

    home = data_home()
    origin = _describe_origin(name)
    try:
        home.mkdir(parents=True, exist_ok=True)
        # Inside the cache, so the final os.replace stays on one filesystem.
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-download-", dir=home))
    except OSError as exc:
        raise DatasetDownloadError(
            f"Cannot write to the dataset cache {home} ({exc}). Set KERAS_HOME to a writable "
            f"folder."
        ) from exc
    print(f"Downloading {name} from {origin} ...")
    try:
        staged: list[tuple[Path, Path]] = []
        for remote in _DOWNLOADS[name]:
            fname = remote.url.rsplit("/", 1)[-1]
            fetched = Path(
                _get_file(
                    fname=fname,
                    origin=remote.url,
                    file_hash=remote.sha256,
                    hash_algorithm="sha256",
                    cache_dir=str(tmp),
                    cache_subdir="files",
                )
            )
            if remote.extract is not None:
                _extract_tar(fetched, tmp / "extracted")
                fetched = tmp / "extracted" / remote.extract
                if not fetched.is_dir():
                    raise DatasetFormatError(f"The archive has no folder {remote.extract}/.")
            staged.append((fetched, home / remote.target))
        for source, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():  # an incomplete older copy: move it aside, it goes with tmp
                os.replace(target, tmp / f"old-{target.name}")
            os.replace(source, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, Exception):
            raise DatasetDownloadError(
                f"Downloading {name} from {origin} failed ({type(exc).__name__}: {exc}). "
                f"Nothing was left in {home}. Check the connection and try again, or copy "
                f"{_file_list(name)} there by hand."
            ) from exc
        raise
    shutil.rmtree(tmp, ignore_errors=True)
