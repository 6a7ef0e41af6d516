"""aekit: every kind of autoencoder, practical.

scikit-learn estimators on PyTorch modules, one composable machine underneath, safe model files.
The estimators (and so torch) load on first use, which keeps ``import aekit`` and the command
line's ``--help`` instant.
"""

from importlib import import_module
from typing import Any

from aekit import _moved
from aekit._version import __version__

_moved.install()

_LAZY = {
    "AnomalyDetector": "aekit.anomaly",
    "Autoencoder": "aekit.estimators",
    "AutoencoderImputer": "aekit.imputation",
    "Compressor": "aekit.compression",
    "ConditionalVAE": "aekit.estimators",
    "ContractiveAutoencoder": "aekit.estimators",
    "DenoisingAutoencoder": "aekit.estimators",
    "HammingIndex": "aekit.hashing",
    "SemanticHasher": "aekit.hashing",
    "load_index": "aekit.hashing",
    "SparseAutoencoder": "aekit.estimators",
    "TabularEncoder": "aekit.data.tabular",
    "VAE": "aekit.estimators",
    "VariationalAutoencoder": "aekit.estimators",
    "load": "aekit.io.model_file",
}
# Sub-packages and moved modules reachable as attributes, e.g. ``aekit.datasets.load_digits()``.
_MODULES = {"data", "datasets", "denoising", "metrics", "tabular", "plotting", "viz"}

__all__ = [*sorted(_LAZY), "__version__", "datasets"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    if name in _MODULES:
        return import_module(f"aekit.{name}")
    raise AttributeError(f"module 'aekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
