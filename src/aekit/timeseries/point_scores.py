"""What a fitted :class:`SeriesAnomalyDetector` says about each time point: its score (the mean
over the windows covering it), the score of the window ending at it, its anomaly likelihood,
its flag and each channel's share of its score.

Every output is computed on a series' regular time grid and given back at the series' own rows
(:meth:`aekit.timeseries.inputs.Series.to_rows`); a list of series gives a list of outputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from aekit.anomaly.explain import remainder_column
from aekit.anomaly.trivial_matches import TrivialMatches
from aekit.timeseries import likelihood
from aekit.timeseries.flatlines import flatline_shares
from aekit.timeseries.inputs import Series, is_several
from aekit.timeseries.peak_errors import excess_shares
from aekit.timeseries.windows import spread_windows, window_starts


class PointScores:
    """Mixin of :class:`SeriesAnomalyDetector`: per-point scores, flags and explanations from
    the fitted window detector ``detector_`` and the standardization ``mean_``, ``scale_``."""

    def _rows(self, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """The windows starting at ``starts`` of standardized ``values`` ``(time, channels)``,
        as rows ``(n_windows, channels * window)`` in channel-major order."""
        z = (values - self.mean_) / self.scale_
        index = starts[:, None] + np.arange(int(self.window))  # (n_windows, window)
        return np.ascontiguousarray(z[index].transpose(0, 2, 1)).reshape(len(starts), -1)

    def _window_excess(self, rows: np.ndarray) -> np.ndarray:
        """``(n_windows, channels)``: what each window's peak error and its channels'
        stillness add to its score, split over the channels (:mod:`aekit.timeseries.peak_errors`,
        :mod:`aekit.timeseries.flatlines`; zeros for what the detector was fitted without)."""
        gate = getattr(self, "peak_error_gate_", None)  # absent from files written before it
        floor, unit = getattr(self, "flatline_floor_", None), getattr(self, "flatline_unit_", None)
        channels = self.n_features_in_
        return excess_shares(self.detector_, rows, channels, gate) + flatline_shares(
            rows, channels, floor, unit
        )

    def _point_shares(self, series: Series) -> np.ndarray:
        """``(n_grid, channels + 1)``: each grid point's score split into channel shares and
        the latent remainder (each the mean over the windows covering the point)."""
        n, channels = series.values.shape
        starts = window_starts(n, self.window, self.stride)
        rows = self._rows(series.values, starts)
        shares = np.asarray(self.detector_.explain(rows))
        per_channel = shares[:, :-1].reshape(len(starts), channels, -1).sum(axis=2)
        per_window = np.column_stack([per_channel + self._window_excess(rows), shares[:, -1]])
        return spread_windows(per_window, starts, self.window, n)

    def _scores_as_new(self, series: list[Series]) -> list[np.ndarray]:
        """The training series' point scores as new points of the same process would score:
        each training window scored without the windows that overlap it among its neighbours
        (:mod:`aekit.anomaly.trivial_matches`), then spread onto the points as
        :meth:`anomaly_score` spreads them. The threshold is fitted to these: a training
        window's own neighbours are its shifted copies, so its plain score is lower than any
        new window's. (No training window peaks above the peak gate, a margin over the largest
        of their peaks, nor moves less than the floor under the least motion among them:
        :meth:`_window_excess` would add nothing to them.)"""
        starts = [window_starts(len(s.values), self.window, self.stride) for s in series]
        rows = np.concatenate([self._rows(s.values, at) for s, at in zip(series, starts)])
        zone = TrivialMatches(
            series=np.repeat(np.arange(len(series)), [len(at) for at in starts]),
            starts=np.concatenate(starts),
            window=int(self.window),
        )
        window_scores = self.detector_.anomaly_score_as_new(rows, zone)
        ends = np.cumsum([len(at) for at in starts])[:-1]
        return [
            spread_windows(part, at, self.window, len(s.values))
            for s, at, part in zip(series, starts, np.split(window_scores, ends))
        ]

    def _causal_scores(self, series: Series) -> np.ndarray:
        """``(n_grid,)``: the score of the window ending at each grid point (every window,
        whatever the stride), NaN for the first ``window - 1`` points, which end none."""
        n = len(series.values)
        starts = np.arange(n - int(self.window) + 1)
        scores = np.full(n, np.nan)
        rows = self._rows(series.values, starts)
        scores[int(self.window) - 1 :] = self.detector_.anomaly_score(rows) + self._window_excess(
            rows
        ).sum(axis=1)
        return scores

    def _tail_probability(self, series: Series) -> np.ndarray:
        """``(n_grid,)``: q_t of :mod:`aekit.timeseries.likelihood` (small = anomalous)."""
        if not hasattr(self, "likelihood_prior_"):
            fitted = (  # set_params(threshold="likelihood") after fit changes the parameter alone
                "another threshold rule than 'likelihood' (it was set after fit)"
                if self.threshold == "likelihood"
                else f"threshold={self.threshold!r}"
            )
            raise ValueError(
                f"this detector was fitted with {fitted}, which keeps no likelihood state; "
                "refit it with threshold='likelihood'."
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

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

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
        ``likelihood_window`` points before t, each clipped at 100 IQRs above their upper
        quartile (:mod:`aekit.timeseries.likelihood`); 0.5 where
        there is none yet. Flagged above ``1 - risk``. Each series of X is its own history.

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

        Returns
        -------
        likelihood : ndarray of shape (time,), or a list of them when X is a list of series
        """
        return self._per_series(X, lambda q: 1.0 - q, self._tail_probability)

    def anomaly_score(self, X: Any) -> Any:
        """Anomaly score per time point, higher = more anomalous (``-score_samples``).

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

        Returns
        -------
        scores : ndarray of shape (time,), or a list of them when X is a list of series
        """
        return self._per_series(X, lambda shares: shares.sum(axis=1))

    def score_samples(self, X: Any) -> Any:
        """Normality score per time point, higher = more normal (scikit-learn's sign).

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

        Returns
        -------
        scores : ndarray of shape (time,), or a list of them when X is a list of series
        """
        scores = self.anomaly_score(X)
        return [-s for s in scores] if isinstance(scores, list) else -scores

    def decision_function(self, X: Any) -> Any:
        """``score_samples(X) - offset_``: negative at anomalous points. With
        ``threshold="likelihood"``: ``log10(q_t / risk)``, q_t = 1 - likelihood (also negative
        exactly at the flagged points).

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

        Returns
        -------
        decision : ndarray of shape (time,), or a list of them when X is a list of series
        """
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
        """+1 at normal points, -1 at anomalous ones (``decision_function(X) < 0``).

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

        Returns
        -------
        labels : ndarray of int, shape (time,), or a list of them when X is a list of series
        """
        decision = self.decision_function(X)
        if isinstance(decision, list):
            return [np.where(d < 0, -1, 1) for d in decision]
        return np.where(decision < 0, -1, 1)

    def fit_predict(self, X: Any, y: Any = None, **unsupported: Any) -> Any:
        """``fit(X).predict(X)``: the flags of the training series, as :meth:`predict` gives
        them, with X's text columns left out of the channels said once (by fit), not again in
        predict's words.

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to fit on and flag.
        y : None, default=None
            Ignored, for scikit-learn's API.

        Returns
        -------
        labels : ndarray of int, shape (time,), or a list of them when X is a list of series
        """
        import warnings

        self.fit(X, y, **unsupported)  # refused there, naming fit, as OutlierMixin does
        with warnings.catch_warnings():  # fit said it, choosing the channels is the fix
            warnings.filterwarnings("ignore", message=".*left out of the channels")
            return self.predict(X)

    def explain(self, X: Any) -> Any:
        """Each channel's share of each point's anomaly score.

        A channel's share is the windows' errors on that channel plus its part of the distance
        to the nearest training windows (split over the values in proportion to their squared
        differences, :meth:`aekit.AnomalyDetector.explain`) and of a window's peak error above
        the gate (``peak_errors``, split as the peak is), and what its stillness adds
        (``flatlines``); the column ``"latent"`` holds what
        belongs to no channel (distances between the members' codes: none for the default
        window detector). Each row sums to :meth:`anomaly_score`.

        Parameters
        ----------
        X : DataFrame, array of shape (time,) or (time, channels), or a list of those
            Series to score, with fit's channels (each series of a list scored on its own).

        Returns
        -------
        contributions : DataFrame of shape (time, channels + 1) (with X's index when X is a
            DataFrame), or a list of them for a list of series
        """
        import pandas as pd

        check_is_fitted(self)  # before the channel names, which fit sets
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
