"""The GPU path, tested where a CPU can test it: decisions with fake devices, the input
pipeline, XLA and determinism, the strategy scope, and resuming with BackupAndRestore."""

import keras
import numpy as np
import pytest

from course_lib import training
from course_lib.training import Device, devices

TF_ONLY = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="tf.data / tf.distribute / op determinism"
)
RNG = np.random.default_rng(0)

V100, A100, H100, K80 = (
    Device("Tesla V100", (7, 0)),
    Device("A100", (8, 0)),
    Device("H100", (9, 0)),
    Device("Tesla K80", (3, 7)),
)


def toy_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 6, 6, 1)).astype("float32")
    y = (x[:, :3].mean(axis=(1, 2, 3)) > x[:, 3:].mean(axis=(1, 2, 3))).astype("int32")
    return x, y


def small_model():
    return keras.Sequential(
        [
            keras.Input((6, 6, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )


# --- decisions, with fake device lists --------------------------------------------------------


@pytest.mark.parametrize(
    ("gpus", "policy"),
    [
        ([], "float32"),
        ([K80], "float32"),
        ([V100], "mixed_float16"),
        ([A100], "mixed_bfloat16"),
        ([H100, H100], "mixed_bfloat16"),
        ([A100, V100], "mixed_float16"),  # the weakest GPU decides
        ([A100, K80], "float32"),
        ([Device("unknown GPU")], "float32"),
    ],
)
def test_choose_policy(gpus, policy):
    assert training.choose_policy(gpus) == policy


def test_choose_policy_rejects_other_things():
    with pytest.raises(TypeError, match="gpus"):
        training.choose_policy(["H100"])


@pytest.mark.parametrize(
    ("n_gpus", "backend", "strategy"),
    [
        (0, "tensorflow", "default"),
        (1, "tensorflow", "default"),
        (2, "tensorflow", "mirrored"),
        (8, "tensorflow", "mirrored"),
        (1, "jax", "default"),
        (4, "jax", "data_parallel"),
        (4, "torch", "default"),
    ],
)
def test_choose_strategy(n_gpus, backend, strategy):
    assert training.choose_strategy(n_gpus, backend) == strategy


@pytest.mark.parametrize(("n_gpus", "backend"), [(-1, "tensorflow"), (1.0, "jax"), (2, "mxnet")])
def test_choose_strategy_bad_arguments(n_gpus, backend):
    with pytest.raises(ValueError, match="n_gpus" if backend != "mxnet" else "backend"):
        training.choose_strategy(n_gpus, backend)


@pytest.mark.parametrize(
    ("backend", "gpu", "deterministic", "xla"),
    [
        ("tensorflow", True, False, True),
        ("tensorflow", True, True, False),  # Keras refuses XLA under op determinism
        ("tensorflow", False, False, False),
        ("jax", False, False, True),  # JAX always compiles
        ("torch", True, False, False),
    ],
)
def test_wants_xla(backend, gpu, deterministic, xla):
    assert training.wants_xla(backend, gpu=gpu, deterministic=deterministic) is xla


def test_accelerator_with_fake_gpus():
    plan = training.accelerator(gpus=[H100] * 4, backend="tensorflow", deterministic=False)
    assert (plan.policy, plan.strategy, plan.jit_compile) == ("mixed_bfloat16", "mirrored", True)
    assert plan.mixed_precision
    assert plan.summary().startswith("4 x H100 | backend tensorflow | dtype policy mixed_bfloat16")
    single = training.accelerator(gpus=[V100], backend="jax", deterministic=False)
    assert (single.policy, single.strategy, single.jit_compile) == (
        "mixed_float16",
        "default",
        True,
    )


def test_this_cpu_gets_float32_and_configure_keeps_it():
    if training.list_gpus():
        pytest.skip("this machine has a GPU")
    plan = training.accelerator()
    assert plan.gpus == () and plan.policy == "float32" and not plan.mixed_precision
    assert plan.strategy == "default"
    previous = keras.config.dtype_policy()
    try:
        assert training.configure(plan, verbose=False) is plan
        assert keras.config.dtype_policy().name == "float32"
        from course_lib.models import resnet

        model = resnet((8, 8, 1), depth=8, width=4)
        assert {w.dtype for w in model.weights} == {"float32"}
    finally:
        keras.config.set_dtype_policy(previous)


def test_configure_applies_mixed_precision_and_outputs_stay_float32():
    """What configure() does on a GPU with tensor cores, applied here from a fake plan."""
    from course_lib.models import resnet

    plan = training.accelerator(gpus=[V100], backend=keras.backend.backend(), deterministic=True)
    previous = keras.config.dtype_policy()
    try:
        training.configure(plan, verbose=False)
        model = resnet((8, 8, 1), depth=8, width=4)
        assert model.get_layer("stem").compute_dtype == "float16"
        assert model.get_layer("stem").variable_dtype == "float32"
        out = model.predict(RNG.random((2, 8, 8, 1)).astype("float32"), verbose=0)
        assert out.dtype == np.float32
    finally:
        keras.config.set_dtype_policy(previous)


def test_configure_rejects_other_plans():
    with pytest.raises(TypeError, match="plan"):
        training.configure("gpu")


def test_capability_forms():
    assert devices._capability("8.6") == (8, 6)
    assert devices._capability((7, 5)) == (7, 5)
    assert devices._capability(9.0) == (9, 0)
    assert devices._capability(None) is None


# --- input pipeline -----------------------------------------------------------------------------


def _batches(dataset):
    if isinstance(dataset, training.ArrayBatches):
        return [dataset[i] for i in range(len(dataset))]
    return list(dataset.as_numpy_iterator())


@TF_ONLY
def test_tf_data_pipeline_shuffles_batches_prefetches():
    import tensorflow as tf

    x, y = np.arange(10, dtype="float32")[:, None] * np.ones((1, 3), "float32"), np.arange(10)
    ds = training.make_dataset(x, y, batch_size=4, seed=1)
    assert isinstance(ds, tf.data.Dataset)
    assert "Prefetch" in type(ds).__name__
    epoch1, epoch2 = _batches(ds), _batches(ds)
    assert [b[0].shape for b in epoch1] == [(4, 3), (4, 3), (2, 3)]
    order1 = np.concatenate([b[1] for b in epoch1])
    order2 = np.concatenate([b[1] for b in epoch2])
    assert sorted(order1) == list(range(10)) and sorted(order2) == list(range(10))
    assert not np.array_equal(order1, np.arange(10))  # shuffled
    assert not np.array_equal(order1, order2)  # and reshuffled each epoch
    for xb, yb in epoch1:  # images stay with their labels
        np.testing.assert_array_equal(xb[:, 0], yb)
    again = np.concatenate(
        [b[1] for b in _batches(training.make_dataset(x, y, batch_size=4, seed=1))]
    )
    np.testing.assert_array_equal(order1, again)  # seeded: repeats
    plain = training.make_dataset(x, y, batch_size=4, shuffle=False, drop_remainder=True)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in _batches(plain)]), np.arange(8))


