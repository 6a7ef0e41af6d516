"""aekit: every kind of autoencoder, practical.

scikit-learn estimators on PyTorch modules, one composable machine underneath, safe model files.
The estimators (and so torch) load on first use, which keeps ``import aekit`` and the command
line's ``--help`` instant.
"""

from importlib import import_module
from typing import Any

from aekit import _moved, registry
from aekit._version import __version__

_moved.install()

# Sub-packages and moved modules reachable as attributes, e.g. ``aekit.datasets.load_digits()``.
_MODULES = {
    *("data", "datasets", "denoising", "metrics", "tabular", "plotting", "timeseries", "viz"),
    *("anomaly", "compression", "generation", "hashing", "imputation", "pretraining", "export"),
    *("estimators", "core", "io"),  # the README's aekit.estimators.anomaly_roc_auc, ...
}

__all__ = [*sorted(registry.PUBLIC), "__version__", "datasets"]


def __getattr__(name: str) -> Any:
    if name in registry.PUBLIC:  # the one table of public names (aekit.registry)
        return registry.resolve(name)
    if name in _MODULES:
        return import_module(f"aekit.{name}")
    raise AttributeError(f"module 'aekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
