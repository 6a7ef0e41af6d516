"""The parameters of the estimators that the commands' ``--param`` sets (``runs.PARAM_CLASSES``),
by name, written out: the advice for an unknown option (``aekit train --latent-dim 2``: use
``--param latent_dim=2``) reads them here, since importing the estimators to ask their
``get_params`` imports torch, seconds before a one-line usage error. tests/test_cli_help.py
checks the table against the classes, so a parameter added to one must be added here too.
"""

from __future__ import annotations

# What every autoencoder that 'aekit train --model' names takes (BaseAutoencoder's).
_AUTOENCODER = frozenset(
    {
        "activation",
        "architecture",
        "batch_size",
        "categorical_groups",
        "checkpoint_dir",
        "compile",
        "device",
        "distributed",
        "early_stopping",
        "hidden_layer_sizes",
        "image_shape",
        "latent_dim",
        "learning_rate_init",
        "likelihood",
        "max_iter",
        "n_iter_no_change",
        "precision",
        "random_state",
        "sequence_shape",
        "tol",
        "validation_fraction",
        "verbose",
        "warm_start",
    }
)
_VAE = _AUTOENCODER | {
    "beta",
    "binarize",
    "importance_samples",
    "kl_warmup",
    "learning_rate_schedule",
    "n_draws",
    "sampler",
}
_FINE_TUNER = frozenset(
    {
        "activation",
        "autoencoder",
        "batch_size",
        "checkpoint_dir",
        "class_weight",
        "device",
        "early_stopping",
        "early_stopping_metric",
        "encoder_lr_factor",
        "fine_tune",
        "head_layer_sizes",
        "init",
        "learning_rate_init",
        "max_iter",
        "min_rows_per_epoch",
        "n_iter_no_change",
        "random_state",
        "tol",
        "validation_fraction",
        "verbose",
    }
)

# class name -> the names of its parameters (its get_params())
PARAMETERS: dict[str, frozenset[str]] = {
    "Autoencoder": _AUTOENCODER,
    "DenoisingAutoencoder": _AUTOENCODER | {"noise", "noise_level", "noise_schedule"},
    "SparseAutoencoder": _AUTOENCODER
    | {"revive_dead_units", "sparsity", "sparsity_target", "sparsity_weight"},
    "ContractiveAutoencoder": _AUTOENCODER | {"contractive_weight"},
    "VariationalAutoencoder": _VAE,
    "ConditionalVAE": _VAE | {"classifier", "classifier_weight", "fit_prior"},
    "AnomalyDetector": frozenset(
        {
            "contamination",
            "density_trim",
            "estimator",
            "handle_missing",
            "input_distance",
            "input_neighbors",
            "input_weight",
            "max_samples",
            "member_params",
            "member_training",
            "n_draws",
            "n_estimators",
            "n_neighbors",
            "n_std",
            "neighbor_space",
            "part_scale",
            "percentile",
            "preprocessing",
            "random_state",
            "reconstruction_weight",
            "risk",
            "score_type",
            "threshold",
            "threshold_holdout",
            "trim_fraction",
        }
    ),
    "SeriesAnomalyDetector": frozenset(
        {
            "contamination",
            "estimator",
            "flatlines",
            "handle_missing",
            "likelihood_window",
            "max_iter",
            "n_std",
            "peak_errors",
            "random_state",
            "risk",
            "stride",
            "threshold",
            "time_column",
            "value_columns",
            "window",
        }
    ),
    "AutoencoderImputer": frozenset(
        {
            "batch_size",
            "device",
            "early_stopping",
            "hidden_layer_sizes",
            "latent_dim",
            "learning_rate_init",
            "mask_probability",
            "max_iter",
            "n_estimators",
            "n_iter_no_change",
            "n_refinements",
            "random_state",
            "verbose",
        }
    ),
    "FineTunedClassifier": _FINE_TUNER,
    "FineTunedRegressor": _FINE_TUNER,
    "SemanticHasher": frozenset(
        {
            "architecture",
            "batch_size",
            "device",
            "hidden_layer_sizes",
            "image_shape",
            "learning_rate_init",
            "max_iter",
            "n_bits",
            "random_state",
            "sequence_shape",
            "similarity_weight",
            "temperature",
            "verbose",
        }
    ),
    "Compressor": frozenset(
        {
            "architecture",
            "batch_size",
            "device",
            "hidden_layer_sizes",
            "image_shape",
            "latent_dim",
            "learning_rate_init",
            "max_iter",
            "random_state",
            "rate_weight",
            "sequence_shape",
            "step",
            "verbose",
        }
    ),
}

# The parameters whose default is True or False (in any of the classes above): typed as a
# flag, with no value ('--early-stopping'), they are advised as --param NAME=true.
SWITCHES = frozenset(
    {
        "binarize",
        "compile",
        "early_stopping",
        "fit_prior",
        "flatlines",
        "handle_missing",
        "peak_errors",
        "revive_dead_units",
        "verbose",
        "warm_start",
    }
)


def nearest_parameter(unknown: list[str], listed: list[str], own: dict[str, str]) -> str:
    """`` (did you mean latent_dim?)`` for a typo of a name ``--param`` takes (``listed``),
    or of one the command sets with an option of its own (``own``: then that option): the
    list after it is long."""
    import difflib

    names = [*listed, *own]
    near = [difflib.get_close_matches(name, names, n=1, cutoff=0.75) for name in unknown]
    meant = [own.get(found[0], found[0]) for found in near if found]
    return f" (did you mean {', '.join(meant)}?)" if meant else ""
