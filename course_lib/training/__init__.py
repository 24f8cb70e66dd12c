"""The GPU path: one training recipe that is fast on a GPU and still runs on a laptop CPU.

A notebook trains the same way on every machine::

    from course_lib import training

    plan = training.configure()  # after course_lib.setup(), before building the model
    with plan.scope():
        model = resnet(depth=20)
        training.compile_model(model, plan=plan)
    history = training.fit(model, x, y, validation_data=(x_val, y_val), epochs=30,
                           batch_size=128, backup_dir="runs/resnet20")

What happens underneath, decided in one place (``accelerator()``) from the devices found:

* **Input pipeline.** ``make_dataset`` feeds the arrays through ``tf.data`` on TensorFlow
  (shuffled every epoch, batched, prefetched so the next batch is ready while the accelerator
  works on this one); on JAX and PyTorch, which have no ``tf.data``, through an
  ``ArrayBatches`` ``keras.utils.PyDataset`` that shuffles, batches and prefetches with a
  worker thread.
* **Mixed precision.** GPUs with tensor cores compute in 16 bit many times faster than in
  32 bit. On such a GPU (compute capability 7.0 or higher) the global dtype policy becomes
  ``mixed_bfloat16`` (8.0 and newer: same range as float32, no loss scaling needed) or
  ``mixed_float16`` (7.x: Keras adds loss scaling itself). Weights stay float32, and the course
  models keep their softmax output in float32. On a CPU nothing changes.
* **XLA.** ``jit_compile=True`` fuses operations into fewer, larger GPU kernels. It is asked for
  on a GPU; on TensorFlow Keras switches XLA off anyway when op determinism is on (which
  ``course_lib.setup()`` turns on for CPU runs, so they repeat exactly). JAX always compiles.
* **Several GPUs.** With more than one GPU visible, ``plan.scope()`` is a
  ``tf.distribute.MirroredStrategy`` scope on TensorFlow (one model copy per GPU, gradients
  averaged) and a ``keras.distribution.DataParallel`` distribution on JAX. ``batch_size`` is
  the global batch, split between the replicas.
* **Interrupted runs.** ``fit(..., backup_dir=...)`` adds ``keras.callbacks.BackupAndRestore``:
  the weights, optimizer state and epoch number are saved after every epoch, and a run that
  was killed resumes at the epoch where it stopped when the same cell is run again. The backup
  is deleted when training finishes.

* **Several machines.** ``course_lib.training.multi_worker`` joins a cluster named by the
  environment (``TF_CONFIG`` for TensorFlow's ``MultiWorkerMirroredStrategy``, Keras's
  ``KERAS_DISTRIBUTION_*`` variables for ``jax.distributed``) and splits every global batch
  over the workers (``shard_for_fit``).

The package holds one concern a file: ``devices`` (GPU discovery, read by ``course_lib.setup()``
as well), ``plan`` (the decisions above and ``configure``), ``pipeline`` (``make_dataset``,
``ArrayBatches``), ``fitting`` (``compile_model``, ``fit``) and ``multi_worker``.
"""

from course_lib.training.devices import Device, list_gpus, op_determinism_enabled
from course_lib.training.fitting import compile_model, fit
from course_lib.training.pipeline import ArrayBatches, make_dataset
from course_lib.training.plan import MIXED_BFLOAT16_MIN_CAPABILITY as MIXED_BFLOAT16_MIN_CAPABILITY
from course_lib.training.plan import MIXED_FLOAT16_MIN_CAPABILITY as MIXED_FLOAT16_MIN_CAPABILITY
from course_lib.training.plan import (
    Plan,
    accelerator,
    choose_policy,
    choose_strategy,
    configure,
    wants_xla,
)

__all__ = [
    "ArrayBatches",
    "Device",
    "Plan",
    "accelerator",
    "choose_policy",
    "choose_strategy",
    "compile_model",
    "configure",
    "fit",
    "list_gpus",
    "make_dataset",
    "op_determinism_enabled",
    "wants_xla",
]
