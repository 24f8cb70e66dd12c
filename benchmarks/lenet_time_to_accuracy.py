#!/usr/bin/env python3
"""Time to accuracy of LeNet-5 on the full Fashion-MNIST, for a few training recipes.

Each recipe trains ``course_lib.models.lenet5(batch_norm=True, dropout=...)`` with Adam and a
cosine decay to zero over the whole run, on the 60,000 training images, of which 10 % are held
out for validation as in notebook 15 (some recipes hold out none), seeded by
``course_lib.setup``. After every epoch a callback notes the training seconds so far (the
epoch and its validation pass; the clock stops before the callback's own test evaluation)
and the test accuracy on all 10,000 test images. The table gives, per recipe, the accuracy
after the last epoch, the training time, and the first epoch (and time) at which the test
accuracy reached the target.

    python benchmarks/lenet_time_to_accuracy.py [--target 0.91] [--recipes b256-e8 b128-e20]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import course_lib

#: name -> (batch size, epochs, peak learning rate, dropout, share held out for validation)
RECIPES = {
    "b128-e20": (128, 20, 2e-3, 0.3, 0.1),  # notebook 15 before: 91.05 % in 260 s
    "b256-e8": (256, 8, 2e-3, 0.3, 0.1),
    "b256-e8-nodrop": (256, 8, 2e-3, 0.0, 0.1),
    "b256-e8-lr5": (256, 8, 5e-3, 0.0, 0.1),
    "b256-e12-d1": (256, 12, 2e-3, 0.1, 0.1),
    "b256-e12-lr5": (256, 12, 5e-3, 0.0, 0.1),
    "b256-e12-lr5-all": (256, 12, 5e-3, 0.0, 0.0),
    "b256-e12-lr10-d1": (256, 12, 1e-2, 0.1, 0.1),
    "b256-e12-lr10": (256, 12, 1e-2, 0.0, 0.1),
    "b256-e12-lr15-d1": (256, 12, 1.5e-2, 0.1, 0.1),
    "b512-e14-lr20-d1": (512, 14, 2e-2, 0.1, 0.1),
    "b512-e10": (512, 10, 4e-3, 0.3, 0.1),
    "b256-e12-lr10-d2": (256, 12, 1e-2, 0.2, 0.1),
    "b256-e12-lr10-d1-flip": (256, 12, 1e-2, 0.1, 0.1),
}
#: recipes that add random horizontal flips (course_lib.augmentation.pipeline) to the model
FLIPPED = {"b256-e12-lr10-d1-flip"}
DEFAULT = ["b128-e20", "b256-e12-lr10-d1-flip"]  # before and after; the others: --recipes


def run(recipe: str, data, seed: int) -> list[tuple[float, float]]:
    """[(training seconds so far, test accuracy)] after each epoch."""
    import keras

    from course_lib.models import lenet5

    batch_size, n_epochs, peak, dropout, holdout = RECIPES[recipe]
    (x_train, y_train), (x_test, y_test) = data
    course_lib.setup(seed=seed, verbose=False)
    steps = n_epochs * math.ceil((1 - holdout) * len(x_train) / batch_size)
    from course_lib import augmentation

    flips = augmentation.pipeline(flip="horizontal", seed=seed) if recipe in FLIPPED else None
    model = lenet5(batch_norm=True, dropout=dropout, augmentation=flips)
    model.compile(
        optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(peak, steps)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    points: list[tuple[float, float]] = []

    class Clock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.total = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.total += time.perf_counter() - self.start
            accuracy = self.model.evaluate(x_test, y_test, verbose=0, batch_size=1024)[1]
            points.append((self.total, accuracy))

    model.fit(
        x_train,
        y_train,
        validation_split=holdout,
        epochs=n_epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=[Clock()],
    )
    return points


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", type=float, default=0.91)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--recipes", nargs="+", default=DEFAULT, choices=sorted(RECIPES))
    args = parser.parse_args(argv)

    from course_lib import datasets

    info = course_lib.setup(seed=args.seed, verbose=False)
    data = datasets.load("fashion_mnist", normalize=True, channels=True)
    print(
        "LeNet-5 + batch norm on Fashion-MNIST (60,000 train incl. 10 % validation, 10,000 test)"
    )
    print(f"{info.device}, {info.backend} {info.versions.get(info.backend, '')}, seed {args.seed}")
    print()
    header = (
        f"{'recipe':<22} {'batch':>5} {'epochs':>6} {'peak lr':>8} {'dropout':>7} "
        f"{'held out':>8} {'train s':>8} {'s/epoch':>7} {'test acc':>8}  "
        f"first reaching {args.target:.0%}"
    )
    print(header)
    print("-" * len(header))
    for recipe in args.recipes:
        batch_size, n_epochs, peak, dropout, holdout = RECIPES[recipe]
        points = run(recipe, data, args.seed)
        seconds, accuracy = points[-1]
        reached = next(((i + 1, s) for i, (s, a) in enumerate(points) if a >= args.target), None)
        when = f"epoch {reached[0]} ({reached[1]:.0f} s)" if reached else "not reached"
        print(
            f"{recipe:<22} {batch_size:>5} {n_epochs:>6} {peak:>8.1e} {dropout:>7.1f} "
            f"{holdout:>8.0%} {seconds:>8.0f} {seconds / n_epochs:>7.1f} {accuracy:>8.4f}  {when}",
            flush=True,
        )
        print("    per epoch: " + " ".join(f"{a:.4f}" for _, a in points), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
