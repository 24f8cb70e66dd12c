"""Readers of the four formats: IDX (Fashion-MNIST), ``mnist.npz``, CIFAR-10 python batches and
scikit-learn's digits.

Each reader takes the path ``places.locate`` found and returns
``(x_train, y_train), (x_test, y_test)`` as stored (uint8 images, int64 labels); a file that is
truncated, garbled or in another format raises ``DatasetFormatError`` naming it.
"""

from __future__ import annotations

import gzip
import math
import pickle
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from course_lib.datasets import catalog, places
from course_lib.datasets.errors import DatasetNotAvailableError, damaged

Split = tuple[np.ndarray, np.ndarray]

IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions


def check_labels(labels: np.ndarray, n_images: int, path: Path) -> np.ndarray:
    """Labels read from ``path``: one integer in 0..9 per image, as int64."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != n_images:
        raise damaged(path, f"{n_images} images but labels of shape {labels.shape}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise damaged(path, f"labels have dtype {labels.dtype}, expected integers")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise damaged(path, f"labels range from {labels.min()} to {labels.max()}, not 0..9")
    return labels.astype(np.int64)


def read_idx(path: Path, *, magic: int, item_shape: tuple[int, ...]) -> np.ndarray:
    """Read an IDX file of unsigned bytes (gzip-compressed or not) and check its header."""
    try:
        with open(path, "rb") as f:
            compressed = f.read(2) == b"\x1f\x8b"
        opener = gzip.open if compressed else open
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise damaged(path, f"cannot be read ({type(exc).__name__}: {exc})") from exc
    ndim = 1 + len(item_shape)
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise damaged(path, f"only {len(data)} bytes, shorter than the IDX header")
    found_magic = int.from_bytes(data[:4], "big")
    if found_magic != magic:
        raise damaged(
            path,
            f"IDX magic number {found_magic}, expected {magic} "
            f"({'labels' if magic == IDX_LABELS_MAGIC else 'images'})",
        )
    dims = struct.unpack(f">{ndim}I", data[4:header_size])
    if tuple(dims[1:]) != item_shape:
        raise damaged(path, f"item shape {tuple(dims[1:])}, expected {item_shape}")
    expected = header_size + math.prod(dims)
    if len(data) != expected:
        raise damaged(
            path, f"{len(data)} bytes, but its header {tuple(dims)} needs exactly {expected}"
        )
    # Copy: np.frombuffer over bytes would give a read-only array.
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(dims).copy()


def _no_test(x_train: np.ndarray) -> Split:
    """An empty test split with the images' shape and dtype (``load(..., n_test=0)``)."""
    return np.zeros((0, *x_train.shape[1:]), x_train.dtype), np.zeros((0,), np.int64)


def read_fashion(folder: Path, test: bool = True) -> tuple[Split, Split]:
    """The two splits; with ``test=False`` the test files are not read (nor needed)."""
    stems = catalog.FASHION_FILES if test else catalog.FASHION_FILES[:2]
    paths = [places.idx_file(folder, stem) for stem in stems]
    if any(p is None for p in paths):  # pragma: no cover - locate() checked this
        raise DatasetNotAvailableError(f"Fashion-MNIST files are missing from {folder}.")
    splits = []
    for x_path, y_path in zip(paths[::2], paths[1::2], strict=True):
        x = read_idx(x_path, magic=IDX_IMAGES_MAGIC, item_shape=(28, 28))
        y = read_idx(y_path, magic=IDX_LABELS_MAGIC, item_shape=())
        splits.append((x, check_labels(y, len(x), y_path)))
    return splits[0], splits[1] if test else _no_test(splits[0][0])


def read_mnist(path: Path, test: bool = True) -> tuple[Split, Split]:
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with loaded as f:
            missing = [key for key in catalog.MNIST_KEYS if key not in f.files]
            if missing:
                raise KeyError(f"no arrays named {missing} (it has {f.files})")
            arrays = {key: f[key] for key in catalog.MNIST_KEYS}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as exc:
        raise damaged(path, f"cannot be read as mnist.npz ({type(exc).__name__}: {exc})") from exc
    splits = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28):
            raise damaged(path, f"x_{split} is {x.dtype} {x.shape}, expected uint8 (n, 28, 28)")
        splits.append((x, check_labels(y, len(x), path)))
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


def read_cifar_batch(path: Path) -> Split:
    try:
        with open(path, "rb") as f:
            batch = _CifarUnpickler(f, encoding="bytes").load()
    except Exception as exc:  # a garbled pickle can raise almost anything
        raise damaged(path, f"not a CIFAR batch ({type(exc).__name__}: {exc})") from exc
    if not isinstance(batch, dict):
        raise damaged(path, f"holds a {type(batch).__name__}, expected a dict")
    batch = {k.decode("latin-1") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise damaged(path, f"has keys {sorted(map(str, batch))}, expected 'data' and 'labels'")
    data = batch["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2:
        raise damaged(path, "'data' is not a 2-D uint8 array")
    if data.shape[1] != 3 * 32 * 32:
        raise damaged(path, f"'data' has {data.shape[1]} values per image, expected 3072")
    # Rows are stored channel-first (1024 red, 1024 green, 1024 blue values): make them HWC.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, check_labels(np.asarray(batch["labels"]), len(images), path)


def read_cifar(folder: Path, test: bool = True) -> tuple[Split, Split]:
    train = [read_cifar_batch(folder / f) for f in catalog.CIFAR_TRAIN_FILES]
    x_train = np.ascontiguousarray(np.concatenate([x for x, _ in train]))
    y_train = np.concatenate([y for _, y in train])
    if not test:
        return (x_train, y_train), _no_test(x_train)
    x_test, y_test = read_cifar_batch(folder / catalog.CIFAR_TEST_FILE)
    return (x_train, y_train), (np.ascontiguousarray(x_test), y_test)


def read_digits(path: Path, test: bool = True) -> tuple[Split, Split]:
    """scikit-learn's digits, split once 75 % / 25 %, stratified, ``random_state=0``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype(np.uint8)  # values 0..16, stored as floats by scikit-learn
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=0.25, random_state=0, stratify=labels
    )
    return (x_train, y_train), (x_test, y_test)


#: ``reader(path, test=True)``; with ``test=False`` a reader may skip the test split's files.
READERS: dict[str, Callable[..., tuple[Split, Split]]] = {
    "mnist": read_mnist,
    "fashion_mnist": read_fashion,
    "cifar10": read_cifar,
    "digits": read_digits,
}
