"""Layer 5: scikit-learn estimators, one thin class per kind of autoencoder, one kind a module.

Each kind is a row of choices on :class:`BaseAutoencoder`:

| kind                     | latent        | extra terms               | corruption | labels |
|--------------------------|---------------|---------------------------|------------|--------|
| Autoencoder              | deterministic | -                         | -          | -      |
| DenoisingAutoencoder     | deterministic | -                         | noise      | -      |
| SparseAutoencoder        | ReLU/sigmoid  | L1 or KL(rho || rho_hat)  | -          | -      |
| ContractiveAutoencoder   | deterministic | ||dh/dx~||_F^2 (x~ std.)  | -          | -      |
| VariationalAutoencoder   | Gaussian      | beta * KL(q || N(0, I))   | -          | -      |
| ConditionalVAE           | Gaussian      | beta * KL(q || N(0, I))   | -          | y      |

ConditionalVAE also learns from partly labelled data (M2).
"""

from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._docs import FITTED_ATTRIBUTES, WARM_START_PARAMETER
from aekit.estimators._params import TRAINING_CONSTRAINTS, trainer_config
from aekit.estimators._progress import ProgressBar
from aekit.estimators.anomaly_scoring import anomaly_average_precision, anomaly_roc_auc
from aekit.estimators.autoencoder import Autoencoder
from aekit.estimators.conditional import ConditionalVAE
from aekit.estimators.contractive import ContractiveAutoencoder
from aekit.estimators.denoising import DenoisingAutoencoder
from aekit.estimators.scoring import labelled_accuracy
from aekit.estimators.sparse import SparseAutoencoder
from aekit.estimators.variational import VAE, VariationalAutoencoder

__all__ = [
    "FITTED_ATTRIBUTES",
    "WARM_START_PARAMETER",
    "TRAINING_CONSTRAINTS",
    "VAE",
    "Autoencoder",
    "BaseAutoencoder",
    "ConditionalVAE",
    "ContractiveAutoencoder",
    "DenoisingAutoencoder",
    "ProgressBar",
    "SparseAutoencoder",
    "VariationalAutoencoder",
    "anomaly_average_precision",
    "anomaly_roc_auc",
    "labelled_accuracy",
    "trainer_config",
]
