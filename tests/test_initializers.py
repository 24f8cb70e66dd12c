import keras
import numpy as np
import pytest

from course_lib import initializers

SHAPES = [(400, 300), (5, 5, 16, 64)]


def test_compute_fans_dense_and_conv():
    assert initializers.compute_fans((784, 100)) == (784, 100)
    assert initializers.compute_fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)
    assert initializers.compute_fans((7,)) == (7, 7)


@pytest.mark.parametrize("shape", [(), (3, 0), (2.5, 3), "abc"])
def test_compute_fans_rejects_bad_shape(shape):
    with pytest.raises(ValueError, match="shape"):
        initializers.compute_fans(shape)


@pytest.mark.parametrize(
    ("ours", "theirs", "variance"),
    [
        (initializers.XavierNormal, keras.initializers.GlorotNormal, "xavier"),
        (initializers.XavierUniform, keras.initializers.GlorotUniform, "xavier"),
        (initializers.HeNormal, keras.initializers.HeNormal, "he"),
        (initializers.HeUniform, keras.initializers.HeUniform, "he"),
    ],
)
@pytest.mark.parametrize("shape", SHAPES)
def test_variance_matches_formula_and_keras(ours, theirs, variance, shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    expected = (
        initializers.xavier_variance(fan_in, fan_out)
        if variance == "xavier"
        else initializers.he_variance(fan_in)
    )
    w_ours = np.asarray(ours(seed=1)(shape))
    w_keras = np.asarray(theirs(seed=2)(shape))
    n = w_ours.size
    # The sample variance of n draws has relative standard error ~ sqrt(2 / n) (< 0.7 % here);
    # 5 % is far outside chance but would catch a wrong fan or a missing factor of 2 or 3.
    assert abs(w_ours.var() / expected - 1) < 0.05, (w_ours.var(), expected, n)
    assert abs(w_ours.var() / w_keras.var() - 1) < 0.05
    assert abs(w_ours.mean()) < 4 * np.sqrt(expected / n)


def test_uniform_respects_its_limit():
    shape = (100, 50)
    limit = np.sqrt(6 / 150)
    w = np.asarray(initializers.XavierUniform(seed=0)(shape))
    assert w.max() <= limit and w.min() >= -limit
    assert w.max() > 0.95 * limit  # the whole interval is used


def test_normal_is_not_truncated():
    w = np.asarray(initializers.HeNormal(seed=0)((1000, 1000)))
    std = np.sqrt(2 / 1000)
    assert np.abs(w).max() > 3 * std  # Keras truncates at 2 std; ours is a plain normal


def test_seeded_initializers_repeat_and_differ():
    a = np.asarray(initializers.HeNormal(seed=5)((20, 20)))
    b = np.asarray(initializers.HeNormal(seed=5)((20, 20)))
    c = np.asarray(initializers.HeNormal(seed=6)((20, 20)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unseeded_initializers_follow_the_global_seed():
    keras.utils.set_random_seed(3)
    a = np.asarray(initializers.XavierNormal()((10, 10)))
    keras.utils.set_random_seed(3)
    b = np.asarray(initializers.XavierNormal()((10, 10)))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "cls",
    [
        initializers.XavierNormal,
        initializers.XavierUniform,
        initializers.HeNormal,
        initializers.HeUniform,
    ],
)
def test_config_round_trip(cls):
    init = cls(seed=4)
    clone = keras.initializers.deserialize(keras.initializers.serialize(init))
    assert type(clone) is cls and clone.get_config() == {"seed": 4}
    np.testing.assert_array_equal(np.asarray(init((6, 6))), np.asarray(clone((6, 6))))


def test_get_by_name():
    assert isinstance(initializers.get("xavier_uniform"), initializers.XavierUniform)
    assert isinstance(initializers.get("He_Normal"), initializers.HeNormal)
    assert isinstance(initializers.get("zeros"), keras.initializers.Zeros)
    with pytest.raises(ValueError, match="Unknown initializer: 'xavier'"):
        initializers.get("xavier")


def test_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        initializers.HeNormal(seed="1")


# ----------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize("fan_in", [-3, 0, 2.5, True, "4", None, float("nan")])
def test_he_variance_refuses_a_bad_fan(fan_in):
    # he_variance(-3) used to return -0.67, a negative variance.
    with pytest.raises(ValueError, match="`fan_in` must be a positive integer"):
        initializers.he_variance(fan_in)


@pytest.mark.parametrize(
    ("fan_in", "fan_out", "named"),
    [
        (0, 0, "fan_in"),
        (3, 0, "fan_out"),
        (-5, 3, "fan_in"),
        (3, -5, "fan_out"),
        (3, 1.5, "fan_out"),
    ],
)
def test_xavier_variance_refuses_bad_fans(fan_in, fan_out, named):
    # xavier_variance(0, 0) used to raise ZeroDivisionError; (-5, 3) gave a negative variance.
    with pytest.raises(ValueError, match=f"`{named}` must be a positive integer"):
        initializers.xavier_variance(fan_in, fan_out)


def test_numpy_integers_are_fans_shapes_and_seeds():
    assert initializers.he_variance(np.int64(4)) == 0.5
    assert initializers.xavier_variance(np.int32(3), np.int64(1)) == 0.5
    assert initializers.compute_fans((np.int64(3), np.int64(4))) == (3, 4)
    w = np.asarray(initializers.HeNormal(seed=np.int64(5))((3, 3)))
    np.testing.assert_array_equal(w, np.asarray(initializers.HeNormal(seed=5)((3, 3))))


@pytest.mark.parametrize("seed", [-1, 2.5, True, "1"])
def test_bad_seeds_are_refused_by_name(seed):
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer or None"):
        initializers.XavierUniform(seed=seed)


@pytest.mark.parametrize("identifier", [None, 3, True, ["he_normal"]])
def test_get_refuses_what_is_no_initializer(identifier):
    # get(None) used to return None (a layer then silently uses its own default).
    with pytest.raises(ValueError, match="`identifier` must be one of"):
        initializers.get(identifier)
