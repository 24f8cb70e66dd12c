#!/usr/bin/env python3
"""Training throughput of LeNet-5 built with course_lib versus the same net in plain Keras.

Both models have the same layers and the same 61,706 parameters; the course version wraps its
layers in ``ConvBlock``/``DenseBlock``. The question is whether that wrapping costs anything.

All models train on the same Fashion-MNIST images in the same process, one epoch at a time,
in rotating order, for several rounds. On a shared machine the speed jumps between levels
(seen here: about 15,000 and 30,000 samples/s, from one epoch to the next), and other work
can only ever slow a run down. So, as ``timeit`` does, the headline figure uses each model's
*best* epoch: the ratio of best throughputs (1.0 = as fast as plain Keras; the course asks
>= 0.98 for course_lib). The median of the per-round ratios, with a bootstrap 95 % interval,
is printed beside it. A second plain-Keras model (the *control*) is timed like the others:
its ratios to the first show how large the noise alone is. The first epoch of each model
(graph tracing) is not timed.

    python benchmarks/lenet_course_vs_keras.py [--samples 10240] [--rounds 20] [--batch-size 128]
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time

import numpy as np

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
        ]
    )


def training_step_ops(model) -> collections.Counter:
    """The operations of one traced training step (forward, loss, gradients), counted by type.

    TensorFlow backend only. Two models whose counters are equal run the same computation, so
    any difference in their measured speed is noise.
    """
    import keras
    import tensorflow as tf

    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    x = tf.zeros((8, *model.input_shape[1:]))
    y = tf.zeros((8,), tf.int32)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        return tape.gradient(loss, model.trainable_variables)

    graph = step.get_concrete_function(x, y).graph
    return collections.Counter(op.type for op in graph.get_operations())


def median_with_interval(values: list[float], seed: int = 0) -> tuple[float, float, float]:
    """Median and a bootstrap 95 % interval of the median."""
    rng = np.random.default_rng(seed)
    data = np.asarray(values)
    boots = np.median(rng.choice(data, size=(2000, data.size)), axis=1)
    return (
        float(np.median(data)),
        float(np.quantile(boots, 0.025)),
        float(np.quantile(boots, 0.975)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_240, help="images per timed epoch")
    parser.add_argument("--rounds", type=int, default=20, help="timed epochs per model")
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args(argv)
    if args.rounds < 2 or not args.batch_size <= args.samples <= 60_000:
        parser.error("need --rounds >= 2 and --batch-size <= --samples <= 60000")

    info = course_lib.setup(seed=0)
    from course_lib import datasets
    from course_lib.models import lenet5

    n = None if args.samples == 60_000 else args.samples
    (x, y), _ = datasets.load("fashion_mnist", normalize=True, channels=True, n_train=n, n_test=1)
    models = {
        "course_lib": lenet5(),
        "plain Keras": plain_keras_lenet5(),
        "plain Keras (control)": plain_keras_lenet5(),
    }
    counts = {model.count_params() for model in models.values()}
    if counts != {61_706}:
        print(f"the models differ in size: {counts}", file=sys.stderr)
        return 2
    if info.backend == "tensorflow":
        ops = {name: training_step_ops(model) for name, model in models.items()}
        same = ops["course_lib"] == ops["plain Keras"]
        print(
            f"traced training step: course_lib {sum(ops['course_lib'].values())} ops, plain Keras "
            f"{sum(ops['plain Keras'].values())} ops; "
            + ("the same operations" if same else "DIFFERENT operations")
        )
    for model in models.values():
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)  # trace, not timed

    names = list(models)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(args.rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            models[name].fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
            rates[name].append(len(x) / (time.perf_counter() - start))

    print(
        f"\nLeNet-5 (61,706 parameters) on {len(x):,} Fashion-MNIST images per epoch, "
        f"batch {args.batch_size}, {args.rounds} timed epochs per model, {info.device}\n"
    )
    print(f"| {'model':<21} | {'samples/s (median)':>18} | {'min':>7} | {'max':>7} |")
    print(f"|{'-' * 23}|{'-' * 20}|{'-' * 9}|{'-' * 9}|")
    for name, r in rates.items():
        print(
            f"| {name:<21} | {statistics.median(r):>18,.0f} | {min(r):>7,.0f} | {max(r):>7,.0f} |"
        )
    print(
        f"\n| {'ratio to plain Keras':<21} | {'best epochs':>11} | {'median of rounds':>16} "
        f"| {'95 % interval':>15} |"
    )
    print(f"|{'-' * 23}|{'-' * 13}|{'-' * 18}|{'-' * 17}|")
    best = {}
    for name in ("course_lib", "plain Keras (control)"):
        best[name] = max(rates[name]) / max(rates["plain Keras"])
        ratios = [a / b for a, b in zip(rates[name], rates["plain Keras"], strict=True)]
        med, low, high = median_with_interval(ratios)
        print(f"| {name:<21} | {best[name]:>11.3f} | {med:>16.3f} | {low:>6.3f} - {high:<6.3f} |")
    verdict = "meets" if best["course_lib"] >= 0.98 else "is BELOW"
    print(
        f"\ncourse_lib / plain Keras (best epochs) = {best['course_lib']:.3f}: "
        f"{verdict} the 0.98 target."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
