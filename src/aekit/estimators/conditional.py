"""ConditionalVAE: a VAE conditioned on labels, which also learns from partly labelled data.

With every row labelled it is the conditional VAE of Sohn et al. (2015). When some labels are
missing (``-1``, as in scikit-learn's semi-supervised estimators) it becomes the M2 model of
Kingma et al. (2014): a classifier ``q(y|x)`` is trained with the VAE, the unlabelled rows
contributing through the classifier's guess of their label (see
:mod:`aekit.core.objectives.semisupervised`).
"""

from __future__ import annotations

import numbers
from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

import numpy as np
import torch
from scipy.special import logsumexp, softmax
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from aekit.core.nets import ConvEncoder, MLPEncoder
from aekit.core.objectives import Objective, SemiSupervisedBound
from aekit.core.semisupervised import UNLABELLED, oversampled_order
from aekit.core.train import TrainConfig
from aekit.data.validation import as_labels, fit_labels
from aekit.estimators._base import DEFAULT_HIDDEN
from aekit.estimators._params import is_number
from aekit.estimators._variational import VARIATIONAL_PARAMS, _VariationalBase

# Share of each epoch's rows that are labelled when labels are few (labelled rows are drawn again
# to reach it). A half keeps the classifier's gradient steady without starving the unlabelled
# term; with many labels the data already have more and nothing is repeated.
_LABELLED_SHARE = 0.5


