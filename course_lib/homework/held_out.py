"""A part the grader scores itself, on test data the submission's code never sees (HW4).

The notebook hands in a description, not a trained model: ``Rules.hand_in`` (in the kernel)
writes the configuration of the network that the student's ``build_model()`` returns and the
training ``RECIPE`` to a file. Then, outside the student's code:

1. the jail (``course_lib.homework.jail``), once nbgrader has ended and every process of the
   submission is killed, runs ``python -m course_lib.homework.held_out train``: a fresh process
   that rebuilds the network from the configuration (Keras's safe mode, only Keras's layers and
   course_lib's blocks, no weights smuggled in the configuration), checks the parameter budget
   and the recipe, and trains it on the training split, by the recipe, under the grader's
   seed, with the time limit of ``Rules``. In the sandbox the test split's files are not there
   at all (``course_lib.homework.bwrap``, ``held_out``), so nothing that ran in it could read
   them;
2. the grader scores the trained model on the test split in a sandbox of its own that runs no
   code of the submission either (``python -m course_lib.homework.held_out score``), and
   writes the part's points into the gradebook before the feedback is made
   (``course_lib.homework.runner``).

Example:
    >>> RULES["hw4"].budget, RULES["hw4"].part
    (20000, 'accuracy_tests')
    >>> RULES["hw4"].check_recipe({"learning_rate": 3e-3, "batch_size": 128, "epochs": 8})
    {'learning_rate': 0.003, 'batch_size': 128, 'epochs': 8}
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["RULES", "EntryError", "Rules"]

MARK = "COURSE-HELD-OUT "
#: Keras layers that run code that is not in the configuration (or load it from elsewhere).
FORBIDDEN_LAYERS = ("Lambda", "TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper")
#: The longest list a configuration may hold (kernel sizes, strides, shapes: a few numbers).
MAX_LIST = 16


class EntryError(ValueError):
    """What a notebook handed in cannot be trained by the grader; the message says why."""


@dataclasses.dataclass(frozen=True)
class Rules:
    """What the grader allows and measures for one part; pairs are ``(quick, full)``.

    Attributes:
        part: the ``grade_id`` of the test cell whose points the grader decides.
        entry: the file the notebook writes (``hand_in``).
        dataset: the dataset, its training split for training, its test split for scoring.
        budget: the most parameters the network may have.
        max_epochs: the most epochs a recipe may ask for.
        n_train: how many training images the grader trains on (None: all).
        n_test: how many test images it scores on (None: all).
        bar: the test accuracy that earns the part's points.
        train_seconds: the grader's time limit for the training.
        seed: the grader's seed for the training (its subset, initial weights and batches).
    """

    part: str
    entry: str
    dataset: str
    budget: int
    max_epochs: tuple[int, int]
    n_train: tuple[int | None, int | None]
    n_test: tuple[int | None, int | None]
    bar: tuple[float, float]
    train_seconds: tuple[int, int]
    batch_sizes: tuple[int, int] = (16, 1024)
    learning_rates: tuple[float, float] = (1e-5, 0.1)
    seed: int = 101

    def now(self, name: str) -> Any:
        """The value of a ``(quick, full)`` attribute in the current run mode."""
        from course_lib import run_mode

        quick, full = getattr(self, name)
        return quick if run_mode.is_quick() else full

    def check_recipe(self, recipe: Any) -> dict:
        """``recipe`` as a plain dict, or ``EntryError`` naming what is not allowed."""
        if not isinstance(recipe, dict) or set(recipe) != {
            "learning_rate",
            "batch_size",
            "epochs",
        }:
            raise EntryError(
                "RECIPE must be a dict with exactly the keys 'learning_rate', 'batch_size' and "
                f"'epochs'. Received: RECIPE={recipe!r}"
            )
        lr, batch, epochs = recipe["learning_rate"], recipe["batch_size"], recipe["epochs"]
        low, high = self.learning_rates
        number = isinstance(lr, numbers.Real) and not isinstance(lr, (bool, np.bool_))
        if not number or not low <= lr <= high:
            raise EntryError(
                f"learning_rate must be a number in [{low}, {high}]. Received: {lr!r}"
            )
        for key, value, (low, high) in (
            ("batch_size", batch, self.batch_sizes),
            ("epochs", epochs, (1, self.max_epochs[1])),
        ):
            whole = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
            if not whole or not low <= value <= high:
                raise EntryError(
                    f"{key} must be a whole number in [{low}, {high}]. Received: {value!r}"
                )
        return {"learning_rate": float(lr), "batch_size": int(batch), "epochs": int(epochs)}

    def fit(self, model: Any, recipe: dict, x: Any, y: Any) -> Any:
        """Train ``model`` on ``x``, ``y`` as the grader does: Adam at the recipe's learning
        rate decayed to 0 on a cosine, sparse cross-entropy, the recipe's batch size and
        epochs (in quick mode at most ``max_epochs[0]`` of them). Returns the model.

        Example:
            >>> import keras, numpy as np
            >>> net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, "softmax")])
            >>> recipe = {"learning_rate": 1e-2, "batch_size": 16, "epochs": 1}
            >>> RULES["hw4"].fit(net, recipe, np.zeros((32, 4)), np.zeros(32, "int64")) is net
            True
        """
        import keras

        recipe = self.check_recipe(recipe)
        epochs = min(recipe["epochs"], self.now("max_epochs"))
        steps = epochs * math.ceil(len(x) / recipe["batch_size"])
        schedule = keras.optimizers.schedules.CosineDecay(recipe["learning_rate"], steps)
        model.compile(
            optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy"
        )
        model.fit(x, y, epochs=epochs, batch_size=recipe["batch_size"], verbose=0)
        return model

    def hand_in(self, build_model: Callable[[], Any], recipe: dict) -> dict:
        """Check a fresh ``build_model()`` and ``recipe`` as the grader will, write them to
        ``self.entry`` in the current folder, and return a summary (in the kernel)."""
        recipe = self.check_recipe(recipe)
        model = build_model()
        config = model_config(model)
        rebuilt = rebuild(config, self)
        entry = {"model": config, "recipe": recipe}
        Path(self.entry).write_text(json.dumps(entry))
        return {"parameters": rebuilt.count_params(), **recipe}


def model_config(model: Any) -> dict:
    """The serialized configuration of ``model`` (a ``keras.Model``), as Keras saves it."""
    import keras

    if not isinstance(model, keras.Model):
        raise EntryError(f"build_model() must return a keras.Model. Received: {type(model)}")
    return keras.saving.serialize_keras_object(model)


def _numbers_in(value: list) -> int:
    """How many numbers ``value`` holds, in it and in the lists inside it."""
    return sum(
        _numbers_in(v) if isinstance(v, list) else isinstance(v, (int, float)) for v in value
    )


def _walk(value: Any, where: str) -> None:
    """Refuse what a network's configuration does not need: long or nested lists (weights
    written into it) and layers that run code from elsewhere."""
    if isinstance(value, dict):
        name = value.get("class_name")
        if name in FORBIDDEN_LAYERS:
            raise EntryError(f"{where}: the layer {name} cannot be graded (it runs outside code)")
        if name == "Constant" and isinstance(value.get("config", {}).get("value"), list):
            raise EntryError(f"{where}: a Constant initializer must hold a single number")
        for key, item in value.items():
            _walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        count = _numbers_in(value)
        if count > MAX_LIST:
            raise EntryError(
                f"{where}: a list of {count} numbers (at most {MAX_LIST}: weights are not "
                "handed in, the grader starts from fresh ones)"
            )
        for index, item in enumerate(value):
            _walk(item, f"{where}[{index}]")


def rebuild(config: dict, rules: Rules) -> Any:
    """A fresh, untrained network from ``config``, within ``rules.budget``, or ``EntryError``."""
    import keras

    import course_lib.layers  # noqa: F401 (registers course_lib's blocks)

    _walk(config, "model")
    config = json.loads(json.dumps(config))  # a copy: deserializing takes the config apart
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as error:
        raise EntryError(
            "the grader cannot rebuild the network from its configuration (only Keras's layers "
            f"and course_lib's blocks can be graded): {type(error).__name__}: {error}"
        ) from None
    if not isinstance(model, keras.Model) or not model.built:
        raise EntryError("the configuration does not describe a built keras.Model")
    shape_in, shape_out = tuple(model.input_shape), tuple(model.output_shape)
    if shape_in != (None, 28, 28, 1) or shape_out != (None, 10):
        raise EntryError(f"the network maps {shape_in} to {shape_out}, not 28x28x1 to 10")
    if model.count_params() > rules.budget:
        raise EntryError(
            f"{model.count_params():,} parameters: over the budget of {rules.budget:,}"
        )
    return model


def train(entry: dict, rules: Rules) -> tuple[Any, dict]:
    """Train a fresh network from ``entry`` on the training split by its recipe (Adam, the
    recipe's learning rate decayed to 0 on a cosine, sparse cross-entropy): ``(model, info)``."""
    import numpy as np

    import course_lib
    from course_lib import datasets

    if not isinstance(entry, dict):
        raise EntryError(f"the entry is not a JSON object: {type(entry).__name__}")
    recipe = rules.check_recipe(entry.get("recipe"))
    course_lib.setup(seed=rules.seed, verbose=False)
    model = rebuild(entry.get("model"), rules)
    (x, y), _ = datasets.load(
        rules.dataset,
        normalize=True,
        channels=True,
        n_train=rules.now("n_train"),
        n_test=0,
        seed=rules.seed,
    )
    start = time.monotonic()
    rules.fit(model, recipe, x, y)
    loss = float(model.history.history["loss"][-1])
    if not np.isfinite(loss):
        raise EntryError(f"the training loss is {loss} at the end")
    info = {
        "parameters": model.count_params(),
        "images": len(x),
        **recipe,
        "epochs": len(model.history.history["loss"]),
        "seconds": round(time.monotonic() - start, 1),
        "loss": round(loss, 4),
    }
    return model, info


def score(model_file: Path, rules: Rules) -> dict:
    """The test accuracy of the saved model (loaded in safe mode, within the budget)."""
    import keras
    import numpy as np

    import course_lib.layers  # noqa: F401 (registers course_lib's blocks)
    from course_lib import datasets

    model = keras.saving.load_model(model_file, compile=False, safe_mode=True)
    if model.count_params() > rules.budget:
        raise EntryError(
            f"{model.count_params():,} parameters: over the budget of {rules.budget:,}"
        )
    _, (x, y) = datasets.load(
        rules.dataset, normalize=True, channels=True, n_train=1, n_test=rules.now("n_test")
    )
    probabilities = keras.ops.convert_to_numpy(model.predict(x, batch_size=500, verbose=0))
    accuracy = float(np.mean(probabilities.argmax(axis=1) == y))
    return {"accuracy": accuracy, "images": len(x), "bar": rules.now("bar")}


def points(result: dict, max_points: float) -> float:
    """The part's points: all of them at or above the bar, none below.

    Example:
        >>> points({"accuracy": 0.905, "bar": 0.9}, 5.0), points({"accuracy": 0.89, "bar": 0.9}, 5)
        (5.0, 0.0)
    """
    return float(max_points) if result["accuracy"] >= result["bar"] else 0.0


#: The parts scored this way, by assignment.
RULES: dict[str, Rules] = {
    "hw4": Rules(
        part="accuracy_tests",
        entry="hw4_entry.json",
        dataset="fashion_mnist",
        budget=20_000,
        max_epochs=(4, 8),
        n_train=(20_000, None),
        n_test=(5_000, None),
        bar=(0.865, 0.90),
        train_seconds=(300, 1500),
    )
}


def held_out_files(assignment: str) -> list[tuple[Path, list[Path]]]:
    """``(folder, training files)`` of every folder on this machine that holds the test split
    of ``assignment``'s dataset: what the sandbox covers, showing only the training files."""
    from course_lib.datasets import catalog, places

    rules = RULES[assignment]
    if rules.dataset != "fashion_mnist":
        raise ValueError(f"held-out test files are known for fashion_mnist only: {rules.dataset}")
    found = []
    for _, folder in places.search_places(rules.dataset):
        if folder.is_dir():
            train = [places.idx_file(folder, stem) for stem in catalog.FASHION_FILES[:2]]
            found.append((folder, [path for path in train if path is not None]))
    return found


def _report(payload: dict) -> None:
    sys.stdout.write("\n" + MARK + json.dumps(payload) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """``train ASSIGNMENT ENTRY OUT`` or ``score ASSIGNMENT`` (the model file's bytes on
    standard input); the last line of the output is ``MARK`` and a JSON object, with
    ``error`` when the entry could not be trained or scored."""
    import base64
    import tempfile

    command, assignment = argv[0], argv[1]
    rules = RULES[assignment]
    try:
        if command == "train":
            entry = json.loads(Path(argv[2]).read_text())
            model, info = train(entry, rules)
            model.save(argv[3])
            _report(info)
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "model.keras"
                path.write_bytes(base64.b64decode(sys.stdin.read()))
                _report(score(path, rules))
    except (EntryError, OSError, json.JSONDecodeError) as error:
        _report({"error": f"{type(error).__name__}: {error}"})
    return 0


def read_report(output: str) -> dict | None:
    """The JSON object on the last line of ``output`` that starts with ``MARK``."""
    for line in reversed(output.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
