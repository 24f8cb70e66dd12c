#!/usr/bin/env python3
"""Training throughput of LeNet-5 built with course_lib versus the same net in plain Keras.

Both models have the same layers and the same 61,706 parameters; the course version wraps its
layers in ``ConvBlock``/``DenseBlock``. The question is whether that wrapping costs anything.
Both train on the same Fashion-MNIST images in the same process, one epoch at a time, in
alternating order (so that a slow moment of the machine hits both alike); the first epoch of
each (graph tracing) is not timed. The table gives the median samples/second of the timed
epochs and the ratio course_lib / plain Keras (1.0 = no overhead; the course asks >= 0.98).

    python benchmarks/lenet_course_vs_keras.py [--samples 60000] [--rounds 5] [--batch-size 128]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import course_lib


def plain_keras_lenet5():
    """LeNet-5 layer by layer in plain Keras (also the reference in tests/test_models.py)."""
    import keras

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(6, 5, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(16, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(120, activation="relu"),
            keras.layers.Dense(84, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="plain_keras",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60_000, help="training images (max 60000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per model")
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.samples < args.batch_size:
        parser.error("--rounds must be >= 1 and --samples >= --batch-size")

    info = course_lib.setup(seed=0)
    from course_lib import datasets
    from course_lib.models import lenet5

    n = None if args.samples >= 60_000 else args.samples
    (x, y), _ = datasets.load("fashion_mnist", normalize=True, channels=True, n_train=n, n_test=1)
    models = {"course_lib": lenet5(), "plain Keras": plain_keras_lenet5()}
    counts = {name: model.count_params() for name, model in models.items()}
    if len(set(counts.values())) != 1:
        print(f"the two models differ: {counts}", file=sys.stderr)
        return 2
    for model in models.values():
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)  # trace, not timed

    rates: dict[str, list[float]] = {name: [] for name in models}
    for round_ in range(args.rounds):
        order = list(models) if round_ % 2 == 0 else list(reversed(models))
        for name in order:
            start = time.perf_counter()
            models[name].fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
            rates[name].append(len(x) / (time.perf_counter() - start))

    median = {name: statistics.median(r) for name, r in rates.items()}
    ratio = median["course_lib"] / median["plain Keras"]
    print(
        f"\nLeNet-5 ({counts['course_lib']:,} parameters), {len(x):,} Fashion-MNIST images, "
        f"batch {args.batch_size}, {args.rounds} timed epochs each, {info.device}\n"
    )
    print(f"| {'model':<12} | {'samples/s (median)':>18} | {'min':>8} | {'max':>8} |")
    print(f"|{'-' * 14}|{'-' * 20}|{'-' * 10}|{'-' * 10}|")
    for name, r in rates.items():
        print(f"| {name:<12} | {median[name]:>18,.0f} | {min(r):>8,.0f} | {max(r):>8,.0f} |")
    print(
        f"\nratio course_lib / plain Keras: {ratio:.3f} "
        f"({'meets' if ratio >= 0.98 else 'BELOW'} the 0.98 target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
