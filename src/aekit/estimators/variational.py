"""VariationalAutoencoder (alias VAE): a Gaussian latent trained on the ELBO."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from aekit.estimators._variational import VARIATIONAL_PARAMS, _VariationalBase


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
