"""float32, the precision the networks compute in, and the values it cannot hold: which
columns of a float64 table it would round to constants (:func:`float32_rounding`), the
warnings where that happens (:func:`warn_float32_rounding`, :func:`warn_float32_statistics`),
and values beyond its range (:func:`check_float32_range`). Used by
:func:`aekit.data.validation.as_numeric_array` and by the float32 paths of a model whose
statistics are float64 (torch modules, ONNX graphs, rows read from disk)."""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

# float32 keeps 24 significant bits: a value x is rounded by up to |x| * 2**-24.
_FLOAT32_HALF_STEP = 2.0**-24
_LOST_SHARE = 0.01  # rounding above 1% of a column's spread: its variation is no longer there
_SAMPLE_ROWS = 4096  # rows the check reads (evenly spaced): a column's spread and magnitude


def wider_than_float32(dtype: np.dtype) -> bool:
    """float64, or integers of 32 bits and more: values float32 (24 significant bits) may round
    (an int32 id of 16,777,217 becomes 16,777,216)."""
    return dtype.itemsize > 4 or (dtype.kind in "iu" and dtype.itemsize == 4)


class Float32Rounding(NamedTuple):
    """The columns whose variation float32 rounds away (indices), and each column's standard
    deviation and largest magnitude, from a sample of rows."""

    columns: np.ndarray
    spread: np.ndarray
    largest: np.ndarray


def float32_rounding(array: np.ndarray) -> Float32Rounding:
    """Which columns of ``array`` (its flattened rows' features) float32 would make look
    constant: those whose rounding, up to ``|x| * 2**-24``, exceeds 1% of their standard
    deviation (none unless ``array`` is wider than float32; a constant column is none)."""
    none = np.empty(0, np.int64)
    if not wider_than_float32(array.dtype) or len(array) < 2:
        return Float32Rounding(none, none, none)
    sample = array[:: max(1, len(array) // _SAMPLE_ROWS)]  # every call pays it: a sample
    sample = np.asarray(sample.reshape(len(sample), -1), np.float64)  # images, sequences: flat
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column
        spread = np.nanstd(sample, axis=0)
        largest = np.nanmax(np.abs(sample), axis=0)
        # one value in every row has no variation to lose, though numpy's std of it is the
        # mean's rounding (2.8e-17 for 0.1 in 100 rows), not 0
        varies = np.nanmax(sample, axis=0) > np.nanmin(sample, axis=0)
    lost = np.flatnonzero(varies & (largest * _FLOAT32_HALF_STEP > _LOST_SHARE * spread))
    return Float32Rounding(lost, spread, largest)


def warn_float32_rounding(
    rounding: Float32Rounding | None, name: str = "X", columns: list | None = None
) -> None:
    """Warn when the models' float32 rounds away a column's variation (``rounding``, from
    :func:`float32_rounding`): values around 1e6 that vary by 0.01 become steps of 0.06, so every
    row looks the same (a model that standardizes after the cast; scikit-learn's scalers work in
    float64)."""
    lost = np.empty(0) if rounding is None else rounding.columns
    if not len(lost):
        return
    spread, largest = rounding.spread, rounding.largest
    j = int(lost[0])
    column = repr(columns[j]) if columns is not None else str(j)
    others = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
    from aekit.warning_lines import caller_level

    step = float(np.spacing(np.float32(largest[j])))  # float32's step at the largest values
    warnings.warn(
        f"{name}'s column {column}{others} varies by about {spread[j]:.3g} (standard deviation) "
        f"around values as large as {largest[j]:.3g}, where float32, the precision the models "
        f"compute in, has steps of {step:.2g} ({step / spread[j]:.0%} of that variation): its "
        "values are rounded to those steps. Subtract an offset first, e.g. X - X.mean(axis=0), "
        "and the same offset from new rows.",
        UserWarning,
        stacklevel=caller_level(),
    )


def warn_float32_statistics(shift: np.ndarray, scale: np.ndarray, what: str) -> None:
    """Warn that ``what`` computes in float32 where a model's standardization (``shift``,
    ``scale`` per column) needs float64: a column where float32's rounding of its values (up to
    ``|shift| * 2**-24``) exceeds 1% of its spread, as for a model fitted on values around 1e6
    varying by 0.01. Such rows are rounded before they are standardized, so the outputs differ
    from the Python API's, which reads float64 rows."""
    shift, scale = np.asarray(shift, np.float64), np.asarray(scale, np.float64)
    lost = np.flatnonzero(np.abs(shift) * _FLOAT32_HALF_STEP > _LOST_SHARE * scale)
    if not len(lost):
        return
    from aekit.warning_lines import caller_level

    warnings.warn(
        f"{what} reads float32 rows, but {len(lost)} column(s) of the model (the first: column "
        f"{int(lost[0])}, around {shift[lost[0]]:.3g} with a spread of {scale[lost[0]]:.3g}) vary "
        "by less than float32 resolves at their magnitude; the model standardizes them in "
        "float64, so the outputs here differ from the Python API's. Subtract an offset from "
        "those columns before fitting (and from new rows) to use float32 paths.",
        UserWarning,
        stacklevel=caller_level(),
    )


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_float32_range(
    array: np.ndarray, name: str = "X", columns: list | None = None, infinite_too: bool = False
) -> None:
    """Raise if a finite value of ``array`` would become infinite as float32 (the models'
    precision), naming where (``columns``: the columns' names), rather than report an infinity
    the user never wrote. Infinities are left to the checks of non-finite values, which name
    them as such, unless ``infinite_too`` (values computed from finite ones: an overflow)."""
    if array.dtype.itemsize <= 4 or array.dtype.kind != "f" or array.size == 0:
        return  # before the reshape, which cannot infer a width from 0 rows
    flat = array.reshape(len(array), -1)
    if max(flat.max(), -flat.min()) <= _FLOAT32_MAX:
        return  # two passes without temporaries: np.abs(flat) > MAX made two of X's size
    # an infinity is not "beyond the range": the checks of non-finite values name it
    with np.errstate(invalid="ignore"):
        too_large = np.abs(flat) > _FLOAT32_MAX
        if not infinite_too:
            too_large &= np.isfinite(flat)
    if too_large.any():
        row, column = np.argwhere(too_large)[0]
        where = f"column {columns[column]!r}" if columns is not None else f"column {column}"
        raise ValueError(
            f"{name} holds {flat[row, column]:g} at (row {row}, {where}), beyond float32's "
            "range (about ±3.4e38) that the models compute in; rescale it."
        )


def check_column_fits_float32(values: np.ndarray, name: str, column: str, first_row: int) -> None:
    """Raise if a finite value of one column read from disk (rows ``first_row`` onwards of
    ``name``) would become infinite as float32, in :func:`check_float32_range`'s words: the
    reader's float32 rows made 1e300 an infinity, reported as one the file does not hold.
    Infinities the file holds are left to the checks of non-finite values."""
    if values.dtype.itemsize <= 4 or values.dtype.kind != "f":
        return
    with np.errstate(invalid="ignore"):
        too_large = np.isfinite(values) & (np.abs(values) > _FLOAT32_MAX)
    if too_large.any():
        row = int(np.argmax(too_large))
        raise ValueError(
            f"{name} holds {values[row]:g} at (row {first_row + row}, column {column!r}), beyond "
            "float32's range (about ±3.4e38) that the models compute in; rescale it."
        )
