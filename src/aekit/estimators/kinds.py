"""The public kinds of autoencoder: each a row of choices on :class:`BaseAutoencoder`.

| kind                     | latent        | extra terms               | corruption | labels |
|--------------------------|---------------|---------------------------|------------|--------|
| Autoencoder              | deterministic | -                         | -          | -      |
| DenoisingAutoencoder     | deterministic | -                         | noise      | -      |
| SparseAutoencoder        | ReLU/sigmoid  | L1 or KL(rho || rho_hat)  | -          | -      |
| ContractiveAutoencoder   | deterministic | ||dh/dx||_F^2             | -          | -      |
| VariationalAutoencoder   | Gaussian      | beta * KL(q || N(0, I))   | -          | -      |
| ConditionalVAE           | Gaussian      | beta * KL(q || N(0, I))   | -          | y      |

ConditionalVAE, which also learns from partly labelled data (M2), lives in ``conditional.py``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from aekit.core.latent import DeterministicLatent
from aekit.core.objectives import (
    ContractivePenalty,
    Corruption,
    KLSparsity,
    L1Sparsity,
    Term,
)
from aekit.core.objectives.corruption import NOISES
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._params import is_number
from aekit.estimators._variational import VARIATIONAL_PARAMS, _VariationalBase


class Autoencoder(BaseAutoencoder):
    """Autoencoder trained to reconstruct its input through a bottleneck.

    Undercomplete when ``latent_dim`` is below the number of features (a nonlinear PCA);
    overcomplete otherwise, which warns because nothing stops it learning the identity.

    Parameters
    ----------
    {shared_parameters}
    Attributes
    ----------
    n_features_in_ : int
        Number of features seen in fit (C*H*W for images).
    feature_names_in_ : ndarray of str
        Column names, when X was a DataFrame with string column names.
    image_shape_ : tuple or None
        (C, H, W) of the images, when the data are images.
    likelihood_ : str
        The reconstruction likelihood used, ``"bernoulli"`` or ``"gaussian"``.
    model_ : torch.nn.Module
        The trained :class:`aekit.core.model.AutoencoderModel`.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Training loss per epoch (nats per row).
    validation_scores_ : list of float or None
        Minus the validation loss per epoch, when ``early_stopping``.
    history_ : dict of str to list of float
        Every objective term per epoch, training and (``val_`` prefix) validation.

    Examples
    --------
    >>> from aekit import Autoencoder
    >>> from aekit.data.datasets import load_digits
    >>> X, y = load_digits()
    >>> Z = Autoencoder(latent_dim=16, max_iter=5, random_state=0).fit(X).transform(X)
    >>> Z.shape
    (1797, 16)
    """

    _own_params: ClassVar[dict[str, Any]] = {}


class DenoisingAutoencoder(BaseAutoencoder):
    """Autoencoder that learns to undo corruption (Vincent et al. 2008).

    In training the encoder sees a corrupted copy of each row and the loss compares the output
    with the clean row; ``reconstruct`` (or ``denoise``) then cleans noisy data.

    Parameters
    ----------
    noise : {"gaussian", "masking", "salt_pepper", "dropout"}, default="gaussian"
        Corruption: additive Gaussian noise, entries set to 0, entries set to their
        feature's minimum or maximum, or entries set to 0 with the others scaled by
        ``1 / (1 - noise_level)`` (inverted dropout).
    noise_level : float, default=0.3
        Standard deviation of the Gaussian noise (in standardized units for Gaussian data, in
        the data's units for [0, 1] data), or the probability that an entry is corrupted.
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = {"noise": "gaussian", "noise_level": 0.3}

    def _param_checks(self) -> dict[str, bool]:
        return {
            **super()._param_checks(),
            "noise": self.noise in NOISES,
            "noise_level": is_number(self.noise_level)
            and 0 <= self.noise_level <= (1 if self.noise != "gaussian" else float("inf")),
        }

    def _make_corruption(self, low: torch.Tensor, high: torch.Tensor) -> Corruption:
        return Corruption(self.noise, self.noise_level, low, high)

    def denoise(self, X: Any) -> np.ndarray:
        """Clean noisy X: the same as :meth:`reconstruct`."""
        return self.reconstruct(X)


class SparseAutoencoder(BaseAutoencoder):
    """Autoencoder whose codes are pushed towards zero.

    ``sparsity="l1"`` adds ``sparsity_weight * sum_j |h_j|`` on a ReLU code (exact zeros);
    ``sparsity="kl"`` adds ``sparsity_weight * sum_j KL(rho || rho_hat_j)`` on a sigmoid code,
    ``rho_hat_j`` being unit j's mean activation and ``rho = sparsity_target``.

    Parameters
    ----------
    sparsity : {"l1", "kl"}, default="l1"
        The sparsity penalty.
    sparsity_weight : float or "auto", default="auto"
        Its weight against the reconstruction loss (nats per row); ``"auto"`` is 0.1 for
        ``"l1"`` and 1.0 for ``"kl"``, which on the digits keeps reconstructions close to an
        unpenalised model's while the codes become clearly sparser.
    sparsity_target : float, default=0.05
        Target mean activation ``rho`` for ``sparsity="kl"``.
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = {
        "sparsity": "l1",
        "sparsity_weight": "auto",
        "sparsity_target": 0.05,
    }

    def _param_checks(self) -> dict[str, bool]:
        weight = self.sparsity_weight
        return {
            **super()._param_checks(),
            "sparsity": self.sparsity in ("l1", "kl"),
            "sparsity_weight": weight == "auto" or (is_number(weight) and weight >= 0),
            "sparsity_target": is_number(self.sparsity_target) and 0 < self.sparsity_target < 1,
        }

    def _make_latent(self, in_features: int) -> nn.Module:
        code_activation = "relu" if self.sparsity == "l1" else "logistic"
        return DeterministicLatent(in_features, self.latent_dim, code_activation)

    def _make_terms(self) -> list[Term]:
        weight = self.sparsity_weight
        if weight == "auto":
            weight = 0.1 if self.sparsity == "l1" else 1.0
        if self.sparsity == "l1":
            return [L1Sparsity(weight)]
        return [KLSparsity(weight, self.sparsity_target)]


class ContractiveAutoencoder(BaseAutoencoder):
    """Autoencoder penalised by ``contractive_weight * ||dh/dx||_F^2`` (Rifai et al. 2011).

    The penalty is the exact squared Frobenius norm of the encoder's Jacobian, for any encoder,
    so codes change little under small changes of the input.

    Parameters
    ----------
    contractive_weight : float, default=0.1
        Weight of the Jacobian penalty.
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = {"contractive_weight": 0.1}

    def _param_checks(self) -> dict[str, bool]:
        weight = self.contractive_weight
        return {**super()._param_checks(), "contractive_weight": is_number(weight) and weight >= 0}

    def _make_terms(self) -> list[Term]:
        return [ContractivePenalty(self.contractive_weight)]


class VariationalAutoencoder(_VariationalBase):
    """Variational autoencoder (Kingma & Welling 2014); a β-VAE when ``beta != 1``
    (Higgins et al. 2017).

    The encoder gives ``q(z|x) = N(mu(x), diag(sigma^2(x)))``; training maximises the ELBO
    ``E_q[log p(x|z)] - beta * KL(q(z|x) || N(0, I))`` through the reparameterization
    ``z = mu + sigma * eps``. ``transform`` returns ``mu`` (deterministic), ``score_samples``
    (or ``elbo``) the ELBO in nats, ``log_likelihood`` the importance-weighted estimate of
    ``log p(x)`` (Burda et al. 2015), and ``sample`` decodes draws from the prior;
    ``kl_per_unit``, ``active_units`` and ``interpolate`` inspect the latent space.

    Parameters
    ----------
    {variational_parameters}
    {shared_parameters}
    """

    _own_params: ClassVar[dict[str, Any]] = VARIATIONAL_PARAMS

    def sample(self, n_samples: int = 1, y: Any = None, random_state: Any = None) -> np.ndarray:
        """Draw ``n_samples`` rows from the model: decode ``z ~ N(0, I)``.

        Returns
        -------
        X : ndarray of shape (n_samples, ...) shaped like the training X
            Expected values of ``p(x|z)`` (probabilities for Bernoulli data).
        """
        return self._sample(n_samples, None, random_state)


VAE = VariationalAutoencoder

