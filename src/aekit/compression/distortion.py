"""How far rows come back from compression: the mean squared error a value of rows compressed
and decompressed. :meth:`~aekit.compression.Compressor.fit` records it on the training rows
(``training_error_``) and :meth:`~aekit.compression.Compressor.compress` measures new rows
against it, so rows the model cannot reconstruct (MNIST's given a Fashion-MNIST compressor) are
said, not stored unnoticed: the bytes decode whatever the rows were.

The figure of new rows that ``compress`` warns by is read on at most :data:`SAMPLE_ROWS` of them
(seed 0), so it costs a decode of those rows, not of every row compressed.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from aekit.data.lazy import lazy_reader, rows_at
from aekit.data.validation import reject_sparse, reject_unshaped
from aekit.estimators.streaming import default_batch_rows
from aekit.warning_lines import caller_level

SAMPLE_ROWS = 2000
# Held-out rows of the data a compressor was fitted on come back near the training rows' error
# (8x8 digits: 1.01 times, tests/test_compression_distortion.py; Fashion-MNIST's other split:
# 1.003 times); rows of other data beyond twice it (transposed digits 4.1 times, MNIST through a
# Fashion-MNIST compressor 2.4 times: the README)
FAR_FROM_TRAINING = 2.0


def sample_ids(n_rows: int, max_rows: int | None) -> np.ndarray:
    """Up to ``max_rows`` (None: all) row numbers of ``n_rows``, sorted (seed 0: the same each
    call)."""
    if max_rows is None or n_rows <= max_rows:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(0).choice(n_rows, max_rows, replace=False))


def squared_error_sum(rows: np.ndarray, decoded: np.ndarray) -> float:
    """The sum over every value of (decoded - row)**2, in float64."""
    flat = np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
    return float(((np.asarray(decoded, dtype=np.float64).reshape(flat.shape) - flat) ** 2).sum())


def mean_squared_error(rows: np.ndarray, decoded: np.ndarray) -> float:
    """The mean over every value of (decoded - row)**2: the distortion a value."""
    return squared_error_sum(rows, decoded) / max(np.asarray(rows).size, 1)


def warn_if_far_from_training(error: float, training_error: float | None, n_rows: int) -> None:
    """A warning when rows compressed at the fitted step (the training figure's; rows at other
    steps are not compared) come back further than
    :data:`FAR_FROM_TRAINING` times the training rows' error: rows unlike those the model was
    fitted on, which it stores, but cannot give back as they were."""
    if training_error is None or training_error <= 0 or error <= FAR_FROM_TRAINING * training_error:
        return
    warnings.warn(
        f"Compressor: these rows decompress with a squared error of {error:.4g} a value (on "
        f"{n_rows:,} of them), {error / training_error:.1f} times the training rows' "
        f"{training_error:.4g}: rows unlike those the model was fitted on. Check that this is "
        "the model for these rows, or fit one on rows like them.",
        UserWarning,
        stacklevel=caller_level(),
    )


def stored_training_error(value: object) -> float | None:
    """A model file's ``training_error``: None for a file written before it was recorded, else a
    finite number at least 0 (an edited file's other value is refused, naming the entry)."""
    if value is None:
        return None
    try:  # an edited 10**400: float() overflows, and numpy's words followed
        number = float(value) if isinstance(value, int | float) else math.nan
    except OverflowError:
        number = math.inf
    if isinstance(value, bool) or not number >= 0:
        raise ValueError(
            f"the stored training_error={value!r} is not a squared error (a number at least 0); "
            "the file was edited or damaged: fit the compressor again."
        )
    if not math.isfinite(number):
        raise ValueError(
            f"the stored training_error={number!r} is not finite; the file was edited or "
            "damaged: fit the compressor again."
        )
    return number


class MeasuresDistortion:
    """:meth:`distortion` of a :class:`~aekit.compression.Compressor`, through its network
    (``_parts``, ``_codes``, ``_rounded``, ``_decode``) and its step (``_step_of``)."""

    def distortion(
        self, X: Any, step: float | str | None = None, max_rows: int | None = None
    ) -> float:
        """The mean squared error a value of the rows of X compressed and decompressed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows, as :meth:`compress` takes them (a dataset on disk is read a chunk at a time).
        step : float, "auto" or None, default=None
            Quantization step, as :meth:`compress` takes it (None: ``step_``).
        max_rows : int or None, default=None
            Measure at most this many rows, drawn at random (seed 0); None: every row.

        Returns
        -------
        error : float
            In X's units squared; at ``step_``, compare with ``training_error_`` (rows of
            other data come back far further than the training rows did).
        """
        check_is_fitted(self)
        reject_unshaped(X)
        reject_sparse(X)
        if max_rows is not None and (
            isinstance(max_rows, bool) or not isinstance(max_rows, Integral) or max_rows < 1
        ):
            raise ValueError(
                f"max_rows={max_rows!r} must be a whole number at least 1, or None (every row)."
            )
        return self._error_at(X, sample_ids(len(X), max_rows), self._step_of(step))

    def _error_at(
        self,
        X: Any,
        at: np.ndarray,
        step: float,
        codes: np.ndarray | None = None,
        converted: bool = False,
    ) -> float:
        """The mean squared error a value of the rows ``at`` of X at ``step``, read a chunk at
        a time (their ``codes`` given, or encoded here; X ``converted`` already by ``_parts``,
        as compress holds it: not checked again)."""
        # the rows at ``at`` taken first, then checked as _parts checks them: X converted whole
        # (a large array of uint8 images copied to floats) for 2,000 of its rows was waste
        whole = isinstance(X, pd.DataFrame | np.ndarray) or lazy_reader(X) is not None
        source = X if whole else np.asarray(X)  # a list: indexed once as an array
        total, count, batch = 0.0, 0, default_batch_rows(source)
        for start in range(0, len(at), batch):
            ids = at[start : start + batch]
            taken = rows_at(source, ids)
            rows = taken if converted else next(self._parts(taken))
            chunk = self._codes(rows) if codes is None else codes[ids]
            decoded = self._decode(self._rounded(chunk, step))
            total += squared_error_sum(rows, decoded)  # float64, a DataFrame's values too
            count += decoded.size
        return total / max(count, 1)
