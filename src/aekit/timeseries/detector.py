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

This file holds the estimator, its fit and its default window detector; how it reads series is
:mod:`aekit.timeseries.series_input`, what it says about each point once fitted (scores,
likelihood, flags, explanations) :mod:`aekit.timeseries.point_scores`, and its model file
:mod:`aekit.timeseries.persistence`.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils._param_validation import StrOptions

from aekit.anomaly import AnomalyDetector, thresholds
from aekit.core.distributed import warns_on_rank_zero
from aekit.data.fit_keywords import SERIES
from aekit.data.intervals import RANDOM_STATES, Interval
from aekit.estimators import BaseAutoencoder
from aekit.estimators.interrupted_fits import networks_of, whole_or_unfitted
from aekit.estimators.persistence import SavesToFile, remember_fitted_params
from aekit.timeseries import flatlines, likelihood, series_threshold
from aekit.timeseries.channel_scaling import channel_scaling
from aekit.timeseries.inputs import HANDLE_MISSING
from aekit.timeseries.peak_errors import training_gate
from aekit.timeseries.persistence import export_series_detector, import_series_detector
from aekit.timeseries.point_scores import PointScores
from aekit.timeseries.series_input import SeriesInput
from aekit.timeseries.window_detector import default_window_detector, narrower_code
from aekit.timeseries.windows import window_starts
from aekit.warning_lines import caller_level


