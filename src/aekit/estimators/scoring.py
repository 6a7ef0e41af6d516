"""A scorer for models fitted on partly labelled data: accuracy on the rows that carry a label.

``cross_val_score`` and ``GridSearchCV`` hand a scorer each test fold's y as given, unlabelled
rows included; those rows say nothing of the predictions, so they are left out by the same rule
that left them out of ``fit`` (:func:`aekit.data.validation.unlabelled_rows`: -1 or "-1", a
missing value such as NaN, empty text). ``y != -1`` alone keeps NaN-marked rows and counts each
as an error (0.093 where the accuracy on the labelled rows is 0.28, on the digits).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples

from aekit.data.validation import as_labels, encode_labels, unlabelled_rows, unseen_labels
from aekit.warning_lines import caller_level


def labelled_accuracy(estimator: Any, X: Any, y: Any) -> float:
    """Accuracy of ``estimator.predict`` on the rows of X that ``y`` labels.

    A ``scoring`` callable (``scoring=labelled_accuracy``) for a :class:`aekit.ConditionalVAE`
    fitted on partly labelled data. NaN for a fold without a labelled row.

    Parameters
    ----------
    estimator : fitted estimator with ``predict``
    X : array-like or DataFrame of shape (n_samples, ...)
    y : array-like of shape (n_samples,)
        Labels; -1, "-1", missing values and empty text mark unlabelled rows.

    Returns
    -------
    accuracy : float

    Raises
    ------
    ValueError
        For a y of another length than X's rows.

    Warns
    ------
    UserWarning
        For labels the estimator never saw in fit, each counted as a wrong prediction, as
        scikit-learn's accuracy counts them: a cross-validation fold whose training part labels
        no row of a class has them, and so has a typo (fix y then).
    """
    # one label a row: a short y scored its rows against the first X rows, silently
    labels = as_labels(y, _num_samples(X), missing=True)
    keep = np.flatnonzero(~unlabelled_rows(labels))
    if len(keep) == 0:
        return float("nan")
    given = np.asarray(labels[keep], dtype=object)
    classes = getattr(estimator, "classes_", None)
    if classes is not None:  # each label as the class it names (7 for '7')
        classes = np.asarray(classes)
        unseen = unseen_labels(given_as := np.asarray(labels[keep]), classes)
        if unseen.any():  # a wrong prediction whatever the model says; never silently
            warn_unseen_labels(given_as[unseen], classes)
        given = np.full(len(keep), None, dtype=object)  # None: no prediction matches it
        given[~unseen] = classes.astype(object)[encode_labels(given_as[~unseen], classes)]
    predicted = np.asarray(estimator.predict(_safe_indexing(X, keep)))
    return float(np.mean(predicted.astype(object) == given))


def warn_unseen_labels(labels: np.ndarray, classes: np.ndarray) -> None:
    """Say that the labels ``labels`` (none of ``classes``) each count as a wrong prediction;
    called by a scorer, so the warning names the scorer's caller."""
    unknown = sorted(set(labels.tolist()), key=str)
    warnings.warn(
        f"y holds labels the model never saw in fit: {unknown[:10]} ({len(labels)} "
        f"row{'s' if len(labels) > 1 else ''}), each counted as a wrong prediction (known "
        f"labels: {classes.tolist()[:20]}). A fold whose training part labels no row of a class "
        "does this: give each class more labelled rows, or fewer folds; a typo: fix y.",
        UserWarning,
        stacklevel=caller_level(),
    )
