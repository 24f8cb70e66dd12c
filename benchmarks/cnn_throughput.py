#!/usr/bin/env python3
"""Training throughput (images per second) of LeNet-5, a VGG-style net and ResNet-20.

Each model is built with ``course_lib.models``, compiled and fed the way the notebooks do it
(``course_lib.training``: the plan for this machine, the ``make_dataset`` pipeline), and trained
on random images of its input shape (throughput does not depend on the pixel values). The
first epoch (graph tracing, XLA compilation on a GPU) is not timed; then each model trains for
``--rounds`` epochs of ``--samples`` images. On a shared machine other work can only slow an
epoch down, so, as ``timeit`` does, the table reports the *best* epoch, with the median beside
it, and the process CPU time per image (user + sys, which other processes do not inflate).

    python benchmarks/cnn_throughput.py [--samples 2048] [--rounds 3] [--batch-size 128]
                                        [--models lenet5 vgg resnet20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

import course_lib


def build(name: str):
    """The benchmarked models: LeNet-5 on Fashion-MNIST-sized images, the notebook-13 VGG and
    ResNet-20 on CIFAR-sized images."""
    from course_lib import models

    if name == "lenet5":
        return models.lenet5((28, 28, 1))
    if name == "vgg":
        return models.vgg((32, 32, 3), stages=((32, 2), (64, 2), (128, 2)), dense_units=(128,))
    if name == "resnet20":
        return models.resnet((32, 32, 3), depth=20)
    raise ValueError(f"unknown model {name!r}; choose from lenet5, vgg, resnet20")


def measure(name: str, *, samples: int, rounds: int, batch_size: int, plan) -> dict:
    import keras

    from course_lib import training

    keras.utils.set_random_seed(0)
    with plan.scope():
        model = build(name)
        training.compile_model(model, plan=plan)
    rng = np.random.default_rng(0)
    x = rng.random((samples, *model.input_shape[1:])).astype("float32")
    y = rng.integers(0, 10, samples)
    data = training.make_dataset(x, y, batch_size=batch_size, seed=0)
    model.fit(data, epochs=1, verbose=0, shuffle=False)  # tracing / compilation, not timed
    walls, cpus = [], []
    for _ in range(rounds):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        model.fit(data, epochs=1, verbose=0, shuffle=False)
        walls.append(time.perf_counter() - wall0)
        cpus.append(time.process_time() - cpu0)
    return {
        "model": name,
        "params": model.count_params(),
        "input": "x".join(str(d) for d in model.input_shape[1:]),
        "best": samples / min(walls),
        "median": samples / statistics.median(walls),
        "cpu_ms": 1000 * statistics.median(cpus) / samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--models", nargs="+", default=["lenet5", "vgg", "resnet20"])
    args = parser.parse_args(argv)

    info = course_lib.setup(seed=0)
    from course_lib import training

    plan = training.configure(verbose=False)
    print(f"plan: {plan.summary()}")
    print(
        f"{args.samples} images per epoch, batch {args.batch_size}, best of {args.rounds} epochs\n"
    )
    header = (
        f"| {'model':<9} | {'parameters':>10} | {'input':>7} | {'images/s (best)':>15} | "
        f"{'images/s (median)':>17} | {'CPU ms/image':>12} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for name in args.models:
        r = measure(
            name, samples=args.samples, rounds=args.rounds, batch_size=args.batch_size, plan=plan
        )
        print(
            f"| {r['model']:<9} | {r['params']:>10,} | {r['input']:>7} | {r['best']:>15,.0f} | "
            f"{r['median']:>17,.0f} | {r['cpu_ms']:>12.2f} |",
            flush=True,
        )
    print(f"\ndevice: {info.device}; backend: {info.backend}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
