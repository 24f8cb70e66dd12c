"""The errors of :mod:`course_lib.datasets` and the text that tells a student what to do."""

from __future__ import annotations

import os
from pathlib import Path

from course_lib.datasets import catalog, places

__all__ = ["DatasetDownloadError", "DatasetFormatError", "DatasetNotAvailableError"]


class DatasetNotAvailableError(FileNotFoundError):
    """The dataset is on none of the searched places and cannot be downloaded now.

    The message names the dataset, lists every place searched and says how to fix it.
    """


class DatasetDownloadError(OSError):
    """A download failed or was corrupt. Nothing was left in the cache."""


class DatasetFormatError(ValueError):
    """A dataset file exists but is truncated, garbled or not in the expected format."""


def damaged(path: Path, problem: str) -> DatasetFormatError:
    """The error for a file on disk that cannot be read; it names the file and the remedy."""
    return DatasetFormatError(
        f"Dataset file {path} is damaged or not in the expected format: {problem}. "
        f"Delete it (the course then looks elsewhere or downloads it again) or replace it with "
        f"a good copy."
    )


def not_available(name: str, reason: str) -> DatasetNotAvailableError:
    """The error for a dataset that is nowhere on disk: every place searched, and remedies."""
    searched = "\n".join(f"  - {path} ({source})" for source, path in places.search_places(name))
    if name == "digits":
        remedies = ["reinstall scikit-learn: pip install --force-reinstall scikit-learn"]
    else:
        home = places.data_home()
        target = home / catalog.FASHION_DIR if name == "fashion_mnist" else home
        remedies = [
            f"connect to the internet once and run load({name!r}) again "
            f"(it is then kept in {home})",
            f"copy {catalog.file_list(name)} into {target}{os.sep}",
        ]
        if name == "fashion_mnist":
            remedies.append("on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist")
    remedy = "To fix it, do one of:\n" + "\n".join(f"  - {r}" for r in remedies)
    return DatasetNotAvailableError(
        f"Dataset {name!r} is not on this machine and was not downloaded: {reason}.\n"
        f"Searched:\n{searched}\n{remedy}"
    )
