"""The one table of aekit's named objects: where each public class or function lives, which
classes a model file may name, and the command line's short model names.

Foundation layer: this module imports nothing from aekit. Entries are ``"module:attr"`` strings,
imported on first use, so ``import aekit`` and ``aekit --help`` stay instant and the file format
(:mod:`aekit.io`) can turn a class name into a class without importing the layers above it.
Loading a model file only ever builds a class listed here, so a file can never run other code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> "module:attr". The public names are those of ``aekit.__all__``; the modules are the
# packages that export them (their import is what ``aekit.<name>`` has always triggered).
PUBLIC: dict[str, str] = {
    "AnomalyDetector": "aekit.anomaly:AnomalyDetector",
    "Autoencoder": "aekit.estimators:Autoencoder",
    "AutoencoderImputer": "aekit.imputation:AutoencoderImputer",
    "Compressor": "aekit.compression:Compressor",
    "ConditionalVAE": "aekit.estimators:ConditionalVAE",
    "ContractiveAutoencoder": "aekit.estimators:ContractiveAutoencoder",
    "DenoisingAutoencoder": "aekit.estimators:DenoisingAutoencoder",
    "FineTunedClassifier": "aekit.pretraining:FineTunedClassifier",
    "FineTunedRegressor": "aekit.pretraining:FineTunedRegressor",
    "HammingIndex": "aekit.hashing:HammingIndex",
    "SemanticHasher": "aekit.hashing:SemanticHasher",
    "SeriesAnomalyDetector": "aekit.timeseries:SeriesAnomalyDetector",
    "SparseAutoencoder": "aekit.estimators:SparseAutoencoder",
    "TabularEncoder": "aekit.data.tabular:TabularEncoder",
    "VAE": "aekit.estimators:VAE",
    "VariationalAutoencoder": "aekit.estimators:VariationalAutoencoder",
    "export_onnx": "aekit.export:export_onnx",
    "iter_outputs": "aekit.estimators.streaming:iter_outputs",
    "load": "aekit.io.model_file:load",
    "load_index": "aekit.hashing:load_index",
    "open_dataset": "aekit.data.lazy:open_dataset",
    "write_outputs": "aekit.estimators.streaming:write_outputs",
}
# Classes that are not public but that composites hold, so their model files name them.
INNER: dict[str, str] = {
    "BinaryAutoencoder": "aekit.hashing:BinaryAutoencoder",  # a SemanticHasher's network
    "QuantizingAutoencoder": "aekit.compression:QuantizingAutoencoder",  # a Compressor's
    "_ObservedEntriesAutoencoder": "aekit.imputation.imputer:_ObservedEntriesAutoencoder",
}
_TABLE: dict[str, str] = {**PUBLIC, **INNER}

# The classes a model file's "class" (or an estimator-valued parameter) may name: aekit's
# estimators, each under its own ``__name__``. Never a function, never an alias such as "VAE",
# never a class that is stored as part of another (TabularEncoder) or in its own file
# (HammingIndex).
MODEL_FILE_CLASSES: frozenset[str] = frozenset(
    {
        "Autoencoder",
        "DenoisingAutoencoder",
        "SparseAutoencoder",
        "ContractiveAutoencoder",
        "VariationalAutoencoder",
        "ConditionalVAE",
        "AnomalyDetector",
        "SeriesAnomalyDetector",
        "AutoencoderImputer",
        "SemanticHasher",
        "Compressor",
        "FineTunedClassifier",
        "FineTunedRegressor",
        *INNER,
    }
)

# The parameters that set a network's widths, in the order its layers take them: the hidden
# layers (widths, or channels of a convolutional network), then the code (the first of these
# names a document has). Names only: ``aekit.io`` reads them to refuse a model file whose header
# asks for a network larger than the weights it stores, before any estimator is imported.
HIDDEN_WIDTHS = "hidden_layer_sizes"
CODE_WIDTHS = ("latent_dim", "n_bits")
# The entries of a model file's tree, at any depth, that hold a network: an autoencoder's
# weights and the statistics its input is standardized with, a fine-tuner's head. They must be
# finite (NaN weights make every output NaN); other stored arrays need not be (an imputer's
# fill range of a column never observed). Names only, read by ``aekit.io`` as the widths are.
NETWORK_ENTRIES = ("model", "data_mean", "data_scale", "network")

# ``aekit train --model NAME``: short names of the kinds the command line trains; it also takes
# their class names.
CLI_MODELS: dict[str, str] = {
    "autoencoder": "Autoencoder",
    "ae": "Autoencoder",
    "denoising": "DenoisingAutoencoder",
    "dae": "DenoisingAutoencoder",
    "sparse": "SparseAutoencoder",
    "contractive": "ContractiveAutoencoder",
    "cae": "ContractiveAutoencoder",
    "variational": "VariationalAutoencoder",
    "vae": "VariationalAutoencoder",
    "conditional": "ConditionalVAE",
    "cvae": "ConditionalVAE",
}


def resolve(name: str) -> Any:
    """The object registered as ``name`` (a class or a function), imported on first use.
    ``KeyError`` for a name that is not in the table."""
    module, _, attr = _TABLE[name].partition(":")
    return getattr(import_module(module), attr)


def find_class(name: Any) -> type:
    """The class registered as ``name``; ``ValueError`` for any other name, a function's
    included."""
    if isinstance(name, str) and name in _TABLE:
        found = resolve(name)
        if isinstance(found, type):
            return found
    raise ValueError(f"unknown aekit class {name!r}")


def model_file_class(name: Any) -> type:
    """The estimator class a model file names; ``ValueError`` for a name no model file may hold."""
    if not (isinstance(name, str) and name in MODEL_FILE_CLASSES):
        raise ValueError(f"unknown estimator class {name!r}")
    return find_class(name)
