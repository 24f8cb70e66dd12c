"""``load`` and ``load_first``: a dataset as NumPy arrays, from wherever it is found."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from course_lib import argument_validation as check
from course_lib.datasets import catalog, downloads, places
from course_lib.datasets.errors import DatasetDownloadError, DatasetNotAvailableError
from course_lib.datasets.readers import READERS, Split
from course_lib.receipts import recording as receipts

__all__ = ["load", "load_first"]


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
        n_test: the same for the test split; 0 reads none of it: the test split's files
            need not be on disk (a grader that holds the test split back hides them).
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
        ValueError: for an unknown name or a bad argument, or a ``COURSE_OFFLINE`` value that
            is neither on nor off (read only when a download would be needed).
        DatasetNotAvailableError: the dataset is not on disk and cannot be downloaded now.
        DatasetDownloadError: the download failed or was corrupt (nothing is left behind).
        DatasetFormatError: a file on disk is truncated or garbled; the message names it.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load(
        ...     "fashion_mnist", normalize=True, n_train=2000, n_test=500
        ... )
        >>> x_train.shape, x_train.dtype, y_train.dtype, x_test.shape
        ((2000, 28, 28), dtype('float32'), dtype('int64'), (500, 28, 28))
        >>> (x, y), _ = load("digits", channels=True, n_train=np.int64(100), seed=1)
        >>> x.shape, x.dtype, int(x.max())
        ((100, 8, 8, 1), dtype('uint8'), 16)
    """
    name = catalog.check_name(name)
    normalize = check.boolean(normalize, "normalize")
    channels = check.boolean(channels, "channels")
    download = check.boolean(download, "download")
    n_train_size, n_test_size = catalog.SPLIT_SIZES[name]
    # Before reading, only the type and the lower bound (the files may be a smaller copy).
    n_train = _check_count("n_train", n_train, name, "training", n_train_size, upper=False)
    n_test = _check_count("n_test", n_test, name, "test", n_test_size, upper=False, zero=True)
    seed = check.seed(seed, "seed", allow_none=False)
    test = n_test != 0

    found = places.locate(name, test)
    if found is None:
        downloads.download(name, allowed=download)
        found = places.locate(name, test)
        if found is None:  # pragma: no cover - the download moved the files into place
            raise DatasetDownloadError(
                f"The {name} download finished but its files are not in {places.data_home()}."
            )
    source, path = found
    (x_train, y_train), (x_test, y_test) = READERS[name](path, test=test)

    n_train = _check_count("n_train", n_train, name, "training", len(x_train))
    if test:
        n_test = _check_count("n_test", n_test, name, "test", len(x_test), zero=True)
    x_train, y_train = _subset(x_train, y_train, n_train, seed)
    x_test, y_test = _subset(x_test, y_test, n_test, seed)
    x_train = _finish_images(x_train, name, normalize=normalize, channels=channels)
    x_test = _finish_images(x_test, name, normalize=normalize, channels=channels)
    receipts.note_dataset(name, _where(source, path), len(x_train), len(x_test))  # see receipts
    return (x_train, y_train), (x_test, y_test)


def load_first(names: Sequence[str], **kwargs: Any) -> tuple[str, tuple[Split, Split]]:
    """Load the first of ``names`` that is available, and say so when it is not the first.

    A notebook that prefers one dataset but can teach with another (CIFAR-10, else
    Fashion-MNIST) calls this instead of catching ``DatasetNotAvailableError`` itself. Skipping
    a dataset is never silent: it prints one line naming what was missing and what is used,
    e.g. ``CIFAR-10 is not available on this machine: using Fashion-MNIST instead.``

    Args:
        names: dataset names in order of preference (each one of ``NAMES``, no repeats).
        **kwargs: passed to ``load`` for whichever dataset is loaded.

    Returns:
        ``(name, ((x_train, y_train), (x_test, y_test)))`` for the dataset that was loaded.

    Raises:
        ValueError: ``names`` is empty, repeats a name or holds an unknown one.
        DatasetNotAvailableError: none of them is available; the message lists every reason.

    Example:
        >>> name, ((x_train, y_train), _) = load_first(["fashion_mnist", "digits"], n_train=500)
        >>> name, x_train.shape
        ('fashion_mnist', (500, 28, 28))

        The notebooks' choice, CIFAR-10 else Fashion-MNIST (skipped here: where CIFAR-10 is
        not cached and the machine is online, this downloads it, 170 MB):

        >>> name, ((x_train, y_train), (x_test, y_test)) = load_first(  # doctest: +SKIP
        ...     ["cifar10", "fashion_mnist"], normalize=True, channels=True, n_train=2000
        ... )
    """
    checked = [
        catalog.check_name(name, f"names[{i}]")
        for i, name in enumerate(check.string_list(names, "names", allow_empty=False))
    ]
    _no_repeats(checked, "names")
    missing: list[DatasetNotAvailableError] = []
    for name in checked:
        try:
            data = load(name, **kwargs)
        except DatasetNotAvailableError as error:
            missing.append(error)
            continue
        if missing:
            skipped = " and ".join(catalog.DISPLAY_NAMES[n] for n in checked[: len(missing)])
            verb = "is" if len(missing) == 1 else "are"
            using = catalog.DISPLAY_NAMES[name]
            print(f"{skipped} {verb} not available on this machine: using {using} instead.")
        return name, data
    reasons = "\n".join(f"- {error}" for error in missing)
    raise DatasetNotAvailableError(f"None of {checked} is available:\n{reasons}")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _where(source: str, path: Path) -> str:
    """Where a dataset was read from, for a receipt: ``system /usr/share/...``,
    ``keras cache ~/.keras/datasets/...`` or ``scikit-learn`` (its bundled copy)."""
    if source == "scikit-learn":
        return "scikit-learn"
    home = Path.home()
    shown = f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)
    return f"{source} {shown}"


def _no_repeats(values: list[str], name: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"`{name}` must not repeat a dataset. Received: {name}={values!r}")


def _check_count(
    arg: str,
    value: Any,
    name: str,
    split: str,
    size: int,
    *,
    upper: bool = True,
    zero: bool = False,
) -> int | None:
    """None, or an integer in [1, size] (only >= 1 with ``upper=False``; from 0 with
    ``zero``); the message says that ``size`` is the size of the split."""
    low = 0 if zero else 1
    try:
        return check.optional(
            check.integer, value, arg, minimum=low, maximum=size if upper else None
        )
    except ValueError:
        none = " (none of it)" if zero else ""
        raise ValueError(
            f"`{arg}` must be None (all of it) or an integer in [{low}, {size}]{none}, the size "
            f"of the {name} {split} split. Received: {arg}={value!r}"
        ) from None


def _subset(x: np.ndarray, y: np.ndarray, n: int | None, seed: int) -> Split:
    if n is None:
        return x, y
    index = np.sort(np.random.default_rng(seed).choice(len(x), size=n, replace=False))
    return x[index], y[index]


def _finish_images(x: np.ndarray, name: str, *, normalize: bool, channels: bool) -> np.ndarray:
    if channels and x.ndim == 3:
        x = x[..., np.newaxis]
    if normalize:
        x = x.astype(np.float32) / np.float32(catalog.PIXEL_MAX[name])
    return x