def test_array_batches_pipeline_any_backend():
    x, y = np.arange(10, dtype="float32")[:, None], np.arange(10)
    ds = training.make_dataset(x, y, batch_size=4, seed=1, backend="jax")
    assert isinstance(ds, training.ArrayBatches) and isinstance(ds, keras.utils.PyDataset)
    assert ds.workers == 2 and ds.max_queue_size > 1  # batches prepared ahead by a worker thread
    assert len(ds) == 3 and [b[0].shape for b in _batches(ds)] == [(4, 1), (4, 1), (2, 1)]
    order1 = np.concatenate([b[1] for b in _batches(ds)])
    ds.on_epoch_end()
    order2 = np.concatenate([b[1] for b in _batches(ds)])
    assert sorted(order1) == sorted(order2) == list(range(10))
    assert not np.array_equal(order1, order2) and not np.array_equal(order1, np.arange(10))
    for xb, yb in _batches(ds):
        np.testing.assert_array_equal(xb[:, 0], yb)
    fixed = training.ArrayBatches(x, y, batch_size=4, shuffle=False, drop_remainder=True)
    assert len(fixed) == 2 and np.array_equal(fixed[1][1], [4, 5, 6, 7])
    with pytest.raises(IndexError):
        fixed[2]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": np.zeros((3, 2)), "y": np.zeros(4)}, "same number"),
        ({"x": np.zeros((0, 2))}, "empty"),
        ({"x": np.zeros((3, 2)), "batch_size": 0}, "batch_size"),
        ({"x": np.zeros((3, 2)), "shuffle": "yes"}, "shuffle"),
        ({"x": np.zeros((3, 2)), "backend": "caffe"}, "backend"),
    ],
)
def test_make_dataset_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        training.make_dataset(**kwargs)


