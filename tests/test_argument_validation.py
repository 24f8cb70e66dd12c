"""The shared argument checks: what each accepts, what it refuses, and what the message says."""

from __future__ import annotations

import math
import pathlib

import numpy as np
import pytest

from course_lib import argument_validation as check

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.int8(1), np.uint16(5)])
def test_positive_int_accepts_python_and_numpy_ints(value):
    result = check.positive_int(value, "units")
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize("value", [0, -2, 2.0, 2.5, True, np.bool_(True), "3", None, NAN, [1]])
def test_positive_int_refuses(value):
    with pytest.raises(ValueError, match=r"`units` must be a positive integer\. Received: units="):
        check.positive_int(value, "units")


def test_non_negative_int_allows_zero_only_above():
    assert check.non_negative_int(0, "patience") == 0
    with pytest.raises(ValueError, match="`patience` must be a non-negative integer"):
        check.non_negative_int(-1, "patience")


def test_integer_range_message_spells_the_interval():
    assert check.integer(5, "depth", minimum=1, maximum=5) == 5
    with pytest.raises(ValueError, match=r"`depth` must be an integer in \[1, 5\]"):
        check.integer(6, "depth", minimum=1, maximum=5)
    with pytest.raises(ValueError, match="`classes` must be an integer >= 2"):
        check.integer(1, "classes", minimum=2)


def test_seed_none_allowed_only_where_asked():
    assert check.seed(None) is None
    assert check.seed(np.int64(4)) == 4
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer or None"):
        check.seed(-1)
    with pytest.raises(ValueError, match=r"`seed` must be a non-negative integer\. "):
        check.seed(None, allow_none=False)


def test_int_pair_and_shape():
    assert check.int_pair(3, "kernel_size") == (3, 3)
    assert check.int_pair([np.int64(1), 2], "strides") == (1, 2)
    for bad in [(1, 2, 3), (0, 1), (True, 1), "3", 2.0]:
        with pytest.raises(ValueError, match="`kernel_size` must be a positive integer or a pair"):
            check.int_pair(bad, "kernel_size")
    assert check.shape([28, 28, np.int64(1)], "input_shape", length=3) == (28, 28, 1)
    for bad in [(28, 28), (28, 0, 1), (28, 28, 1.0), "28", ()]:
        with pytest.raises(ValueError, match="`input_shape` must be a tuple"):
            check.shape(bad, "input_shape", length=3)


@pytest.mark.parametrize("value", [True, "1", None, NAN, INF, -INF, 1j])
def test_number_refuses_non_finite_and_non_real(value):
    with pytest.raises(ValueError, match=r"`lr` must be .*Received: lr="):
        check.number(value, "lr")


def test_number_intervals():
    assert check.number(np.float32(0.25), "x") == 0.25
    assert check.positive_number(1e-9, "lr") == 1e-9
    with pytest.raises(ValueError, match="`lr` must be a positive number"):
        check.positive_number(0, "lr")
    assert check.non_negative_number(0, "l2") == 0.0
    with pytest.raises(ValueError, match="`l2` must be a non-negative number"):
        check.non_negative_number(-1e-12, "l2")
    assert check.fraction(0, "dropout") == 0.0
    with pytest.raises(ValueError, match=r"`dropout` must be a number in \[0, 1\)"):
        check.fraction(1.0, "dropout")
    assert check.fraction(1.0, "p", upper_open=False) == 1.0
    with pytest.raises(ValueError, match=r"`x` must be a number in \(0, 2\]"):
        check.number(0, "x", minimum=0, maximum=2, min_open=True)


@pytest.mark.parametrize("value", [30, 30.0, np.int32(30), np.float64(2)])
def test_whole_seconds_accepts(value):
    result = check.whole_seconds(value, "cell_timeout")
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize("value", [0.5, 0, -1, 1.5, INF, NAN, True, "30", None])
def test_whole_seconds_refuses_what_would_become_no_limit(value):
    # 0.5 used to be written as 0, which nbclient reads as "no time limit".
    with pytest.raises(ValueError, match="`cell_timeout` must be a whole positive number"):
        check.whole_seconds(value, "cell_timeout")


def test_boolean_refuses_strings_and_ints():
    assert check.boolean(np.bool_(False), "shuffle") is False
    for bad in ["no", "False", 0, 1, None]:
        with pytest.raises(ValueError, match="`shuffle` must be True or False"):
            check.boolean(bad, "shuffle")


def test_one_of():
    assert check.one_of("max", "pooling", ("max", "average")) == "max"
    for bad in ["min", None, 1, np.array(["max"])]:
        with pytest.raises(ValueError, match=r"`pooling` must be one of \['max', 'average'\]"):
            check.one_of(bad, "pooling", ("max", "average"))
    # True == 1 in Python, but a bool is not the integer choice 1.
    with pytest.raises(ValueError):
        check.one_of(True, "n", (1, 2))


