"""How :class:`aekit.ConditionalVAE` reads labels: those of ``fit`` (``-1`` or a missing value
marking an unlabelled row, for the M2 model of Kingma et al. 2014); elsewhere one label for every
row or one per row, predicted when y is None, drawn for sampling, or summed out of a density.

These are the :class:`aekit.estimators._labels.LabelHooks` a conditional model overrides; the
public methods of :class:`aekit.estimators.BaseAutoencoder` and its variational kinds call them
with whatever ``y`` they were given.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from numbers import Number
from typing import Any

import numpy as np
import torch
from scipy.special import logsumexp
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.multiclass import type_of_target

from aekit.core.semisupervised import UNLABELLED
from aekit.data.column_checks import MISSING_MARKERS
from aekit.data.validation import (
    MissingLabelsError,
    as_labels,
    encode_labels,
    fit_labels,
    unlabelled_rows,
)
from aekit.warning_lines import caller_level

DEFAULT_CLASSIFIER_WEIGHT = 1.0  # ConditionalVAE's; another value set for no classifier: said


class ConditionalLabels:
    """Mixin of :class:`aekit.ConditionalVAE`, ahead of its base in the MRO."""

    def _fit_labels(self, y: Any, n_samples: int) -> torch.Tensor:
        """``classes_`` from the labelled rows, at least 2; unlabelled rows
        (:func:`aekit.data.validation.unlabelled_rows`: -1 or "-1", a missing label, empty
        text) get the index -1."""
        labels, unlabelled = _training_labels(y, n_samples)
        if unlabelled.any() and self.classifier is False:
            raise ValueError(
                f"y marks {int(unlabelled.sum())} rows unlabelled (-1 or missing), which needs "
                "the classifier q(y|x): use classifier='auto' or True, or drop those rows."
            )
        labelled = _discrete(labels[~unlabelled])
        if unlabelled.any() and labelled.dtype.kind == "f" and np.all(labelled % 1 == 0):
            # whole numbers made floats by the NaN marking rows unlabelled (a CSV's blank label
            # cells): the classes are the integers (7, not 7.0, predicted and sampled)
            labelled = labelled.astype(np.int64)
        classes, index = fit_labels(labelled)
        if len(classes) < 2:  # one input per class: with one, y says nothing and predict is fixed
            raise ValueError(
                f"y has 1 labelled class only ({classes.tolist()[0]!r}; -1, missing values and "
                "empty text mark unlabelled rows); a ConditionalVAE needs at least 2. Label rows "
                "of another class, or fit a VariationalAutoencoder to rows of one class."
            )
        self.semi_supervised_ = self.classifier is True or bool(unlabelled.any())
        if not self.semi_supervised_ and self.classifier_weight != DEFAULT_CLASSIFIER_WEIGHT:
            warnings.warn(
                f"classifier_weight={self.classifier_weight!r} has no effect: every row of y is "
                "labelled, so classifier='auto' trains no classifier q(y|x); use "
                "classifier=True to train one, or drop classifier_weight.",
                UserWarning,
                stacklevel=caller_level(),
            )
        _warn_of_identifier_labels(len(classes), len(labelled))
        self.classes_ = classes
        self.class_counts_ = np.bincount(index, minlength=len(classes))
        _warn_of_missing_label_text(classes, self.class_counts_)
        self._fit_class_prior()
        full = np.full(n_samples, UNLABELLED, dtype=np.int64)
        full[~unlabelled] = index
        return torch.from_numpy(full)

    def _continued_labels(self, y: Any, n_samples: int) -> torch.Tensor:
        """A warm_start fit's labels: indices in the first fit's ``classes_`` (a label it did not
        see is an error naming it); unlabelled rows only where that fit made the classifier."""
        labels, unlabelled = _training_labels(y, n_samples)
        if unlabelled.any() and not self.semi_supervised_:
            raise ValueError(
                f"y marks {int(unlabelled.sum())} rows unlabelled (-1 or missing), but this "
                "ConditionalVAE was fitted on labelled rows only and has no classifier q(y|x) "
                "to learn from them. Drop those rows, or set warm_start=False to fit a new model "
                "on all of them."
            )
        full = np.full(n_samples, UNLABELLED, dtype=np.int64)
        full[~unlabelled] = encode_labels(_discrete(labels[~unlabelled]), self.classes_)
        self.class_counts_ = np.bincount(full[~unlabelled], minlength=len(self.classes_))
        # class_prior_ stays the first fit's: the network's objective, which goes on training,
        # holds it (refitted here, predict and the scores would use another prior than training)
        return torch.from_numpy(full)

    def _fit_class_prior(self) -> None:
        """``class_prior_``, the label prior p(y): with ``fit_prior`` the labelled rows' shares
        of ``classes_``, each count plus one (Laplace's rule: two labelled rows of a class do
        not weigh as a measured share), else uniform."""
        counts = self.class_counts_ + 1.0 if self.fit_prior else np.ones(len(self.classes_))
        self.class_prior_ = counts / counts.sum()

    def _labels(self, y: Any, n_samples: int) -> torch.Tensor:
        return torch.from_numpy(encode_labels(as_labels(y, n_samples, one=True), self.classes_))

    def _unlabelled_in(self, y: Any, n_samples: int) -> tuple[np.ndarray, np.ndarray] | None:
        """``(labels, gone)``: a given ``y`` as one label per row (objects, to take others)
        and the rows it marks unlabelled (-1, a missing label, empty text: as ``fit`` reads
        them); None when every row has a label (or one label stands for all). One marker
        (``y=-1``) marks every row, as an array of them does."""
        if y is None:
            return None
        if np.ndim(y) == 0:
            y = np.full(n_samples, y, dtype=object)
        labels = as_labels(y, n_samples, one=True, missing=True)
        gone = unlabelled_rows(labels)
        return (labels.astype(object), gone) if gone.any() else None

    def _labels_or_predicted(self, X: Any, y: Any) -> Any:
        """``y``, its unlabelled rows (a semi-supervised fit's own y) given predicted labels;
        every row's predicted label without ``y``."""
        if y is None:
            return self.predict(X)
        marked = self._unlabelled_in(y, len(X))
        if marked is None:
            return y
        labels, gone = marked
        labels[gone] = np.asarray(self.predict(X), dtype=object)[gone]
        return labels

    def _broadcast_labels(
        self, y: Any, n: int, one: bool = False, rows: str | None = None
    ) -> np.ndarray:
        if one and np.ndim(y) != 0:  # also None
            error = MissingLabelsError if y is None else ValueError
            raise error("ConditionalVAE.interpolate needs y: one label for the path.")
        if y is None:
            raise MissingLabelsError(
                "ConditionalVAE needs labels y here: one label or one per row."
            )
        labels = as_labels(y, n, one=True, rows=rows)
        marked = unlabelled_rows(labels)
        if marked.any():  # fit's mark of an unlabelled row: nothing to decode under
            raise ValueError(
                f"y marks {int(marked.sum())} rows unlabelled (-1 or empty), first at row "
                f"{int(np.argmax(marked))}; decoding needs a label for every row, one of "
                f"{self.classes_.tolist()[:10]}."
            )
        return labels

    def _sampling_labels(
        self, y: Any, n: int, rng: np.random.RandomState, label_prior: str = "uniform"
    ) -> np.ndarray:
        if y is None and label_prior == "fitted":  # at the shares of fit's labelled rows
            if self.class_counts_ is None:
                raise ValueError(
                    "label_prior='fitted': this model was saved before aekit kept the counts "
                    "of its classes; fit it again, or give the labels (y)."
                )
            shares = self.class_counts_ / self.class_counts_.sum()
            y = self.classes_[rng.choice(len(self.classes_), size=n, p=shares)]
        elif y is None:  # uniform: as many rows of each class (one more for the first n % k
            # in a random order), shuffled; independent draws left 3 of 10 classes out of 10 rows
            k = len(self.classes_)
            first = rng.permutation(k)
            y = self.classes_[rng.permutation(first[np.arange(n) % k])]
        return self._broadcast_labels(y, n, rows=f"n_samples is {n}")

    # ---- model files: the labels and whether there is a classifier -----------------------------
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        fitted, tree = super()._get_fitted_state()
        if self.classes_.dtype.kind not in "biufUS":
            raise ValueError(
                "only int, float, bool or string labels can be saved; got labels of dtype "
                f"{self.classes_.dtype}."
            )
        fitted["classes_"] = self.classes_
        fitted["classes_dtype"] = self.classes_.dtype.str
        fitted["semi_supervised_"] = self.semi_supervised_
        if self.class_counts_ is not None:
            fitted["class_counts_"] = self.class_counts_.tolist()
        fitted["class_prior_"] = self.class_prior_.tolist()
        return fitted, tree

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        # Before the base builds the network, which has an input per class and, when
        # semi-supervised, the classifier q(y|x).
        self.classes_ = np.asarray(fitted["classes_"], dtype=np.dtype(fitted["classes_dtype"]))
        self.semi_supervised_ = bool(fitted["semi_supervised_"])
        counts = fitted.get("class_counts_")  # (not kept by files saved before it was)
        self.class_counts_ = None if counts is None else np.asarray(counts, dtype=np.int64)
        prior = fitted.get("class_prior_")
        if prior is None:  # a file from before the prior was fitted: it was uniform
            self.fit_prior = False
            prior = np.full(len(self.classes_), 1.0 / len(self.classes_))
        self.class_prior_ = np.asarray(prior, dtype=np.float64)
        super()._set_fitted_state(fitted, tree, device)

    def _over_labels(
        self, score: Callable[[torch.Tensor | None], np.ndarray], y: Any, n_samples: int
    ) -> np.ndarray:
        """Without labels, ``log p(x) = logsumexp_y [log p(x | y) + log p(y)]``, p(y) the
        label prior ``class_prior_``, for a ``score`` that is ``log p(x | y)`` or a bound on it."""
        if y is not None:
            marked = self._unlabelled_in(y, n_samples)
            if marked is None:
                return score(self._labels(y, n_samples))
            # the labelled rows under their label, the unlabelled ones summed out (below)
            labels, gone = marked
            labels[gone] = self.classes_[0]
            return np.where(gone, self._over_labels(score, None, n_samples), score(
                self._labels(labels, n_samples)))  # fmt: skip
        n_classes = len(self.classes_)
        per_class = [score(torch.full((n_samples,), c, dtype=torch.long)) for c in range(n_classes)]
        return logsumexp(np.stack(per_class, axis=1) + np.log(self.class_prior_), axis=1)


def _warn_of_identifier_labels(n_classes: int, n_labelled: int) -> None:
    """Labels nearly one per row (300 classes of 300 rows were taken without a word) are ids
    or measurements, not classes: each class's decoder input then learns from a row or two."""
    if n_classes > 20 and n_classes > n_labelled / 2:
        warnings.warn(
            f"y has {n_classes} classes among {n_labelled} labelled rows, most of them a row "
            "or two each: an identifier or a measurement rather than classes? A ConditionalVAE "
            "learns each class from its rows; give y of a few classes (bin a measurement).",
            UserWarning,
            stacklevel=caller_level(),
        )


# text that marks a missing value in tables (pandas reads some of them as NaN from a CSV, not
# in an array): str(None) and str(np.nan) among them, which np.array(y, dtype=str) writes
MISSING_LABEL_TEXT = MISSING_MARKERS | {"nan", "na", "n/a", "null", "none", "<na>"}


def _warn_of_missing_label_text(classes: np.ndarray, counts: np.ndarray) -> None:
    """A class named like a missing value ('nan', 'None', '?') is trained as a class: say so,
    since the rows it holds were most likely meant unlabelled."""
    marks = [
        (str(c), int(n))
        for c, n in zip(classes, counts)
        if isinstance(c, str) and c.strip().lower() in MISSING_LABEL_TEXT
    ]
    if not marks:
        return
    said = ", ".join(f"{c!r} ({n} rows)" for c, n in marks)
    warnings.warn(
        f"y has the class {said}: text that usually marks a missing label, trained here as a "
        "class. Mark unlabelled rows with None, NaN or -1 (np.array(y, dtype=str) writes None "
        "and NaN as 'None' and 'nan'; a CSV read by aekit: --na-values for such cells).",
        UserWarning,
        stacklevel=caller_level(),
    )


def _training_labels(y: Any, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """``(labels, unlabelled)``: a fit's y as one label per row, and the rows it marks
    unlabelled (-1 or "-1", a missing label, empty text); not all of them may be."""
    _check_label_types(y)
    labels = as_labels(y, n_samples, missing=True)
    unlabelled = unlabelled_rows(labels)
    if unlabelled.all():
        raise ValueError(
            f"y marks all {n_samples} rows unlabelled (-1 or missing): there is nothing to "
            "learn the labels from. Label some rows, or fit a VariationalAutoencoder to "
            "unlabelled data."
        )
    return labels, unlabelled


def _check_label_types(y: Any) -> None:
    """Labels of one kind, as scikit-learn's classifiers take them: numbers and text mixed in a
    list became all text (1 and '1' one class, silently), and a column vector (n, 1) is said
    with scikit-learn's DataConversionWarning."""
    shape = getattr(y, "shape", None)  # not np.ndim: array-likes may refuse numpy functions
    if shape is None and isinstance(y, (list, tuple)):
        shape = np.shape(np.asarray(y, dtype=object))
    if shape is not None and len(shape) == 2 and shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please change the "
            "shape of y to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=caller_level(),
        )
    if isinstance(y, (list, tuple)) or getattr(getattr(y, "dtype", None), "kind", "") == "O":
        values = np.ravel(np.asarray(y, dtype=object))
        # -1, a missing label and empty text mark unlabelled rows beside labels of either type
        labelled = values[~unlabelled_rows(values)]
        text = [v for v in labelled if isinstance(v, str)]
        numbers = [v for v in labelled if isinstance(v, Number) and not isinstance(v, bool)]
        if text and numbers:
            raise ValueError(
                f"y mixes numbers and text ({numbers[0]!r} and {text[0]!r}): give every label "
                "as one type (e.g. all text: [str(v) for v in y]); -1 or an empty label marks "
                "an unlabelled row."
            )


def _discrete(labels: np.ndarray) -> np.ndarray:
    """The labelled rows' labels, refused unless they are classes (scikit-learn's
    ``type_of_target``, as its classifiers read y): the model has one input per class, and
    continuous values would make every row its own class."""
    if labels.dtype == object:  # pandas' values (ints of a nullable column): a plain dtype
        labels = np.asarray(labels.tolist())
    kind = type_of_target(labels, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: {kind} (y holds values such as {labels[:2].tolist()}). A "
            "ConditionalVAE is conditioned on classes: pass discrete labels (e.g. bin a "
            "continuous target with np.digitize), and -1 or a missing value for an unlabelled "
            "row."
        )
    return labels
