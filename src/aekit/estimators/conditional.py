"""ConditionalVAE: a VAE conditioned on labels, which also learns from partly labelled data.

With every row labelled it is the conditional VAE of Sohn et al. (2015). When some labels are
missing (``-1``, as in scikit-learn's semi-supervised estimators) it becomes the M2 model of
Kingma et al. (2014): a classifier ``q(y|x)`` is trained with the VAE, the unlabelled rows
contributing through the classifier's guess of their label (see
:mod:`aekit.core.objectives.semisupervised`).
"""

from __future__ import annotations

import os
from numbers import Real
from typing import Any, ClassVar

import numpy as np
import torch
from scipy.special import softmax
from sklearn.utils._param_validation import Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from aekit.core.distributed import warns_on_rank_zero
from aekit.data.intervals import Interval
from aekit.data.validation import MissingLabelsError
from aekit.estimators._conditional_checks import LabelOnlyCheck
from aekit.estimators._conditional_labels import DEFAULT_CLASSIFIER_WEIGHT, ConditionalLabels
from aekit.estimators._disk import labels_of
from aekit.estimators._docs import (
    CONDITIONAL_SAMPLER_PARAMETER,
    FITTED_ATTRIBUTES,
    KL_PARAMETERS,
    N_DRAWS_PARAMETER,
    SAMPLER_ATTRIBUTE,
    VARIATIONAL_TRAINING_PARAMETERS,
    WARM_START_PARAMETER,
)
from aekit.estimators._semi_supervised import SemiSupervisedTraining
from aekit.estimators._variational import _VariationalBase
from aekit.estimators.streaming import writes_to_file


