"""What the course's datasets are: their names, classes, split sizes and file layouts.

Nothing here touches the disk; the other modules of the package read these tables.
"""

from __future__ import annotations

from typing import Any

from course_lib import argument_validation as check

__all__ = ["NAMES", "class_names"]

NAMES = ("mnist", "fashion_mnist", "cifar10", "digits")

CLASS_NAMES: dict[str, tuple[str, ...]] = {
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

#: How a dataset is called in a sentence.
DISPLAY_NAMES = {
    "mnist": "MNIST",
    "fashion_mnist": "Fashion-MNIST",
    "cifar10": "CIFAR-10",
    "digits": "scikit-learn's digits",
}

#: (train, test) sizes of the real datasets, used in error messages before anything is read.
SPLIT_SIZES = {
    "mnist": (60_000, 10_000),
    "fashion_mnist": (60_000, 10_000),
    "cifar10": (50_000, 10_000),
    "digits": (1_347, 450),
}

#: What a pixel value is divided by for ``normalize=True``.
PIXEL_MAX = {"mnist": 255, "fashion_mnist": 255, "cifar10": 255, "digits": 16}

# File layouts, as in the Keras cache.
MNIST_FILE = "mnist.npz"
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")

FASHION_DIR = "fashion-mnist"
#: IDX file stems in the order train images, train labels, test images, test labels.
FASHION_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

CIFAR_DIR = "cifar-10-batches-py"
CIFAR_TARGET_DIR = "cifar-10-batches-py-target"
CIFAR_TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_TEST_FILE = "test_batch"


def check_name(name: Any, arg: str = "name") -> str:
    """``name`` if it is one of ``NAMES``; else a ValueError that lists them."""
    check.string(name, arg, allow_empty=True)
    try:
        return check.one_of(name, arg, NAMES)
    except ValueError as error:
        raise ValueError(f"Unknown dataset {name!r}. {error}") from None


def class_names(name: str) -> list[str]:
    """The human-readable class names of a dataset, indexed by label.

    Example:
        >>> class_names("cifar10")[:3]
        ['airplane', 'automobile', 'bird']
    """
    return list(CLASS_NAMES[check_name(name)])


def file_list(name: str) -> str:
    """The files of a downloadable dataset, in words (for the error that says what to copy)."""
    if name == "mnist":
        return MNIST_FILE
    if name == "fashion_mnist":
        return ", ".join(f"{stem}.gz" for stem in FASHION_FILES)
    return f"the folder {CIFAR_DIR}/ (data_batch_1 .. data_batch_5, test_batch)"
