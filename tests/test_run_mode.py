import numpy as np
import pytest

from course_lib import run_mode as course_mode


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_quick_spellings(monkeypatch, value):
    monkeypatch.setenv("COURSE_QUICK", value)
    assert course_mode.is_quick()
    assert course_mode.mode() == "quick"
    assert course_mode.epochs(full=20, quick=2) == 2
    assert course_mode.subset_size(full=None, quick=500) == 500
    assert course_mode.pick(quick="a", full="b") == "a"


@pytest.mark.parametrize("value", ["0", "false", "", "  ", "OFF"])
def test_full_spellings(monkeypatch, value):
    monkeypatch.setenv("COURSE_QUICK", value)
    assert not course_mode.is_quick()
    assert course_mode.mode() == "full"
    assert course_mode.epochs(full=20, quick=2) == 20
    assert course_mode.subset_size(full=None, quick=500) is None
    assert course_mode.pick(quick="a", full="b") == "b"


def test_unset_means_full(monkeypatch):
    monkeypatch.delenv("COURSE_QUICK", raising=False)
    assert course_mode.mode() == "full"


def test_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "maybe")
    with pytest.raises(ValueError, match="COURSE_QUICK='maybe'"):
        course_mode.is_quick()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"full": 0}, "full"),
        ({"full": 3, "quick": -1}, "quick"),
        ({"full": 2.5}, "full"),
        ({"full": True}, "full"),
    ],
)
def test_epochs_rejects_bad_counts(kwargs, match):
    with pytest.raises(ValueError, match=match):
        course_mode.epochs(**kwargs)


def test_subset_size_rejects_bad_sizes():
    with pytest.raises(ValueError, match="full"):
        course_mode.subset_size(full=-5, quick=10)
    with pytest.raises(ValueError, match="quick"):
        course_mode.subset_size(full=None, quick=0)


@pytest.mark.parametrize("value", ["maybe", "ture", "2"])
def test_unknown_values_are_refused_not_read_as_full(monkeypatch, value):
    monkeypatch.setenv("COURSE_QUICK", value)
    with pytest.raises(ValueError, match="is not understood"):
        course_mode.epochs(full=20, quick=2)


def test_the_switch_is_read_by_the_shared_env_flag(monkeypatch):
    """One home for the "1/true/yes/on" spellings: argument_validation.env_flag."""
    from course_lib import argument_validation

    calls = []

    def spy(variable, default=False):
        calls.append(variable)
        return True

    monkeypatch.setenv("COURSE_QUICK", "0")
    monkeypatch.setattr(argument_validation, "env_flag", spy)
    assert course_mode.is_quick()  # the spy's answer, not a second parser's
    assert calls == ["COURSE_QUICK"]


@pytest.mark.parametrize("mode", ["1", "0"])
def test_numpy_integers_are_accepted(monkeypatch, mode):
    monkeypatch.setenv("COURSE_QUICK", mode)
    n = course_mode.epochs(full=np.int64(3), quick=np.int32(1))
    assert n == (1 if mode == "1" else 3) and type(n) is int
    size = course_mode.subset_size(full=np.int64(500), quick=np.int16(20))
    assert size == (20 if mode == "1" else 500) and type(size) is int
    assert course_mode.pick(quick=np.int64(1), full=np.int64(2)) == (1 if mode == "1" else 2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"full": "3"}, r"`full` must be a positive integer. Received: full='3'"),
        ({"full": 3, "quick": np.bool_(True)}, r"`quick` must be a positive integer"),
        ({"full": 3, "quick": None}, r"`quick` must be a positive integer"),
    ],
)
def test_epochs_messages_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        course_mode.epochs(**kwargs)


def test_subset_size_rejects_a_float_full():
    with pytest.raises(ValueError, match=r"`full` must be a positive integer. Received: full=2.5"):
        course_mode.subset_size(full=2.5, quick=10)
