"""The docstring of :class:`aekit.AnomalyDetector`: its summary and "Parameters" (each default's
reasons, with the benchmarks that chose it), and its "Attributes", kept apart from
``detector.py``, which holds the estimator's code and its examples."""

from __future__ import annotations

DETECTOR_PARAMETERS = """Unsupervised outlier detector built on aekit autoencoders.

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
    member_params : dict or None, default=None
        Parameters set on the default member (``estimator=None``) over the values sized to the
        data, e.g. ``{"hidden_layer_sizes": (128, 64), "max_iter": 100}``: any parameter of
        :class:`aekit.DenoisingAutoencoder` but ``random_state`` and ``verbose``, which the
        detector sets on each member. Each replaces its data-sized value alone (a
        ``batch_size`` leaves the epochs those of batch 128). The way to tune the default
        member in a search, ``GridSearchCV(det, {"member_params": [{"max_iter": 50}, ...]})``:
        ``estimator__max_iter`` names no estimator while ``estimator`` is None. None (or
        ``{}``): the default member as it is. With an ``estimator``, an error: set its
        parameters there. A ``checkpoint_dir`` (here or in ``estimator``) is refused when
        the detector trains several networks (``n_estimators`` > 1, ``trim_fraction`` > 0):
        a checkpoint holds one network's run.
    random_state : int, RandomState or None, default=None
        Seeds the members' weights and training.
"""

DETECTOR_ATTRIBUTES = """
    Attributes
    ----------
    estimators_ : list of autoencoders
        The fitted ensemble.
    encoder_ : TabularEncoder
        The fitted input encoding (with ``preprocessing=None``: the identity on numbers).
    categorical_groups_ : tuple of (int, int)
        The one-hot groups given to the members as ``categorical_groups``.
    threshold_ : float
        Anomaly score above which a row is an anomaly.
    offset_ : float
        ``-threshold_``: ``decision_function`` is ``score_samples - offset_`` (scikit-learn's
        name).
    contamination_ : float
        Fraction of training rows flagged (of the held-out rows, with ``threshold_holdout``).
    score_spread_ : float
        The unit of :meth:`predict_proba`'s logistic: the training (or held-out) scores'
        interquartile range / 1.349, a normal's standard deviation (their standard deviation,
        or 1, divided so where most of them are tied).
    n_neighbors_, input_neighbors_ : int
        The k of the latent and of the input-space neighbour terms (``n_neighbors`` and
        ``input_neighbors`` resolved on the training rows; 0: no neighbour terms).
    input_distance_ : {"kth", "mean"}
        ``input_distance`` as fit read it.
    error_scales_, distance_scales_ : list of float
        Per member, the unit its reconstruction errors (divided by ``reconstruction_weight``)
        and its latent neighbour distances are divided by before the parts are added
        (``part_scale`` of their values on the training rows); ``distance_scales_`` is empty
        without a latent term.
    input_distance_scale_ : float
        The same unit for the input-space term, divided by ``input_weight`` (1.0 without it).
    codes_ : list of ndarray of shape (n_rows, latent_dim)
        Per member, the codes of the training rows (at most ``max_samples`` of them, drawn at
        random; without the rows ``threshold_holdout`` keeps back), the points the latent
        distance is measured to; empty without a latent term.
    inputs_ : ndarray of shape (n_rows, n_encoded_features) or None
        Those training rows themselves, as ``encoder_`` encodes them (standardized, one-hot),
        for the input-space distance; None without that term. With ``codes_`` this keeps a copy
        of (a sample of) the training data in the fitted detector and in its saved file: mind
        the memory it takes and who may read it (privacy).
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of str
        Column names, when X was a DataFrame.
"""
