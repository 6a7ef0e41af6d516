"""A table's columns as :class:`aekit.data.tabular.TabularEncoder` reads and writes them: any
table as a DataFrame, a column's kind, categories and numbers, the one-hot block of its
categories, and decoded values back in the column's own dtype and label.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

from aekit.data.category_types import type_hint
from aekit.data.column_checks import json_value
from aekit.data.non_finite import empty_column, refuse_infinite
from aekit.data.unseen_categories import unseen_message
from aekit.data.validation import (
    reject_complex,
    reject_duplicate_columns,
    reject_sparse,
    reject_unshaped,
)


def is_categorical(series: pd.Series) -> bool:
    """Whether a column is encoded as categories: any column but a numeric one, and bools. An
    object column holding only numbers (floats beside None or pd.NA, as an object array gives
    them) is numbers: as categories every value would be its own one-hot column."""
    if pd.api.types.is_bool_dtype(series):
        return True
    if pd.api.types.is_object_dtype(series):
        return pd.api.types.infer_dtype(series, skipna=True) not in _NUMBERS
    return not pd.api.types.is_numeric_dtype(series)


_NUMBERS = ("integer", "floating", "mixed-integer-float", "decimal")


def categories_of(name: str, series: pd.Series) -> list:
    """A categorical column's categories: those of a pandas ``category`` column that some row
    holds, in the dtype's order; else the observed values sorted (by type name first, so mixed
    types sort too). A declared category no row holds is not seen: a dtype shared by training
    and new data would otherwise pass a category new to the model as a known one."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = list(series.cat.remove_unused_categories().cat.categories)
    else:
        values = series.dropna().tolist()
        categories = sorted(set(values), key=lambda v: (str(type(v)), v))
    if not categories:
        raise empty_column(name)
    return [json_value(c) for c in categories]


def numbers_of(name: str, series: pd.Series) -> np.ndarray:
    """A numeric column as float64 (NaN where missing), checked for values it cannot scale."""
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    refuse_infinite(values[:, None], columns=[name], index=series.index)
    if np.isnan(values).all():
        raise empty_column(name)
    return values


def as_frame(X: Any) -> pd.DataFrame:
    """X as a DataFrame: a Series is its one column, an array gets columns x0, x1, ..."""
    reject_unshaped(X)
    reject_sparse(X)
    reject_complex(X)  # numpy would drop the imaginary part, with a warning only
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        reject_duplicate_columns(X)
        return X
    try:
        array = np.asarray(X)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"X is not a rectangular array: {err}") from None
    if array.ndim != 2:
        hint = (  # scikit-learn's words, which its users (and its checks) look for
            " Reshape your data either using X.reshape(-1, 1) if it has a single feature or "
            "X.reshape(1, -1) if it is a single sample."
            if array.ndim == 1
            else ""
        )
        raise ValueError(
            f"X must be a DataFrame or a 2-D array (n_samples, n_features); got shape "
            f"{array.shape}.{hint}"
        )
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


def one_hot(
    frame: pd.DataFrame, names: list[str], categories: dict[str, list], handle_unknown: str
) -> np.ndarray:
    """The one-hot groups of the categorical columns ``names``: pandas finds each value's
    category (code -1 for a missing or unknown value), scikit-learn's OneHotEncoder spreads
    the codes into groups, a code of -1 as all zeros."""
    cells = {n: as_fitted_bools(frame[n], categories[n]) for n in names}
    codes = np.column_stack([pd.Index(categories[n]).get_indexer(cells[n]) for n in names])
    unknown = (codes < 0) & np.column_stack([cells[n].notna().to_numpy() for n in names])
    if unknown.any() and handle_unknown == "error":
        raise ValueError(unseen_message(frame, names, categories, unknown, _bool_hint))
    if unknown.any():
        _warn_of_ignored(frame, names, unknown)
    encoder = OneHotEncoder(
        categories=[np.arange(len(categories[n])) for n in names],
        handle_unknown="ignore",
        sparse_output=False,
        dtype=np.float32,
    )
    return encoder.fit_transform(codes)  # the categories are given: fitting learns nothing


def _warn_of_ignored(frame: pd.DataFrame, names: list[str], unknown: np.ndarray) -> None:
    """handle_unknown='ignore' encodes an unseen category as an all-zero group, which a model's
    categorical term (-sum y log p) scores 0, its best: such a row scored as more normal than
    any training row (a city never seen, -2.11 beside the training rows' -6.16 at worst)."""
    import warnings

    from aekit.warning_lines import caller_level

    columns = [j for j in range(len(names)) if unknown[:, j].any()][:3]  # each one's first cell
    first = {names[j]: frame[names[j]].iloc[int(unknown[:, j].argmax())] for j in columns}
    shown_cells = ", ".join(f"{name}={value!r}" for name, value in first.items())
    warnings.warn(
        f"{int(unknown.any(axis=1).sum())} row(s) hold a category not seen in fit "
        f"({shown_cells}), encoded as all zeros (handle_unknown='ignore'): a model's "
        "categorical term scores an all-zero group as perfectly reconstructed, so such rows "
        "score as more normal, not less. To flag them, refuse them (handle_unknown='error') "
        "and look at them apart, or fit on rows that hold those categories.",
        UserWarning,
        stacklevel=caller_level(),
    )