class ConditionalVAE(_VariationalBase):
    """Conditional VAE (Sohn et al. 2015): encoder and decoder both see the one-hot label, so
    ``sample(y=7)`` generates a 7.

    ``fit(X, y)`` needs the labels (any hashable values; kept in ``classes_``), and so do
    ``transform``, ``inverse_transform`` and ``score_samples``. ``elbo``, ``log_likelihood``,
    ``kl_per_unit``, ``active_units`` and ``interpolate`` work as for
    :class:`VariationalAutoencoder`, given the labels.

    **Few labels** (semi-supervised learning, the M2 model of Kingma et al. 2014): mark the
    unlabelled rows of y with ``-1`` (or ``None`` in an object array of labels, e.g. strings);
    they never become a class. A classifier network ``q(y|x)`` (an MLP or a conv net like the
    encoder) is then trained with the VAE on ``J = sum_labelled -ELBO(x, y) + sum_unlabelled
    [E_q(y|x) -ELBO(x, y) - H(q(y|x))] + classifier_weight * N * mean_labelled -log q(y|x)``
    (their eqs. 6-9), every batch holding about half labelled rows (drawn again when few), and
    ``predict`` / ``predict_proba`` use it. Without a classifier they apply Bayes' rule to the
    ELBO under each label (slower: one pass per class). Stacked on the codes of a VAE trained on
    all rows this is their M1+M2 model: ``make_pipeline(VAE(latent_dim=50),
    VarianceThreshold(0.01), ConditionalVAE(latent_dim=16))``, where scikit-learn's
    ``VarianceThreshold`` keeps the VAE's active units (the collapsed ones are near-constant
    codes that standardization would blow up into noise features).

    Parameters
    ----------
    classifier : {"auto", True, False}, default="auto"
        Train the classifier ``q(y|x)``: ``"auto"`` when y marks some rows unlabelled, True
        always (then fully labelled data train it too), False never (unlabelled rows are then
        an error).
    classifier_weight : float, default=1.0
        Weight ``alpha`` of the classifier's cross-entropy on the labelled rows, per row of the
        data: Kingma et al.'s ``alpha = 0.1 * N`` on sums over N rows (their eq. 9) is 0.1
        here. 1.0 trains the classifier faster: on the digits with 10 labels per class it gave
        clearly better accuracy after 15 epochs, on MNIST VAE codes the same as 0.1.
    {variational_parameters}
    {shared_parameters}
    Attributes
    ----------
    classes_ : ndarray
        The labels seen in fit (never the ``-1`` marking unlabelled rows).
    semi_supervised_ : bool
        Whether the model has the classifier ``q(y|x)``.

    Examples
    --------
    >>> import numpy as np
    >>> from aekit import ConditionalVAE
    >>> from aekit.data.datasets import load_digits
    >>> X, y = load_digits()
    >>> y_few = np.where(np.arange(len(y)) % 10 == 0, y, -1)   # 1 label in 10
    >>> cvae = ConditionalVAE(max_iter=3, random_state=0).fit(X, y_few)
    >>> cvae.classes_.tolist(), cvae.semi_supervised_
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], True)
    """

    _own_params: ClassVar[dict[str, Any]] = {
        **VARIATIONAL_PARAMS,
        "classifier": "auto",
        "classifier_weight": 1.0,
    }
    _conditional: ClassVar[bool] = True

    def fit(self, X: Any, y: Any = None) -> ConditionalVAE:
        """Fit on X with labels y (required; ``-1`` marks unlabelled rows).
        See :meth:`BaseAutoencoder.fit`."""
        if y is None:
            raise ValueError(
                "ConditionalVAE requires y to be passed, but the target y is None: call "
                "fit(X, y) with one label per row (-1 for an unlabelled row)."
            )
        return super().fit(X, y)

    def _param_checks(self) -> dict[str, bool]:
        weight = self.classifier_weight
        return {
            **super()._param_checks(),
            "classifier": any(self.classifier is v for v in (True, False))
            or self.classifier == "auto",
            "classifier_weight": is_number(weight) and weight >= 0,
        }

    # ---- semi-supervised learning (M2) -----------------------------------------------------
    def _fit_labels(self, y: Any, n_samples: int) -> torch.Tensor:
        """``classes_`` from the labelled rows; unlabelled rows get the index -1."""
        labels = as_labels(y, n_samples)
        unlabelled = _unlabelled(labels)
        if unlabelled.all():
            raise ValueError(
                f"y marks all {n_samples} rows unlabelled (-1): there is nothing to learn the "
                "labels from. Label some rows, or fit a VariationalAutoencoder to unlabelled data."
            )
        if unlabelled.any() and self.classifier is False:
            raise ValueError(
                f"y marks {int(unlabelled.sum())} rows unlabelled (-1), which needs the "
                "classifier q(y|x): use classifier='auto' or True, or drop those rows."
            )
        self.semi_supervised_ = self.classifier is True or bool(unlabelled.any())
        self.classes_, index = fit_labels(labels[~unlabelled])
        full = np.full(n_samples, UNLABELLED, dtype=np.int64)
        full[~unlabelled] = index
        return torch.from_numpy(full)

    def _make_bound(self) -> Objective:
        """M2's objective (eqs. 6-9 of Kingma et al.) when semi-supervised, its ``L(x, y)`` the
        negative ELBO or, for ``importance_samples=k`` > 1, ``-L_k(x, y)``."""
        if not self._has_classifier():
            return super()._make_bound()
        return SemiSupervisedBound(self.classifier_weight, int(self.importance_samples))

    def _has_classifier(self) -> bool:
        return bool(getattr(self, "semi_supervised_", False))  # unset in files from before M2

    def _make_classifier(self, n_classes: int) -> nn.Module | None:
        """``q(y|x)`` when semi-supervised: the encoder's architecture (without the label input)
        and a linear head giving the logits."""
        if not self._has_classifier():
            return None
        hidden = tuple(self.hidden_layer_sizes or DEFAULT_HIDDEN[self.architecture])
        if self.architecture == "conv":
            body = ConvEncoder(self.image_shape_, hidden, self.activation)
        else:
            body = MLPEncoder(self.n_features_in_, hidden, self.activation)
        return nn.Sequential(body, nn.Linear(body.out_features, n_classes))

    def _train_config(self, flat: np.ndarray, y_index: torch.Tensor | None) -> TrainConfig:
        config = super()._train_config(flat, y_index)
        if not self.semi_supervised_:  # the trainer's own shuffling of every row once
            return config
        # Semi-supervised epochs oversample the labelled rows when they are few.
        order = partial(oversampled_order, labelled_share=_LABELLED_SHARE)
        return replace(config, epoch_order=order)

    def _after_training(self, X_model: torch.Tensor, y_index: torch.Tensor | None, seed: int):
        if self.semi_supervised_:  # unlabelled rows take the classifier's label (for sampler)
            guessed = self._batched(lambda m, x, _: m.classifier(x).argmax(1), X_model, None)
            y_index = torch.where(y_index == UNLABELLED, guessed.to(y_index.device), y_index)
        super()._after_training(X_model, y_index, seed)

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
            return self._class_log_likelihoods(X)
        X_model = self._to_model(self._validate_X(X, reset=False))
        logits = self._batched(lambda model, x, _: model.classifier(x), X_model, None)
        return logits.numpy().astype(np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``p(y | x)`` for each of ``classes_``: the classifier ``q(y|x)`` when the model has
        one, else Bayes' rule on the model, ``softmax_y ELBO(x, y)`` with a uniform prior over
        ``classes_`` (the ELBO standing in for ``log p(x | y)``)."""
        return softmax(self._class_scores(X), axis=1)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each row (see :meth:`predict_proba`)."""
        best = self._class_scores(X).argmax(axis=1)
        return self.classes_[best]

    def transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Posterior mean of z given X and its labels y (when y is None, the predicted ones)."""
        return self._encode(X, self.predict(X) if y is None else y)

    def inverse_transform(self, Z: Any, y: Any = None) -> np.ndarray:
        """Decode codes Z under labels y (one label, or one per row)."""
        check_is_fitted(self)
        return self._decode(Z, self._broadcast_labels(y, len(np.asarray(Z))))

    def score_samples(self, X: Any, y: Any = None) -> np.ndarray:
        """ELBO of each row given its label, in nats. Without y, a bound on ``log p(x)`` that
        sums over the labels: ``logsumexp_y ELBO(x, y) - log n_classes``."""
        if y is not None:
            return self._score_samples(X, y)
        return logsumexp(self._class_log_likelihoods(X), axis=1) - np.log(len(self.classes_))

    def score(self, X: Any, y: Any = None) -> float:
        return float(np.mean(self.score_samples(X, y)))

    def sample(self, n_samples: int = 1, y: Any = None, random_state: Any = None) -> np.ndarray:
        """Generate ``n_samples`` rows with label ``y``: one label for all rows, one per row, or
        None for labels drawn uniformly from ``classes_``."""
        check_is_fitted(self)
        rng = check_random_state(random_state)
        if y is None:
            y = self.classes_[rng.randint(0, len(self.classes_), int(n_samples))]
        return self._sample(n_samples, self._broadcast_labels(y, int(n_samples)), rng)

    def transfer(self, X: Any, y_from: Any, y_to: Any) -> np.ndarray:
        """Style transfer: encode X under its labels ``y_from``, decode under ``y_to`` (one
        label or one per row): the same style, another class."""
        Z = self.transform(X, self._broadcast_labels(y_from, len(np.asarray(X))))
        return self.inverse_transform(Z, y_to)

    @staticmethod
    def _broadcast_labels(y: Any, n: int) -> np.ndarray:
        if y is None:
            raise ValueError("ConditionalVAE needs labels y here: one label or one per row.")
        y = np.asarray(y)
        return np.full(n, y.item(), dtype=y.dtype) if y.ndim == 0 else as_labels(y, n)


def _unlabelled(labels: np.ndarray) -> np.ndarray:
    """Rows marked unlabelled: -1 for numeric labels; -1 or None in an object array."""
    if labels.dtype.kind in "iuf":
        return labels == UNLABELLED
    if labels.dtype == object:
        return np.array(
            [v is None or (isinstance(v, numbers.Number) and v == UNLABELLED) for v in labels]
        )
    return np.zeros(len(labels), dtype=bool)
