"""The "Attributes" and "Warns" sections of :class:`aekit.Compressor`'s docstring, kept apart
from ``compressor.py``, which its parameters and code fill."""

from __future__ import annotations

COMPRESSOR_ATTRIBUTES = """
    Attributes
    ----------
    autoencoder_ : QuantizingAutoencoder
        The fitted network.
    quantiles_ : ndarray of shape (latent_dim, 257)
        Each code dimension's quantiles on the training data: the prior. From every training
        row up to 65,536 rows, else from 65,536 of them drawn at random (seed 0;
        :data:`aekit.compression.prior.PRIOR_ROWS`), so fit keeps a bounded number of codes
        and a table on disk (an :func:`aekit.open_dataset` dataset, a large memmap) is read a
        batch at a time, never whole.
    n_features_in_ : int
        Features seen in fit.
    latent_dim_ : int
        The width of the fitted network's codes (a later ``set_params`` sets the next fit's).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        A DataFrame's column names, when fit was given one: :meth:`compress` then checks a
        DataFrame's names and order (``aekit decompress`` writes them).
    step_ : float
        The step :meth:`compress` uses by default: ``step``, or the one "auto" chose.
    n_iter_ : int
        Training epochs the network ran.

    Warns
    -----
    ConvergenceWarning
        From :meth:`fit`, when the training rows decompressed at ``step_`` are no closer to
        themselves than the mean training row is (the network learned nothing usable).

"""
