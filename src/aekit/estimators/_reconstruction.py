"""How badly each row, or each entry of a row, is reconstructed: the public
:meth:`ReconstructionErrors.reconstruction_error` of every autoencoder.

Anomaly scores (:mod:`aekit.anomaly.scoring`), their per-feature explanations and any user's own
diagnostics read errors here rather than through the networks, so one definition serves all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from aekit.core.model import fixed_draws
from aekit.data.validation import check_count

METRICS = ("squared", "nll", "probability")


class ReconstructionErrors:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`."""

    def reconstruction_error(
        self,
        X: Any,
        y: Any = None,
        *,
        per_feature: bool = False,
        metric: str = "squared",
        n_draws: int | None = None,
    ) -> np.ndarray:
        """Reconstruction error of each row, or of each of its entries; higher is worse.

        Errors are measured in the model's space: Gaussian features standardized (divided by
        their training spread, so errors of features in different units compare), data in
        [0, 1] (the Bernoulli likelihood) and one-hot categorical groups as given.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to reconstruct, checked as in ``transform``.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels, one for all
            rows or one per row; predicted when None, as in ``transform``.
        per_feature : bool, default=False
            Return every entry's error, shape (n_samples, n_features_in_) with images and
            sequences flattened in (C, H, W) or (C, L) order, instead of each row's sum over its
            entries.
        metric : {"squared", "nll", "probability"}, default="squared"
            ``"squared"``: ``(x_j - x_hat_j)^2`` with ``x_hat = E[x | z]`` the decoded mean (a
            categorical group's entries against its categories' probabilities). ``"nll"``: the
            negative log-likelihood ``-log p(x_j | z)`` in nats; a categorical group's term sits
            in its first column, its other columns hold 0. Summed over a row, ``"nll"`` is
            ``-score_samples(X) - sum_j log(s_j)`` for the deterministic kinds, where ``s_j``
            is feature j's standardization scale (1 when not standardized); for the variational
            kinds ``"nll"`` plus :meth:`kl_divergence` is ``-elbo(X) - sum_j log(s_j)``.
            ``"probability"``: the reconstruction probability of An & Cho (2015, Alg. 4) as a
            score, ``-log (1/L) sum_l p(x | z_l)`` over the ``n_draws`` draws ``z_l ~ q(z | x)``
            (the negative log of the mean likelihood, not the mean of ``-log p``, which is
            ``"nll"``: it never exceeds ``"nll"``'s row sum, and is the same for deterministic
            kinds). ``p(x | z)`` is the model's own likelihood, in its space: An & Cho's decoder
            outputs a variance per feature and row, aekit's Gaussian likelihood has one
            ``sigma`` for all features (learnt by VAEs, 1 for the deterministic kinds). Per
            entry it is split exactly, as entry j's NLL averaged with the draws' posterior
            weights ``w_l ~ p(x | z_l)``, plus an equal share of ``log L - H(w)`` (>= 0), the
            part that belongs to no entry.
        n_draws : int, default=None
            For the variational kinds, the error is an expectation over ``z ~ q(z | x)``,
            averaged over ``n_draws`` draws of eps that are fixed (seeded) and common to every
            row, so a row's error does not depend on the rows passed with it, up to float
            rounding (about 1e-14); None takes the estimator's ``n_draws`` (16 by default), the
            draws of ``score_samples``. Ignored by deterministic kinds, which decode their one code.

        Returns
        -------
        errors : ndarray of shape (n_samples,) or (n_samples, n_features_in_)
            Float64.
        """
        check_is_fitted(self)
        if metric not in METRICS:
            raise ValueError(
                f"metric={metric!r} is not supported; use 'squared', 'nll' or 'probability'."
            )
        if n_draws is not None:
            check_count(n_draws, "n_draws")
        X_model, labels = self._model_inputs(X, y)
        stochastic = self.model_.latent.stochastic
        if stochastic:  # score_samples' draws unless told otherwise: -elbo = nll + KL holds
            n_draws = check_count(self.n_draws if n_draws is None else n_draws, "n_draws")
        eps = fixed_draws(n_draws, self.latent_dim_) if stochastic else None

        def entry_errors(model: torch.nn.Module, x: torch.Tensor, yb: torch.Tensor | None):
            return model.entry_errors(x, yb, metric, None if eps is None else eps.to(x))

        errors = self._batched(entry_errors, X_model, labels).numpy().astype(np.float64)
        return errors if per_feature else errors.sum(axis=1)
