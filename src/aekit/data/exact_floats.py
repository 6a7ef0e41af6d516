"""Numbers in a text table read to the float64 they were written from, whatever pandas is here.

pandas' C parser turns text into floats with its own fast routine, which before pandas 3.1 could
land one unit in the last place away from the nearest float64: a number written by
``repr`` (as ``DataFrame.to_csv`` and aekit write them) came back changed in about one cell in
eight, and ``aekit impute`` then wrote an observed cell it had promised to keep. pandas 3.1
parses exactly by default (and deprecates the option), so the option is asked of earlier
versions only. pandas' python engine (separators of several characters, e.g. ``::``) has no
such option: under pandas before 3.1 its numbers can still be a unit in the last place off.
"""

from __future__ import annotations

import re

import pandas as pd

from aekit.data.separators import WHITESPACE


def exact_floats(sep: str) -> dict[str, str]:
    """``pd.read_csv``'s options that read each number as Python's ``float`` does, for a file
    with the separator ``sep``: none where pandas parses exactly already (3.1 and later) or
    where ``sep`` makes pandas use its python engine (separators of several characters), which
    refuses the option."""
    if pandas_version() >= (3, 1) or not (len(sep) == 1 or sep == WHITESPACE):
        return {}
    return {"float_precision": "round_trip"}


def pandas_version() -> tuple[int, int]:
    major, minor = re.match(r"(\d+)\.(\d+)", pd.__version__).groups()
    return int(major), int(minor)
