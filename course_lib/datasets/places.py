"""Where the datasets are found on disk: the Keras cache, system folders, scikit-learn.

Only the presence of files is checked here; reading them is :mod:`.readers`' job.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from course_lib import argument_validation as check
from course_lib.datasets import catalog

__all__ = ["SYSTEM_DIRS", "available", "data_home", "locate"]

#: Folders that system packages install datasets into, searched after the Keras cache.
#: Each folder holds the dataset's files in the Keras cache layout (for fashion_mnist the four
#: IDX files). Tests point these elsewhere with ``monkeypatch.setitem``.
SYSTEM_DIRS: dict[str, tuple[Path, ...]] = {
    "fashion_mnist": (Path("/usr/share/datasets/fashion-mnist"),),
}


def data_home() -> Path:
    """The Keras dataset cache: ``$KERAS_HOME/datasets``, else ``~/.keras/datasets``.

    Read at every call, so setting ``KERAS_HOME`` later takes effect. The folder need not
    exist. For a student without ``KERAS_HOME`` it is e.g.
    ``PosixPath('/home/student/.keras/datasets')``.

    Example:
        >>> data_home().name
        'datasets'
    """
    root = os.environ.get("KERAS_HOME")
    base = Path(root).expanduser() if root else Path.home() / ".keras"
    return base / "datasets"


def sklearn_digits_file() -> Path:
    """scikit-learn's bundled digits file, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return Path("sklearn (not installed)") / "datasets" / "data" / "digits.csv.gz"
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "datasets" / "data" / "digits.csv.gz"


def search_places(name: str) -> list[tuple[str, Path]]:
    """Every place searched for ``name``, in order, as ``(source, path)``."""
    home = data_home()
    if name == "mnist":
        return [("keras cache", home / catalog.MNIST_FILE)]
    if name == "fashion_mnist":
        places = [("keras cache", home / catalog.FASHION_DIR)]
        places += [("system", Path(folder)) for folder in SYSTEM_DIRS.get(name, ())]
        return places
    if name == "cifar10":
        return [
            ("keras cache", home / catalog.CIFAR_DIR),
            ("keras cache", home / catalog.CIFAR_TARGET_DIR / catalog.CIFAR_DIR),
        ]
    return [("scikit-learn", sklearn_digits_file())]


def idx_file(folder: Path, stem: str) -> Path | None:
    """``folder/stem.gz`` or ``folder/stem``, whichever exists first."""
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    return None


def is_complete(name: str, path: Path, test: bool = True) -> bool:
    """Whether ``path`` holds every file of ``name`` (their contents are not checked); with
    ``test=False``, every file of its training split (where the test split has files of its
    own: fashion_mnist, cifar10)."""
    if name == "fashion_mnist":
        stems = catalog.FASHION_FILES if test else catalog.FASHION_FILES[:2]
        return all(idx_file(path, stem) is not None for stem in stems)
    if name == "cifar10":
        files = (*catalog.CIFAR_TRAIN_FILES, *([catalog.CIFAR_TEST_FILE] if test else []))
        return all((path / f).is_file() for f in files)
    return path.is_file()


def locate(name: str, test: bool = True) -> tuple[str, Path] | None:
    """Where ``load(name)`` would read the dataset from, without downloading anything
    (``test=False``: where ``load(name, n_test=0)`` would read its training split from).

    Returns:
        ``(source, path)`` with ``source`` one of ``"keras cache"``, ``"system"`` or
        ``"scikit-learn"`` and ``path`` the file or folder that would be read, or ``None``
        when no place has all of the dataset's files (``load`` would then download it).
        Only the presence of the files is checked, not their contents. With the Debian
        package installed, ``locate("fashion_mnist")`` gives
        ``('system', PosixPath('/usr/share/datasets/fashion-mnist'))``.

    Example:
        >>> source, path = locate("digits")
        >>> source, path.name
        ('scikit-learn', 'digits.csv.gz')
    """
    name = catalog.check_name(name)
    test = check.boolean(test, "test")
    for source, path in search_places(name):
        if is_complete(name, path, test):
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
    for name in catalog.NAMES:
        found = locate(name)
        result[name] = None if found is None else f"{found[0]}: {found[1]}"
    return result