def test_strings_and_string_lists():
    assert check.string("a", "name") == "a"
    for bad in ["", "  ", 3, None]:
        with pytest.raises(ValueError, match="`name` must be a"):
            check.string(bad, "name")
    assert check.string_list(("accuracy",), "metrics") == ["accuracy"]
    with pytest.raises(ValueError, match=r"e\.g\. \['accuracy'\], not a bare string"):
        check.string_list("accuracy", "metrics")
    for bad in [[3], [""], None, {"a": 1}]:
        with pytest.raises(ValueError, match="`metrics` must be a list of non-empty strings"):
            check.string_list(bad, "metrics")


def test_path_refuses_empty_which_would_mean_the_working_folder():
    assert check.path(pathlib.Path("out"), "directory") == "out"
    for bad in ["", "   ", None, 3]:
        with pytest.raises(ValueError, match="`directory` must be a"):
            check.path(bad, "directory")


def test_instance_raises_type_error_with_the_class_received():
    with pytest.raises(
        TypeError, match=r"`model` must be a Keras model\. Received: model of type str"
    ):
        check.instance("m", "model", (int, float), "a Keras model")


def test_float_array():
    assert check.float_array([[1, 2]], "x", ndim=2).dtype == np.float64
    assert check.float_array(np.zeros(2, np.float32), "x").dtype == np.float32
    with pytest.raises(ValueError, match="`x` must hold real numbers"):
        check.float_array(["a"], "x")
    with pytest.raises(ValueError, match=r"`x` must be a 2-D array of shape \(N, D\)"):
        check.float_array([1.0], "x", ndim=2, layout="(N, D)")
    with pytest.raises(ValueError, match=r"`x` is empty \(x\.shape=\(0, 3\)\)"):
        check.float_array(np.zeros((0, 3)), "x")
    assert check.float_array(np.zeros((0, 3)), "x", allow_empty=True).shape == (0, 3)
    with pytest.raises(ValueError, match="`x` must hold finite numbers"):
        check.float_array([1.0, math.nan], "x", finite=True)
    with pytest.raises(ValueError, match="`x` must be an array of numbers"):
        check.float_array([[1.0], [1.0, 2.0]], "x")


def test_non_empty_sequence():
    with pytest.raises(ValueError, match="`labels` is empty"):
        check.non_empty([], "labels")


def test_optional():
    assert check.optional(check.positive_int, None, "limit") is None
    assert check.optional(check.positive_int, 3, "limit") == 3
    with pytest.raises(ValueError, match="`limit`"):
        check.optional(check.positive_int, 0, "limit")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("On", True),
        ("0", False),
        ("no", False),
        ("off", False),
        (" FALSE ", False),
        ("", None),
        (None, None),
    ],
)
def test_env_flag(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("COURSE_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("COURSE_TEST_FLAG", raw)
    if expected is None:  # unset or empty: the default
        assert check.env_flag("COURSE_TEST_FLAG") is False
        assert check.env_flag("COURSE_TEST_FLAG", default=True) is True
    else:
        assert check.env_flag("COURSE_TEST_FLAG") is expected


def test_interval():
    assert check.interval((np.int64(-1), 1.0), "value_range") == (-1.0, 1.0)
    for bad in [(1, 0), (0, 0), (0, INF), (NAN, 1), (0, 1, 2), 3, "01", (True, 2)]:
        with pytest.raises(ValueError, match=r"`value_range` must be a pair \(low, high\)"):
            check.interval(bad, "value_range")


def test_shape_allow_empty_and_own_wording():
    assert check.shape([], "dense_units", allow_empty=True) == ()
    with pytest.raises(ValueError, match="`dense_units` must be a tuple of positive integers"):
        check.shape([], "dense_units")
    with pytest.raises(ValueError, match=r"`stages` must be \(filters, convs\) pairs\."):
        check.shape((16,), "stages", length=2, what="(filters, convs) pairs")


def test_function():
    assert check.function(len, "f") is len
    for bad in ["sum", None, 3, int]:  # a class is not the function meant
        with pytest.raises(TypeError, match="`f` must be a function of x"):
            check.function(bad, "f", "a function of x")


def test_channels_last_refuses_channels_first_and_says_how_to_switch_back():
    import keras

    check.channels_last("ConvBlock")
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(
            ValueError,
            match=r"ConvBlock supports only channels-last.*"
            r"set_image_data_format\('channels_last'\)",
        ):
            check.channels_last("ConvBlock")
    finally:
        keras.config.set_image_data_format("channels_last")
