"""aekit: every kind of autoencoder, practical.

scikit-learn estimators on PyTorch modules, one composable machine underneath, safe model files.
"""

from aekit import datasets
from aekit._version import __version__
from aekit.estimators import (
    VAE,
    Autoencoder,
    ConditionalVAE,
    ContractiveAutoencoder,
    DenoisingAutoencoder,
    SparseAutoencoder,
    VariationalAutoencoder,
)
from aekit.io import load

__all__ = [
    "VAE",
    "Autoencoder",
    "ConditionalVAE",
    "ContractiveAutoencoder",
    "DenoisingAutoencoder",
    "SparseAutoencoder",
    "VariationalAutoencoder",
    "__version__",
    "datasets",
    "load",
]
