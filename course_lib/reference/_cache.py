"""The caches that forward passes hand to their backward passes (private)."""

from __future__ import annotations

from course_lib import argument_validation as check


def unpack(cache: object, forward: str, length: int) -> tuple:
    """``cache`` as the tuple of ``length`` entries that ``forward`` returned, or a clear error
    (instead of "cannot unpack" when a user passes the output, or another layer's cache)."""
    check.instance(cache, "cache", tuple, f"the cache returned by `{forward}`")
    if len(cache) != length:
        raise ValueError(
            f"`cache` must be the cache returned by `{forward}` (a tuple of {length}). "
            f"Received: a tuple of {len(cache)}"
        )
    return cache
