"""Tests for course_lib.datasets: where data is found, how it is read, and how it fails.

Everything but the test marked ``network`` runs offline: small files in the real formats are
written into a temporary ``KERAS_HOME``, downloads go through the real ``keras.utils.get_file``
from ``file://`` URLs or through a stand-in that fails, and the real Fashion-MNIST comes from
the Debian package ``dataset-fashion-mnist``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
import socket
import struct
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from course_lib import datasets
from course_lib.datasets import downloads, places

FASHION_STEMS = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
CIFAR_FILES = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch")
DOWNLOADABLE = ("mnist", "fashion_mnist", "cifar10")


# --------------------------------------------------------------------------------------------
# Fixtures and writers of small files in the real formats
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_real_network(request, monkeypatch):
    """Outside the network test, opening a connection is a test failure, not a slow hang."""
    if request.node.get_closest_marker("network"):
        return

    def refuse(*args, **kwargs):
        raise AssertionError(f"test tried to open a network connection: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty Keras cache; returns ``data_home()`` (which does not exist yet)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv(datasets.OFFLINE_ENV_VAR, raising=False)
    return datasets.data_home()


@pytest.fixture
def system_dir(tmp_path, monkeypatch) -> Path:
    """An empty stand-in for /usr/share/datasets/fashion-mnist."""
    folder = tmp_path / "system" / "fashion-mnist"
    folder.mkdir(parents=True)
    monkeypatch.setitem(datasets.SYSTEM_DIRS, "fashion_mnist", (folder,))
    return folder


def _idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = struct.pack(f">I{array.ndim}I", magic, *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def _images(n: int, shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, *shape), dtype=np.uint8)


def write_fashion(folder: Path, *, seed: int, gz: bool = True, n_train=12, n_test=6):
    """Write the four IDX files; return the arrays they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    x_train, x_test = _images(n_train, (28, 28), seed), _images(n_test, (28, 28), seed + 1)
    y_train, y_test = np.arange(n_train) % 10, (np.arange(n_test) + seed) % 10
    arrays = (x_train, y_train, x_test, y_test)
    for stem, array in zip(FASHION_STEMS, arrays, strict=True):
        data = _idx_bytes(array, 2051 if "images" in stem else 2049)
        if gz:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / stem).write_bytes(data)
    return (x_train, y_train), (x_test, y_test)


