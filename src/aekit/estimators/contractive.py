"""ContractiveAutoencoder: codes that change little under small changes of the input."""

from __future__ import annotations

from typing import Any, ClassVar

from aekit.core.objectives import ContractivePenalty, Term
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._params import is_number


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
