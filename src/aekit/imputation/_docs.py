"""The "Attributes" and "Examples" sections of :class:`aekit.AutoencoderImputer`'s docstring,
kept apart from ``imputer.py``, which its parameters and code fill."""

from __future__ import annotations

IMPUTER_ATTRIBUTES_AND_EXAMPLES = """
    Attributes
    ----------
    encoder_ : TabularEncoder
        The table's encoding (its ``feature_groups_`` say which columns are categorical).
    autoencoders_ : list of DenoisingAutoencoder
        The ``n_estimators`` trained networks (on the encoded table).
    fill_range_ : ndarray of shape (2, n_encoded)
        Minimum and maximum of each encoded column's observed values; fills are clipped to it.
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame.
    n_iter_ : int
        Epochs the longest-trained network ran.

    Examples
    --------
    >>> import numpy as np
    >>> from aekit import AutoencoderImputer
    >>> X = np.random.default_rng(0).normal(size=(100, 4))
    >>> X[::7, 1] = np.nan
    >>> filled = AutoencoderImputer(max_iter=5, random_state=0).fit_transform(X)
    >>> bool(np.isnan(filled).any())
    False
    """