# --- fit, XLA and determinism -------------------------------------------------------------------


def _train(jit_compile, seed=0, epochs=4):
    keras.utils.set_random_seed(seed)
    x, y = toy_data()
    model = small_model()
    plan = training.accelerator(gpus=[], deterministic=not jit_compile)
    plan = training.Plan(**{**plan.__dict__, "jit_compile": jit_compile})
    training.compile_model(model, optimizer=keras.optimizers.Adam(0.02), plan=plan)
    history = training.fit(
        model, x, y, validation_data=toy_data(32, 1), epochs=epochs, batch_size=16
    )
    return model, history.history


def test_fit_learns_with_validation():
    _, history = _train(jit_compile=False)
    assert history["loss"][-1] < history["loss"][0]
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}


@TF_ONLY
def test_deterministic_path_repeats_exactly_and_has_no_xla():
    from tensorflow.python.framework import config as tf_config

    was = tf_config.is_op_determinism_enabled()
    tf_config.enable_op_determinism()
    try:
        assert training.op_determinism_enabled()
        plan = training.accelerator()
        assert plan.deterministic and plan.jit_compile is False
        model = small_model()
        training.compile_model(model, plan=plan)
        assert model.jit_compile is False
        # Keras itself refuses XLA under determinism, whatever is asked for:
        other = small_model()
        with pytest.warns(UserWarning, match="jit_compile"):
            other.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
        assert other.jit_compile is False
        (_, first), (_, second) = _train(False), _train(False)
        assert first["loss"] == second["loss"]
    finally:
        if not was:
            tf_config.disable_op_determinism()


def test_xla_path_compiles_and_learns_the_same():
    if keras.backend.backend() == "tensorflow":
        from tensorflow.python.framework import config as tf_config

        was = tf_config.is_op_determinism_enabled()
        tf_config.disable_op_determinism()
    try:
        model, with_xla = _train(jit_compile=True)
        assert model.jit_compile is True
        _, without = _train(jit_compile=False)
        assert with_xla["loss"][-1] < with_xla["loss"][0]
        np.testing.assert_allclose(with_xla["loss"], without["loss"], rtol=1e-3)
    finally:
        if keras.backend.backend() == "tensorflow" and was:
            tf_config.enable_op_determinism()


def test_fit_bad_arguments():
    x, y = toy_data(8)
    model = small_model()
    with pytest.raises(ValueError, match="compiled"):
        training.fit(model, x, y, epochs=1)
    training.compile_model(model)
    with pytest.raises(ValueError, match="epochs"):
        training.fit(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="validation_data"):
        training.fit(model, x, y, epochs=1, validation_data=x)
    with pytest.raises(TypeError, match="model"):
        training.fit("model", x, y, epochs=1)
    with pytest.raises(TypeError, match="model"):
        training.compile_model("model")


# --- several GPUs: the MirroredStrategy path, on the CPU as its one replica ------------------


@TF_ONLY
def test_mirrored_strategy_scope_builds_and_trains():
    import tensorflow as tf

    plan = training.Plan(
        backend="tensorflow",
        gpus=(),
        policy="float32",
        strategy="mirrored",
        jit_compile=False,
        deterministic=True,
        replica_devices=("/cpu:0",),
    )
    with plan.scope():
        assert tf.distribute.has_strategy()
        strategy = tf.distribute.get_strategy()
        assert isinstance(strategy, tf.distribute.MirroredStrategy)
        assert strategy.num_replicas_in_sync == 1
        model = small_model()
        training.compile_model(model, plan=plan)
    assert not tf.distribute.has_strategy()
    x, y = toy_data(32)
    history = training.fit(model, x, y, epochs=2, batch_size=16)
    assert len(history.history["loss"]) == 2
    assert (
        training.Plan(**{**plan.__dict__, "strategy": "default"}).scope().__class__.__name__
        == "nullcontext"
    )