def write_mnist(path: Path, *, n_train=10, n_test=5):
    path.parent.mkdir(parents=True, exist_ok=True)
    x_train, x_test = _images(n_train, (28, 28), 10), _images(n_test, (28, 28), 11)
    y_train = (np.arange(n_train) % 10).astype(np.uint8)
    y_test = (np.arange(n_test) % 10).astype(np.uint8)
    np.savez_compressed(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return (x_train, y_train), (x_test, y_test)


def write_cifar(folder: Path, *, per_batch=3):
    """Write CIFAR-10 python batches (CHW rows, bytes keys); return the HWC images."""
    folder.mkdir(parents=True, exist_ok=True)
    xs, ys = [], []
    for i, fname in enumerate(CIFAR_FILES):
        x = _images(per_batch, (32, 32, 3), 20 + i)  # what load() must return: HWC
        y = [(i + j) % 10 for j in range(per_batch)]
        batch = {
            b"batch_label": f"batch {i}".encode(),
            b"labels": y,
            b"data": x.transpose(0, 3, 1, 2).reshape(per_batch, 3072),  # stored CHW
            b"filenames": [f"img{j}.png".encode() for j in range(per_batch)],
        }
        with open(folder / fname, "wb") as f:
            pickle.dump(batch, f, protocol=2)
        xs.append(x)
        ys.append(np.array(y))
    return (np.concatenate(xs[:5]), np.concatenate(ys[:5])), (xs[5], ys[5])


def _assert_loaded(result, expected):
    (x_train, y_train), (x_test, y_test) = result
    (ex_train, ey_train), (ex_test, ey_test) = expected
    np.testing.assert_array_equal(x_train, ex_train)
    np.testing.assert_array_equal(y_train, ey_train)
    np.testing.assert_array_equal(x_test, ex_test)
    np.testing.assert_array_equal(y_test, ey_test)
    for y in (y_train, y_test):
        assert y.ndim == 1
        assert np.issubdtype(y.dtype, np.integer)


def _assert_empty(folder: Path):
    leftovers = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert leftovers == [], f"left behind in the cache: {leftovers}"


# --------------------------------------------------------------------------------------------
# The real Fashion-MNIST from the system folder (Debian package dataset-fashion-mnist)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def real_fashion(home) -> Path:
    folder = datasets.SYSTEM_DIRS["fashion_mnist"][0]
    if not all((folder / f"{stem}.gz").is_file() for stem in FASHION_STEMS):
        reason = f"{folder} is missing: sudo apt-get install dataset-fashion-mnist"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI installs the Fashion-MNIST package, but {reason}")
        pytest.skip(reason)
    return folder


def test_real_fashion_found_in_system_folder(real_fashion):
    assert datasets.locate("fashion_mnist") == ("system", real_fashion)
    (x_train, y_train), (x_test, y_test) = datasets.load("fashion_mnist")
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and x_test.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert np.issubdtype(y_train.dtype, np.integer)
    for y, per_class in ((y_train, 6000), (y_test, 1000)):
        assert y.min() == 0 and y.max() == 9
        np.testing.assert_array_equal(np.bincount(y), [per_class] * 10)  # balanced, 10 classes
    assert x_train.max() == 255 and x_train.min() == 0
    assert y_train[:5].tolist() == [9, 0, 0, 3, 0]  # the published first labels


def test_real_fashion_normalize_and_channels(real_fashion):
    (raw, _), _ = datasets.load("fashion_mnist", n_train=1000)
    (x_train, _), (x_test, _) = datasets.load(
        "fashion_mnist", normalize=True, channels=True, n_train=1000
    )
    assert x_train.shape == (1000, 28, 28, 1) and x_test.shape == (10000, 28, 28, 1)
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    np.testing.assert_allclose(x_train[..., 0], raw / 255.0, rtol=1e-6)
    (x_uint8, _), _ = datasets.load("fashion_mnist", channels=True, n_train=10)
    assert x_uint8.shape == (10, 28, 28, 1) and x_uint8.dtype == np.uint8


def test_real_fashion_subsets_are_seeded(real_fashion):
    (x_full, y_full), _ = datasets.load("fashion_mnist")
    (xa, ya), (xa_test, ya_test) = datasets.load("fashion_mnist", n_train=500, n_test=100)
    (xb, yb), _ = datasets.load("fashion_mnist", n_train=500, n_test=100, seed=0)
    (xc, yc), _ = datasets.load("fashion_mnist", n_train=500, n_test=100, seed=1)
    assert xc.shape == (500, 28, 28) and yc.shape == (500,)
    assert xa.shape == (500, 28, 28) and ya.shape == (500,)
    assert xa_test.shape == (100, 28, 28) and ya_test.shape == (100,)
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(xa, xc)
    # The subset is drawn from the real split with np.random.default_rng(seed), in stored order.
    index = np.sort(np.random.default_rng(0).choice(60000, size=500, replace=False))
    np.testing.assert_array_equal(xa, x_full[index])
    np.testing.assert_array_equal(ya, y_full[index])


# --------------------------------------------------------------------------------------------
# The Keras cache
# --------------------------------------------------------------------------------------------


def test_mnist_npz_read_from_keras_cache(home):
    expected = write_mnist(home / "mnist.npz")
    assert datasets.locate("mnist") == ("keras cache", home / "mnist.npz")
    result = datasets.load("mnist")
    _assert_loaded(result, expected)
    assert result[0][0].dtype == np.uint8
    (x_norm, _), _ = datasets.load("mnist", normalize=True, channels=True)
    assert x_norm.shape == (10, 28, 28, 1) and x_norm.dtype == np.float32
    np.testing.assert_allclose(x_norm[..., 0], expected[0][0] / 255.0, rtol=1e-6)


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "uncompressed"])
def test_fashion_keras_cache_preferred_over_system_folder(home, system_dir, gz):
    write_fashion(system_dir, seed=100)
    expected = write_fashion(home / "fashion-mnist", seed=1, gz=gz)
    assert datasets.locate("fashion_mnist") == ("keras cache", home / "fashion-mnist")
    _assert_loaded(datasets.load("fashion_mnist"), expected)


