"""Docstring text that several estimators share, written once.

Each public kind writes out its own ``Parameters`` (scikit-learn's way, checked by
``tests/test_params.py``); the attributes the trainer leaves on every kind are the same for
all, so their text lives here and each kind's ``__doc__`` appends it, as
:mod:`aekit.pretraining.finetuned` shares its ``_ATTRIBUTES``.
"""

from __future__ import annotations

# What every fitted kind holds besides its training record.
_MODEL_ATTRIBUTES = """
    n_features_in_ : int
        Number of features seen in fit (C*H*W for images).
    latent_dim_ : int
        The width of the fitted network's codes: ``latent_dim`` as fit read it (a later
        ``set_params`` sets the next fit's).
    feature_names_in_ : ndarray of str
        Column names, when X was a DataFrame with string column names.
    input_ndim_ : int
        The number of axes of fit's X: 2 for rows of features, 3 for sequences ``(n, C, L)``,
        4 for images ``(n, C, H, W)``; ``inverse_transform`` gives rows shaped so.
    image_shape_ : tuple or None
        (C, H, W) of the images, when the data are images.
    sequence_shape_ : tuple or None
        (C, L) of the sequences, when the data are sequences (X of 3 axes or the
        ``sequence_shape`` parameter).
    likelihood_ : str
        The reconstruction likelihood used, ``"bernoulli"`` or ``"gaussian"``.
    model_ : torch.nn.Module
        The trained :class:`aekit.core.model.AutoencoderModel`.
    data_mean_, data_scale_ : ndarray or None
        The standardization of Gaussian features, ``(x - data_mean_) / data_scale_``
        (None for [0, 1] data, used as is)."""

# The units are those of the trainer (aekit.core.train), which minimises the objective in the
# model's space: Gaussian features standardized, x~_j = (x_j - m_j) / s_j. A Gaussian density
# there is s_j times the one in data space (dx~_j = dx_j / s_j), hence the sum_j log s_j.
TRAINING_ATTRIBUTES = """
    n_iter_ : int
        Epochs run (over every fit of the network, with ``warm_start``; so are the lists below).
    loss_curve_ : list of float
        The objective minimised, per epoch: the mean over the epoch's batches, in nats per row,
        of the reconstruction's negative log-likelihood plus each penalty times its weight
        (for a VAE ``beta`` times the KL, at the warm-up's weight during ``kl_warmup``;
        ``-L_k`` with ``importance_samples=k > 1``). It is computed in the model's space, where
        Gaussian features are standardized (``(x_j - data_mean_j) / data_scale_j``), so it is
        not ``-score_samples`` or ``-elbo``, which are in the data's space: for Gaussian data
        a row's negative log-likelihood in data space is the model-space one plus
        ``sum_j log(data_scale_j)`` (nothing is added for [0, 1] data, used as is), and
        with a penalty or ``beta != 1`` the loss holds the weighted penalty besides. ``tol``
        and ``best_loss_`` are in these units.
    validation_scores_ : list of float or None
        Minus the validation loss per epoch (the same units), when ``early_stopping``.
    history_ : dict of str to list of float
        Per epoch, means over the training batches: ``"loss"`` (``loss_curve_``),
        ``"reconstruction"`` (its negative log-likelihood part, in the model's space, through
        the batch's draw of z for a VAE and its corrupted input for a denoising one) and each
        penalty, unweighted, under its own name: ``"kl"`` (VAEs), ``"sparsity"``,
        ``"contractive"`` (an inner network's ``"similarity"`` or ``"rate"``). With
        ``importance_samples=k > 1`` the loss is ``-L_k``, and ``"reconstruction"`` (averaged
        over the k draws) plus ``"kl"`` is the k-draw negative ELBO, recorded beside it. With
        ``early_stopping``, the same names prefixed ``"val_"`` for the held-out rows, scored in
        evaluation mode (no corruption).
    best_loss_ : float
        The lowest loss the stopping rule saw (in the last fit): the validation loss with
        ``early_stopping`` (whose weights are kept), else the training loss, in the units of
        ``loss_curve_``.
    batch_size_ : int
        The rows of a gradient step in the last fit: ``batch_size``, or what ``"auto"`` made
        of it for the number of rows.
    device_ : str
        Where the last fit trained: ``device``, or what ``"auto"`` made of it (``"cpu"``,
        ``"cuda:0"``). A model loaded elsewhere (``aekit.load(path, device=...)``) keeps it.
"""

# The whole numpydoc "Attributes" section of a kind, after its "Attributes\n----------" lines;
# a kind appends its own attributes after it.
FITTED_ATTRIBUTES = _MODEL_ATTRIBUTES + TRAINING_ATTRIBUTES


