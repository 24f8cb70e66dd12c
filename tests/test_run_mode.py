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


@pytest.mark.parametrize("value", ["0", "false", "", "off"])
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
