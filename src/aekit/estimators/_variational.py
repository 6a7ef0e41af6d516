"""The variational kinds' shared base: Gaussian latent, KL term, samplers, and their training
options (dynamic binarization, learning-rate schedule).

:class:`_VariationalBase` is the common parent of
:class:`aekit.estimators.kinds.VariationalAutoencoder` and
:class:`aekit.estimators.kinds.ConditionalVAE`; the evaluation tools come from
:class:`aekit.estimators._generative.GenerativeMixin`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import torch
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from torch import nn

from aekit.core.latent import GaussianLatent
from aekit.core.objectives import (
    DynamicBinarization,
    ImportanceWeightedBound,
    KLDivergence,
    Objective,
    PenalizedReconstruction,
    Term,
)
from aekit.core.train import LEARNING_RATE_SCHEDULES, TrainConfig
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._generative import GenerativeMixin
from aekit.estimators._params import is_int, is_number

VARIATIONAL_PARAMS = {
    "beta": 1.0,
    "kl_warmup": 0,
    "sampler": "prior",
    "binarize": False,
    "learning_rate_schedule": "constant",
    "importance_samples": 1,
}
VARIATIONAL_DOC = """\
    beta : float, default=1.0
        Weight of the KL term; above 1 favours disentangled codes, below 1 sharper
        reconstructions.
    kl_warmup : int, default=0
        Epochs over which the KL weight rises linearly to ``beta``.
    sampler : {"prior", "gmm"}, default="prior"
        Where ``sample`` draws codes: the prior ``N(0, I)``, or a 10-component Gaussian mixture
        fitted to the training codes after training, which follows the codes the decoder
        actually saw (the "aggregate posterior") and often gives cleaner samples.
    binarize : {False, "dynamic"}, default=False
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


class _VariationalBase(GenerativeMixin, BaseAutoencoder):
    """Gaussian latent, KL term, sampling from the prior, and the evaluation tools of
    :class:`GenerativeMixin` (``elbo``, ``log_likelihood``, ``kl_per_unit``, ``active_units``,
    ``interpolate``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if cls.__doc__:
            cls.__doc__ = cls.__doc__.replace("    {variational_parameters}\n", VARIATIONAL_DOC)
        super().__init_subclass__(**kwargs)

    def _param_checks(self) -> dict[str, bool]:
        return {
            **super()._param_checks(),
            "beta": is_number(self.beta) and self.beta >= 0,
            "kl_warmup": is_int(self.kl_warmup, 0),
            "sampler": self.sampler in ("prior", "gmm"),
            "binarize": self.binarize is False or self.binarize == "dynamic",
            "learning_rate_schedule": self.learning_rate_schedule in LEARNING_RATE_SCHEDULES,
            "importance_samples": is_int(self.importance_samples, 1),
        }

    def _make_objective(self) -> Objective:
        """The bound of :meth:`_make_bound`, on dynamically binarized rows with
        ``binarize="dynamic"``."""
        dynamic = self.binarize == "dynamic"
        if dynamic and self.likelihood_ != "bernoulli":
            raise ValueError(
                f"binarize='dynamic' needs the Bernoulli likelihood (data in [0, 1]), but "
                f"likelihood={self.likelihood_!r}. Scale X to [0, 1] or use binarize=False."
            )
        if self.importance_samples > 1 and (self.beta != 1 or self.kl_warmup != 0):
            raise ValueError(
                f"importance_samples={self.importance_samples} trains the importance-weighted "
                "bound, which has no separate KL term to weight or warm up: use beta=1 and "
                f"kl_warmup=0 (got beta={self.beta!r}, kl_warmup={self.kl_warmup!r}), or "
                "importance_samples=1."
            )
        bound = self._make_bound()
        return DynamicBinarization(bound) if dynamic else bound

    def _make_bound(self) -> Objective:
        """The negative bound on ``log p(x)`` trained on: ``-L_k`` for ``importance_samples=k``
        > 1, else the negative beta-ELBO (the reconstruction NLL plus the KL term)."""
        k = int(self.importance_samples)
        return ImportanceWeightedBound(k) if k > 1 else PenalizedReconstruction()

    def _train_config(self, flat: np.ndarray, y_index: torch.Tensor | None) -> TrainConfig:
        # The loss rises while the KL weight warms up: stalls count only after the warm-up.
        return replace(
            super()._train_config(flat, y_index),
            learning_rate_schedule=self.learning_rate_schedule,
            patience_start=int(self.kl_warmup),
        )

    def _after_training(self, X_model: torch.Tensor, y_index: torch.Tensor | None, seed: int):
        self.sampler_ = None
        if self.sampler == "gmm":
            codes = self._batched(lambda model, x, yb: model.encode_code(x, yb), X_model, y_index)
            mixture = GaussianMixture(
                n_components=min(10, len(codes)), reg_covar=1e-4, random_state=seed
            ).fit(codes.numpy())
            self.sampler_ = {
                "weights": mixture.weights_,
                "means": mixture.means_,
                "covariances": mixture.covariances_,
            }

    def _make_latent(self, in_features: int) -> nn.Module:
        return GaussianLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        return [KLDivergence(self.beta, self.kl_warmup)]

    def _sample(self, n_samples: int, y: Any, random_state: Any) -> np.ndarray:
        check_is_fitted(self)
        if int(n_samples) < 1:
            raise ValueError(f"n_samples={n_samples!r} must be at least 1.")
        seed = int(check_random_state(random_state).randint(0, 2**31 - 1))
        if self.sampler_ is None:  # the prior N(0, I)
            z = torch.randn(
                int(n_samples), self.latent_dim, generator=torch.Generator().manual_seed(seed)
            ).numpy()
        else:  # the mixture: a component by its weight, then z ~ N(mean_k, cov_k)
            rng = np.random.default_rng(seed)
            mix = self.sampler_
            k = rng.choice(len(mix["weights"]), size=int(n_samples), p=mix["weights"])
            chol = np.linalg.cholesky(mix["covariances"])[k]
            eps = rng.standard_normal((int(n_samples), self.latent_dim))
            z = mix["means"][k] + np.einsum("nij,nj->ni", chol, eps)
        return self._decode(z.astype(np.float32), y)
