"""Which figures of ``aekit evaluate`` DATA's labels give: a detector's and a plain
autoencoder's ROC-AUC and PR-AUC (its reconstruction error the anomaly score), none of a VAE's
(whose label options are said to change nothing)."""

from __future__ import annotations

import inspect
import warnings

from aekit.cli.common import a_kind


def is_detector(estimator) -> bool:
    """A detector's score takes no label: DATA's labels, if any, are the truth it is judged
    by (its ROC-AUC), where an autoencoder's score takes y (a ConditionalVAE's conditions)."""
    return "y" not in inspect.signature(estimator.score_samples).parameters


def ranks_by_error(estimator) -> bool:
    """Whether an autoencoder's score is its reconstruction error (a deterministic model
    without labels of its own), the anomaly score DATA's labels judge as a detector's: a VAE's
    score is its ELBO, a ConditionalVAE's labels are its conditions, no anomalies."""
    return (
        hasattr(estimator, "reconstruction_error")
        and not hasattr(estimator, "log_likelihood")
        and getattr(estimator, "classes_", None) is None
    )


def warn_of_unused_label_options(estimator, typed: dict[str, object]) -> None:
    """Say the label options typed (``typed``: option -> value, None when not given) that
    change no figure of this run, rather than ignore them unsaid: every one where the figures
    take no labels, and a normal label for a ConditionalVAE (whose labels are no anomalies)."""
    if is_detector(estimator) or ranks_by_error(estimator):
        return
    conditional = getattr(estimator, "classes_", None) is not None  # scored given its labels
    unused = [
        option
        for option, value in typed.items()
        if value is not None and not (conditional and option != "--normal-label")
    ]
    if not unused:
        return
    taken = "no normal label" if conditional else "no labels"
    warnings.warn(
        f"{' and '.join(unused)} change{'s' if len(unused) == 1 else ''} nothing for this run: "
        f"{a_kind(estimator)}'s figures take {taken} (labels give a detector run, 'aekit "
        "detect', or a plain autoencoder run, --model ae, their ROC-AUC and PR-AUC).",
        stacklevel=2,
    )
