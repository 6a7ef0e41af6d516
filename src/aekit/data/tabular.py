"""Mixed numeric/categorical tables as the numeric matrices autoencoders take, and back:
:class:`TabularEncoder` (its docstring, in :mod:`aekit.data._docs`, says how)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from aekit.data._docs import TABULAR_ENCODER_DOC
from aekit.data.category_types import warn_codes_both_ways
from aekit.data.column_checks import (
    check_column_kind,
    numeric_values,
    row_number_columns,
    warn_many_categories,
    warn_row_number,
)
from aekit.data.column_values import (
    as_frame,
    categories_of,
    column_label,
    is_categorical,
    numbers_of,
    one_hot,
    refuse_empty_frame,
    with_dtype,
)
from aekit.data.constant_columns import warn_constant_columns
from aekit.data.feature_groups import FeatureGroup
from aekit.data.fit_columns import column_mismatch, warn_feature_names
from aekit.data.fit_keywords import refuse_fit_keywords
from aekit.data.float32 import check_float32_range
from aekit.data.non_finite import describe_non_finite, refuse_empty_columns_alone, refuse_infinite
from aekit.data.number_blocks import finite_numbers, missing_cells, stacked
from aekit.data.number_formats import check_numbers_read_as_text, refuse_numbers_written_so
from aekit.data.one_hot import one_hot_column_runs, warn_broken_rows
from aekit.data.scaling import standardization
from aekit.data.tabular_state import EncoderState
from aekit.io.pickled_versions import RecordsAekitVersion

_MISSING_POLICIES = ("error", "mask")
_UNKNOWN_POLICIES = ("error", "ignore")


class TabularEncoder(EncoderState, RecordsAekitVersion, TransformerMixin, BaseEstimator):
    __doc__ = TABULAR_ENCODER_DOC

    def __init__(
        self,
        handle_missing: str = "error",
        handle_unknown: str = "error",
        standardize: bool = True,
        detect_one_hot: bool = False,
    ) -> None:
        self.handle_missing = handle_missing
        self.handle_unknown = handle_unknown
        self.standardize = standardize
        self.detect_one_hot = detect_one_hot

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # the codes are float32, as a model's
        return tags

    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> TabularEncoder:
        """Learn each column's kind, scale and categories from X (NaN-aware).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The table (an array is read as a table of unnamed columns).
        y : None, default=None
            Ignored.

        Returns
        -------
        self : TabularEncoder
        """
        refuse_fit_keywords(self, unsupported, X)
        if self.handle_missing not in _MISSING_POLICIES:
            raise ValueError(
                f"handle_missing={self.handle_missing!r} is not supported; use 'error' or 'mask'."
            )
        if self.handle_unknown not in _UNKNOWN_POLICIES:
            raise ValueError(
                f"handle_unknown={self.handle_unknown!r} is not supported; use 'error' or 'ignore'."
            )
        frame = as_frame(X)
        refuse_empty_frame(frame)
        self._check_missing(frame, fitting=True)
        self.input_is_frame_ = isinstance(X, (pd.DataFrame, pd.Series))
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        self.column_labels_ = [column_label(c) for c in frame.columns]
        self.n_features_in_ = frame.shape[1]
        self.dtypes_ = {str(c): str(dtype) for c, dtype in frame.dtypes.items()}
        # dummies of a categorical column (numbers, or bools as pandas.get_dummies writes them)
        runs = one_hot_column_runs(frame) if self.detect_one_hot else []
        dummies = {name for run in runs for name in run}
        # numpy's numbers with nothing to check, and the columns the row-number rule must see,
        # found in one pass over them all: a pandas pass a column took 23 s on 20,000 columns
        plain, row_numbers = finite_numbers(frame), set(row_number_columns(frame))
        self.categories_, numeric, groups, start = {}, [], [], 0
        for position, column in enumerate(frame.columns):
            name = str(column)
            if position in plain:  # a column of numbers: not a date, not categories
                if position in row_numbers:
                    warn_row_number(name, frame.iloc[:, position])
                numeric.append(plain[position])
                groups.append(FeatureGroup(name, start, start + 1, "numeric"))
                start += 1
                continue
            series = frame.iloc[:, position]
            check_column_kind(name, series)
            if is_categorical(series) and name not in dummies:
                self.categories_[name] = categories_of(name, series)
                warn_codes_both_ways(name, self.categories_[name])  # 7 and '7'
                if not check_numbers_read_as_text(name, series):
                    warn_many_categories(name, series, len(self.categories_[name]))
                width, kind = len(self.categories_[name]), "categorical"
            else:
                warn_row_number(name, series)
                numeric.append(numbers_of(name, series))
                width, kind = 1, "numeric"
            groups.append(FeatureGroup(name, start, start + width, kind))
            start += width
        # a change there is scored against no spread
        warn_constant_columns(frame, given_as_array=not self.input_is_frame_)
        self.feature_groups_ = groups
        self.n_features_out_ = start
        at = {g.name: g for g in groups}
        self.one_hot_groups_ = tuple((at[run[0]].start, at[run[-1]].stop) for run in runs)
        numeric = stacked(numeric, len(frame))
        self._set_scale(numeric, dummies)
        # each numeric column's training range, which inverse_transform(clip=True) keeps to
        names = [g.name for g in groups if g.kind == "numeric"]
        low, high = np.nanmin(numeric, axis=0).tolist(), np.nanmax(numeric, axis=0).tolist()
        self.range_ = {n: [lo, hi] for n, lo, hi in zip(names, low, high)}
        return self

    def fit_scale(self, X: Any) -> TabularEncoder:
        """Learn the numeric columns' mean and scale again, from X alone (some rows of the
        table ``fit`` saw), keeping every column's kind and categories. A detector fits on all
        rows, so that no category of its own table is unseen, and scales on the ``max_samples``
        rows it draws, which is all a table on disk gives it.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        self : TabularEncoder
        """
        check_is_fitted(self, "feature_groups_")
        frame = as_frame(X)
        at = {str(c): position for position, c in enumerate(frame.columns)}
        plain = finite_numbers(frame)  # one pass over numpy's numbers, as fit's
        numeric = [
            plain[at[g.name]]
            if at[g.name] in plain
            else numbers_of(g.name, frame.iloc[:, at[g.name]])
            for g in self._groups("numeric")
        ]
        dummies = {name for run in self.one_hot_columns_ for name in run}
        self._set_scale(stacked(numeric, len(frame)), dummies)
        return self

    def _set_scale(self, numeric: np.ndarray, dummies: set[str]) -> None:
        """``mean_`` and ``scale_`` of the numeric columns' values ``numeric`` (a column each,
        in their order)."""
        names = [g.name for g in self._groups("numeric")]
        mean, scale = np.zeros(len(names)), np.ones(len(names))
        if names and self.standardize:
            mean, scale = standardization(numeric)
        self.mean_ = dict(zip(names, mean.tolist()))
        self.scale_ = dict(zip(names, scale.tolist()))
        for name in dummies:  # kept as 0/1: one category, one unit
            self.mean_[name], self.scale_[name] = 0.0, 1.0

    @property
    def one_hot_columns_(self) -> list[list[str]]:
        """The names of the columns of each group in ``one_hot_groups_``."""
        check_is_fitted(self)
        return [
            [g.name for g in self.feature_groups_ if start <= g.start < stop]
            for start, stop in self.one_hot_groups_
        ]

    @property
    def categorical_groups_(self) -> tuple[tuple[int, int], ...]:
        check_is_fitted(self)
        # A column with one category is constant: no categorical likelihood to model (a group
        # needs two categories), so it is left a constant 0/1 column.
        declared = [
            (g.start, g.stop)
            for g in self.feature_groups_
            if g.kind == "categorical" and g.stop - g.start >= 2
        ]
        return tuple(sorted(declared + list(self.one_hot_groups_)))

    def _check_missing(self, frame: pd.DataFrame, fitting: bool = False) -> None:
        if self.handle_missing == "mask":
            return
        # one pass over the table: column by column took 0.2 s a call on 1,555 columns
        cells = missing_cells(frame)
        missing = [str(c) for c, gap in zip(frame.columns, cells.any(axis=0)) if gap]
        if missing:
            if fitting:  # a fitted encoder needs the column: the advice to leave it out fails
                refuse_empty_columns_alone(cells, list(frame.columns))
            told = describe_non_finite("X", cells, columns=list(frame.columns), index=frame.index)
            raise ValueError(
                f"{told}, in column(s) {', '.join(missing)}. Impute them first "
                "(aekit.AutoencoderImputer; on the command line, aekit impute). (TabularEncoder "
                "itself encodes them as 0 with an observed-mask under handle_missing='mask'.)"
            )

    def _frame_for_transform(self, X: Any, owner: str = "TabularEncoder") -> pd.DataFrame:
        check_is_fitted(self)
        frame = as_frame(X)
        refuse_empty_frame(frame)  # else numpy's "cannot reshape array of size 0" from a check
        names = [str(c) for c in frame.columns]
        named = isinstance(X, (pd.DataFrame, pd.Series))
        # the names fit gave an array's columns (x0, x1, ...; explain's, and the frames the
        # command line and the server make of array rows) are the model's own: no warning
        own_names = not self.input_is_frame_ and names == list(self.feature_names_in_)
        warn_feature_names(named and not own_names, self.input_is_frame_, owner)
        if named and self.input_is_frame_:
            expected = list(self.feature_names_in_)
            if names != expected:
                raise ValueError(column_mismatch(names, expected))
        elif frame.shape[1] != self.n_features_in_:
            raise ValueError(  # scikit-learn's words, naming the estimator the user called
                f"X has {frame.shape[1]} features, but {owner} is expecting "
                f"{self.n_features_in_} features as input."
            )
        for name, dtype in zip(frame.columns, frame.dtypes):  # as fit refuses them: dates as
            if dtype.kind in "mM" or isinstance(dtype, pd.PeriodDtype):  # numbers were 1e15
                check_column_kind(str(name), frame[name])
        self._check_missing(frame)
        return frame.set_axis(list(self.feature_names_in_), axis=1)  # e.g. integer names

    def transform_with_mask(
        self, X: Any, owner: str = "TabularEncoder"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Encode X; also return the boolean mask of observed entries of the encoded matrix
        (``owner``: the estimator whose encoding this is, named in the feature-name warning).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with fit's columns.
        owner : str, default="TabularEncoder"
            The name the messages give the estimator.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_features_out_), float32
            Missing entries are 0.
        observed : ndarray of bool, same shape
            False on every column of a missing value (the whole one-hot group).
        """
        frame = self._frame_for_transform(X, owner)
        widths = [g.stop - g.start for g in self.feature_groups_]
        observed = np.repeat(~missing_cells(frame), widths, axis=1)
        Z = np.zeros(observed.shape, dtype=np.float32)
        if numeric := self._groups("numeric"):
            names = [g.name for g in numeric]
            try:
                values = numeric_values(frame, names)
            except ValueError:
                refuse_numbers_written_so(frame, names)  # a CSV's number format, where it is one
                raise
            refuse_infinite(values, columns=names)  # NaN: missing values, masked below
            check_float32_range(values, "X", names)  # the user's own value, before scaling
            mean = np.array([self.mean_[n] for n in names])
            scale = np.array([self.scale_[n] for n in names])
            with np.errstate(over="ignore"):  # an overflow is refused below, in words
                scaled = np.where(np.isnan(values), 0.0, (values - mean) / scale)
            standardized = "X (standardized by fit's mean and scale)"
            check_float32_range(scaled, standardized, names, infinite_too=True)
            Z[:, [g.start for g in numeric]] = scaled
        if categorical := self._groups("categorical"):
            columns = np.concatenate([np.arange(g.start, g.stop) for g in categorical])
            Z[:, columns] = one_hot(
                frame, [g.name for g in categorical], self.categories_, self.handle_unknown
            )
        warn_broken_rows(Z, observed, self.one_hot_groups_, self.one_hot_columns_)
        return Z, observed

    def _groups(self, kind: str) -> list[FeatureGroup]:
        return [g for g in self.feature_groups_ if g.kind == kind]

    def transform(self, X: Any) -> np.ndarray:
        """Encode X: standardized numeric columns and one-hot groups, in column order.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_features_out_), float32
        """
        return self.transform_with_mask(X)[0]

    def inverse_transform(self, Z: Any, clip: bool = False) -> pd.DataFrame:
        """Decode a matrix back to a DataFrame: argmax per one-hot group (so probabilities
        work too; found dummies come back as a 1 at the argmax, 0 elsewhere), de-standardized
        numerics, the original column order and dtypes.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_features_out_)
            Encoded rows, or a model's reconstructions of them.
        clip : bool, default=False
            Keep each numeric column within its range in fit (``range_``): a VAE's drawn rows
            (``sample(draw_x=True)``) are Gaussian, unbounded, and a count of at least 0 came
            back as -4.

        Returns
        -------
        X : DataFrame of shape (n_samples, n_features_in_)
        """
        check_is_fitted(self)
        if clip and self.range_ is None:
            raise ValueError(
                "clip=True: this encoder was saved before aekit kept its columns' ranges; fit "
                "it again (train the run again), or clip the values yourself."
            )
        if not isinstance(clip, (bool, np.bool_)):
            raise ValueError(f"clip must be True or False; got {clip!r}.")
        try:
            Z = np.array(Z, dtype=np.float64)  # a copy: found dummies are rewritten below
        except (TypeError, ValueError):
            raise ValueError("Z must be a matrix of numbers (encoded rows).") from None
        if Z.ndim != 2 or Z.shape[1] != self.n_features_out_:
            raise ValueError(
                f"Z must have shape (n, {self.n_features_out_}) (the encoded width); got {Z.shape}."
            )
        if not np.isfinite(Z).all():  # NaN became -9223372036854775808 in an integer column
            bad = self.get_feature_names_out()[~np.isfinite(Z).all(axis=0)]
            raise ValueError(
                f"Z holds NaN or infinite values (columns {list(bad[:5])}); a model whose "
                "training diverged decodes such rows. Decode finite rows only."
            )
        for start, stop in self.one_hot_groups_:
            block = np.zeros((len(Z), stop - start))
            block[np.arange(len(Z)), Z[:, start:stop].argmax(axis=1)] = 1.0
            Z[:, start:stop] = block
        columns = {}
        for group in self.feature_groups_:
            if group.kind == "numeric":
                values = Z[:, group.start] * self.scale_[group.name] + self.mean_[group.name]
                if clip and group.name in self.range_:  # a found dummy has no range: 0/1
                    values = np.clip(values, *self.range_[group.name])
            else:
                categories = np.asarray(self.categories_[group.name], dtype=object)
                values = categories[Z[:, group.columns].argmax(axis=1)]
            columns[group.name] = with_dtype(
                values, self.dtypes_[group.name], self.categories_.get(group.name), group.name
            )
        frame = pd.DataFrame(columns, columns=list(self.feature_names_in_))
        return frame.set_axis(self.column_labels_, axis=1)  # as given: integer names stay ints

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``name`` for numeric columns, ``name=category`` for one-hot columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            One name per column fit saw: a DataFrame fit's own columns, or names for an array
            fit's ``x0, x1, ...`` (a Pipeline passes the step before's: ``age``, ``city=Paris``).

        Returns
        -------
        feature_names_out : ndarray of str objects, shape (n_features_out_,)
        """
        check_is_fitted(self)
        fitted = [str(name) for name in self.feature_names_in_]
        given = fitted if input_features is None else [str(name) for name in input_features]
        if len(given) != len(fitted) or (self.input_is_frame_ and given != fitted):
            raise ValueError(
                f"input_features must name the {len(fitted)} columns fit saw, "
                f"{fitted[:5]}{' ...' * (len(fitted) > 5)}; got {given[:5]}."
            )
        names = []
        for group, name in zip(self.feature_groups_, given, strict=True):  # a group a column
            if group.kind == "numeric":
                names.append(name)
            else:
                names.extend(f"{name}={c}" for c in self.categories_[group.name])
        return np.asarray(names, dtype=object)