def test_fashion_system_folder_used_when_cache_lacks_it(home, system_dir):
    expected = write_fashion(system_dir, seed=7)
    # An incomplete copy in the cache (one file of four) does not count.
    write_fashion(home / "fashion-mnist", seed=1)
    (home / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    assert datasets.locate("fashion_mnist") == ("system", system_dir)
    _assert_loaded(datasets.load("fashion_mnist"), expected)


def test_n_test_zero_reads_only_the_training_files(home, system_dir):
    """A grader that holds the test split back hides its files: ``n_test=0`` still loads the
    training split, and every other call says that the dataset is not there."""
    (x_train, y_train), _ = write_fashion(system_dir, seed=3)
    for stem in FASHION_STEMS[2:]:
        (system_dir / f"{stem}.gz").unlink()
    assert datasets.locate("fashion_mnist") is None
    assert datasets.locate("fashion_mnist", test=False) == ("system", system_dir)
    (x, y), (x_test, y_test) = datasets.load("fashion_mnist", n_test=0, channels=True)
    np.testing.assert_array_equal(x[..., 0], x_train)
    np.testing.assert_array_equal(y, y_train)
    assert x_test.shape == (0, 28, 28, 1) and x_test.dtype == x.dtype and y_test.shape == (0,)
    with pytest.raises(datasets.DatasetNotAvailableError):
        datasets.load("fashion_mnist", download=False)
    with pytest.raises(datasets.DatasetNotAvailableError):
        datasets.load("fashion_mnist", n_test=1, download=False)
    (_, _), (x_test, y_test) = datasets.load("digits", n_test=0)
    assert x_test.shape == (0, 8, 8) and len(y_test) == 0


@pytest.mark.parametrize(
    "layout", [("cifar-10-batches-py",), ("cifar-10-batches-py-target", "cifar-10-batches-py")]
)
def test_cifar_batches_read_from_both_cache_layouts(home, layout):
    folder = home.joinpath(*layout)
    expected = write_cifar(folder)
    assert datasets.locate("cifar10") == ("keras cache", folder)
    result = datasets.load("cifar10")
    _assert_loaded(result, expected)  # CHW rows became HWC images
    (x_train, y_train), (x_test, y_test) = result
    assert x_train.shape == (15, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert x_train.dtype == np.uint8 and y_train.shape == (15,) and y_test.shape == (3,)
    (x_ch, _), _ = datasets.load("cifar10", channels=True, normalize=True)
    assert x_ch.shape == (15, 32, 32, 3) and x_ch.dtype == np.float32


class _Payload:
    """Unpickling this runs a shell command: a stand-in for a malicious download."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_cifar_pickle_with_foreign_objects_is_refused(home, tmp_path):
    folder = home / "cifar-10-batches-py"
    write_cifar(folder)
    marker = tmp_path / "code-ran"
    with open(folder / "data_batch_3", "wb") as f:
        pickle.dump({b"data": _Payload(marker), b"labels": [0]}, f, protocol=2)
    path = re.escape(str(folder / "data_batch_3"))
    with pytest.raises(datasets.DatasetFormatError, match=f"{path}.*refusing to load"):
        datasets.load("cifar10")
    assert not marker.exists()


def test_available_lists_what_is_on_disk(home, system_dir):
    write_mnist(home / "mnist.npz")
    table = datasets.available()
    assert list(table) == list(datasets.NAMES)
    assert table["mnist"] == f"keras cache: {home / 'mnist.npz'}"
    assert table["fashion_mnist"] is None
    assert table["cifar10"] is None
    assert table["digits"].startswith("scikit-learn: ")
    assert Path(table["digits"].removeprefix("scikit-learn: ")).is_file()


def test_data_home_follows_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert datasets.data_home() == tmp_path / "kh" / "datasets"
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert datasets.data_home() == tmp_path / "user" / ".keras" / "datasets"


# --------------------------------------------------------------------------------------------
# Offline: fail at once, say where we looked and what to do
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOWNLOADABLE)
@pytest.mark.parametrize("how", ["no_connection", "download_false", "env_var"])
def test_offline_raises_at_once_with_places_and_remedy(home, system_dir, monkeypatch, name, how):
    attempts = []

    def no_route(address, timeout=None, *args, **kwargs):
        attempts.append((address, timeout))
        raise OSError("Network is unreachable")

    def no_download(**kwargs):
        raise AssertionError("get_file must not be called when offline")

    monkeypatch.setattr(socket, "create_connection", no_route)
    monkeypatch.setattr(keras.utils, "get_file", no_download)
    kwargs = {}
    if how == "download_false":
        kwargs["download"] = False
    elif how == "env_var":
        monkeypatch.setenv("COURSE_OFFLINE", "1")

    start = time.perf_counter()
    with pytest.raises(datasets.DatasetNotAvailableError) as info:
        datasets.load(name, **kwargs)
    assert time.perf_counter() - start < 1.0
    assert isinstance(info.value, FileNotFoundError)

    message = str(info.value)
    assert repr(name) in message
    for _, path in places.search_places(name):
        assert str(path) in message
    assert str(home) in message
    if name == "fashion_mnist":
        assert str(system_dir) in message
        assert "apt-get install dataset-fashion-mnist" in message
    if how == "no_connection":
        assert len(attempts) == 1
        (host, port), timeout = attempts[0]
        assert port == 443 and timeout <= 3 and host in message
    else:
        assert attempts == []  # no connection test needed to know we may not download
    _assert_empty(home)


# --------------------------------------------------------------------------------------------
# Downloads: complete and verified, or nothing left behind
# --------------------------------------------------------------------------------------------


@pytest.fixture
def online(monkeypatch):
    monkeypatch.setattr(downloads, "is_online", lambda host, *a, **k: True)


@pytest.mark.parametrize("name", DOWNLOADABLE)
def test_failed_download_leaves_nothing_in_cache(home, system_dir, online, monkeypatch, name):
    calls = []

    def broken_get_file(fname=None, origin=None, cache_dir=None, cache_subdir=None, **kwargs):
        calls.append((origin, cache_dir, kwargs.get("file_hash")))
        target = Path(cache_dir) / cache_subdir / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"half a file")  # what a dropped connection leaves
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(keras.utils, "get_file", broken_get_file)
    with pytest.raises(datasets.DatasetDownloadError, match="connection reset") as info:
        datasets.load(name)
    assert isinstance(info.value.__cause__, ConnectionResetError)
    origin, cache_dir, file_hash = calls[0]
    assert origin.startswith("https://")
    assert Path(cache_dir).parent == home  # staged inside the cache: same filesystem
    assert re.fullmatch(r"[0-9a-f]{64}", file_hash)  # sha256 checked by Keras
    _assert_empty(home)
    assert datasets.locate(name) is None


def _serve(monkeypatch, name: str, files: list[tuple[Path, str]], *, corrupt=False):
    """Point the downloads of ``name`` at local files (``file://`` URLs keras can fetch)."""
    remotes = []
    for path, target in files:
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        if corrupt:
            sha256 = hashlib.sha256(b"the real file").hexdigest()
        extract = "cifar-10-batches-py" if name == "cifar10" else None
        remotes.append(downloads.Remote(path.as_uri(), sha256, target, extract))
    monkeypatch.setitem(downloads.DOWNLOADS, name, tuple(remotes))


def _server_files(tmp_path: Path, name: str):
    """Files as the origins serve them, and what load() must return from them."""
    served = tmp_path / "server"
    if name == "mnist":
        expected = write_mnist(served / "mnist.npz")
        return expected, [(served / "mnist.npz", "mnist.npz")]
    if name == "fashion_mnist":
        expected = write_fashion(served, seed=3)
        return expected, [(served / f"{s}.gz", f"fashion-mnist/{s}.gz") for s in FASHION_STEMS]
    expected = write_cifar(served / "cifar-10-batches-py")
    archive = served / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(served / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    return expected, [(archive, "cifar-10-batches-py")]


@pytest.mark.parametrize("name", DOWNLOADABLE)
def test_download_through_keras_get_file(home, system_dir, tmp_path, monkeypatch, capsys, name):
    expected, files = _server_files(tmp_path, name)
    _serve(monkeypatch, name, files)
    _assert_loaded(datasets.load(name), expected)
    assert f"Downloading {name} from file://" in capsys.readouterr().out
    source, path = datasets.locate(name)
    assert source == "keras cache" and path.parent == home
    assert sorted(p.name for p in home.iterdir()) == [Path(files[0][1]).parts[0]]  # no temp
    _assert_loaded(datasets.load(name, download=False), expected)  # now offline-ready


@pytest.mark.parametrize("name", DOWNLOADABLE)
def test_corrupt_download_hash_mismatch_leaves_nothing(
    home, system_dir, tmp_path, monkeypatch, name
):
    _, files = _server_files(tmp_path, name)
    _serve(monkeypatch, name, files, corrupt=True)
    with pytest.raises(datasets.DatasetDownloadError, match="hash") as info:
        datasets.load(name)
    assert isinstance(info.value.__cause__, ValueError)  # raised by keras.utils.get_file
    _assert_empty(home)


def test_interrupted_download_cleans_up_and_reraises(home, online, monkeypatch):
    def interrupted(fname=None, cache_dir=None, cache_subdir=None, **kwargs):
        target = Path(cache_dir) / cache_subdir / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.utils, "get_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        datasets.load("mnist")
    _assert_empty(home)


# --------------------------------------------------------------------------------------------
# Damaged files: a clear error that names the file, never a silent fallback
# --------------------------------------------------------------------------------------------


def _truncate_images(folder):
    path = folder / "train-images-idx3-ubyte.gz"
    data = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(data[:-100]))
    return path


def _wrong_magic(folder):
    path = folder / "train-labels-idx1-ubyte.gz"
    data = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(struct.pack(">I", 2051) + data[4:]))
    return path


def _garbage(folder):
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(b"<html>404 Not Found</html>")
    return path


def _cut_gzip_stream(folder):
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    return path


def _wrong_image_size(folder):
    path = folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(_idx_bytes(_images(6, (27, 28), 0), 2051)))
    return path


def _label_count_mismatch(folder):
    path = folder / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(_idx_bytes(np.zeros(5, np.uint8), 2049)))
    return path


