"""Where a fitted :class:`AnomalyDetector` puts its threshold: which rows' scores set it (the
training rows, those held out of training with ``threshold_holdout``, clean rows given as
``X_normal``, or the training rows scored as new rows would be) and the rule
(:mod:`aekit.anomaly.thresholds`) that turns those scores into one number."""

from __future__ import annotations

import warnings

import numpy as np

from aekit.anomaly import thresholds
from aekit.anomaly.ensemble import robust_spread
from aekit.warning_lines import caller_level


class ThresholdFit:
    """Mixin of :class:`AnomalyDetector`: hold rows out for the threshold and fit it."""

    def _held_out(self, A: np.ndarray, rng: np.random.RandomState):
        """``(held, A)``: with ``threshold_holdout``, that fraction of the training rows A,
        drawn by ``rng``, held out of training to set the threshold alone, and the rows that
        train; else ``(None, A)``."""
        held = None
        n_held = int(round(float(self.threshold_holdout) * len(A)))
        if n_held and self.threshold != "validation":
            if not 1 <= n_held <= len(A) - 2:
                raise ValueError(
                    f"threshold_holdout={self.threshold_holdout} holds out {n_held} of "
                    f"{len(A)} rows; leave at least 2 to train and hold out at least 1."
                )
            if float(self.threshold_holdout) > 0.5:
                # the members and neighbour terms learn the data from the rows left alone
                warnings.warn(
                    f"threshold_holdout={self.threshold_holdout} trains on {len(A) - n_held} "
                    f"of {len(A)} rows and holds {n_held} out for the threshold alone; the "
                    "detector learns the data from the fewer part. Hold out a fifth "
                    "(threshold_holdout=0.2) or less.",
                    UserWarning,
                    stacklevel=caller_level(),
                )
            order = rng.permutation(len(A))
            held, A = A[order[:n_held]], A[np.sort(order[n_held:])]
        return held, A

    def _fit_threshold(
        self, train_scores: np.ndarray, A: np.ndarray | None, normal: np.ndarray | None
    ) -> None:
        """Set ``threshold_``, ``offset_``, ``contamination_`` (the fraction of
        ``train_scores`` flagged) and ``score_spread_`` (the unit of :meth:`predict_proba`)
        from the training (or held-out) rows' scores, as :meth:`_threshold` says."""
        self.threshold_ = self._threshold(train_scores, A, normal)
        self.offset_ = -self.threshold_
        self.contamination_ = float(np.mean(train_scores > self.threshold_))
        self.score_spread_ = robust_spread(train_scores) / 1.349  # the IQR of a normal is 1.349 sd

    def _threshold(
        self, train_scores: np.ndarray, A: np.ndarray | None, normal: np.ndarray | None
    ) -> float:
        """``offset_``'s threshold from ``train_scores``, the scores of the training rows ``A``
        (None: of rows held out of training). A contamination is a fraction of those scores (so
        that ``predict`` flags that fraction of them); the rules that model the scores of new
        normal rows ("mean_std", "pot", contamination="auto") fit :meth:`_new_row_scores`."""
        rule = self.threshold
        if rule == "contamination" and self.contamination != "auto":
            return thresholds.contamination_threshold(train_scores, float(self.contamination))
        if rule == "validation":
            clean = self._anomaly_scores(normal)  # X_normal, encoded by fit before training
            return thresholds.percentile_threshold(clean, float(self.percentile))
        fresh = self._new_row_scores(train_scores, A)
        return thresholds.new_row_threshold(fresh, rule, float(self.n_std), float(self.risk))

    def _new_row_scores(self, train_scores: np.ndarray, A: np.ndarray | None) -> np.ndarray:
        """What a new normal row scores: the training rows ``A`` scored without themselves
        among their neighbours (a second scoring pass, made only for the rules that need it).
        A training row is its own nearest neighbour (its distance 0 is a third of a mean over
        3), so its own score is lower than a new row's and a tail fitted to those scores flags
        too many new rows. Held-out rows, or scores without neighbour terms, already are."""
        if A is None or not (self.codes_ or self.inputs_ is not None):
            return train_scores
        return self._anomaly_scores(A, exclude_self=True)
