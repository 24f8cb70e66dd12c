"""Downloads into the Keras cache: verified, all or nothing, and never when offline.

Files are fetched with ``keras.utils.get_file`` (SHA-256 checked) into a temporary folder inside
the cache and moved into place only when every file is complete, so a failed, corrupt or
interrupted download leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import tarfile
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check
from course_lib.datasets import catalog, places
from course_lib.datasets.errors import DatasetDownloadError, DatasetFormatError, not_available

__all__ = ["OFFLINE_ENV_VAR"]

#: Set to 1 (or true/yes/on) to forbid downloads, e.g. on an exam machine or in CI; 0, false,
#: no, off or empty allow them; any other value is refused (a typo must not allow downloads).
OFFLINE_ENV_VAR = "COURSE_OFFLINE"

CONNECT_TIMEOUT_S = 3.0


@dataclasses.dataclass(frozen=True)
class Remote:
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

#: What to fetch for each downloadable dataset. Tests serve local files with ``setitem``.
DOWNLOADS: dict[str, tuple[Remote, ...]] = {
    "mnist": (
        Remote(
            url=_KERAS_ORIGIN + catalog.MNIST_FILE,
            sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            target=catalog.MNIST_FILE,
        ),
    ),
    "fashion_mnist": tuple(
        Remote(
            url=f"{_KERAS_ORIGIN}{stem}.gz",
            sha256=_FASHION_SHA256[stem],
            target=f"{catalog.FASHION_DIR}/{stem}.gz",
        )
        for stem in catalog.FASHION_FILES
    ),
    "cifar10": (
        Remote(
            url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
            target=catalog.CIFAR_DIR,
            extract=catalog.CIFAR_DIR,
        ),
    ),
}


def offline_by_env() -> bool:
    """Whether ``COURSE_OFFLINE`` forbids downloads (the shared on/off spellings)."""
    return check.env_flag(OFFLINE_ENV_VAR)


def is_online(host: str, port: int = 443, timeout: float = CONNECT_TIMEOUT_S) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _describe_origin(name: str) -> str:
    urls = [remote.url for remote in DOWNLOADS[name]]
    if len(urls) == 1:
        return urls[0]
    folders = {url.rsplit("/", 1)[0] for url in urls}
    if len(folders) == 1:
        return f"{folders.pop()}/ ({len(urls)} files)"
    return ", ".join(urls)


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


def download(name: str, *, allowed: bool) -> None:
    """Download ``name`` into ``data_home()`` or raise; never leaves a partial file behind.

    ``allowed`` is ``load``'s ``download`` argument. Without it, with ``COURSE_OFFLINE`` on or
    without a connection to the origin, ``DatasetNotAvailableError`` is raised at once.
    """
    if name not in DOWNLOADS:
        raise not_available(name, "it ships with scikit-learn, whose copy is missing")
    if not allowed:
        raise not_available(name, "download=False was passed")
    if offline_by_env():
        value = os.environ.get(OFFLINE_ENV_VAR, "")
        raise not_available(name, f"downloads are switched off ({OFFLINE_ENV_VAR}={value})")
    host = urllib.parse.urlsplit(DOWNLOADS[name][0].url).hostname or ""
    if host and not is_online(host):
        raise not_available(
            name, f"this machine is offline (no connection to {host}:443 within 3 s)"
        )

    home = places.data_home()
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
        for remote in DOWNLOADS[name]:
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
                f"{catalog.file_list(name)} there by hand."
            ) from exc
        raise
    shutil.rmtree(tmp, ignore_errors=True)