# --- BackupAndRestore: an interrupted run resumes --------------------------------------------


class StopAt(keras.callbacks.Callback):
    """Simulates a crash (or a closed laptop) when epoch ``epoch`` is about to start."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError(f"interrupted before epoch {epoch}")


class Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.start_weights = [np.array(w) for w in self.model.get_weights()]
        self.start_iterations = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


@pytest.mark.parametrize("k", [1, 3])
def test_backup_and_restore_resumes_where_it_stopped(tmp_path, k):
    x, y = toy_data()
    backup = tmp_path / "backup"

    first = small_model()
    training.compile_model(first)
    with pytest.raises(RuntimeError, match=f"before epoch {k}"):
        training.fit(
            first, x, y, epochs=5, batch_size=16, backup_dir=backup, callbacks=[StopAt(k)]
        )
    assert (backup / "training_metadata.json").exists()
    weights_at_crash = first.get_weights()

    # "Restart the kernel": a new model, compiled the same, the same call again.
    keras.utils.set_random_seed(123)
    second = small_model()
    training.compile_model(second)
    recorder = Recorder()
    history = training.fit(
        second, x, y, epochs=5, batch_size=16, backup_dir=backup, callbacks=[recorder]
    )
    assert recorder.epochs == list(range(k, 5))
    assert recorder.start_iterations == k * (96 // 16)  # the optimizer state came back too
    assert history.epoch == list(range(k, 5))
    for restored, saved in zip(recorder.start_weights, weights_at_crash, strict=True):
        np.testing.assert_allclose(restored, saved)
    assert not backup.exists()  # finished normally: the backup is removed


def test_without_backup_dir_training_starts_over(tmp_path):
    x, y = toy_data(32)
    model = small_model()
    training.compile_model(model)
    recorder = Recorder()
    training.fit(model, x, y, epochs=2, batch_size=16, callbacks=[recorder])
    assert recorder.epochs == [0, 1]


# --- arguments: each of these was accepted silently, refused without naming it, or a NumPy
# integer was refused (issue 10) ----------------------------------------------------------------


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_make_dataset_refuses_a_seed_that_is_not_an_integer(backend):
    # Before: TypeError "not all arguments converted during string formatting".
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer"):
        training.make_dataset(np.zeros((4, 2)), seed="a", backend=backend)
    with pytest.raises(ValueError, match="`seed`"):
        training.ArrayBatches(np.zeros((4, 2)), seed="a")


def test_compile_model_refuses_a_bare_metric_string():
    # Before: metrics="accuracy" became ["a", "c", "c", ...].
    with pytest.raises(
        ValueError, match=r"`metrics` must be a list of strings, e\.g\. \['accuracy'\]"
    ):
        training.compile_model(small_model(), metrics="accuracy")
    model = training.compile_model(small_model(), metrics=("accuracy",))
    assert model.compiled


@pytest.mark.parametrize("flag", ["shuffle", "drop_remainder"])
@pytest.mark.parametrize("value", ["no", 0, None])
def test_array_batches_flags_are_booleans_only(flag, value):
    # Before: ArrayBatches(shuffle="no") shuffled (a non-empty string is true).
    with pytest.raises(ValueError, match=f"`{flag}` must be True or False"):
        training.ArrayBatches(np.arange(10), **{flag: value})
    with pytest.raises(ValueError, match=f"`{flag}` must be True or False"):
        training.make_dataset(np.arange(10), **{flag: value}, backend="jax")


def test_numpy_integers_are_accepted_wherever_an_int_is():
    x, y = np.arange(10, dtype="float32")[:, None], np.arange(10)
    ds = training.make_dataset(x, y, batch_size=np.int64(4), seed=np.int64(1))
    assert [tuple(b[0].shape) for b in _batches(ds)] == [(4, 1), (4, 1), (2, 1)]
    batches = training.ArrayBatches(x, y, batch_size=np.int32(4), workers=np.int64(1))
    assert len(batches) == 3 and batches.batch_size == 4 and type(batches.batch_size) is int
    assert training.choose_strategy(np.int64(2), "tensorflow") == "mirrored"
    device = Device("A100", (np.int64(8), np.int64(0)))
    assert device == A100 and all(type(v) is int for v in device.compute_capability)
    model = training.compile_model(small_model())
    history = training.fit(model, *toy_data(16), epochs=np.int64(1), batch_size=np.int64(8))
    assert history.epoch == [0]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: training.wants_xla("tensorflow", gpu="yes", deterministic=False), "`gpu`"),
        (lambda: training.wants_xla("tensorflow", gpu=True, deterministic=1), "`deterministic`"),
        (lambda: training.accelerator(gpus=[], deterministic="no"), "`deterministic`"),
        (lambda: training.accelerator(gpus="H100"), "`gpus`"),
        (lambda: training.Device(3), "`name`"),
        (lambda: training.Device("A100", (8,)), "`compute_capability`"),
        (lambda: training.Device("A100", "8.0"), "`compute_capability`"),
        (lambda: training.Device("A100", (8.0, 0)), "`compute_capability`"),
        (
            lambda: training.Plan("tensorflow", (), "float16", "default", False, False),
            "`policy`",
        ),
        (
            lambda: training.Plan("tensorflow", (), "float32", "one_gpu", False, False),
            "`strategy`",
        ),
        (
            lambda: training.Plan("tensorflow", (), "float32", "default", "no", False),
            "`jit_compile`",
        ),
        (lambda: training.ArrayBatches(np.zeros((4, 2)), workers=0), "`workers`"),
        (lambda: training.ArrayBatches(np.zeros((4, 2)), max_queue_size=0), "`max_queue_size`"),
        (lambda: training.make_dataset(np.array(["a", "b"])), "`x` must be an array of numbers"),
        (lambda: training.make_dataset(np.zeros(3), np.array(["a"] * 3)), "`y`"),
    ],
)
def test_every_argument_is_checked_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_configure_checks_verbose_before_changing_anything():
    previous = keras.config.dtype_policy()
    plan = training.accelerator(gpus=[V100], backend=keras.backend.backend(), deterministic=True)
    try:
        with pytest.raises(ValueError, match="`verbose`"):
            training.configure(plan, verbose="no")  # before: accepted, and the policy was set
        assert keras.config.dtype_policy().name == previous.name
    finally:
        keras.config.set_dtype_policy(previous)


def test_compile_model_refuses_an_unknown_loss_at_compile_time():
    # Before: accepted by compile, failing only later, inside fit.
    with pytest.raises(ValueError, match="`loss`"):
        training.compile_model(small_model(), loss="no_such_loss")
    with pytest.raises(ValueError, match="`optimizer`"):
        training.compile_model(small_model(), optimizer="adamm")
    model = training.compile_model(
        small_model(),
        optimizer=keras.optimizers.SGD(),
        loss=keras.losses.sparse_categorical_crossentropy,
    )
    assert model.compiled


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"callbacks": [3]}, r"`callbacks\[0\]` must be a Keras callback"),
        ({"callbacks": keras.callbacks.History()}, "`callbacks` must be a list"),
        ({"verbose": 5}, "`verbose`"),
        ({"verbose": True}, "`verbose`"),
        ({"seed": "a"}, "`seed`"),
        ({"backup_dir": ""}, "`backup_dir` must be a non-empty path"),
        ({"validation_data": (np.zeros((2, 6, 6, 1)), np.zeros(3))}, "`validation_data"),
        ({"y": None}, "`y`"),
    ],
)
def test_fit_checks_every_argument_before_training(kwargs, match):
    model = training.compile_model(small_model())
    recorder = Recorder()
    x, y = toy_data(8)
    call = {"x": x, "y": y, "epochs": 1, "callbacks": [recorder], **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        training.fit(model, **call)
    assert not hasattr(recorder, "epochs")  # refused before training began