@pytest.mark.parametrize(
    "damage",
    [
        _truncate_images,
        _wrong_magic,
        _garbage,
        _cut_gzip_stream,
        _wrong_image_size,
        _label_count_mismatch,
    ],
)
def test_damaged_idx_file_in_cache_is_named(home, system_dir, damage):
    write_fashion(system_dir, seed=5)  # a good copy exists, but must not be used silently
    write_fashion(home / "fashion-mnist", seed=1)
    path = damage(home / "fashion-mnist")
    with pytest.raises(datasets.DatasetFormatError, match=re.escape(str(path))) as info:
        datasets.load("fashion_mnist")
    assert isinstance(info.value, ValueError)


def test_damaged_mnist_npz_is_named(home):
    write_mnist(home / "mnist.npz")
    path = home / "mnist.npz"
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(datasets.DatasetFormatError, match=re.escape(str(path))):
        datasets.load("mnist")


def test_truncated_cifar_batch_is_named(home):
    folder = home / "cifar-10-batches-py"
    write_cifar(folder)
    path = folder / "test_batch"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(datasets.DatasetFormatError, match=re.escape(str(path))):
        datasets.load("cifar10")


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["imagenet", "MNIST", "fashion-mnist", ""])
def test_unknown_name_lists_the_names(name):
    names = r"one of \['mnist', 'fashion_mnist', 'cifar10', 'digits'\]"
    with pytest.raises(ValueError, match=names):
        datasets.load(name)
    with pytest.raises(ValueError, match="Unknown dataset"):
        datasets.locate(name)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"name": 3}, r"`name` must be a string.*Received: name=3"),
        ({"n_train": -3}, r"`n_train` must be .*\[1, 1347\].*Received: n_train=-3"),
        ({"n_train": 0}, r"`n_train` .*Received: n_train=0"),
        ({"n_train": 2.5}, r"`n_train` .*Received: n_train=2.5"),
        ({"n_train": "100"}, r"`n_train` .*Received: n_train='100'"),
        ({"n_train": True}, r"`n_train` .*Received: n_train=True"),
        ({"n_train": 1348}, r"`n_train` .*\[1, 1347\].*Received: n_train=1348"),
        ({"n_test": -1}, r"`n_test` .*\[0, 450\] \(none of it\).*Received: n_test=-1"),
        ({"n_test": 451}, r"`n_test` .*\[0, 450\].*Received: n_test=451"),
        ({"seed": -1}, r"`seed` must be a non-negative integer. Received: seed=-1"),
        ({"seed": 1.5}, r"`seed` .*Received: seed=1.5"),
        ({"seed": None}, r"`seed` .*Received: seed=None"),
        ({"normalize": "yes"}, r"`normalize` must be True or False. Received: normalize='yes'"),
        ({"channels": 1}, r"`channels` must be True or False. Received: channels=1"),
        ({"download": None}, r"`download` must be True or False. Received: download=None"),
    ],
)
def test_bad_arguments(kwargs, pattern):
    kwargs = {"name": "digits", **kwargs}
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=pattern):
        datasets.load(name, **kwargs)


