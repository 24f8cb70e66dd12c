"""Argument checks shared by every public function of course_lib (the one place they live).

Each check takes the value and the argument's name, returns the value normalized (NumPy
scalars become Python ones, pairs become tuples) and raises ``ValueError`` with a Keras-style
message that names the argument, says what is allowed and shows what was received (only
``instance`` and ``function`` raise ``TypeError``, for an object of the wrong kind)::

    `units` must be a positive integer. Received: units=0

Rules that hold everywhere:

- an integer is a Python ``int`` or a NumPy integer, never a ``bool``;
- a number is a finite real (int, float or NumPy scalar), never a ``bool``, ``nan`` or ``inf``
  unless a check says otherwise;
- a flag is ``True`` or ``False`` (or a NumPy bool), never a string such as ``"no"``.

The checks live in ``scalars`` (integers, seeds, shapes, numbers, intervals, time limits),
``objects`` (flags, choices, strings, paths, objects, functions, the image layout, the
environment switches) and ``arrays``; import them from here::

    from course_lib import argument_validation as check
    units = check.positive_int(units, "units")

Example:
    >>> positive_int(np.int64(4), "units")
    4
    >>> positive_int(0, "units")
    Traceback (most recent call last):
    ...
    ValueError: `units` must be a positive integer. Received: units=0
"""

from course_lib.argument_validation._kinds import is_int, is_number, optional
from course_lib.argument_validation.arrays import axes, float_array, non_empty
from course_lib.argument_validation.objects import (
    FALSE_STRINGS,
    TRUE_STRINGS,
    boolean,
    channels_last,
    env_flag,
    function,
    instance,
    one_of,
    path,
    string,
    string_list,
)
from course_lib.argument_validation.scalars import (
    fraction,
    int_pair,
    integer,
    interval,
    non_negative_int,
    non_negative_number,
    number,
    positive_int,
    positive_number,
    seed,
    shape,
    whole_seconds,
)

__all__ = [
    "FALSE_STRINGS",
    "TRUE_STRINGS",
    "axes",
    "boolean",
    "channels_last",
    "env_flag",
    "float_array",
    "fraction",
    "function",
    "instance",
    "int_pair",
    "integer",
    "interval",
    "is_int",
    "is_number",
    "non_empty",
    "non_negative_int",
    "non_negative_number",
    "number",
    "one_of",
    "optional",
    "path",
    "positive_int",
    "positive_number",
    "seed",
    "shape",
    "string",
    "string_list",
    "whole_seconds",
]
