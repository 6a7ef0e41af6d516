"""The "Parameters", "Attributes" and "Warns" sections of :class:`aekit.Compressor`'s
docstring, kept apart from ``compressor.py``, which its code fills."""

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
    training_error_ : float or None
        The mean squared error a value of (up to 2,000) training rows compressed at ``step_``
        and decompressed: :meth:`compress` at ``step_`` warns when new rows come back further
        than twice it (rows unlike the training rows; see :meth:`distortion`). None for a
        file written before it was recorded (0.1.0, and earlier 0.2.0.dev0 checkouts).
    n_iter_ : int
        Training epochs the network ran.

    Warns
    -----
    ConvergenceWarning
        From :meth:`fit`, when the training rows decompressed at ``step_`` are no closer to
        themselves than the mean training row is (the network learned nothing usable).
    UserWarning
        From :meth:`compress` at ``step_``, when rows come back with more than twice
        ``training_error_`` (read on up to 2,000 of them; other steps are not compared), or
        from any step, when rows have codes beyond the prior's range.

"""

COMPRESSOR_PARAMETERS = """    Parameters
    ----------
    latent_dim : int, default=128
        Dimensions of the code.
    rate_weight : float, default=0.001
        Rate-distortion weight lambda used in training. The defaults (128, 0.001, 30 epochs on
        MNIST's 60,000 rows) are the settings measured in ``benchmarks/compress.py``, with
        ``hidden_layer_sizes=(512, 256)``, wider than the default.
    step : float or "auto", default="auto"
        Default quantization step of :meth:`compress` (training assumes 1). "auto": the largest
        of 0.25 ... 8 whose rounding adds at most 10% to the squared reconstruction error of
        (up to 2,000) training rows; see ``step_``.
    hidden_layer_sizes : int or array-like of int, default=None
        Encoder widths (or conv channels); None is aekit's default for the architecture.
    architecture : {"mlp", "conv", "conv1d", "lstm", "gru"}, default="mlp"
        Dense, convolutional (images, sequences) or recurrent networks.
    image_shape : tuple (C, H, W), default=None
        Image shape for ``architecture="conv"`` when X is 2-D.
    sequence_shape : tuple (channels, length), default=None
        Sequence shape for ``"conv1d"``, ``"lstm"`` and ``"gru"`` when X is 2-D.
    max_iter : int or "auto", default="auto"
        Training epochs. "auto": 30, raised on small data to give at least 1,000 gradient
        steps (:func:`aekit.estimators.epochs.epochs_for_steps`; 300 rows in batches of 32
        train 100 epochs).
    batch_size : int or "auto", default="auto"
        Rows per step; "auto" is min(200, n_samples), and below 1,000 rows
        ``n_samples**2 // 5000`` (at least 32): more steps an epoch on small data.
    learning_rate_init : float, default=1e-3
        Adam's learning rate.
    random_state : int, RandomState or None, default=None
        Seeds the weights, shuffling and training noise.
    device : {"auto", "cpu", "cuda", "cuda:N"} or torch.device, default="auto"
        Where to train.
    verbose : bool, default=False
        Show a progress bar.
"""
