"""``AnomalyDetector``: a scikit-learn outlier detector on top of any aekit autoencoder.

What makes it more than "reconstruction error above a cut-off". Every default was chosen by
leave-group-out cross-validation over 25 ADBench sets (``benchmarks/anomaly.py --cv``: picked on
some sets, measured on the others), from a small grid of the choices below:

1. an ensemble of small autoencoders fitted from different seeds, each member's errors divided by
   their spread on the training rows before averaging, so no member dominates; by default
   denoising ones (Gaussian noise of 0.5 standard deviations on the standardized input: a member
   that learns to undo noise cannot learn the identity, so rows off the data's manifold keep
   their errors) trained for a bounded number of steps (``members.member_epochs``);
2. the distance of a row's code to its k-th nearest training code, and/or the row's own mean
   distance to its few nearest training rows (``neighbor_space``, ``input_neighbors``,
   ``input_distance``), added to its error: a row can be reconstructed well and still sit where
   no training row does;
3. each part put in common units before they are added (``part_scale``, ``reconstruction_weight``)
   so that one part does not drown another that works on the data at hand;
4. for contaminated training data, robust training (``density_trim``: the members do not learn
   the rows in the emptiest places; ``trim_fraction``: refit without the worst-reconstructed
   rows) and k growing with the data (``n_neighbors`` as a fraction);
5. at most ``max_samples`` training rows, so a table of a million rows fits in seconds;
6. thresholds that do not need the anomaly rate (peaks over threshold), per-feature explanations,
   and VAE scores averaged over several latent draws.

This file holds the estimator and its fit; the rest is in mixins, one idea each: reading tables
(``inputs``), training members (``members``), scoring rows (``ensemble``), setting the threshold
(``threshold_fit``), public scores and explanations (``outputs``); model files: ``persistence``.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, ClassVar

from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import RealNotInt, StrOptions

from aekit.anomaly import thresholds
from aekit.anomaly._docs import DETECTOR_ATTRIBUTES, DETECTOR_PARAMETERS
from aekit.anomaly.ensemble import EnsembleScores, warn_k_above_rows
from aekit.anomaly.inputs import TableInput
from aekit.anomaly.members import (
    DEFAULT_NOISE,
    MEMBER_TRAINING,
    MemberTraining,
    check_member,
    default_member,
    member_for_new_rows,
    refuse_member_params_beside,
    refuse_shared_checkpoint,
    tuned_member,
    warn_member_draws_unread,
    warn_rows_all_alike,
)
from aekit.anomaly.outputs import DetectorOutputs
from aekit.anomaly.persistence import export_detector, import_detector
from aekit.anomaly.scoring import SCORES
from aekit.anomaly.threshold_fit import ThresholdFit
from aekit.core.distributed import warns_on_rank_zero
from aekit.data.fit_keywords import KEEP_ROWS
from aekit.data.intervals import RANDOM_STATES, Interval
from aekit.estimators import BaseAutoencoder
from aekit.estimators.interrupted_fits import whole_or_unfitted
from aekit.estimators.persistence import SavesToFile, remember_fitted_params


class AnomalyDetector(
    TableInput,
    MemberTraining,
    EnsembleScores,
    ThresholdFit,
    DetectorOutputs,
    SavesToFile,
    OutlierMixin,
    BaseEstimator,
):
    __doc__ = (
        DETECTOR_PARAMETERS
        + DETECTOR_ATTRIBUTES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from aekit import AnomalyDetector
    >>> X = np.random.RandomState(0).normal(size=(300, 4))
    >>> detector = AnomalyDetector(n_estimators=1, random_state=0).fit(X)
    >>> detector.predict([[0, 0, 0, 0], [9, -9, 9, -9]])
    array([ 1, -1])
    """
    )

    _estimator_type = "outlier_detector"
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "estimator": [None, BaseAutoencoder],  # scored by its reconstruction_error
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "threshold": [StrOptions(set(thresholds.RULES))],
        "preprocessing": [StrOptions({"auto", "standardize"}), None],
        "score_type": [StrOptions({"auto", *SCORES})],
        "n_draws": [Interval(Integral, 1, None, closed="left")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_neighbors": [
            Interval(Integral, 0, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
        ],
        "neighbor_space": [StrOptions({"latent", "input", "both"})],
        "input_neighbors": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            None,
        ],
        "input_distance": [StrOptions({"kth", "mean"})],
        "trim_fraction": [Interval(Real, 0, 0.5, closed="left")],
        "part_scale": [StrOptions({"tail", "iqr"})],
        "reconstruction_weight": [Interval(Real, 0, None, closed="neither")],
        "input_weight": [Interval(Real, 0, None, closed="neither")],
        "density_trim": [Interval(Real, 0, 0.5, closed="left")],
        "max_samples": [Interval(Integral, 2, None, closed="left"), None],
        "threshold_holdout": [Interval(Real, 0, 1, closed="left")],
        "n_std": [Interval(Real, 0, None, closed="left")],  # below 0: under the mean
        "percentile": [Interval(Real, 0, 100, closed="right")],  # 100: the largest
        "risk": [Interval(Real, 0, 1, closed="neither")],
        "handle_missing": ["boolean"],
        "member_training": [StrOptions(set(MEMBER_TRAINING))],
        "member_params": [dict, None],
        "random_state": RANDOM_STATES,
    }

    def __init__(
        self,
        estimator: Any = None,
        contamination: Any = "auto",
        threshold: str = "contamination",
        preprocessing: str | None = "auto",
        score_type: str = "auto",
        n_draws: int = 16,
        n_estimators: int = 3,
        n_neighbors: int | float = 0.03,
        neighbor_space: str = "both",
        input_neighbors: int | float | None = 3,
        input_distance: str = "mean",
        trim_fraction: float = 0.0,
        part_scale: str = "iqr",
        reconstruction_weight: float = 0.25,
        input_weight: float = 1.0,
        density_trim: float = 0.1,
        max_samples: int | None = 10_000,
        threshold_holdout: float = 0.0,
        n_std: float = 1.0,
        percentile: float = 99.0,
        risk: float = 1e-3,
        handle_missing: bool = False,
        member_training: str = "auto",
        member_params: dict | None = None,
        random_state: Any = None,
    ) -> None:
        self.estimator = estimator
        self.contamination = contamination
        self.threshold = threshold
        self.preprocessing = preprocessing
        self.score_type = score_type
        self.n_draws = n_draws
        self.n_estimators = n_estimators
        self.n_neighbors = n_neighbors
        self.neighbor_space = neighbor_space
        self.input_neighbors = input_neighbors
        self.input_distance = input_distance
        self.trim_fraction = trim_fraction
        self.part_scale = part_scale
        self.reconstruction_weight = reconstruction_weight
        self.input_weight = input_weight
        self.density_trim = density_trim
        self.max_samples = max_samples
        self.threshold_holdout = threshold_holdout
        self.n_std = n_std
        self.percentile = percentile
        self.risk = risk
        self.handle_missing = handle_missing
        self.member_training = member_training
        self.member_params = member_params
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = bool(self.handle_missing)  # NaN is encoded as missing
        return tags

    def _default_estimator(self, n_samples: int, n_features: int):
        member = default_member(n_samples, n_features, self.categorical_groups_, DEFAULT_NOISE)
        return tuned_member(member, self.member_params)

    # ---- fitting ------------------------------------------------------------------------
    @warns_on_rank_zero
    # a member's error, an interrupt: no half-built ensemble is kept; no sample_weight
    @whole_or_unfitted(instead=KEEP_ROWS)
    def fit(
        self, X: Any, y: Any = None, X_normal: Any = None, **unsupported: Any
    ) -> AnomalyDetector:
        """Fit the ensemble on X (unlabelled; may hold anomalies) and set the threshold.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training rows (numbers and categories); they may hold anomalies. At most
            ``max_samples`` of them are used, drawn at random.
        y : None, default=None
            Ignored.
        X_normal : array-like, default=None
            Rows known to be normal; required by ``threshold="validation"``.

        Returns
        -------
        self : AnomalyDetector
        """
        self._validate_params()
        refuse_member_params_beside(self.estimator, self.member_params)
        thresholds.warn_unused_options(self, given_normal_rows=X_normal is not None)
        if self.threshold == "validation" and X_normal is None:
            raise ValueError(
                "threshold='validation' sets the threshold on clean rows: pass them as "
                "fit(X, X_normal=...)."
            )
        rng = check_random_state(self.random_state)
        A = self._training_rows(X, rng)
        # checked before any training: a wrong X_normal was said after the members' fits, as "X"
        normal = self._encoded_normal_rows(X_normal) if self.threshold == "validation" else None
        warn_rows_all_alike(A)
        held, A = self._held_out(A, rng)
        base = self.estimator
        if base is None:
            base = self._default_estimator(*A.shape)
        else:
            check_member(base)
            base = member_for_new_rows(base)
            warn_member_draws_unread(base, int(self.n_draws))
            if self.categorical_groups_ and base.get_params().get("categorical_groups") is None:
                base = clone(base).set_params(categorical_groups=self.categorical_groups_)
        given = (
            "member_params" if self.estimator is None else f"estimator={type(base).__name__}(...)"
        )
        refuse_shared_checkpoint(base, given, int(self.n_estimators), float(self.trim_fraction))
        self._fit_distances = {}  # the training rows' neighbour terms, asked for thrice
        try:
            self._start_ensemble(A)
            warn_k_above_rows(self, len(A))
            seeds = [int(rng.randint(0, 2**31 - 1)) for _ in range(int(self.n_estimators))]
            self._fit_members(base, A, seeds)
            train_scores = self._anomaly_scores(A if held is None else held)
            self._fit_threshold(train_scores, None if held is not None else A, normal)
        finally:
            del self._fit_distances
        remember_fitted_params(self)  # what save keeps (persistence)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "estimators_")

    # ---- model files (aekit.estimators.persistence), written by aekit.anomaly.persistence ------
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        return export_detector(self)

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        import_detector(self, fitted, tree, device)
