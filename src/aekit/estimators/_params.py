"""The parameter table: shared parameters live here once; each kind lists only its own.

scikit-learn reads an estimator's parameters from the signature of its ``__init__``. Rather than
repeat twenty keyword arguments in six classes, :func:`make_init` builds an ``__init__`` that
stores each parameter under its own name (and does nothing else, as scikit-learn requires) and
carries a real signature, so ``help()``, ``get_params`` and ``clone`` see ordinary keyword
arguments.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

# Names follow scikit-learn's MLPRegressor where it has one.
SHARED_PARAMS: dict[str, Any] = {
    "latent_dim": 8,
    "hidden_layer_sizes": None,
    "architecture": "mlp",
    "image_shape": None,
    "activation": "relu",
    "likelihood": "auto",
    "categorical_groups": None,
    "max_iter": 100,
    "batch_size": "auto",
    "learning_rate_init": 1e-3,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "n_iter_no_change": 10,
    "tol": 1e-4,
    "checkpoint_dir": None,
    "random_state": None,
    "device": "auto",
    "verbose": False,
}

SHARED_DOC = """\
    latent_dim : int, default=8
        Size of the code (the bottleneck). Larger than the number of features makes the model
        overcomplete.
    hidden_layer_sizes : tuple of int, default=None
        Widths of the encoder's hidden layers (the decoder mirrors them); for
        ``architecture="conv"``, the channels of its stride-2 convolutions. None means
        ``(256, 128)`` for ``"mlp"`` and ``(32, 64)`` for ``"conv"``.
    architecture : {"mlp", "conv"}, default="mlp"
        Dense networks for vectors, or convolutional ones for images.
    image_shape : tuple (C, H, W), default=None
        Image shape for ``architecture="conv"`` when X is 2-D; taken from X when X is 4-D.
    activation : {"relu", "tanh", "logistic", "elu", "gelu", "silu", "leaky_relu"}, \
default="relu"
        Hidden-layer activation.
    likelihood : {"auto", "bernoulli", "gaussian"}, default="auto"
        Reconstruction likelihood. ``"auto"``: Bernoulli (binary cross-entropy on logits) when
        all of X lies in [0, 1], else Gaussian on standardized features with a linear output.
    categorical_groups : tuple of (int, int), default=None
        ``(start, stop)`` column ranges of X that each hold the one-hot code of a categorical
        feature (``aekit.data.tabular.TabularEncoder().fit(df).categorical_groups_`` gives them).
        Each group gets a softmax cross-entropy likelihood and is not standardized; the
        reconstruction of a group is its categories' probabilities. ``architecture="mlp"`` only.
    max_iter : int, default=100
        Maximum number of epochs.
    batch_size : int or "auto", default="auto"
        Rows per gradient step; ``"auto"`` is ``min(200, n_samples)``.
    learning_rate_init : float, default=1e-3
        Adam's learning rate.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows, stop when the validation loss stalls and
        keep the best weights. Otherwise training stops when the training loss stalls.
    validation_fraction : float, default=0.1
        Fraction of rows held out when ``early_stopping``.
    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping.
    tol : float, default=1e-4
        Smallest loss improvement (nats per row) that counts.
    checkpoint_dir : str or path, default=None
        Write ``checkpoint.safetensors`` there after every epoch; a later ``fit`` with the same
        folder, parameters and data resumes from it.
    random_state : int, RandomState or None, default=None
        Seeds the weights, the shuffling and all noise, inside ``fit``; no global seeding.
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where to train; ``"auto"`` takes a GPU when PyTorch sees one.
    verbose : bool, default=False
        Show a progress bar with the epoch, losses and time left.
"""


def make_init(defaults: dict[str, Any]) -> Callable[..., None]:
    """An ``__init__`` taking exactly the keyword arguments in ``defaults``."""

    def __init__(self, **params: Any) -> None:
        unknown = sorted(set(params) - set(defaults))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unexpected parameter(s) {unknown}; "
                f"valid parameters are {sorted(defaults)}."
            )
        for name, default in defaults.items():
            setattr(self, name, params.get(name, default))

    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    __init__.__signature__ = inspect.Signature(
        [self_param]
        + [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
            for name, default in defaults.items()
        ]
    )
    return __init__


def is_int(value: Any, minimum: int) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= minimum


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def shared_param_checks(est: Any) -> dict[str, bool]:
    """Validity of each shared parameter."""
    hidden = est.hidden_layer_sizes
    return {
        "latent_dim": is_int(est.latent_dim, 1),
        "hidden_layer_sizes": hidden is None
        or (isinstance(hidden, (tuple, list)) and all(is_int(h, 1) for h in hidden)),
        "architecture": est.architecture in ("mlp", "conv"),
        "categorical_groups": est.categorical_groups is None
        or (
            isinstance(est.categorical_groups, (tuple, list))
            and all(
                isinstance(g, (tuple, list))
                and len(g) == 2
                and is_int(g[0], 0)
                and is_int(g[1], 2)
                and g[1] - g[0] >= 2
                for g in est.categorical_groups
            )
        ),
        "max_iter": is_int(est.max_iter, 1),
        "batch_size": est.batch_size == "auto" or is_int(est.batch_size, 1),
        "learning_rate_init": is_number(est.learning_rate_init) and est.learning_rate_init > 0,
        "validation_fraction": is_number(est.validation_fraction)
        and 0 < est.validation_fraction < 1,
        "n_iter_no_change": is_int(est.n_iter_no_change, 1),
        "tol": is_number(est.tol),
    }


def raise_for_invalid(estimator: Any, checks: dict[str, bool]) -> None:
    """Raise one ValueError naming every parameter whose check failed."""
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        name = type(estimator).__name__
        values = "; ".join(f"{param}={getattr(estimator, param)!r}" for param in bad)
        raise ValueError(
            f"invalid parameter(s) of {name}: {values}. See help(aekit.{name}) for the valid "
            "values."
        )