class ConditionalVAE(LabelOnlyCheck, SemiSupervisedTraining, ConditionalLabels, _VariationalBase):
    __doc__ = (
        """Conditional VAE (Sohn et al. 2015): encoder and decoder both see the one-hot label, so
    ``sample(y=7)`` generates a 7.

    Training maximises the ELBO of ``p(x | y)``, ``E_q[log p(x | z, y)] - beta * KL(q(z | x, y)
    || N(0, I))``, through ``z = mu + sigma * eps`` (``importance_samples=k`` > 1: the bound
    ``L_k(x | y)`` instead, as for a :class:`VariationalAutoencoder`). The one-hot y is
    appended to the encoder's input (as constant channels for images and sequences) and to the
    decoder's input ``z``; the prior is ``N(0, I)`` for every label (Sohn et al.'s prior
    ``p(z | y)`` made independent of y, as their paper allows), so ``sample`` draws codes as a
    :class:`VariationalAutoencoder` does.

    ``fit(X, y)`` needs the labels: classes (ints, strings, ...; kept in ``classes_``), read as
    scikit-learn's classifiers read y, so continuous values are refused. Every method of
    :class:`VariationalAutoencoder` takes them as ``y`` too, one label for every row or one per
    row: ``inverse_transform`` and the walks (``interpolate``, ``traverse``, ``manifold_grid``)
    need them; ``transform``, ``reconstruct``, ``reconstruction_error``, ``kl_divergence``,
    ``kl_per_unit`` and ``active_units`` use the predicted labels (:meth:`predict`) when y is
    None; ``score_samples``, ``elbo`` and ``log_likelihood`` then sum the labels out
    (``log p(x)`` under the label prior ``class_prior_``), and ``sample`` draws them.

    **Few labels** (semi-supervised learning, the M2 model of Kingma et al. 2014): mark the
    unlabelled rows of y with ``-1`` or a missing value (``None``, NaN, or pandas' NA: an empty
    cell of a pandas column, whatever its dtype); they never become a class. A classifier
    network ``q(y|x)`` (an MLP or a conv net like the encoder) is then trained with the VAE on
    ``J = sum_labelled L(x, y) + sum_unlabelled [E_q(y|x) L(x, y) - H(q(y|x))] +
    classifier_weight * N * mean_labelled -log q(y|x)``
    (their eqs. 6-9), where ``L(x, y) = -ELBO(x | y) - log p(y)`` is the negative bound on
    ``log p(x, y)``: the negative ELBO above (its KL weighted by ``beta``; ``-L_k(x | y)`` with
    ``importance_samples=k`` > 1) plus ``-log p(y)``, p(y) the label prior (``fit_prior``: the
    labelled rows' class shares, or Kingma et al.'s uniform ``1/K``, a constant). Every batch
    holds about half labelled rows (drawn again when few), and ``predict`` / ``predict_proba``
    use it. Without a classifier they apply Bayes' rule to the
    ELBO under each label (slower: one pass per class). Stacked on the codes of a VAE trained on
    all rows this is their M1+M2 model: ``make_pipeline(VAE(latent_dim=50),
    VarianceThreshold(0.01), ConditionalVAE(latent_dim=16))``, where scikit-learn's
    ``VarianceThreshold`` keeps the VAE's active units (the collapsed ones are near-constant
    codes that standardization would blow up into noise features).

    **Model selection.** ``score(X, y)`` is the mean ELBO given the labels, as every aekit
    autoencoder's score is its mean log-likelihood, so ``cross_val_score`` and
    ``GridSearchCV`` rank by it unless given a ``scoring`` (a row marked unlabelled is scored
    with its label summed out, ``log p(x)``). The model is not a scikit-learn classifier on
    purpose: a classifier's ``score`` is its accuracy, and its stratified folds and accuracy
    would take the ``-1`` of unlabelled rows for a class. To rank by accuracy on the labelled
    rows of each test fold, pass ``scoring=aekit.estimators.labelled_accuracy`` (plain
    ``scoring="accuracy"`` counts every unlabelled row as an error).

    Parameters
    ----------
    latent_dim : int, default=8
        Size of the code (the bottleneck). At least the number of features makes the model
        overcomplete (warned of where nothing regularizes the code).
    hidden_layer_sizes : int or array-like of int, default=None
        Widths of the encoder's hidden layers (the decoder mirrors them); for ``"conv"`` and
        ``"conv1d"``, the channels of its stride-2 convolutions; for ``"lstm"``/``"gru"``, the
        widths of its stacked recurrent layers. None means ``(256, 128)`` for ``"mlp"``,
        ``(32, 64)`` for ``"conv"``, ``(32, 16)`` for ``"conv1d"`` and ``(64,)`` for the RNNs.
    architecture : {"mlp", "conv", "conv1d", "lstm", "gru"}, default="mlp"
        Dense networks for vectors, 3x3 convolutions for images, width-7 1-D convolutions or
        a recurrent sequence-to-sequence network for sequences.
    image_shape : tuple (C, H, W), default=None
        Image shape for ``architecture="conv"`` when X is 2-D; taken from X when X is 4-D.
    sequence_shape : tuple (channels, length), default=None
        Sequence shape for ``"conv1d"``, ``"lstm"`` and ``"gru"`` when X is 2-D (a row holds
        channel 0's steps, then channel 1's, ...); taken from X when X is 3-D (n, C, L).
    activation : {"relu", "tanh", "logistic", "elu", "gelu", "silu", "leaky_relu"}, default="relu"
        Hidden-layer activation.
    likelihood : {"auto", "bernoulli", "gaussian"}, default="auto"
        Reconstruction likelihood. ``"auto"``: Bernoulli (binary cross-entropy on logits) when
        all of X lies in [0, 1], else Gaussian on standardized features with a linear output.
    categorical_groups : tuple of (int, int), default=None
        ``(start, stop)`` column ranges of X that each hold the one-hot code of a categorical
        feature (``aekit.data.tabular.TabularEncoder().fit(df).categorical_groups_`` gives them).
        Each group gets a softmax cross-entropy likelihood and is not standardized; the
        reconstruction of a group is its categories' probabilities. ``architecture="mlp"`` only.
    max_iter : int, default=100
        Maximum number of epochs.
    batch_size : int or "auto", default="auto"
        Rows per gradient step; ``"auto"`` is ``min(200, n_samples)``, and below 1,000 rows
        ``n_samples**2 // 5000`` (at least 32): more steps an epoch on small data.
    learning_rate_init : float, default=1e-3
        Adam's learning rate.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows, stop when the validation loss stalls and
        keep the best weights. Otherwise training stops when the training loss stalls.
    validation_fraction : float, default=0.1
        Fraction of rows held out when ``early_stopping``.
    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping.
    tol : float, default=1e-4
        Smallest loss improvement that counts, in the units of ``loss_curve_`` (nats per row
        in the model's space).
    checkpoint_dir : str or path, default=None
        Write ``checkpoint.safetensors`` there after every epoch; a later ``fit`` with the same
        folder, parameters and data resumes from it.
    random_state : int, RandomState or None, default=None
        Seeds the weights, the shuffling and all noise, inside ``fit``; no global seeding.
    device : {"auto", "cpu", "cuda", "cuda:N"} or torch.device, default="auto"
        Where to train; ``"auto"`` takes a GPU when PyTorch sees one.
    precision : {"float32", "bf16"}, default="float32"
        Arithmetic of the training forward passes. ``"bf16"``: bfloat16 autocast (weights,
        gradients and the optimizer stay float32); faster for convolutional networks on GPUs
        with bfloat16 units, usually not for small dense ones. Inference is float64 either way.
    compile : bool, default=False
        Train through ``torch.compile`` (on CUDA with CUDA graphs, ``mode="reduce-overhead"``):
        a faster step after a compilation of some seconds, for long runs of small networks.
        Where compilation is unavailable, a ``RuntimeWarning`` says so and training runs
        eagerly, with the same results.
    distributed : "auto" or bool, default="auto"
        Train with PyTorch's DistributedDataParallel over the processes ``torchrun`` started
        (NCCL on GPUs, gloo on CPUs): ``"auto"`` does when the environment says
        ``WORLD_SIZE > 1``, ``False`` trains each process on its own. ``batch_size`` is the
        global batch, split among the processes, which reach the weights of one process.
    verbose : bool, default=False
        Show a progress bar with the epoch, losses and time left.
"""
        + WARM_START_PARAMETER
        + KL_PARAMETERS
        + CONDITIONAL_SAMPLER_PARAMETER
        + VARIATIONAL_TRAINING_PARAMETERS
        + N_DRAWS_PARAMETER
        + """    classifier : {"auto", True, False}, default="auto"
        Train the classifier ``q(y|x)``: ``"auto"`` when y marks some rows unlabelled, True
        always (then fully labelled data train it too), False never (unlabelled rows are then
        an error).
    classifier_weight : float, default=1.0
        Weight ``alpha`` of the classifier's cross-entropy on the labelled rows, per row of the
        data: Kingma et al.'s ``alpha = 0.1 * N`` on sums over N rows (their eq. 9) is 0.1
        here. 1.0 trains the classifier faster: on the digits with 10 labels per class it gave
        clearly better accuracy after 15 epochs, on MNIST VAE codes the same as 0.1.
    fit_prior : bool, default=True
        The label prior ``p(y)`` (``class_prior_``): True fits it to the labelled rows' class
        shares (each count plus one), False makes it uniform, ``1/K`` (Kingma et al.'s). M2
        pulls its guesses on the unlabelled rows towards it: on skewed classes a uniform prior
        called far too many rows the rare class (the digits 3 and 5 and twenty 8s, 10 / 10 / 2
        rows labelled, 15 epochs: 94 of the 363 others called 8 against 18 true, accuracy
        0.79; fitted, 32 rows and 0.94). It is also Bayes' rule's prior in ``predict`` without
        a classifier and that of the labels summed out of ``score_samples``, ``elbo`` and
        ``log_likelihood`` (``sample`` draws labels as its ``label_prior`` says).

    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        + SAMPLER_ATTRIBUTE
        + """    classes_ : ndarray
        The labels seen in fit (never the ``-1`` marking unlabelled rows).
    class_counts_ : ndarray of int
        The labelled rows of each of ``classes_`` in fit, which ``sample(label_prior="fitted")``
        draws labels at the shares of (None in files saved before it was kept).
    class_prior_ : ndarray of float
        The label prior ``p(y)`` over ``classes_`` (``fit_prior``), the first fit's through
        ``warm_start`` fits (their objective keeps it); uniform, with ``fit_prior`` set to
        False, in files saved before it was kept.
    semi_supervised_ : bool
        Whether the model has the classifier ``q(y|x)``; its ``history_`` then also holds
        ``"classification"`` (the classifier's cross-entropy on the labelled rows), its
        ``"loss"`` is ``J`` above per row and its other terms are expectations under
        ``q(y|x)`` for the unlabelled rows.

    Examples
    --------
    >>> import numpy as np
    >>> from aekit import ConditionalVAE
    >>> from aekit.data.datasets import load_digits
    >>> X, y = load_digits()
    >>> y_few = np.where(np.arange(len(y)) % 10 == 0, y, -1)   # 1 label in 10
    >>> cvae = ConditionalVAE(max_iter=10, batch_size=64, beta=0.5, random_state=0)
    >>> cvae = cvae.fit(X, y_few)
    >>> cvae.classes_.tolist(), cvae.semi_supervised_
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], True)
    """
    )

    _parameter_constraints: ClassVar[dict[str, list]] = {
        **_VariationalBase._parameter_constraints,
        "classifier": [StrOptions({"auto"}), Options(bool, {True, False})],
        "classifier_weight": [Interval(Real, 0, None, closed="left")],
        "fit_prior": ["boolean"],
    }

    def __init__(
        self,
        *,
        latent_dim: int = 8,
        hidden_layer_sizes: tuple[int, ...] | None = None,
        architecture: str = "mlp",
        image_shape: tuple[int, int, int] | None = None,
        sequence_shape: tuple[int, int] | None = None,
        activation: str = "relu",
        likelihood: str = "auto",
        categorical_groups: tuple[tuple[int, int], ...] | None = None,
        max_iter: int = 100,
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        checkpoint_dir: str | os.PathLike | None = None,
        random_state: Any = None,
        device: str = "auto",
        precision: str = "float32",
        compile: bool = False,
        distributed: bool | str = "auto",
        verbose: bool = False,
        warm_start: bool = False,
        beta: float = 1.0,
        kl_warmup: int = 0,
        sampler: str = "gmm",
        binarize: bool | str = False,
        learning_rate_schedule: str = "constant",
        importance_samples: int = 1,
        n_draws: int = 16,
        classifier: bool | str = "auto",
        classifier_weight: float = DEFAULT_CLASSIFIER_WEIGHT,
        fit_prior: bool = True,
    ) -> None:
        super().__init__(
            latent_dim=latent_dim,
            hidden_layer_sizes=hidden_layer_sizes,
            architecture=architecture,
            image_shape=image_shape,
            sequence_shape=sequence_shape,
            activation=activation,
            likelihood=likelihood,
            categorical_groups=categorical_groups,
            max_iter=max_iter,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            checkpoint_dir=checkpoint_dir,
            random_state=random_state,
            device=device,
            precision=precision,
            compile=compile,
            distributed=distributed,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.beta = beta
        self.kl_warmup = kl_warmup
        self.sampler = sampler
        self.binarize = binarize
        self.learning_rate_schedule = learning_rate_schedule
        self.importance_samples = importance_samples
        self.n_draws = n_draws
        self.classifier = classifier
        self.classifier_weight = classifier_weight
        self.fit_prior = fit_prior

    @warns_on_rank_zero
    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> ConditionalVAE:
        """Fit on X with labels y (required; ``-1`` or a missing value marks an unlabelled row).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Training data, as :meth:`BaseAutoencoder.fit` takes it.
        y : array-like of shape (n_samples,), default=None
            One label per row, required: None is a MissingLabelsError (unless X is a dataset
            carrying its labels).

        Returns
        -------
        self : object
        """
        y = labels_of(X, y)  # a dataset opened with a label_column carries its labels
        if y is None:
            raise MissingLabelsError(
                "ConditionalVAE requires y to be passed, but the target y is None: call "
                "fit(X, y) with one label per row (-1 or None for an unlabelled row)."
            )
        return super().fit(X, y, **unsupported)  # refused there

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def _class_log_likelihoods(self, X: Any) -> np.ndarray:
        """ELBO of every row under every label, shape (n_samples, n_classes)."""
        check_is_fitted(self)
        X_model = self._to_model(self._validate_X(X, reset=False))
        row_log_likelihood = self._row_log_likelihood()

        def every_label(model, x, _):  # one pass over X, one inference copy of the network
            labels = [torch.full((len(x),), k, device=x.device) for k in range(len(self.classes_))]
            return torch.stack([row_log_likelihood(model, x, yk) for yk in labels], dim=1)

        scores = self._batched(every_label, X_model, None)
        return scores.numpy().astype(np.float64) + self._log_det_scale()

    def _class_scores(self, X: Any) -> np.ndarray:
        """Unnormalised ``log p(y | x)``, shape (n_samples, n_classes): the classifier's logits,
        or (no classifier) the ELBO under each label."""
        check_is_fitted(self)
        if not getattr(self, "semi_supervised_", False):  # also model files from before M2
            return self._class_log_likelihoods(X) + np.log(self.class_prior_)  # Bayes' rule
        X_model = self._to_model(self._validate_X(X, reset=False))
        logits = self._batched(lambda model, x, _: model.classifier(x), X_model, None)
        return logits.numpy().astype(np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``p(y | x)`` for each of ``classes_``: the classifier ``q(y|x)`` when the model has
        one, else Bayes' rule on the model, ``softmax_y [ELBO(x, y) + log p(y)]`` with the label
        prior ``class_prior_`` (the ELBO standing in for ``log p(x | y)``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; each row sums to 1.
        """
        return softmax(self._class_scores(X), axis=1)

    @writes_to_file
    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each row (see :meth:`predict_proba`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to classify.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Elements of ``classes_`` (the path ``out`` when given).
        """
        best = self._class_scores(X).argmax(axis=1)
        return self.classes_[best]

    def transfer(self, X: Any, y_from: Any, y_to: Any) -> np.ndarray:
        """Style transfer: encode X under its labels ``y_from``, decode under ``y_to``: the same
        style, another class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to encode.
        y_from, y_to : label or array-like of shape (n_samples,)
            The labels to encode and to decode under: one for all rows or one per row.

        Returns
        -------
        X_new : ndarray shaped like the training X
            As :meth:`inverse_transform` gives them.
        """
        Z = self.transform(X, self._broadcast_labels(y_from, len(np.asarray(X))))
        return self.inverse_transform(Z, y_to)
