"""``SeriesAnomalyDetector``: one anomaly score per time point of a series, from how unusual the
windows covering that point are.

The series is standardized per channel (training mean and standard deviation), cut into sliding
windows of ``window`` points, each window a row of ``channels * window`` values (channel-major,
the ``(channels, length)`` layout of a sequence network); a row detector (an
:class:`aekit.AnomalyDetector`) scores the windows, and each point gets the mean score of the
windows that cover it (:func:`aekit.timeseries.average_windows`). A window's score splits into
one share per channel (its errors on that channel) plus the part that belongs to no channel (the
nearest-window distances), so :meth:`explain` splits each point's score the same way.

``threshold="likelihood"`` flags by the anomaly likelihood instead
(:mod:`aekit.timeseries.likelihood`): the score of the window that ends at each point, against the
scores of the ``likelihood_window`` points before it, so a series that drifts after the part it
was fitted on stops being flagged once the new level has become its recent past.

Why this default (measured in ``benchmarks/timeseries.py`` on NAB, choices cross-validated over
halves of the series): see the README's time-series table.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from aekit.anomaly import AnomalyDetector, thresholds
from aekit.anomaly.explain import remainder_column
from aekit.estimators import BaseAutoencoder
from aekit.estimators.persistence import SavesToFile, export_estimator, import_estimator
from aekit.timeseries import likelihood
from aekit.timeseries.inputs import (
    HANDLE_MISSING,
    Series,
    check_steps,
    check_value_names,
    is_several,
    read_series,
    warn_left_out_text,
)
from aekit.timeseries.windows import spread_windows, window_starts


class SeriesAnomalyDetector(SavesToFile, OutlierMixin, BaseEstimator):
    """Anomaly detector for time series: one score per time point, from sliding windows.

    Parameters
    ----------
    window : int, default=64
        Points per window. A point's score looks at the ``window`` points before and after it.
    stride : int, default=1
        Points between consecutive windows (at most ``window``). Larger strides fit and score
        faster; every point is still covered (a last window ends at the last point).
    estimator : AnomalyDetector, aekit autoencoder or None, default=None
        What scores the windows (rows of ``channels * window`` values, channel-major, so a
        sequence network with ``sequence_shape=(channels, window)`` takes them as they are; that
        parameter is set when the estimator has it unset). An :class:`aekit.AnomalyDetector`
        is cloned and used as given; its neighbour terms should use a k of 5 or more with the
        k-th distance (``input_neighbors=5, input_distance="kth"``, as the default here): the
        threshold is fitted to the training points' own scores, and overlapping training
        windows are each other's near duplicates, so with a mean over the 3 nearest (the
        tabular default) those scores sit far below a new window's and "auto" flags most
        points (or set ``contamination``). An autoencoder is scored by its reconstruction
        error alone (``AnomalyDetector(estimator, n_estimators=1, n_neighbors=0)``). None: the
        default detector, chosen on NAB (see the module docstring).
    time_column : str or None, default=None
        Column of a DataFrame holding the timestamps (dates or numbers); it must increase, and
        evenly (see ``handle_missing``): in instants, local days, months or pandas' inferred
        frequency (:mod:`aekit.timeseries.time_axis`). None: a DatetimeIndex of X if it has
        one, else rows are evenly spaced points.
    value_columns : list of str, str or None, default=None
        The channels of a DataFrame, picked by name; None: every numeric column but the time
        column (a bool column is a 0/1 channel; a date column without ``time_column`` is an
        error), and a DataFrame scored must then have the same ones in the same order (a
        ValueError otherwise, as scikit-learn checks feature names). Columns not named by
        strings (an unnamed Series, a DataFrame of an array) are channels by position.
    contamination : "auto" or float in (0, 0.5], default="auto"
        Expected fraction of anomalous points for ``threshold="contamination"``; "auto": peaks
        over threshold at ``risk``, robust to a few anomalies in the training series
        (:func:`aekit.anomaly.thresholds.robust_pot_threshold`).
    threshold : {"contamination", "mean_std", "pot", "likelihood"}, default="contamination"
        How ``threshold_`` is set from the training points' scores (as
        :class:`aekit.AnomalyDetector` does), or ``"likelihood"``: a point is flagged when its
        anomaly likelihood exceeds ``1 - risk`` (Ahmad et al. 2017; :meth:`anomaly_likelihood`):
        the mean score of the last 10 windows ending at or before it, against a Gaussian of
        those means over the ``likelihood_window`` points before it. It follows drift (a lasting
        change stops being flagged after about ``likelihood_window`` points, and so does an
        anomaly that lasts that long), and a point's flag reads only that point and the ones
        before it. :meth:`predict` and :meth:`decision_function` then use the likelihood;
        :meth:`anomaly_score`, :meth:`explain` and ``threshold_`` (the "auto" threshold of the
        raw score, for reference) are unchanged.
    n_std : float, default=3.0
        k of the ``"mean_std"`` rule (mean + k std of the training scores).
    risk : float, default=1e-3
        Probability of a normal point exceeding the threshold, for ``"pot"`` and "auto"; for
        ``"likelihood"`` the largest Gaussian tail probability flagged (the paper's epsilon;
        it used 1e-5 to 1e-4, stricter).
    likelihood_window : int, default=1000
        Trailing points whose window scores give the Gaussian of ``"likelihood"`` (the paper's
        historic window, 8640 there: a month of 5-minute points); until a series has shown
        ``min(100, likelihood_window)`` points of its own, the training series' scores stand in.
    handle_missing : {"error", "interpolate"}, default="error"
        Missing values (NaN) and missing timestamps (gaps in an evenly spaced time column):
        an error, or filled by linear interpolation in time on the regular grid (the median
        step); scores are then given at the original rows.
    random_state : int, RandomState or None, default=None
        Seeds the window detector.

    Attributes
    ----------
    detector_ : AnomalyDetector
        The fitted window detector.
    mean_, scale_ : ndarray of shape (n_channels,)
        Per-channel standardization of the training series.
    threshold_ : float
        Score above which a point is an anomaly; ``offset_ = -threshold_``. With
        ``threshold="likelihood"`` the "auto" threshold, not used to flag.
    likelihood_prior_ : ndarray of shape (2,)
        With ``threshold="likelihood"``: mean and standard deviation of the training series'
        averaged window scores (the Gaussian of a series' first points, and 10% of its standard
        deviation the smallest one used).
    n_features_in_ : int
        Channels.
    feature_names_in_ : ndarray of str
        The value columns, when fitted on DataFrames.
    time_step_ : str or None
        The training series' time step ("h", "D", "1 month", ...; None without a time axis):
        a series scored with another step is warned of, since a window then spans another
        stretch of time.

    Examples
    --------
    >>> import numpy as np
    >>> from aekit import SeriesAnomalyDetector
    >>> t = np.arange(2000)
    >>> series = np.sin(2 * np.pi * t / 50)
    >>> detector = SeriesAnomalyDetector(window=50, random_state=0).fit(series[:1000])
    >>> test = series.copy(); test[1500:1510] += 2
    >>> scores = -detector.score_samples(test)   # one per point, higher = more anomalous
    >>> bool(scores[1500:1510].mean() > np.percentile(scores, 99))
    True
    """

    _estimator_type = "outlier_detector"
    _parameter_constraints: dict = {
        "window": [Interval(Integral, 2, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "estimator": [None, AnomalyDetector, BaseAutoencoder],
        "time_column": [None, str],
        "value_columns": [None, str, list, tuple],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "threshold": [StrOptions({"contamination", "mean_std", "pot", "likelihood"})],
        "n_std": [Interval(Real, None, None, closed="neither")],
        "risk": [Interval(Real, 0, 1, closed="neither")],
        "likelihood_window": [Interval(Integral, 2, None, closed="left")],
        "handle_missing": [StrOptions(set(HANDLE_MISSING))],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        window: int = 64,
        stride: int = 1,
        estimator: Any = None,
        time_column: str | None = None,
        value_columns: Any = None,
        contamination: Any = "auto",
        threshold: str = "contamination",
        n_std: float = 3.0,
        risk: float = 1e-3,
        likelihood_window: int = likelihood.WINDOW,
        handle_missing: str = "error",
        random_state: Any = None,
    ) -> None:
        self.window = window
        self.stride = stride
        self.estimator = estimator
        self.time_column = time_column
        self.value_columns = value_columns
        self.contamination = contamination
        self.threshold = threshold
        self.n_std = n_std
        self.risk = risk
        self.likelihood_window = likelihood_window
        self.handle_missing = handle_missing
        self.random_state = random_state

    # ---- the window detector ---------------------------------------------------------------
    def _window_detector(self, n_channels: int) -> AnomalyDetector:
        base = self.estimator
        if isinstance(base, AnomalyDetector):
            detector = clone(base)
        elif base is not None:
            base = clone(base)
            if (
                "sequence_shape" in base.get_params()
                and base.get_params()["sequence_shape"] is None
            ):
                base.set_params(sequence_shape=(n_channels, int(self.window)))
            detector = AnomalyDetector(
                estimator=base, n_estimators=1, n_neighbors=0, preprocessing=None
            )
        else:
            detector = default_window_detector()
        return detector.set_params(random_state=self.random_state)

    def _rows(self, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """The windows starting at ``starts`` of standardized ``values`` ``(time, channels)``,
        as rows ``(n_windows, channels * window)`` in channel-major order."""
        z = (values - self.mean_) / self.scale_
        index = starts[:, None] + np.arange(int(self.window))  # (n_windows, window)
        return np.ascontiguousarray(z[index].transpose(0, 2, 1)).reshape(len(starts), -1)

    # ---- reading series ----------------------------------------------------------------------
    def _read(self, X: Any, fitting: bool = False) -> tuple[list[Series], bool]:
        several = is_several(X)
        parts = list(X) if several else [X]
        if not parts:
            raise ValueError("X holds no series.")
        read = [
            read_series(p, self.time_column, self.value_columns, self.handle_missing) for p in parts
        ]
        names = read[0][1]
        if any(n != names for _, n in read):
            raise ValueError("every series of X must have the same value columns.")
        widths = {s.values.shape[1] for s, _ in read}
        if len(widths) > 1:
            raise ValueError(
                f"every series of X must have the same channels; got {sorted(widths)}."
            )
        series = [s for s, _ in read]
        check_steps(series, getattr(self, "time_step_", None), fitting)
        if fitting:
            if self.value_columns is None:
                warn_left_out_text(parts[0], self.time_column)
            self.time_step_ = next((s.step for s in series if s.step is not None), None)
            self.n_features_in_ = widths.pop()
            if names is not None:
                self.feature_names_in_ = np.asarray(names, dtype=object)
            else:
                self.__dict__.pop("feature_names_in_", None)
        else:
            check_value_names(getattr(self, "feature_names_in_", None), names, type(self).__name__)
            if series[0].values.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {series[0].values.shape[1]} channels, but SeriesAnomalyDetector was "
                    f"fitted on {self.n_features_in_}; pass the same value columns as in fit."
                )
        for s in series:
            if len(s.values) < int(self.window):
                raise ValueError(
                    f"a series has {len(s.values)} points, fewer than window={self.window}; "
                    "use a smaller window or a longer series."
                )
        return series, several

    # ---- fitting -----------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> SeriesAnomalyDetector:
        """Fit on one series or several (a list), and set the threshold on their points.

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Training series; they may hold anomalies, but the fewer the better.
        y : ignored

        Returns
        -------
        self : SeriesAnomalyDetector
        """
        self.__dict__.pop("detector_", None)
        self._validate_params()
        thresholds.warn_unused_options(self)
        self._warn_unused_window()
        if self.stride > self.window:
            raise ValueError(
                f"stride={self.stride} is larger than window={self.window}: points between "
                "windows would get no score; use stride <= window."
            )
        series, _ = self._read(X, fitting=True)
        values = np.concatenate([s.values for s in series])
        # A constant channel is centred on its value exactly and keeps its own units (scale 1):
        # its mean and standard deviation as computed carry rounding (a channel of 7.77s has a
        # std of 4e-15), which dividing by that std would turn into values of order 1.
        constant = np.ptp(values, axis=0) == 0
        self.mean_ = np.where(constant, values[0], values.mean(axis=0))
        self.scale_ = np.where(constant, 1.0, values.std(axis=0))
        rows = [
            self._rows(s.values, window_starts(len(s.values), self.window, self.stride))
            for s in series
        ]
        self.detector_ = self._window_detector(self.n_features_in_).fit(np.concatenate(rows))
        train_scores = np.concatenate([self._point_shares(s).sum(axis=1) for s in series])
        self.threshold_ = self._threshold(train_scores)
        self.offset_ = -self.threshold_
        self.__dict__.pop("likelihood_prior_", None)
        if self.threshold == "likelihood":
            averaged = np.concatenate(
                [likelihood.moving_average(self._causal_scores(s)) for s in series]
            )
            averaged = averaged[np.isfinite(averaged)]
            self.likelihood_prior_ = np.array([averaged.mean(), averaged.std()])
        return self

    def _warn_unused_window(self) -> None:
        if self.threshold != "likelihood" and self.likelihood_window != likelihood.WINDOW:
            import warnings

            warnings.warn(
                f"likelihood_window={self.likelihood_window!r} has no effect with "
                f"threshold={self.threshold!r}; drop it or use threshold='likelihood'.",
                UserWarning,
                stacklevel=3,
            )

    def _threshold(self, scores: np.ndarray) -> float:
        if self.threshold == "contamination" and self.contamination != "auto":
            return thresholds.contamination_threshold(scores, float(self.contamination))
        return thresholds.new_row_threshold(
            scores, self.threshold, float(self.n_std), float(self.risk)
        )

    # ---- scoring -----------------------------------------------------------------------------
    def _point_shares(self, series: Series) -> np.ndarray:
        """``(n_grid, channels + 1)``: each grid point's score split into channel shares and
        the latent remainder (each the mean over the windows covering the point)."""
        n, channels = series.values.shape
        starts = window_starts(n, self.window, self.stride)
        shares = np.asarray(self.detector_.explain(self._rows(series.values, starts)))
        per_channel = shares[:, :-1].reshape(len(starts), channels, -1).sum(axis=2)
        per_window = np.column_stack([per_channel, shares[:, -1]])
        return spread_windows(per_window, starts, self.window, n)

    def _causal_scores(self, series: Series) -> np.ndarray:
        """``(n_grid,)``: the score of the window ending at each grid point (every window,
        whatever the stride), NaN for the first ``window - 1`` points, which end none."""
        n = len(series.values)
        starts = np.arange(n - int(self.window) + 1)
        scores = np.full(n, np.nan)
        scores[int(self.window) - 1 :] = self.detector_.anomaly_score(
            self._rows(series.values, starts)
        )
        return scores

    def _tail_probability(self, series: Series) -> np.ndarray:
        """``(n_grid,)``: q_t of :mod:`aekit.timeseries.likelihood` (small = anomalous)."""
        if not hasattr(self, "likelihood_prior_"):
            raise ValueError(
                f"this detector was fitted with threshold={self.threshold!r}, which keeps no "
                "likelihood state; refit it with threshold='likelihood'."
            )
        return likelihood.detector_tail_probability(
            self._causal_scores(series), self.likelihood_window, self.likelihood_prior_
        )

    def _per_series(self, X: Any, what, points=None) -> Any:
        """``what`` of each series' per-point values: ``points(series)`` on its grid (by
        default the channel shares of :meth:`_point_shares`), given at the original rows."""
        check_is_fitted(self)
        series, several = self._read(X)
        points = points or self._point_shares
        out = [s.to_rows(what(points(s))) for s in series]
        return out if several else out[0]

    def causal_score(self, X: Any) -> Any:
        """Score of the window that ends at each point (the window detector's score, on the
        scale of :meth:`anomaly_score`), NaN for the first ``window - 1`` points; unlike
        :meth:`anomaly_score` (the mean over every window covering a point, later ones too) it
        reads only the point and the ones before it. Every window is scored, whatever the
        ``stride``.

        Returns
        -------
        scores : ndarray of shape (time,), or a list of them when X is a list of series
            NaN for the first ``window - 1`` points of each series (no window ends there):
            metrics such as ``roc_auc_score`` refuse NaN, so score ``scores[window - 1:]``
            against ``labels[window - 1:]``.
        """
        return self._per_series(X, lambda s: s, self._causal_scores)

    def anomaly_likelihood(self, X: Any) -> Any:
        """The anomaly likelihood of each point (Ahmad et al. 2017), for a detector fitted
        with ``threshold="likelihood"``: ``1 - Q((m_t - mu_t) / sigma_t)``, with m_t the mean
        :meth:`causal_score` of the last 10 points and mu_t, sigma_t those means' over the
        ``likelihood_window`` points before t (:mod:`aekit.timeseries.likelihood`); 0.5 where
        there is none yet. Flagged above ``1 - risk``. Each series of X is its own history.

        Returns
        -------
        likelihood : ndarray of shape (time,), or a list of them when X is a list of series
        """
        return self._per_series(X, lambda q: 1.0 - q, self._tail_probability)

    def anomaly_score(self, X: Any) -> Any:
        """Anomaly score per time point, higher = more anomalous (``-score_samples``).

        Returns
        -------
        scores : ndarray of shape (time,), or a list of them when X is a list of series
        """
        return self._per_series(X, lambda shares: shares.sum(axis=1))

    def score_samples(self, X: Any) -> Any:
        """Normality score per time point, higher = more normal (scikit-learn's sign)."""
        scores = self.anomaly_score(X)
        return [-s for s in scores] if isinstance(scores, list) else -scores

    def decision_function(self, X: Any) -> Any:
        """``score_samples(X) - offset_``: negative at anomalous points. With
        ``threshold="likelihood"``: ``log10(q_t / risk)``, q_t = 1 - likelihood (also negative
        exactly at the flagged points)."""
        if self.threshold == "likelihood":
            risk = float(self.risk)
            return self._per_series(
                X, lambda q: np.log10(np.maximum(q, 1e-300) / risk), self._tail_probability
            )
        scores = self.score_samples(X)
        if isinstance(scores, list):
            return [s - self.offset_ for s in scores]
        return scores - self.offset_

    def predict(self, X: Any) -> Any:
        """+1 at normal points, -1 at anomalous ones (one array per series)."""
        decision = self.decision_function(X)
        if isinstance(decision, list):
            return [np.where(d < 0, -1, 1) for d in decision]
        return np.where(decision < 0, -1, 1)

    def explain(self, X: Any) -> Any:
        """Each channel's share of each point's anomaly score.

        A channel's share is the windows' errors on that channel plus its part of the distance
        to the nearest training windows (split over the values in proportion to their squared
        differences, :meth:`aekit.AnomalyDetector.explain`); the column ``"latent"`` holds what
        belongs to no channel (distances between the members' codes: none for the default
        window detector). Each row sums to :meth:`anomaly_score`.

        Returns
        -------
        contributions : DataFrame of shape (time, channels + 1) (with X's index when X is a
            DataFrame), or a list of them for a list of series
        """
        import pandas as pd

        names = getattr(self, "feature_names_in_", None)
        columns = [*(names if names is not None else [f"x{i}" for i in range(self.n_features_in_)])]
        shares = self._per_series(X, lambda s: s)
        parts = list(X) if is_several(X) else [X]
        frames = [
            pd.DataFrame(
                values,
                columns=[*columns, remainder_column(columns)],
                index=part.index if isinstance(part, (pd.DataFrame, pd.Series)) else None,
            )
            for values, part in zip(shares if isinstance(shares, list) else [shares], parts)
        ]
        return frames if is_several(X) else frames[0]

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "detector_")

    # ---- model files -------------------------------------------------------------------------
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        document, tree = export_estimator(self.detector_)
        names = getattr(self, "feature_names_in_", None)
        fitted = {
            "detector": document,
            "mean_": self.mean_.tolist(),
            "scale_": self.scale_.tolist(),
            "threshold_": self.threshold_,
            "likelihood_prior_": (
                self.likelihood_prior_.tolist() if hasattr(self, "likelihood_prior_") else None
            ),
            "n_features_in_": self.n_features_in_,
            "time_step_": self.time_step_,
            "feature_names_in_": None if names is None else list(names),
        }
        return fitted, {"detector": tree}

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        self.detector_ = import_estimator(fitted["detector"], tree["detector"], device)
        self.mean_ = np.asarray(fitted["mean_"], dtype=np.float64)
        self.scale_ = np.asarray(fitted["scale_"], dtype=np.float64)
        self.n_features_in_ = int(fitted["n_features_in_"])
        self.time_step_ = fitted.get("time_step_")  # absent from files written before it
        if fitted["feature_names_in_"] is not None:
            self.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
        self.threshold_ = float(fitted["threshold_"])
        self.offset_ = -self.threshold_
        prior = fitted.get("likelihood_prior_")  # absent from files written before it
        if prior is not None:
            self.likelihood_prior_ = np.asarray(prior, dtype=np.float64)
        if self.mean_.shape != (self.n_features_in_,) or self.scale_.shape != self.mean_.shape:
            raise ValueError("the series detector's standardization does not match its channels")


def default_window_detector() -> AnomalyDetector:
    """The window detector of ``estimator=None``, chosen on NAB (``benchmarks/timeseries.py
    --cv``; see the README): one small dense autoencoder (40 epochs: NAB's training parts are a
    few hundred to three thousand windows) whose scaled error is added to the distance of the
    window to its 5th nearest training window (input space, standardized values). The two
    parts are added with equal weight, each over its interquartile range, every training window
    kept: the combination measured on NAB, pinned here so the tabular detector's own defaults
    (chosen on tables, not series) do not change it."""
    from aekit.estimators import Autoencoder

    member = Autoencoder(
        hidden_layer_sizes=(64, 32),
        latent_dim=8,
        likelihood="gaussian",
        max_iter=40,
        batch_size=64,
    )
    return AnomalyDetector(
        estimator=member,
        n_estimators=1,
        n_neighbors=5,
        neighbor_space="input",
        input_neighbors=None,  # the one k above
        input_distance="kth",
        preprocessing=None,
        part_scale="iqr",
        reconstruction_weight=1.0,
        density_trim=0.0,
        max_samples=None,
    )
