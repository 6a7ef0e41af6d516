"""JSON integers too large for a float: ``1`` and 400 zeros was an OverflowError (a 500) where
numpy made a body's rows floats. Integers are checked one by one only in a body that holds a
run of digits as long as float64's largest integer."""

from __future__ import annotations

import sys


class TooLargeInteger(ValueError):
    """A JSON integer no float64 holds (the server answers 422 with its message)."""


_FLOAT_MAX = int(sys.float_info.max)
_DIGITS_AS_ZEROS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))


def has_long_digits(body: bytes) -> bool:
    """Whether ``body`` holds a run of digits as long as float64's largest integer: only then
    are its integers checked one by one (a Python call per integer read a bulk body of
    integers 40 times slower; this search, digits made zeros, takes about 1 ms per MB)."""
    return b"0" * len(str(_FLOAT_MAX)) in body.translate(_DIGITS_AS_ZEROS)


def json_int(text: str) -> int:
    """A JSON integer, refused where no float holds it: ``1`` and 400 zeros was an
    OverflowError, and a 500, where numpy made the rows floats (``1e400`` reads as infinity,
    which the API names)."""
    digits = text.lstrip("-")
    # the length first: int() of over 4,300 digits raises, advising sys.set_int_max_str_digits
    if len(digits) > len(str(_FLOAT_MAX)) or abs(int(text)) > _FLOAT_MAX:
        raise TooLargeInteger(
            f"the JSON body holds an integer of {len(digits)} digits ({text[:12]}...), beyond "
            "float64's range (about 1.8e308); send values within it.",
        )
    return int(text)