class SeriesAnomalyDetector(SeriesInput, PointScores, SavesToFile, OutlierMixin, BaseEstimator):
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
        is cloned and used as given (the default here uses the distance to the 5th nearest
        training window, ``input_neighbors=5, input_distance="kth"``). The threshold reads the
        training windows scored without the windows that overlap them among their neighbours
        (each window's shifted copies: :mod:`aekit.anomaly.trivial_matches`), as a new window
        would be scored; a detector that keeps a sample of its training rows
        (``max_samples``) cannot tell which those are, and its training windows then skip only
        their nearest neighbour. An autoencoder is scored by its reconstruction
        error alone (``AnomalyDetector(estimator, n_estimators=1, n_neighbors=0)``). None: the
        default detector, chosen on NAB (see the module docstring).
    max_iter : int or None, default=None
        Epochs of the default detector's autoencoder (None: 40, chosen on NAB, whose training
        parts are a few hundred to three thousand windows). Its fit grows with windows x
        epochs (5,000 points: about 28 s at 40 epochs on one CPU core), so fewer epochs fit a
        long series faster; ``stride`` cuts the windows instead. Only for ``estimator=None``:
        a given estimator keeps its own ``max_iter``.
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
        Expected fraction of anomalous points for ``threshold="contamination"`` (of the training
        points' own scores, below new points': 0.05 flagged 40% of a clean continuation in the
        README's "Thresholds of a series"); "auto": an exponential tail at ``risk`` fitted to the
        training points scored as new ones, once the footprints of clear anomalies among them
        are taken out (:mod:`aekit.timeseries.series_threshold`: one spike in 600 training
        points or eight in 3,000, window 64, are still flagged; at most a third of the points is
        taken out).
    threshold : {"contamination", "mean_std", "pot", "likelihood"}, default="contamination"
        How ``threshold_`` is set from the training points' scores (the rules of
        :class:`aekit.AnomalyDetector`; "mean_std" and "pot" read the training points scored
        as new ones, as "auto" does), or ``"likelihood"``: a point is flagged when its
        anomaly likelihood exceeds ``1 - risk`` (Ahmad et al. 2017; :meth:`anomaly_likelihood`):
        the mean score of the last 10 windows ending at or before it, against a Gaussian of
        those means over the ``likelihood_window`` points before it, each clipped at 100 IQRs
        above their upper quartile (so one spike cannot hide what follows). It follows drift
        (a lasting change stops being flagged after about ``likelihood_window`` points, and so
        does an anomaly that lasts that long), and a point's flag reads only that point and
        the ones before it. :meth:`predict` and :meth:`decision_function` then use the likelihood;
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
        an error, or filled by linear interpolation in time on the regular grid (the most
        common step, jitter of up to 10% counted as that step); scores are then given at the
        original rows. Rows at one timestamp with different values are averaged onto the grid
        with "interpolate", an error otherwise; exact duplicate rows are dropped either way,
        and a step back in time is always an error (:mod:`aekit.timeseries.repeats`). A warning
        says when interpolation makes up more than a fifth of the grid points.
    random_state : int, RandomState or None, default=None
        Seeds the window detector.
    peak_errors : bool, default=True
        Add to a window's score how far its peak, ``window`` times its largest point error,
        exceeds 1.5 times every training window's (:mod:`aekit.timeseries.peak_errors`): a
        window's score adds up all its values, so one spiking value moves it little. Chosen on NAB
        (cross-validated over halves of the series, the README's time-series section); False:
        the windows' scores alone, as before 2026-12.
    flatlines : bool, default=True
        Add to a window's score how far each channel moves less, step to step over any span of
        half the window, than every span of the training series did over 1.5 (a stuck sensor:
        a still window is reconstructed well and scores low; :mod:`aekit.timeseries.flatlines`):
        a channel stood still adds a typical training window's score. A channel still for such
        a span somewhere in training is never scored (warned of, unless constant throughout).
        A long gap filled by ``handle_missing="interpolate"`` is a straight line, which moves
        little: in new points it is scored as a flat line (in the training series, spans
        touching filled-in values are left out of the floor). False: as before 2026-12.

    Attributes
    ----------
    detector_ : AnomalyDetector
        The fitted window detector.
    mean_, scale_ : ndarray of shape (n_channels,)
        Per-channel standardization of the training series.
    threshold_ : float
        Score above which a point is an anomaly. With ``threshold="likelihood"`` the "auto"
        threshold, not used to flag.
    offset_ : float
        ``-threshold_``: ``decision_function`` is ``score_samples - offset_`` (scikit-learn's
        name), except with ``threshold="likelihood"``, whose decision uses the likelihood.
    peak_error_gate_ : float or None
        1.5 times the largest peak among the training windows (``peak_errors``): a window
        scores its excess over it. None with ``peak_errors=False``.
    flatline_floor_ : ndarray of shape (n_channels,) or None
        Each channel's least motion (mean absolute step over a span of half a window) in the
        training series, over 1.5 (``flatlines``); None with ``flatlines=False``.
    flatline_unit_ : float or None
        What a channel stood still adds to a window's score: the training windows' median
        score, or their interquartile range if larger (``flatlines``).
    likelihood_prior_ : ndarray of shape (2,)
        With ``threshold="likelihood"``: mean and standard deviation of the training series'
        averaged window scores (the Gaussian of a series' first points, and 10% of its standard
        deviation the smallest one used).
    n_features_in_ : int
        Channels.
    feature_names_in_ : ndarray of str
        The value columns, when fitted on DataFrames.
    time_step_ : str or None
        The training series' time step in words ("1 hour", "5 minutes", "1 month", "1
        business day", ...; None without a time axis):
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
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "window": [Interval(Integral, 2, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "estimator": [None, AnomalyDetector, BaseAutoencoder],
        "max_iter": [None, Interval(Integral, 1, None, closed="left")],
        "time_column": [None, str],
        "value_columns": [None, str, list, tuple],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "threshold": [StrOptions({"contamination", "mean_std", "pot", "likelihood"})],
        "n_std": [Interval(Real, 0, None, closed="left")],  # below 0: under the mean
        "risk": [Interval(Real, 0, 1, closed="neither")],
        "likelihood_window": [Interval(Integral, 2, None, closed="left")],
        "handle_missing": [StrOptions(set(HANDLE_MISSING))],
        "random_state": RANDOM_STATES,
        "peak_errors": ["boolean"],
        "flatlines": ["boolean"],
    }

    def __init__(
        self,
        window: int = 64,
        stride: int = 1,
        estimator: Any = None,
        max_iter: int | None = None,
        time_column: str | None = None,
        value_columns: Any = None,
        contamination: Any = "auto",
        threshold: str = "contamination",
        n_std: float = 3.0,
        risk: float = 1e-3,
        likelihood_window: int = likelihood.WINDOW,
        handle_missing: str = "error",
        random_state: Any = None,
        peak_errors: bool = True,
        flatlines: bool = True,
    ) -> None:
        self.window = window
        self.stride = stride
        self.estimator = estimator
        self.max_iter = max_iter
        self.time_column = time_column
        self.value_columns = value_columns
        self.contamination = contamination
        self.threshold = threshold
        self.n_std = n_std
        self.risk = risk
        self.likelihood_window = likelihood_window
        self.handle_missing = handle_missing
        self.random_state = random_state
        self.peak_errors = peak_errors
        self.flatlines = flatlines

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
            detector = narrower_code(default_window_detector(), n_channels * int(self.window))
            if self.max_iter is not None:
                detector.estimator.set_params(max_iter=int(self.max_iter))
        # The user fitted this estimator, not the AnomalyDetector inside it: warnings about the
        # members say so (an AnomalyDetector given as ``estimator`` is named as given).
        if not isinstance(base, AnomalyDetector):
            detector._warning_owner = f"{type(self).__name__} (its window detector)"
        return detector.set_params(random_state=self.random_state)

    # ---- fitting -----------------------------------------------------------------------------
    def _flatline_state(self, series: list, training: np.ndarray, constant: np.ndarray) -> tuple:
        """``flatline_floor_`` and ``flatline_unit_`` (:mod:`aekit.timeseries.flatlines`) from
        the training series and their windows ``training``; a channel of them that stands
        still somewhere (``constant``: everywhere) is warned of."""
        standardized = [(s.values - self.mean_) / self.scale_ for s in series]
        made_up = [s.made_up for s in series]
        floor = flatlines.training_floor(standardized, int(self.window), made_up)
        names = getattr(self, "feature_names_in_", None)
        names = [str(n) for n in (range(self.n_features_in_) if names is None else names)]
        flatlines.warn_of_still_channels(floor, constant, names, int(self.window))
        floor = np.where(np.isfinite(floor), floor, 0.0)  # no span of readings: not scored
        return floor, flatlines.training_unit(self.detector_, training)

    @warns_on_rank_zero
    @whole_or_unfitted(instead=SERIES)  # an interrupt leaves no mean_ without its detector_
    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> SeriesAnomalyDetector:
        """Fit on one series or several (a list), and set the threshold on their points.

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Training series; they may hold anomalies, but the fewer the better.
        y : None, default=None
            Ignored.

        Returns
        -------
        self : SeriesAnomalyDetector
        """
        self._validate_params()
        thresholds.warn_unused_options(self)
        self._warn_unused_window()
        if self.max_iter is not None and self.estimator is not None:
            raise ValueError(
                f"max_iter={self.max_iter} sets the epochs of the default window detector; "
                f"the estimator given keeps its own: set it there (e.g. "
                f"Autoencoder(max_iter={self.max_iter})) and leave max_iter=None."
            )
        if self.stride > self.window:
            raise ValueError(
                f"stride={self.stride} is larger than window={self.window}: points between "
                "windows would get no score; use stride <= window."
            )
        series, _ = self._read(X, fitting=True)
        values = np.concatenate([s.values for s in series])
        names = getattr(self, "feature_names_in_", None)
        self.mean_, self.scale_, constant = channel_scaling(values, names)  # warns of constants
        rows = [
            self._rows(s.values, window_starts(len(s.values), self.window, self.stride))
            for s in series
        ]
        with warnings.catch_warnings(), networks_of(type(self).__name__):  # (its interrupt's)
            # The window detector's own threshold is not read (the series sets threshold_
            # below, and says if its training scores are too few), nor its k cut to a handful
            # of windows (the series says they are too few: warn_rows_of_sequences).
            warnings.filterwarnings("ignore", r"only \d+ of \d+ training scores lie above")
            if self.estimator is None:  # a detector the user gave keeps its own warnings
                warnings.filterwarnings("ignore", r"input_neighbors gives k=\d+, but there are")
            self.detector_ = self._window_detector(self.n_features_in_).fit(np.concatenate(rows))
        training, channels = np.concatenate(rows), self.n_features_in_
        self.peak_error_gate_ = (
            training_gate(self.detector_, training, channels) if self.peak_errors else None
        )
        self.flatline_floor_, self.flatline_unit_ = (
            self._flatline_state(series, training, constant) if self.flatlines else (None, None)
        )
        self.threshold_ = self._threshold(series)
        self.offset_ = -self.threshold_
        self.__dict__.pop("likelihood_prior_", None)
        if self.threshold == "likelihood":
            averaged = np.concatenate(
                [likelihood.moving_average(self._causal_scores(s)) for s in series]
            )
            averaged = averaged[np.isfinite(averaged)]
            self.likelihood_prior_ = np.array([averaged.mean(), averaged.std()])
        remember_fitted_params(self)  # what save keeps (persistence)
        return self

    def _warn_unused_window(self) -> None:
        if self.threshold != "likelihood" and self.likelihood_window != likelihood.WINDOW:
            import warnings

            warnings.warn(
                f"likelihood_window={self.likelihood_window!r} has no effect with "
                f"threshold={self.threshold!r}; drop it or use threshold='likelihood'.",
                UserWarning,
                stacklevel=caller_level(),
            )

    def _threshold(self, series: list) -> float:
        """``threshold_`` from the training series. A contamination is a fraction of the
        training points' own scores (so that ``predict`` flags that fraction of them); the
        rules that model new points' scores ("auto", "mean_std", "pot") read the training
        points scored as new ones (:meth:`_scores_as_new`), and "auto" first takes the
        footprints of clear anomalies out (:mod:`aekit.timeseries.series_threshold`)."""
        if self.threshold == "contamination" and self.contamination != "auto":
            own = np.concatenate([self._point_shares(s).sum(axis=1) for s in series])
            return thresholds.contamination_threshold(
                own, float(self.contamination), units="points"
            )
        as_new = self._scores_as_new(series)
        if self.threshold in ("mean_std", "pot"):
            return thresholds.new_row_threshold(
                np.concatenate(as_new), self.threshold, float(self.n_std), float(self.risk)
            )
        threshold = series_threshold.auto_threshold(as_new, int(self.window), float(self.risk))
        if self.threshold == "contamination":  # the likelihood rule flags by other means
            series_threshold.warn_of_lifted_points_unflagged(
                as_new, threshold, int(self.window), float(self.risk)
            )
        return threshold

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "detector_")

    # ---- model files (aekit.estimators.persistence), written by aekit.timeseries.persistence --
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        return export_series_detector(self)

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        import_series_detector(self, fitted, tree, device)
