"""Checks of flags, choices, strings, paths, objects, and the environment switches."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from course_lib.argument_validation._kinds import fail as _fail

#: The strings an environment switch reads as "on" / "off" (case-insensitive, spaces ignored).
TRUE_STRINGS = ("1", "true", "yes", "on")
FALSE_STRINGS = ("0", "false", "no", "off")


def boolean(value: Any, name: str) -> bool:
    """``True`` or ``False`` (a NumPy bool too); strings such as ``"no"`` are refused."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(name, "True or False", value)
    return bool(value)


def one_of(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """One of ``choices`` (compared with ``==``; unhashable values are refused cleanly).

    Example:
        >>> one_of("max", "pooling", ("max", "average"))
        'max'
    """
    choices = tuple(choices)
    try:
        ok = any(value == choice and type(value) is type(choice) for choice in choices)
    except Exception:  # an array compared with a string, say
        ok = False
    if not ok:
        _fail(name, f"one of {list(choices)}", value)
    return value


def string(value: Any, name: str, *, allow_empty: bool = False) -> str:
    """A string (non-empty unless ``allow_empty``)."""
    if not isinstance(value, str):
        _fail(name, "a string", value)
    if not allow_empty and not value.strip():
        _fail(name, "a non-empty string", value)
    return value


def string_list(value: Any, name: str, *, allow_empty: bool = True) -> list[str]:
    """A list or tuple of non-empty strings. A bare string is refused: iterating over it would
    give its letters (``metrics="accuracy"`` means ``["a", "c", ...]``)."""
    if isinstance(value, str):
        _fail(name, f"a list of strings, e.g. [{value!r}], not a bare string", value)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        _fail(name, "a list of non-empty strings", value)
    if not allow_empty and not value:
        _fail(name, "a non-empty list of strings", value)
    return list(value)


def path(value: Any, name: str) -> str:
    """A path (a ``str`` or ``os.PathLike``) that is not empty: ``""`` would silently mean the
    current folder."""
    if not isinstance(value, (str, os.PathLike)):
        _fail(name, "a path (a string or pathlib.Path)", value)
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        _fail(name, "a non-empty path", value)
    return text


def instance(value: Any, name: str, types: type | tuple[type, ...], what: str) -> Any:
    """An instance of ``types``; ``what`` says it in words ("a Keras model")."""
    if not isinstance(value, types):
        raise TypeError(
            f"`{name}` must be {what}. Received: {name} of type {type(value).__name__}"
        )
    return value


def function(value: Any, name: str, what: str = "a function") -> Any:
    """Something to call (a function, a lambda, a callable object); ``what`` says what it must
    return, e.g. ``"a function of x that returns a scalar"``."""
    if not callable(value) or isinstance(value, type):
        raise TypeError(f"`{name}` must be {what}. Received: {name}={value!r}")
    return value


def channels_last(owner: str) -> None:
    """Refuse to build an image layer or model (``owner`` names it) while Keras is set to
    channels-first images: course_lib's convolution blocks and models read the last axis as the
    channels.

    Example:
        >>> channels_last("ConvBlock")  # Keras's default: passes
    """
    import keras

    data_format = keras.config.image_data_format()
    if data_format != "channels_last":
        raise ValueError(
            f"{owner} supports only channels-last images, (batch, height, width, channels), but "
            f"keras.config.image_data_format() is {data_format!r}. Switch back with "
            "keras.config.set_image_data_format('channels_last')."
        )


def env_flag(variable: str, default: bool = False) -> bool:
    """Read an on/off environment variable, the one rule for every switch of the course
    (``COURSE_QUICK``, ``COURSE_OFFLINE``).

    One of ``TRUE_STRINGS`` (any case, spaces ignored) means on, one of ``FALSE_STRINGS``
    off, unset or empty gives ``default``; anything else raises ``ValueError``, so that a typo
    such as ``COURSE_QUICK=ture`` never silently picks a mode.

    Example:
        >>> os.environ["COURSE_EXAMPLE"] = " Yes "
        >>> env_flag("COURSE_EXAMPLE")
        True
        >>> os.environ["COURSE_EXAMPLE"] = "ture"
        >>> env_flag("COURSE_EXAMPLE")
        Traceback (most recent call last):
        ...
        ValueError: Environment variable COURSE_EXAMPLE='ture' is not understood. ...
        >>> del os.environ["COURSE_EXAMPLE"]
    """
    raw = os.environ.get(variable, "")
    word = raw.strip().lower()
    if not word:
        return default
    if word in TRUE_STRINGS:
        return True
    if word in FALSE_STRINGS:
        return False
    raise ValueError(
        f"Environment variable {variable}={raw!r} is not understood. Use one of "
        f"{list(TRUE_STRINGS)} to switch it on, or one of {list(FALSE_STRINGS)} "
        "(or leave it empty or unset) to switch it off."
    )