def test_too_large_subset_of_a_small_cache_names_the_real_size(home):
    write_mnist(home / "mnist.npz", n_train=10, n_test=5)
    with pytest.raises(ValueError, match=r"`n_train` .*\[1, 10\].*Received: n_train=11"):
        datasets.load("mnist", n_train=11)
    (x, _), (xt, _) = datasets.load("mnist", n_train=10, n_test=np.int64(5))
    assert len(x) == 10 and len(xt) == 5


def test_class_names():
    assert datasets.class_names("fashion_mnist") == [
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
    ]
    assert datasets.class_names("cifar10")[::3] == ["airplane", "cat", "frog", "truck"]
    assert datasets.class_names("mnist") == [str(i) for i in range(10)]
    assert datasets.class_names("digits") == datasets.class_names("mnist")
    datasets.class_names("cifar10").append("changed")  # a copy: the table stays intact
    assert len(datasets.class_names("cifar10")) == 10
    with pytest.raises(ValueError, match="Unknown dataset"):
        datasets.class_names("cifar100")


# --------------------------------------------------------------------------------------------
# digits (scikit-learn)
# --------------------------------------------------------------------------------------------


def test_digits_fixed_stratified_split(home):
    source, path = datasets.locate("digits")
    assert source == "scikit-learn" and path.is_file()
    (x_train, y_train), (x_test, y_test) = datasets.load("digits")
    assert x_train.shape == (1347, 8, 8) and x_test.shape == (450, 8, 8)
    assert x_train.dtype == np.uint8 and x_train.max() == 16
    assert y_train.shape == (1347,) and np.issubdtype(y_train.dtype, np.integer)
    totals = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - totals * 0.25) <= 1)  # stratified
    digits = load_digits()
    _, expected_x_test, _, expected_y_test = train_test_split(
        digits.images, digits.target, test_size=0.25, random_state=0, stratify=digits.target
    )
    np.testing.assert_array_equal(x_test, expected_x_test)
    np.testing.assert_array_equal(y_test, expected_y_test)
    _assert_empty(home)  # never downloads, never writes to the cache


