#!/usr/bin/env python3
"""Time to accuracy of notebook 17's full-mode ResNet-20 run.

The setup is the notebook's (section 5), in full mode: CIFAR-10 where it is available, else
Fashion-MNIST (said so in the output); a tenth of the training set held out for validation;
ResNet-20 with batch norm and augmentation inside the model (CIFAR: the natural-image preset;
Fashion-MNIST: horizontal flips and 10 % shifts); Adam with a cosine decay of the learning rate
from 1e-3 to 0 over ``--epochs``; batch 128; the ``course_lib.training``
path (plan, ``make_dataset``, ``fit``). It trains one epoch at a time and after each epoch
records the wall time so far (training only, the test evaluation is not counted), the process
CPU time, and the test accuracy. The table shows the first epoch at which each target
accuracy was reached, and the run stops at ``--epochs`` or after ``--max-minutes``.

    python benchmarks/resnet_time_to_accuracy.py [--epochs 10] [--max-minutes 60]
                                                 [--targets 0.85 0.90 0.92]
"""

from __future__ import annotations

import argparse
import sys
import time

import course_lib


def load_data():
    from course_lib import datasets

    try:
        data = datasets.load("cifar10", normalize=True)
        return "cifar10", data
    except datasets.DatasetNotAvailableError:
        print("CIFAR-10 is not available on this machine: using Fashion-MNIST instead.")
        return "fashion_mnist", datasets.load("fashion_mnist", normalize=True, channels=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: 30 CIFAR, 10 Fashion")
    parser.add_argument("--max-minutes", type=float, default=60.0)
    parser.add_argument("--targets", type=float, nargs="+", default=None)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)

    info = course_lib.setup(seed=args.seed)
    import keras

    from course_lib import augmentation, training
    from course_lib.models import resnet

    dataset, ((x_train, y_train), (x_test, y_test)) = load_data()
    n_val = len(x_train) // 10
    x_fit, y_fit, x_val, y_val = x_train[n_val:], y_train[n_val:], x_train[:n_val], y_train[:n_val]
    epochs = args.epochs or (30 if dataset == "cifar10" else 10)
    targets = args.targets or ([0.70, 0.80, 0.85] if dataset == "cifar10" else [0.85, 0.90, 0.92])

    plan = training.configure(verbose=False)
    print(f"plan: {plan.summary()}")
    augment = (
        augmentation.for_natural_images(seed=14)
        if dataset == "cifar10"
        else augmentation.pipeline(flip="horizontal", translation=0.1, seed=14)
    )
    keras.utils.set_random_seed(14)
    with plan.scope():
        model = resnet(x_train.shape[1:], depth=20, augmentation=augment)
        # the notebook's optimizer: Adam with a cosine decay of the learning rate to zero
        steps = -(-len(x_fit) // 128) * epochs
        schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)
        training.compile_model(model, optimizer=keras.optimizers.Adam(schedule), plan=plan)
    print(
        f"ResNet-20 on {dataset}: {len(x_fit)} training images, batch 128, up to {epochs} epochs"
    )
    print(
        f"\n| {'epoch':>5} | {'wall s':>7} | {'CPU s':>7} | {'train acc':>9} | {'test acc':>8} |"
    )
    print("|-------|---------|---------|-----------|----------|")

    wall = cpu = 0.0
    reached: dict[float, tuple[int, float, float]] = {}
    for epoch in range(1, epochs + 1):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        history = training.fit(
            model,
            x_fit,
            y_fit,
            validation_data=(x_val, y_val),
            epochs=1,
            batch_size=128,
            seed=epoch,
        )
        wall += time.perf_counter() - wall0
        cpu += time.process_time() - cpu0
        test_acc = model.evaluate(x_test, y_test, batch_size=512, verbose=0)[1]
        train_acc = history.history["accuracy"][-1]
        print(
            f"| {epoch:>5} | {wall:>7.0f} | {cpu:>7.0f} | {train_acc:>9.3f} | {test_acc:>8.3f} |",
            flush=True,
        )
        for target in targets:
            if test_acc >= target and target not in reached:
                reached[target] = (epoch, wall, cpu)
        if wall > 60 * args.max_minutes:
            print(f"(stopped: over {args.max_minutes:g} minutes)")
            break

    print("\n| target test accuracy | epoch | wall time | CPU time |")
    print("|----------------------|-------|-----------|----------|")
    for target in targets:
        if target in reached:
            e, w, c = reached[target]
            print(f"| {target:>20.2f} | {e:>5} | {w / 60:>7.1f} min | {c / 60:>6.1f} min |")
        else:
            print(f"| {target:>20.2f} | {'-':>5} | {'not reached':>11} | {'':>8} |")
    print(f"\ndevice: {info.device}; backend: {info.backend}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
