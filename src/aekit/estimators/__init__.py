"""Layer 5: scikit-learn estimators, one thin class per kind of autoencoder."""

from aekit.estimators._base import BaseAutoencoder
from aekit.estimators.conditional import ConditionalVAE
from aekit.estimators.kinds import (
    VAE,
    Autoencoder,
    ContractiveAutoencoder,
    DenoisingAutoencoder,
    SparseAutoencoder,
    VariationalAutoencoder,
)

__all__ = [
    "VAE",
    "Autoencoder",
    "BaseAutoencoder",
    "ConditionalVAE",
    "ContractiveAutoencoder",
    "DenoisingAutoencoder",
    "SparseAutoencoder",
    "VariationalAutoencoder",
]