# The variational kinds' sampler (VAE, ConditionalVAE): the parameter and what fit leaves.
_SAMPLER_MIXTURE = """\
        Where ``sample`` draws codes: the prior ``N(0, I)``, or a 10-component Gaussian mixture
        fitted after training to the training rows' posterior means ``mu(x)``, the ex-post
        density estimation of Ghosh et al. (2020, sec. 4), which follows where the encoder puts
        the data and often gives cleaner samples. It is not the aggregate posterior
        ``q(z) = mean_x q(z | x)``, whose variance per unit adds the rows' mean ``sigma^2``:
        a unit the KL collapsed (``mu ~ 0``, ``sigma ~ 1``) has a variance near 0 in the
        mixture (about 1 in ``q(z)``) and is drawn near 0, which changes little, as the decoder
        learnt that the unit's input carries no information about x. ``set_params(sampler=
        "prior")`` after fit draws the same network's samples from the prior; ``"gmm"`` set
        after a fit with the prior warns and draws from the prior (fit made no mixture).
"""
SAMPLER_PARAMETER = (
    """    sampler : {"prior", "gmm"}, default="prior"
"""
    + _SAMPLER_MIXTURE
)
CONDITIONAL_SAMPLER_PARAMETER = (
    """    sampler : {"gmm", "prior"}, default="gmm"
"""
    + _SAMPLER_MIXTURE
    + """        A conditional model fits one mixture per label, to the codes of that label's rows
        (a semi-supervised fit's unlabelled rows under the label its classifier gives them),
        and draws each sample's code from its label's mixture. The model assumes ``p(z | y) =
        N(0, I)`` for every label, but the encoder, which sees the label, still puts some of it
        in the code; decoding prior draws then mixes in other labels' codes. On Fashion-MNIST
        (20,000 rows, 30 epochs, ``latent_dim=8``; an exploratory run) a classifier judged 83%
        of the samples the label asked for with the mixtures, 54% with the prior; README,
        "Conditional samples", has ``benchmarks/generative.py``'s figures of both samplers.
"""
)
# Every autoencoder's (aekit.estimators._warm_start), written once for all kinds.
WARM_START_PARAMETER = """    warm_start : bool, default=False
        When the estimator is fitted, ``fit`` goes on training its network on the new X for
        up to ``max_iter`` more epochs (Adam started afresh, as ``MLPRegressor``'s) instead of
        starting a new one. The features, their scale and the likelihood (a conditional model's
        classes too) stay those of the first fit; ``n_iter_`` and ``loss_curve_`` go on counting.
"""
# The variational kinds' KL weight (VAE, ConditionalVAE).
KL_PARAMETERS = """    beta : float, default=1.0
        Weight of the KL term; above 1 favours disentangled codes, below 1 sharper
        reconstructions. 0 drops it: nothing keeps the codes near the prior, so ``sample``
        with ``sampler="prior"`` warns.
    kl_warmup : int, default=0
        Epochs over which the KL weight rises linearly to ``beta``.
"""
# The variational kinds' training options (VAE, ConditionalVAE).
VARIATIONAL_TRAINING_PARAMETERS = """    binarize : {False, "dynamic"}, default=False
        ``"dynamic"``: in training, redraw every value p of X (in [0, 1]) as a binary
        ``Bernoulli(p)`` each time its row is used, for the input and the target alike
        (dynamic binarization, as in Burda et al. 2015 for MNIST); it regularizes and makes
        the Bernoulli likelihood a true density of binary data. Needs the Bernoulli
        likelihood. Evaluation methods score X as given, so binarize test data yourself
        (once, with a fixed seed) to report binary log-likelihoods.
    learning_rate_schedule : {"constant", "cosine"}, default="constant"
        ``"cosine"`` decays Adam's learning rate from ``learning_rate_init`` towards 0 over
        ``max_iter`` epochs, ``lr_t = lr (1 + cos(pi t / max_iter)) / 2`` (Loshchilov &
        Hutter 2017); the model settles into a better optimum at the end of a fixed budget.
    importance_samples : int, default=1
        k > 1 trains on the importance-weighted bound ``L_k`` (the IWAE objective, Burda et
        al. 2015, eq. 8) with k draws of z per row instead of the ELBO: a tighter bound on
        ``log p(x)`` and often a higher test log-likelihood, for about k times the decoder's
        cost per step. ``L_k`` has no separate KL term, so it needs ``beta=1`` and
        ``kl_warmup=0``.
"""
# The variational kinds' scoring draws (VAE, ConditionalVAE).
N_DRAWS_PARAMETER = """    n_draws : int, default=16
        Draws of the code averaged in the ELBO that ``score_samples`` (``elbo``, ``score``) gives
        each row, and, by default, in ``reconstruction_error``: ``eps`` fixed (seeded) and common to
        every row, so a row's score repeats for the same rows and does not depend on the rows passed
        with it, up to float rounding (about 1e-14: a batch's matrix products sum in another order
        than one row's). More draws estimate the expectation over ``q(z | x)`` closer, at a cost of
        about one decoder pass per draw; training does not use it, so ``set_params`` after ``fit``
        changes the scores at once (and the saved file keeps the new value). A
        :class:`ConditionalVAE` without a classifier predicts from the ELBO under each label, so its
        ``predict`` follows it too.
"""
SAMPLER_ATTRIBUTE = """    sampler_ : dict of ndarray or None
        With ``sampler="gmm"``, the mixture's ``"weights"``, ``"means"`` and
        ``"covariances"`` (full), a ConditionalVAE's with a leading axis of labels (in the order
        of ``classes_``; a label with fewer distinct codes than components has components of
        weight 0, and one with fewer than two rows the mixture of all rows); None with the
        prior.
"""