_BOOL_WORDS = {"true": True, "false": False}


def as_fitted_bools(column: pd.Series, known: list) -> pd.Series:
    """A column that was bool in fit, with the words ``True`` / ``False`` (any case) read as
    those bools: a CSV reader takes a bool column holding one other value (a typo, ``yes``)
    as text, and every row was then an unseen category, scored infinite, not the typo's
    alone. Other columns are returned as they are."""
    if not (known and all(isinstance(k, bool) for k in known)) or not (
        pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
    ):
        return column
    return column.map(
        lambda v: _BOOL_WORDS.get(v.strip().lower(), v) if isinstance(v, str) else v,
        na_action="ignore",
    )


def _bool_hint(name: str, value: Any, known: list) -> str:
    """The fix for an unseen category: a bool column of fit that arrives as 0/1 or 0.0/1.0
    (a CSV or numpy round trip) is cast back; anything else is refitted or mapped."""
    if known and all(isinstance(k, bool) for k in known) and value in (0, 1):
        return (
            f"The column was bool in fit and holds numbers here: cast it with "
            f"X[{name!r}].astype(bool)."
        )
    # a code of fit written as another type: '3' in fit and 3 here, or 68836 and '68836'
    return type_hint(name, value, known) or (
        "Refit on data that holds it, or map it to a known category."
    )


def column_label(column: Any) -> str | int:
    """A column's label as :meth:`~aekit.data.tabular.TabularEncoder.inverse_transform` gives
    it back: an integer (``pd.DataFrame(array)``'s names) stays one, anything else is its text;
    both are JSON, so model files keep them."""
    if isinstance(column, (int, np.integer)) and not isinstance(column, (bool, np.bool_)):
        return int(column)
    return str(column)


def with_dtype(
    values: np.ndarray, dtype: str, categories: list | None, name: str = "?"
) -> pd.Series:
    """Decoded values as a column of ``dtype``, the dtype the column had in fit (``name``:
    the column's, for a warning)."""
    if dtype == "category":
        return pd.Series(pd.Categorical(values, categories=categories))
    if pd.api.types.is_bool_dtype(dtype) and values.dtype.kind == "f":  # a bool dummy
        return pd.Series(values >= 0.5).astype(dtype)
    if pd.api.types.is_integer_dtype(dtype) and values.dtype.kind == "f":
        values = _within_integers(np.rint(values), dtype, name)  # rounded (nullable too)
    try:
        return pd.Series(values.astype(dtype))
    except (TypeError, ValueError):  # a pandas extension dtype such as "string" or "Int64"
        pass
    if dtype.startswith("dictionary<"):  # pyarrow's, whose name pandas cannot read back
        return pd.Series(pd.Categorical(values, categories=categories))
    return pd.Series(values).astype(dtype)


def _within_integers(values: np.ndarray, dtype: str, name: str) -> np.ndarray:
    """Whole floats an integer ``dtype`` holds: values beyond its range (a reconstruction of a
    row far outside the training data: 3e38) wrapped round to -9223372036854775808 in the
    cast, unsaid; they are clipped to the range, with a warning."""
    import warnings

    from aekit.warning_lines import caller_level

    stored = pd.api.types.pandas_dtype(dtype)
    info = np.iinfo(np.dtype(getattr(stored, "numpy_dtype", stored)))
    # the largest floats the cast keeps: a 64-bit bound as a float rounds past it (float(2**63
    # - 1) is 2**63, which the cast wraps round), a narrower one is a float exactly
    low, high = float(info.min), float(info.max)
    low = low if int(low) >= info.min else np.nextafter(low, 0.0)
    high = high if int(high) <= info.max else np.nextafter(high, 0.0)
    beyond = (values < low) | (values > high)
    if beyond.any():
        warnings.warn(
            f"column {name!r}: {int(beyond.sum())} decoded value(s) lie beyond {stored}'s range "
            f"(e.g. {values[beyond][0]:.3g}), clipped to it: rows far outside the training data "
            "come back far outside it too.",
            UserWarning,
            stacklevel=caller_level(),
        )
        values = np.clip(values, low, high)
    return values


def refuse_empty_frame(frame: pd.DataFrame) -> None:
    """Refuse a table without rows or columns, in scikit-learn's words (as_numeric_array's)."""
    if len(frame) == 0 or frame.shape[1] == 0:
        what = "0 sample(s)" if len(frame) == 0 else "0 feature(s)"
        raise ValueError(
            f"X is empty: {what} (shape={frame.shape}) while a minimum of 1 is required; "
            "pass at least one row and column."
        )
