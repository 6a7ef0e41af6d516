"""The autoencoder a fine-tuner starts from: the one it was given if fitted, else one it fits
(on X and ``X_unlabeled``), checked against the rows it will fine-tune on."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from aekit.data.validation import as_numeric_array
from aekit.estimators import Autoencoder
from aekit.estimators.persistence import changed_since_fit, describe_changes
from aekit.warning_lines import caller_level


def pretrained_autoencoder(
    tuner: Any, rows: np.ndarray, X_unlabeled: Any, seed: int, pretrained: bool
) -> Any:
    """A fine-tuner's fitted autoencoder: its ``autoencoder`` if fitted, else a copy of it (or
    a default :class:`aekit.Autoencoder`) fitted on the rows of X and ``X_unlabeled``. With
    ``init="random"`` an unfitted one is only built (one epoch on the rows of X), to give the
    network its shape, its input scaling and its likelihood: its weights are drawn afresh.
    (Built on the first two rows, it scaled columns of standard deviations 0.94 / 9.6 / 97 by
    0.12 / 7.2 / 15, and took rows of about 5,000 for pixels when those two lay in [0, 1].)"""
    given = tuner.autoencoder
    if given is not None and is_fitted(given):
        if X_unlabeled is not None:
            warnings.warn(
                "X_unlabeled is only used to fit an unfitted autoencoder, and the given one "
                "is fitted: it is ignored. Pass an unfitted autoencoder to pretrain on it.",
                UserWarning,
                stacklevel=caller_level(),  # the user's call of fit
            )
        return given
    if given is None:
        ae = Autoencoder(device=tuner.device, verbose=tuner.verbose)
    else:
        ae = clone(given)
    if ae.get_params().get("random_state", 0) is None:
        ae.set_params(random_state=seed)  # the fine-tuner's seed makes the whole fit repeat
    if not pretrained:
        with warnings.catch_warnings():  # its weights are drawn afresh: what it learned is moot
            warnings.simplefilter("ignore", ConvergenceWarning)
            return ae.set_params(max_iter=1, early_stopping=False, verbose=False).fit(rows)
    if tuner.checkpoint_dir is not None and ae.get_params().get("checkpoint_dir", 0) is None:
        ae.set_params(checkpoint_dir=Path(tuner.checkpoint_dir) / "autoencoder")
    if X_unlabeled is not None:
        rows = _stacked(rows, X_unlabeled)
    return ae.fit(rows)


def check_pretrained(ae: Any, n_features: int) -> None:
    """``ValueError`` unless ``ae`` can be fine-tuned on rows of ``n_features``: unchanged since
    its fit, of that width, and unconditional."""
    changed = changed_since_fit(ae)
    if changed:  # its network was built with the old ones (a raw torch size error followed)
        raise ValueError(
            f"the autoencoder's parameters were changed after it was fitted: "
            f"{describe_changes(changed)}. Refit it with them, or pass an unfitted "
            "autoencoder to pretrain on X."
        )
    width = int(np.prod(ae.input_shape()))
    if width != n_features:
        raise ValueError(
            f"X has {n_features} features but the autoencoder takes {width} "
            f"(input shape {ae.input_shape()}); pass rows like those it was fitted on, or "
            "an unfitted autoencoder to fit on X."
        )
    refuse_conditional(ae)


def refuse_conditional(ae: Any) -> None:
    """``ValueError`` for a conditional autoencoder (a ConditionalVAE), fitted or not: it
    encodes rows given their labels. Unfitted, it was pretrained first and failed there asking
    for the y the user had given the fine-tuner ("call fit(X, y)")."""
    from sklearn.utils import get_tags

    # a duck-typed autoencoder (fit and encoder_module, no BaseEstimator) has no tags: sklearn
    # raises AttributeError for it, where the fine-tuner took it before
    required = hasattr(ae, "__sklearn_tags__") and get_tags(ae).target_tags.required
    if getattr(ae, "classes_", None) is not None or required:
        raise ValueError(
            f"a {type(ae).__name__} encodes rows given their labels, which are what this "
            "estimator predicts; pretrain an unconditional autoencoder (e.g. aekit.VAE)."
        )


def is_fitted(estimator: Any) -> bool:
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _stacked(rows: np.ndarray, X_unlabeled: Any) -> np.ndarray:
    """The labelled rows and the unlabelled ones in one array, shaped as X's rows."""
    more = as_numeric_array(X_unlabeled, name="X_unlabeled", fitting=True)
    if more.shape[1:] != rows.shape[1:]:
        raise ValueError(
            f"X_unlabeled has rows of shape {more.shape[1:]} but X has {rows.shape[1:]}; both "
            "are rows of the same data."
        )
    return np.concatenate([rows, more])
