"""The "Attributes" section of :class:`aekit.AnomalyDetector`'s docstring, kept apart from
``detector.py``, which its parameters fill."""

from __future__ import annotations

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
