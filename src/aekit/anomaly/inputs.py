"""How the detector reads its input: any table (array or DataFrame, numeric or categorical)
checked and encoded by :class:`aekit.data.tabular.TabularEncoder`, with the detector's own wording
for missing values, infinite numbers and unseen categories."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.non_finite import describe_non_finite, refuse_empty_columns_alone, refuse_infinite
from aekit.data.number_blocks import missing_cells, plain_columns
from aekit.data.tabular import TabularEncoder
from aekit.data.validation import as_numeric_array, reject_sparse


class TableInput:
    """Mixin of :class:`AnomalyDetector`: fit the encoding (``encoder_``,
    ``categorical_groups_``, ``feature_names_in_``) and encode X with it."""

    def _fit_preprocessing(self, X: Any, rows: np.ndarray | None = None) -> np.ndarray:
        """Fit the encoding on X (with ``rows`` given, X is checked and its columns' kinds and
        categories read whole, the numbers' scale comes from those rows); return those rows
        encoded (all of X without ``rows``)."""
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        else:
            self.__dict__.pop("feature_names_in_", None)
        table = self._table(X, fitting=True)
        # Kinds and categories from every row (none of X's own categories is unseen), the
        # scale from the drawn rows alone: all that a table on disk gives (sampled_rows).
        encoder = self._encoder().fit(table)
        if rows is not None:
            table = table.iloc[rows] if hasattr(table, "iloc") else table[rows]
            encoder.fit_scale(table)
        if self.preprocessing is None and encoder.categories_:
            raise ValueError(
                f"preprocessing=None needs numeric X, but columns "
                f"{list(encoder.categories_)[:5]} are categorical; use preprocessing='auto'."
            )
        self.encoder_ = encoder
        self.n_features_in_ = encoder.n_features_in_
        # A categorical likelihood needs one category per training row: a group with missing
        # training values (all-zero rows under handle_missing) stays numeric.
        encoded, observed = encoder.transform_with_mask(table)
        self.categorical_groups_ = tuple(
            (a, b) for a, b in encoder.categorical_groups_ if observed[:, a].all()
        )
        return encoded

    def _training_rows(self, X: Any, rng: np.random.RandomState) -> np.ndarray:
        """The rows fit uses, encoded: at most ``max_samples`` of X, drawn by ``rng`` before
        anything else (of a table on disk only those are read, :func:`sampled_rows`) and scaled
        on their own statistics, so numbers in memory and on disk give one model; at least 2."""
        reject_sparse(X)  # before len(X), which scipy refuses
        X = sampled_rows(X, self.max_samples, rng, allow_nan=bool(self.handle_missing))
        if hasattr(X, "__len__") and len(X) < 2:  # before the encoding: an empty X says so too
            raise ValueError(f"X has n_samples={len(X)}; a detector needs at least 2 rows.")
        # In memory the draw is the one a table on disk gets (sampled_rows), on X's rows as
        # given; X is still checked whole (its NaN and infinite values named by row).
        n = len(X) if hasattr(X, "__len__") else None
        rows = None
        if self.max_samples is not None and n is not None and n > self.max_samples:
            rows = sample_ids(n, self.max_samples, rng)
        A = self._fit_preprocessing(X, rows)
        if len(A) < 2:
            raise ValueError(f"X has n_samples={len(A)}; a detector needs at least 2 rows.")
        return A

    def _encoder(self) -> TabularEncoder:
        """The unfitted encoding of the detector's parameters: NaN encodes under
        ``handle_missing``, numbers are standardized unless ``preprocessing=None``, numeric
        one-hot groups found with ``preprocessing="auto"``."""
        return TabularEncoder(
            handle_missing="mask" if self.handle_missing else "error",
            standardize=self.preprocessing is not None,
            detect_one_hot=self.preprocessing == "auto",
        )

    def _table(self, X: Any, fitting: bool) -> Any:
        """X checked for what the encoder does not check: a DataFrame's infinite numbers and
        (unless ``handle_missing``) missing values, and anything else as a numeric 2-D array.
        ``fitting``: X is fit's (an empty column may be left out; a fitted detector needs it)."""
        from aekit.data.lazy import Dataset

        if isinstance(X, pd.Series):  # df.iloc[0] is a row turned into a column of values
            raise ValueError(
                "X is a pandas Series; pass a DataFrame, e.g. df.iloc[[0]] (double brackets) "
                "for one row, or series.to_frame() for one column."
            )
        # refused missing values are named with infinite ones, in one message
        missing_fix = (
            None
            if self.handle_missing
            else f"Impute them, or {'pass' if fitting else 'refit with'} handle_missing=True to "
            "let the detector encode them."
        )
        if isinstance(X, Dataset):  # read whole; NaN read through, refused below by its row
            with X.reader.nan_read_through():
                rows = X.reader.read(0, len(X))
            X = X.frame(rows) if X.reader.named_columns else rows
        if not isinstance(X, pd.DataFrame):
            # NaN is let through here, to be refused below with handle_missing named; float64
            # kept, as the encoder standardizes it: values float32 rounds keep their variation
            array = as_numeric_array(
                X, allow_nan=True, precision="float64", missing_fix=missing_fix, tables_only=True
            )
            array = array.astype(np.float64, copy=False)
            missing, columns, index = np.isnan(array), None, None
        else:
            names = [str(c) for c in X.columns]  # e.g. integer names
            array = X if names == list(X.columns) else X.set_axis(names, axis=1)
            # a table of numpy's numbers alone is its own numbers: pandas' choice of them, of
            # 20,000 columns read from a CSV (a block each), took 0.7 s, and its isna 0.6 s
            whole = len(plain_columns(array, "iuf")) == array.shape[1]
            numbers = array if whole else array.select_dtypes("number")
            refuse_infinite(
                numbers.to_numpy(np.float64, na_value=np.nan),
                columns=numbers.columns,
                index=X.index,
                missing_fix=missing_fix,
                columns_needed=not fitting,
            )
            missing, columns, index = missing_cells(X), array.columns, X.index
        if len(array) == 0:
            raise ValueError("X has no rows; pass at least one.")
        if missing.any() and missing_fix is not None:
            if fitting:
                refuse_empty_columns_alone(missing, columns)
            told = describe_non_finite(
                "X", missing, columns=columns, index=index, columns_needed=not fitting
            )
            raise ValueError(f"{told}. {missing_fix}")
        return array

    def _encode_input(self, X: Any) -> np.ndarray:
        if self.encoder_.categories_ and isinstance(X, np.ndarray) and X.dtype == object:
            # df.to_numpy() of a table with text columns: its numbers and text are all there,
            # its column names and dtypes are not, and the encoding needs them
            raise ValueError(
                f"X is an array of mixed values (dtype object), but {type(self).__name__} was "
                f"fitted on a DataFrame with categorical columns "
                f"{list(self.encoder_.categories_)[:5]}; pass the DataFrame itself (not "
                "df.to_numpy()), with the columns seen in fit."
            )
        table = self._table(X, fitting=False)
        width = np.shape(table)[1] if np.ndim(table) == 2 else -1
        named = hasattr(table, "columns") and self.encoder_.input_is_frame_
        if not named:  # a table's columns: the encoder names them
            check_width(width, self.n_features_in_)
        return self.encoder_.transform_with_mask(table, type(self).__name__)[0]

    def _encoded_normal_rows(self, X_normal: Any) -> np.ndarray:
        """``X_normal`` encoded as the training rows were, its errors naming it."""
        try:
            return self._encode_input(X_normal)
        except ValueError as err:
            raise ValueError(re.sub(r"^X\b", "X_normal", str(err))) from None


def check_width(width: int, expected: int) -> None:
    """Rows of ``width`` values for a detector fitted on ``expected`` columns: a ValueError
    naming both when they differ (as scikit-learn says it), before any column is named."""
    if width != expected:
        raise ValueError(
            f"X has {width} features, but AnomalyDetector is expecting {expected} features as "
            "input; pass the same columns as in fit."
        )


def sampled_rows(
    X: Any, max_samples: int | None, rng: np.random.RandomState, allow_nan: bool = False
) -> Any:
    """X, or, for a table on disk (an :func:`aekit.open_dataset` dataset or a large memmap),
    the rows fit keeps, read alone, as a dataset's frame (its column names) or an array: all
    of them up to ``max_samples``, else ``max_samples`` drawn as fit draws them from rows in
    memory (the same rows, the same random stream after), so a detector reads a few thousand
    rows of a large file, not all of it. Its preprocessing statistics then come from those
    rows. ``allow_nan``: NaN is read as a missing value (``handle_missing``), not refused."""
    from aekit.data.lazy import Dataset, lazy_reader

    found = lazy_reader(X, text=True)  # its frames decode text columns
    if found is None:
        return X
    reader = found[0]
    if max_samples is None or len(X) <= max_samples:  # every row is fit's
        with reader.nan_read_through():  # to be named by the detector at its row
            rows = reader.read(0, len(X))
    else:  # the reader names a NaN at its row of the file, not of the draw
        with reader.nan_read_through(allow_nan):
            rows = reader.gather(sample_ids(len(X), max_samples, rng))
    return X.frame(rows) if isinstance(X, Dataset) else rows.reshape(len(rows), *reader.row_shape)


def sample_ids(n: int, max_samples: int, rng: np.random.RandomState) -> np.ndarray:
    """The ``max_samples`` rows of ``n`` that fit keeps, in file order: one draw for a table
    in memory and on disk alike."""
    return np.sort(rng.choice(n, max_samples, replace=False))
