"""SparseAutoencoder: codes pushed towards zero by an L1 or a KL penalty."""

from __future__ import annotations

from typing import Any, ClassVar

from torch import nn

from aekit.core.latent import DeterministicLatent
from aekit.core.objectives import KLSparsity, L1Sparsity, Term
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._params import is_number


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
