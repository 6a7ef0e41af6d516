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
from aekit.anomaly._docs import DETECTOR_ATTRIBUTES
from aekit.anomaly.ensemble import EnsembleScores, warn_k_above_rows
from aekit.anomaly.inputs import TableInput
from aekit.anomaly.members import (
    DEFAULT_NOISE,
    MEMBER_TRAINING,
    MemberTraining,
    check_member,
    default_member,
    member_for_new_rows,
    warn_member_draws_unread,
    warn_rows_all_alike,
)
from aekit.anomaly.outputs import DetectorOutputs
from aekit.anomaly.persistence import export_detector, import_detector
from aekit.anomaly.scoring import SCORES
from aekit.anomaly.threshold_fit import ThresholdFit
from aekit.core.distributed import warns_on_rank_zero
from aekit.data.fit_keywords import KEEP_ROWS
from aekit.data.intervals import Interval
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
        """Unsupervised outlier detector built on aekit autoencoders.

    Parameters
    ----------
    estimator : aekit autoencoder, default=None
        The autoencoder to fit (cloned for every ensemble member, with its own seed; its
        ``likelihood="auto"`` is made Gaussian, as a Bernoulli member could not score rows
        outside [0, 1]: set ``likelihood="bernoulli"`` to keep one). None: a
        small dense :class:`aekit.DenoisingAutoencoder` sized to the data (Gaussian noise of 0.5
        standardized units, hidden layers (64, 32), code of ``clip(n_features // 2, 2, 8)``,
        30 epochs but 200 to 1000 gradient steps; :func:`default_member`).
    contamination : "auto" or float in (0, 0.5], default="auto"
        Expected fraction of anomalies, for ``threshold="contamination"``. "auto" needs no rate:
        the threshold is then found by peaks over threshold (see ``risk``), robust to a few
        percent of anomalies among the training rows
        (:func:`aekit.anomaly.thresholds.robust_pot_threshold`; ``threshold="pot"`` is the plain
        fit, for clean training rows). A float is the share of the training rows that
        :meth:`predict` flags; new rows of the same distribution score higher (each training row
        is its own nearest neighbour, and the networks trained on it), so more of them are
        flagged (0.05 flagged 20% of new
        Gaussian rows, ``benchmarks/rate_on_new_rows.py``): for a share of new rows, give
        ``threshold_holdout``.
    threshold : {"contamination", "mean_std", "validation", "pot"}, default="contamination"
        How ``offset_`` is set from the training scores: their ``1 - contamination`` quantile;
        ``mean + n_std * std`` (the TensorFlow tutorial's rule); the ``percentile`` of the scores
        of ``X_normal`` given to :meth:`fit`; or an extreme-value (generalized Pareto) tail fit at
        ``risk``. ``mean + n_std * std`` and the tail fit use the training rows scored without
        themselves among their neighbours, as a new row would score.
    preprocessing : {"auto", "standardize", None}, default="auto"
        "auto": an :class:`aekit.TabularEncoder` standardizes numeric columns and one-hot
        encodes categorical (pandas category/object/string/bool) ones; it is stored with the
        model. Each one-hot group is given to the members as ``categorical_groups``, so they
        model a categorical column with a softmax (categorical likelihood) rather than as
        numbers. Dummies (``pandas.get_dummies`` output) are found and treated the same way,
        not standardized, which would weight each category by its rarity
        (``TabularEncoder(detect_one_hot=True)``; ADBench's campaign: ROC-AUC 0.761 -> 0.852,
        ``benchmarks/anomaly_dummies.py``). "standardize": without that search.
        None: X is used as given (numbers only).
    score_type : {"auto", "reconstruction", "probability", "elbo"}, default="auto"
        Per-row score of each autoencoder: squared reconstruction error, reconstruction
        probability (An & Cho 2015, as a score: ``-log (1/L) sum_l p(x | z_l)`` over the
        ``n_draws`` draws of a VAE's code, the negative log-likelihood of a deterministic
        member) or negative ELBO (VAEs only); see :mod:`aekit.anomaly.scoring`. "auto":
        "reconstruction".
    n_draws : int, default=16
        Latent draws averaged in a VAE member's score; a VAE given as ``estimator`` keeps
        its own ``n_draws`` for its own methods, not for the detector's scores (warned of).
    n_estimators : int, default=3
        Autoencoders in the ensemble. The best one-member configuration cross-validates almost
        as well (0.8820 against 0.8839 mean ROC-AUC) at a third of the training time.
    n_neighbors : int or float, default=0.03
        k of the latent-distance term (distance to the k-th nearest training code): an int, or
        a float in (0, 1) for that fraction of the training rows (at least 5). A k above the
        size of a cluster of anomalies in contaminated training data keeps that cluster from
        looking normal. 0 turns the term off and scores by reconstruction alone. An int k not
        below the training rows is warned of (the distance is then to the farthest of them).
    neighbor_space : {"latent", "input", "both"}, default="both"
        Where that distance is measured: between the members' codes, between the encoded
        (standardized) input rows, or both terms added (each divided by its spread over the
        training rows). The input-space term keeps the training rows with the model. "both"
        was picked by cross-validation over 25 ADBench sets (``benchmarks/anomaly.py --cv``).
    input_neighbors : int, float or None, default=3
        k of the input-space term, as ``n_neighbors`` is given (an int, or a fraction of the
        training rows, at least 5); None: ``n_neighbors``. Its own k because the two terms
        want different ones: a small k in input space is plain kNN detection, the strongest
        normal-only baseline, while a large k in latent space keeps a cluster of anomalies in
        contaminated data from looking normal (cross-validated: ``benchmarks/anomaly.py --cv``).
        Unused unless ``neighbor_space`` is "input" or "both" and ``n_neighbors`` is not 0.
    input_distance : {"kth", "mean"}, default="mean"
        The input-space term of a row: its distance to the k-th nearest training row, or the
        mean of its distances to the k nearest (less noisy than one distance, which a single
        stray training row can set; cross-validated with ``input_neighbors``).
    trim_fraction : float in [0, 0.5), default=0.0
        Robust training: after a first fit, drop this fraction of worst-reconstructed training
        rows and refit each member on the rest.
    part_scale : {"tail", "iqr"}, default="iqr"
        The unit each part of the score (a member's errors, a neighbour distance) is divided by
        before the parts are added, measured on the training rows: "tail", the 99th percentile
        minus the median, so a part with a long tail (the errors of a few hard rows) does not
        drown a part with a short one; "iqr", the interquartile range.
    reconstruction_weight : float, default=0.25
        Weight of the members' errors against the neighbour distances (folded into
        ``error_scales_``).
    input_weight : float, default=1.0
        Weight of the input-space term against the other parts (folded into
        ``input_distance_scale_``): above 1 the score leans towards plain kNN detection, the
        strongest baseline on clean training rows, and away from the latent term that guards
        contaminated ones (``benchmarks/anomaly_input_weight.py`` measures the trade). Unused
        when there is no input term (``neighbor_space="latent"`` or ``n_neighbors=0``).
    density_trim : float in [0, 0.5), default=0.1
        Robust training without a first fit: the members learn from all but this fraction of
        training rows, those farthest from their k-th nearest other row (k = 3% of the rows,
        at least 5); low-density rows are where anomalies in unlabelled data sit. The scales
        and neighbour terms still use every row.
    max_samples : int or None, default=10000
        At most this many training rows are used: a larger X is subsampled at random (seeded by
        ``random_state``) before anything else, so fitting a table of a million rows costs
        about what 10,000 rows cost, and the neighbour terms keep (and query) only those rows.
        The members see a few thousand gradient steps whatever the size, and the k-th
        neighbour distance of a 10,000-row sample ranks rows much as the full table's does
        (``benchmarks/anomaly.py --large`` measures it). The numbers' standardization comes
        from those rows alone, so a table of numbers on disk (a dataset from
        :func:`aekit.open_dataset`, a large memmap), of which only those rows are read, gives
        the very model the same rows in memory give. In memory, the columns' kinds and
        categories are read from every row, so no category of X is unseen by the model (on
        disk, a category outside the drawn rows is). None: every row.
    threshold_holdout : float in [0, 1), default=0.0
        Fraction of the training rows held out of training (chosen at random) whose scores
        alone set the ``"contamination"``, ``"mean_std"`` and ``"pot"`` thresholds. Rows the
        ensemble was trained on score lower than new rows (it has fitted them, and each is its
        own nearest neighbour), so a threshold from their scores flags too many new normal
        rows; held-out scores are what new rows will score. 0: all rows train and set it.
    n_std : float, default=1.0
        k of the ``"mean_std"`` rule, at least 0.
    percentile : float, default=99.0
        Percentile of the clean scores for the ``"validation"`` rule, in (0, 100] (100:
        the largest of them).
    risk : float, default=1e-3
        Probability of a normal row exceeding the threshold for ``"pot"`` and for
        ``contamination="auto"``: the target, which the tail fit meets on clean, light-tailed
        scores. "auto", robust to anomalies among the training rows, flags more where scores
        are heavy-tailed (25 ADBench sets, clean training rows: 1.28% of new normal rows at
        1e-3, ``"pot"`` 0.26%, some sets 3-5%; ``benchmarks/thresholds.py``).
    handle_missing : bool, default=False
        False: missing values (NaN, None) are an error. True: the encoder's ``"mask"`` policy: a
        missing number encodes as 0 (its column's training mean), a missing category as an
        all-zero one-hot group (no category), and the row is scored like any other, so where
        few training rows had a gap a gap raises a row's score (impute first where it should
        not). A
        categorical column with missing values in the training data is modelled as numbers
        (squared error on its indicators) rather than with a categorical likelihood, which
        needs one category per row.
    member_training : {"auto", "stacked", "sequential"}, default="auto"
        How the members are trained: "stacked" trains them together, as one batched network
        (:func:`aekit.estimators.stacked.fit_stacked`), each with its own seed, random streams
        and early stopping, so they are the members "sequential" (one after another) gives, up
        to float rounding, and are saved, loaded and exported alike. Only dense (``"mlp"``)
        :class:`aekit.Autoencoder` and :class:`aekit.DenoisingAutoencoder` members stack;
        "stacked" with another ``estimator`` (a VAE, a convolutional network) is an error.
        "auto": stacked where the members stack and there are several, else sequential.
    random_state : int, RandomState or None, default=None
        Seeds the members' weights and training.
"""
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
        "random_state": ["random_state"],
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
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = bool(self.handle_missing)  # NaN is encoded as missing
        return tags

    def _default_estimator(self, n_samples: int, n_features: int):
        return default_member(n_samples, n_features, self.categorical_groups_, DEFAULT_NOISE)

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