def test_digits_normalize_divides_by_16():
    (raw, _), _ = datasets.load("digits")
    (x_train, _), (x_test, _) = datasets.load("digits", normalize=True, channels=True)
    assert x_train.dtype == np.float32 and x_train.shape == (1347, 8, 8, 1)
    assert x_test.shape == (450, 8, 8, 1)
    assert x_train.max() == 1.0 and x_train.min() == 0.0
    np.testing.assert_array_equal(x_train[..., 0], raw.astype(np.float32) / 16)


# --------------------------------------------------------------------------------------------
# Module hygiene and the real download
# --------------------------------------------------------------------------------------------


def test_import_does_no_work():
    code = (
        "import sys, course_lib.datasets as d; "
        "heavy = [m for m in ('keras', 'tensorflow', 'sklearn') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.network
def test_real_mnist_download(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv(datasets.OFFLINE_ENV_VAR, raising=False)
    (x_train, y_train), (x_test, y_test) = datasets.load("mnist")
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.shape == (10000,)
    assert set(np.unique(y_train)) == set(range(10))
    assert sorted(p.name for p in datasets.data_home().iterdir()) == ["mnist.npz"]
    assert datasets.locate("mnist") == ("keras cache", datasets.data_home() / "mnist.npz")


# --------------------------------------------------------------------------------------------
# load_first: the first available of several, never a silent substitute
# --------------------------------------------------------------------------------------------


def test_load_first_takes_the_first_available_and_says_what_it_skipped(
    home, system_dir, monkeypatch, capsys
):
    monkeypatch.setenv(datasets.OFFLINE_ENV_VAR, "1")  # cifar10 and mnist are not on disk
    write_fashion(system_dir, seed=3)
    name, ((x, y), (xt, yt)) = datasets.load_first(
        ["cifar10", "mnist", "fashion_mnist"], normalize=True, channels=True, n_train=5
    )
    assert name == "fashion_mnist"
    expected = datasets.load("fashion_mnist", normalize=True, channels=True, n_train=5)
    for got, want in zip((x, y, xt, yt), (*expected[0], *expected[1]), strict=True):
        np.testing.assert_array_equal(got, want)
    assert x.shape == (5, 28, 28, 1)
    assert capsys.readouterr().out == (
        "CIFAR-10 and MNIST are not available on this machine: using Fashion-MNIST instead.\n"
    )


def test_load_first_is_quiet_when_the_first_is_there(home, system_dir, capsys):
    write_fashion(system_dir, seed=3)
    name, _ = datasets.load_first(["fashion_mnist", "digits"])
    assert name == "fashion_mnist"
    assert capsys.readouterr().out == ""


def test_load_first_lists_every_reason_when_none_is_there(home, system_dir, monkeypatch):
    monkeypatch.setenv(datasets.OFFLINE_ENV_VAR, "1")
    with pytest.raises(datasets.DatasetNotAvailableError) as info:
        datasets.load_first(["cifar10", "fashion_mnist"])
    message = str(info.value)
    assert message.startswith("None of ['cifar10', 'fashion_mnist'] is available")
    assert "'cifar10'" in message and "'fashion_mnist'" in message


@pytest.mark.parametrize(
    ("names", "match"),
    [
        ([], "`names` must be a non-empty list"),
        ("cifar10", r"`names` must be a list of strings, e.g. \['cifar10'\], not a bare"),
        (["cifar10", "cifar10"], "must not repeat"),
        (["cifar10", "imagenet"], r"Unknown dataset 'imagenet'. `names\[1\]` must be one of"),
        (["cifar10", 3], r"`names` must be a list of non-empty strings"),
        (("digits", ""), r"`names` must be a list of non-empty strings"),
    ],
)
def test_load_first_rejects_bad_names(names, match):
    with pytest.raises(ValueError, match=match):
        datasets.load_first(names)


# --------------------------------------------------------------------------------------------
# COURSE_OFFLINE: the shared on/off rule (course_lib.argument_validation.env_flag)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "TRUE", " yes ", "On"])
def test_offline_on_spellings_forbid_downloads(home, monkeypatch, value):
    monkeypatch.setenv(datasets.OFFLINE_ENV_VAR, value)
    with pytest.raises(datasets.DatasetNotAvailableError, match="downloads are switched off"):
        datasets.load("mnist")


@pytest.mark.parametrize("value", ["0", "false", "NO", "off", "", "  "])
def test_offline_off_spellings_allow_downloads(home, monkeypatch, value):
    monkeypatch.setenv(datasets.OFFLINE_ENV_VAR, value)
    monkeypatch.setattr(downloads, "is_online", lambda host, *a, **k: False)
    with pytest.raises(datasets.DatasetNotAvailableError, match="this machine is offline"):
        datasets.load("mnist")


@pytest.mark.parametrize("value", ["maybe", "ture", "2"])
def test_offline_value_that_is_neither_on_nor_off_is_refused(home, monkeypatch, value):
    """A typo must not silently allow downloads (it used to: anything unknown meant online)."""
    monkeypatch.setenv(datasets.OFFLINE_ENV_VAR, value)
    with pytest.raises(ValueError, match=f"COURSE_OFFLINE={value!r} is not understood"):
        datasets.load("mnist")
    _assert_empty(home)


def test_offline_switch_is_read_by_the_shared_env_flag(home, monkeypatch):
    from course_lib import argument_validation

    calls = []

    def spy(variable, default=False):
        calls.append(variable)
        return True

    monkeypatch.setenv(datasets.OFFLINE_ENV_VAR, "yes")
    monkeypatch.setattr(argument_validation, "env_flag", spy)
    with pytest.raises(datasets.DatasetNotAvailableError, match="switched off"):
        datasets.load("mnist")
    assert calls == ["COURSE_OFFLINE"]


def test_numpy_integers_are_accepted_for_counts_and_seed(home):
    (x, y), (xt, _) = datasets.load("digits", n_train=np.int64(20), n_test=np.int32(5))
    (x2, _), _ = datasets.load("digits", n_train=20, seed=np.int64(0))
    assert x.shape == (20, 8, 8) and y.shape == (20,) and xt.shape == (5, 8, 8)
    np.testing.assert_array_equal(x, x2)


def test_package_keeps_the_public_names():
    """datasets.py became a package: every public name is still importable from it."""
    import course_lib.datasets as package
    from course_lib.datasets import api, catalog, errors

    assert package.load is api.load and package.locate is places.locate
    assert package.NAMES is catalog.NAMES and package.SYSTEM_DIRS is places.SYSTEM_DIRS
    assert package.DatasetFormatError is errors.DatasetFormatError
    for name in package.__all__:
        assert getattr(package, name) is not None
