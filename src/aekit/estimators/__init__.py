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

ESTIMATORS = {
    cls.__name__: cls
    for cls in (
        Autoencoder,
        DenoisingAutoencoder,
        SparseAutoencoder,
        ContractiveAutoencoder,
        VariationalAutoencoder,
        ConditionalVAE,
    )
}

__all__ = [
    "ESTIMATORS",
    "VAE",
    "Autoencoder",
    "BaseAutoencoder",
    "ConditionalVAE",
    "ContractiveAutoencoder",
    "DenoisingAutoencoder",
    "SparseAutoencoder",
    "VariationalAutoencoder",
]
