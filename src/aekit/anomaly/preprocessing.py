"""The detector's input encoding (``preprocessing="auto"``): numbers standardized, categories
one-hot, stored with the model as plain numbers and strings (so no pickle is ever needed).

Numeric columns become ``(x - mean) / std`` of the training data; a pandas ``category``,
``object``, ``string`` or ``bool`` column becomes one indicator column per category seen in fit.
``groups_`` records which encoded columns came from which input column, so a feature's share of
an anomaly score can be summed back over its one-hot group.

A deliberately small encoder kept inside the anomaly package; ``aekit.tabular`` (another branch)
is the general one, and the two should be unified once it lands.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aekit.estimators._validation import as_numeric_array


def _is_categorical(column: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


class TabularPreprocessor:
    """Standardize numeric columns and one-hot encode categorical ones.

    Parameters
    ----------
    handle_missing : bool
        False: missing values are an error naming where they are. True: a missing number is set
        to the column's training mean (0 after standardizing), a missing category to an all-zero
        indicator group.
    """

    def __init__(self, handle_missing: bool = False) -> None:
        self.handle_missing = handle_missing

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X: Any) -> TabularPreprocessor:
        frame = self._frame(X, fitting=True)
        self.columns_ = [str(c) for c in frame.columns]
        self.named_ = isinstance(X, pd.DataFrame)  # names are checked only if fit saw them
        self.categories_: dict[str, list[str]] = {}
        means, scales = [], []
        for name in self.columns_:
            column = frame[name]
            if _is_categorical(column):
                values = column.dropna().astype(str)
                self.categories_[name] = sorted(values.unique().tolist())
            else:
                numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
                std = float(np.nanstd(numbers)) if np.isfinite(numbers).any() else 0.0
                means.append(float(np.nanmean(numbers)) if np.isfinite(numbers).any() else 0.0)
                scales.append(std if std > 0 else 1.0)
        self.mean_, self.scale_ = np.asarray(means), np.asarray(scales)
        self.groups_ = self._groups()
        return self

    def _groups(self) -> list[list[int]]:
        groups, start = [], 0
        for name in self.columns_:
            width = len(self.categories_.get(name, [None]))
            groups.append(list(range(start, start + width)))
            start += width
        return groups

    @property
    def n_encoded_(self) -> int:
        return sum(len(g) for g in self.groups_)

    # ---- encoding --------------------------------------------------------------------------
    def transform(self, X: Any) -> np.ndarray:
        """The encoded rows, float32 of shape (n_samples, n_encoded_)."""
        frame = self._frame(X, fitting=False)
        if len(frame.columns) != len(self.columns_):
            raise ValueError(
                f"X has {len(frame.columns)} features, but AnomalyDetector is expecting "
                f"{len(self.columns_)} features as input; pass the same columns as in fit."
            )
        names = [str(c) for c in frame.columns]
        if self.named_ and isinstance(X, pd.DataFrame) and names != self.columns_:
            raise ValueError(
                f"X's columns {list(frame.columns)[:10]} differ from those seen in fit "
                f"{self.columns_[:10]}; pass the same columns in the same order."
            )
        frame.columns = self.columns_
        parts, numeric = [], 0
        for name in self.columns_:
            column = frame[name]
            if name in self.categories_:
                parts.append(self._one_hot(name, column))
            else:
                numbers = pd.to_numeric(column, errors="coerce").to_numpy(np.float64)
                standardized = (numbers - self.mean_[numeric]) / self.scale_[numeric]
                parts.append(np.nan_to_num(standardized, nan=0.0)[:, None])
                numeric += 1
        return np.ascontiguousarray(np.hstack(parts), dtype=np.float32)

    def _one_hot(self, name: str, column: pd.Series) -> np.ndarray:
        known = self.categories_[name]
        missing = column.isna().to_numpy()
        text = column.astype(str).to_numpy()
        unknown = sorted(set(text[~missing].tolist()) - set(known))
        if unknown:
            raise ValueError(
                f"column {name!r} holds categories not seen in fit: {unknown[:5]}; known are "
                f"{known[:10]}. Refit on data that includes them, or map them to a known one."
            )
        index = np.searchsorted(np.asarray(known, dtype=object), text[~missing])
        out = np.zeros((len(text), len(known)))
        out[np.flatnonzero(~missing), index] = 1.0
        return out

    # ---- checks ------------------------------------------------------------------------------
    def _frame(self, X: Any, fitting: bool) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            frame = X.copy()
            frame.columns = [str(c) for c in frame.columns]
        else:
            # Not a table: numbers only. as_numeric_array checks them and names any NaN's
            # position; with handle_missing the NaNs pass through to be filled.
            if self.handle_missing and X is not None and np.ndim(X) == 2:
                values = np.asarray(X, dtype=np.float64)
            else:
                values = as_numeric_array(X)
            if values.ndim != 2:
                raise ValueError(
                    f"X must be a 2-D table (n_samples, n_features); got shape {values.shape}."
                )
            frame = pd.DataFrame(values, columns=[f"x{i}" for i in range(values.shape[1])])
        if frame.shape[0] == 0 or frame.shape[1] == 0:
            raise ValueError(f"X is empty (shape {frame.shape}); pass at least one row and column.")
        if not self.handle_missing:
            missing = frame.isna().to_numpy()
            numeric = frame.select_dtypes("number").to_numpy(np.float64)
            if missing.any() or not np.isfinite(numeric).all():
                rows, cols = np.nonzero(missing)
                where = ", ".join(
                    f"(row {r}, column {frame.columns[c]!s})" for r, c in zip(rows[:3], cols[:3])
                )
                raise ValueError(
                    f"X contains missing or infinite values{' at ' + where if where else ''}. "
                    "Impute them, or pass handle_missing=True to let the detector fill them."
                )
        return frame

    # ---- saving: JSON-able state and arrays -----------------------------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return (
            {"columns": self.columns_, "categories": self.categories_, "named": self.named_},
            {"mean": self.mean_, "scale": self.scale_},
        )

    @classmethod
    def from_state(cls, handle_missing: bool, fitted: dict, arrays: dict) -> TabularPreprocessor:
        pre = cls(handle_missing)
        pre.columns_ = list(fitted["columns"])
        pre.named_ = bool(fitted["named"])
        pre.categories_ = {k: list(v) for k, v in fitted["categories"].items()}
        pre.mean_ = np.asarray(arrays["mean"], dtype=np.float64)
        pre.scale_ = np.asarray(arrays["scale"], dtype=np.float64)
        pre.groups_ = pre._groups()
        return pre
