"""Wrong HW1 submissions for tests/test_homework.py, each with the one part it must lose.

``WRONG_HW1[name] = (part it loses, changes)``; ``changes`` is what ``_filled`` in
test_homework.py applies to the solution-filled student version: ``{answer cell: [(old, new),
...]}`` or ``{answer cell: new source}``. Each is a mistake a student makes, and most of them
pass the visible tests: only the hidden ones (other shapes, inputs checked after the call, a
known-buggy gradient, the reference numerical gradient) catch them.
"""

from __future__ import annotations

# dW1 built the other way round, (H, D) instead of (D, H): it only runs where D == H (and is
# wrong there). The visible test's D = 1, H = 2 already fails it.
DW1_TRANSPOSED = {"backward": [("dW1 = x.T @ dz1", "dW1 = dz1.T @ x")]}

# The bias gradients summed over the first two rows only, the visible test's batch of 2: passes
# the visible test, fails the hidden ones (a batch of 1 raises, a batch of 5 is wrong).
BATCH_OF_TWO = {
    "backward": [
        ("db2 = dscores.sum(axis=0)", "db2 = dscores[0] + dscores[1]"),
        ("db1 = dz1.sum(axis=0)", "db1 = dz1[0] + dz1[1]"),
    ]
}

# The visible test's answers, whatever the input: passes the visible test and nothing else.
VISIBLE_ANSWERS = {
    "backward": '''def two_layer_backward(dscores, cache):
    """Gradients {"W1", "b1", "W2", "b2"} of the loss, given dL/dscores."""
    return {
        "W1": np.array([[1.0, -2.0]]),
        "b1": np.array([1.0, 1.0]),
        "W2": np.array([[1.0, 0.0, -1.0], [0.0, 2.5, 0.0]]),
        "b2": np.array([1.0, 1.0, -1.0]),
    }
'''
}

# The cached activations reused as the ReLU mask: right on the first call (the visible test
# calls once), but the cache is changed, so a second call gives another dW2.
MASK_OVERWRITES_CACHE = {"backward": [("dz1 = dh * (z1 > 0)", "h[h > 0] = 1.0\n    dz1 = dh * h")]}

# A check that finds every gradient right.
CHECK_ALWAYS_ZERO = {
    "gradcheck": '''def check_gradients(loss_and_grads, params, x, y, h=1e-5):
    """Relative error of every analytic gradient of loss_and_grads against a numerical one."""
    return {name: 0.0 for name in params}
'''
}

# A check with its own difference loop that moves each entry up by h, then down by 2h, and never
# puts it back: the visible test's loss is linear (no harm there); the hidden test sees the
# parameters changed (and the errors grow, as later entries are differenced at moved points).
CHECK_FORGETS_TO_RESTORE = {
    "gradcheck": '''def check_gradients(loss_and_grads, params, x, y, h=1e-5):
    """Relative error of every analytic gradient of loss_and_grads against a numerical one."""
    _, grads = loss_and_grads(params, x, y)
    errors = {}
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            value[index] += h
            up = loss_and_grads(params, x, y)[0]
            value[index] -= 2 * h
            down = loss_and_grads(params, x, y)[0]
            numeric[index] = (up - down) / (2 * h)
        gap = np.abs(grads[name] - numeric)
        scale = np.maximum(np.abs(grads[name]) + np.abs(numeric), 1e-12)
        errors[name] = float(np.max(gap / scale))
    return errors
'''
}

# A one-sided difference, error of order h instead of h**2: loses the numerical gradient only.
# The gradient check is graded with the reference numerical gradient in place of this one, and
# its visible test uses a linear loss, where any difference is exact.
NUMGRAD_ONE_SIDED = {
    "numgrad": [
        ("x[index] = old - h\n        f_minus = f(x)", "x[index] = old\n        f_minus = f(x)"),
        ("grad[index] = (f_plus - f_minus) / (2 * h)", "grad[index] = (f_plus - f_minus) / h"),
    ]
}

WRONG_HW1 = {
    "dW1_transposed": ("backward_tests", DW1_TRANSPOSED),
    "batch_of_two": ("backward_tests", BATCH_OF_TWO),
    "visible_answers": ("backward_tests", VISIBLE_ANSWERS),
    "mask_overwrites_cache": ("backward_tests", MASK_OVERWRITES_CACHE),
    "check_always_zero": ("gradcheck_tests", CHECK_ALWAYS_ZERO),
    "check_forgets_to_restore": ("gradcheck_tests", CHECK_FORGETS_TO_RESTORE),
    "numgrad_one_sided": ("numgrad_tests", NUMGRAD_ONE_SIDED),
}
