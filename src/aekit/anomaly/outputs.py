"""What a fitted :class:`AnomalyDetector` says about new rows: anomaly and normality scores,
the decision against the threshold, flags, probabilities and per-feature explanations. Each is
read from the ensemble's score (:mod:`aekit.anomaly.ensemble`) of the rows as the detector
encodes them (:mod:`aekit.anomaly.inputs`)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from aekit.estimators.streaming import writes_to_file


class DetectorOutputs:
    """Mixin of :class:`AnomalyDetector`: its public scoring methods."""

    @writes_to_file
    def anomaly_score(self, X: Any) -> np.ndarray:
        """Anomaly score per row, higher = more anomalous (``-score_samples``).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            (the path ``out`` when given)
        """
        check_is_fitted(self)
        return self._anomaly_scores(self._encode_input(X))

    def anomaly_score_as_new(self, X: Any, trivial_matches: Any) -> np.ndarray:
        """Anomaly score of the training rows X (all of them, in the order fitted) as new rows
        would score: each row's neighbour terms leave out the training rows that
        ``trivial_matches`` (:class:`aekit.anomaly.trivial_matches.TrivialMatches`) says
        overlap it, the sliding windows of one series that share points with it. What
        :class:`aekit.SeriesAnomalyDetector` fits its threshold to.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The rows ``fit`` was given, all of them, in their order.
        trivial_matches : TrivialMatches
            Which training rows overlap each row.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self._anomaly_scores(self._encode_input(X), trivial=trivial_matches)

    def feature_errors(self, X: Any) -> np.ndarray:
        """Each encoded column's reconstruction error in the score's units: every member's
        per-column error over its training error scale, averaged over the members. The
        reconstruction part of :meth:`explain`, before a categorical column's one-hot group is
        summed, and without the neighbour distances or a VAE's KL (which belong to no column).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        errors : ndarray of shape (n_samples, n_encoded_features)
            One column per column of the detector's encoding of X (numeric columns as they
            are, a categorical one as its one-hot group).
        """
        check_is_fitted(self)
        return self._feature_errors(self._encode_input(X))

    @writes_to_file
    def score_samples(self, X: Any) -> np.ndarray:
        """Normality score per row, higher = more normal (scikit-learn's sign):
        ``-anomaly_score(X)``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            (the path ``out`` when given)
        """
        return -self.anomaly_score(X)

    @writes_to_file
    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - offset_``: negative for anomalies.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            (the path ``out`` when given)
        """
        return self.score_samples(X) - self.offset_

    @writes_to_file
    def predict(self, X: Any) -> np.ndarray:
        """+1 for normal rows, -1 for anomalies (``decision_function(X) < 0``).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        labels : ndarray of int, shape (n_samples,)
            (the path ``out`` when given)
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``(P(normal), P(anomaly))`` per row, shape (n_samples, 2).

        A logistic function of the distance to the threshold, in units of the training scores'
        robust spread: 1/2 at the threshold, monotone in the score.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            ``(P(normal), P(anomaly))`` per row.
        """
        return self.scores_to_proba(self.anomaly_score(X))

    def scores_to_proba(self, anomaly_scores: Any) -> np.ndarray:
        """:meth:`predict_proba` for anomaly scores already computed, e.g. the row sums of
        :meth:`explain`, so they need not be computed again.

        Parameters
        ----------
        anomaly_scores : array-like of shape (n_samples,)
            Scores as :meth:`anomaly_score` gives them (higher = more anomalous).

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            ``(P(normal), P(anomaly))`` per row.
        """
        check_is_fitted(self)
        anomaly_scores = np.asarray(anomaly_scores, dtype=np.float64)
        z = (anomaly_scores - self.threshold_) / self.score_spread_
        anomaly = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
        return np.column_stack([1.0 - anomaly, anomaly])

    @writes_to_file
    def explain(self, X: Any):
        """Each input column's share of each row's anomaly score.

        A column's share is its (standardized) reconstruction error averaged over the
        ensemble plus its part of the input-space neighbour distance (each neighbour's distance
        split over the columns in proportion to their squared differences), summed over a
        categorical column's one-hot group. The last column, ``"latent"``, holds the part that
        belongs to no feature (the neighbour distance in latent space, a VAE's KL); each row sums
        to :meth:`anomaly_score`.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows with fit's columns.

        Returns
        -------
        contributions : DataFrame or ndarray of shape (n_samples, n_features + 1)
            A DataFrame when X is one: X's column names as given (integer names stay integers)
            and X's index, then ``"latent"`` (``"_latent"`` if X has a column named "latent").
            An ndarray when X is an array, the latent part in the last column. (The path
            ``out`` when given.)
        """
        from aekit.anomaly.explain import group_contributions

        check_is_fitted(self)
        per_feature, rest = self._contributions(self._encode_input(X))
        return group_contributions(per_feature, rest, self.encoder_, X)

    def _rank_scores(self, X: Any) -> np.ndarray:
        """Anomaly scores for a rank metric (:func:`aekit.estimators.anomaly_roc_auc`): a row
        holding a category never seen in training is ranked above every other, as ``aekit
        score`` scores it ``inf`` (said in a warning), where :meth:`anomaly_score` refuses it."""
        from aekit.anomaly.unseen import ranked_finite, scores_with_unseen

        check_is_fitted(self)
        return ranked_finite(-scores_with_unseen(self, X))
