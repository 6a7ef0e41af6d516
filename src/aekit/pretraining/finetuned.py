"""Fine-tuning estimators: an autoencoder's encoder, pretrained on rows with or without labels,
plus a new head, trained on the labelled rows (Hinton & Salakhutdinov 2006; Erhan et al. 2010,
"Why does unsupervised pre-training help deep learning?")."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from aekit.data.tensor_input import from_tensor
from aekit.data.validation import (
    UNLABELLED_LABEL,
    as_labels,
    encode_labels,
    fit_labels,
    known_labels,
    reject_unshaped,
    unlabelled_rows,
    unseen_labels,
)
from aekit.estimators.scoring import warn_unseen_labels
from aekit.pretraining._base import BaseFineTuned
from aekit.warning_lines import caller_level

_PARAMETERS = """
    Parameters
    ----------
    autoencoder : aekit autoencoder or None, default=None
        Where the encoder comes from. A fitted one is used as it is (it is not changed); an
        unfitted one is cloned and fitted first on X and ``X_unlabeled``; None fits a default
        :class:`aekit.Autoencoder`. Unconditional kinds only (a VAE's encoder gives its
        posterior mean). ``sklearn.base.clone`` (cross-validation, grid search) keeps a
        fitted one, as a copy with its weights, so every fold fine-tunes the same encoder; an
        unfitted one is cloned unfitted, so every fold pretrains its own on that fold's rows.
    head_layer_sizes : int or 1-D sequence of int, default=()
        Hidden widths of the head on the code (a 1-D sequence; an int: one); () is linear.
    fine_tune : {"all", "head", "gradual"}, default="all"
        Which layers train: all of them (the pretrained ones at ``encoder_lr_factor`` times the
        learning rate), the head only (the encoder frozen), or the head first and then one more
        pretrained layer per epoch from the top (gradual unfreezing, Howard & Ruder 2018).
    init : {"pretrained", "random"}, default="pretrained"
        ``"random"`` draws the encoder's weights afresh: the same network trained from scratch,
        every layer at ``learning_rate_init`` (the control that pretraining must beat).
    encoder_lr_factor : float, default=0.1
        Learning rate of the pretrained layers relative to the head's.
    activation : str, default="relu"
        Activation between the head's layers.
    max_iter : int, default=200
        Training epochs at most.
    min_rows_per_epoch : int, default=2000
        An epoch makes shuffled passes over the labelled rows until it has seen this many, so
        that with few labels (100 rows are one step) ``max_iter`` and ``n_iter_no_change`` still
        count enough steps.
    batch_size : int or "auto", default="auto"
        Rows per step; "auto" is min(200, n_samples) where epochs of at least 1,000 rows
        (``min_rows_per_epoch``, which repeats the rows) give it its steps, else as an
        autoencoder's "auto" takes it (:func:`aekit.estimators.epochs.batch_rows`).
    learning_rate_init : float, default=1e-3
        Adam's learning rate for the head.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the labelled rows, stop when their loss stops
        improving and keep the weights that scored best on them.
    validation_fraction : float, default=0.1
        The fraction of the labelled rows held out at random for early stopping (rounded): it
        must leave at least one row on each side, or ``fit`` says so (``ValueError``). A
        classifier holds them out class by class (stratified), each class keeping at least
        one training row, so a class with few rows is never held out whole.
    n_iter_no_change : int, default=10
        Epochs without an improvement of ``tol`` before stopping.
    tol : float, default=1e-4
        The least decrease of the watched value (the validation loss or error rate, or
        without ``early_stopping`` the training loss) that counts as an improvement.
    early_stopping_metric : {"loss", "accuracy"}, default="loss"
        What early stopping watches on the validation rows (and which weights it keeps): their
        loss, or a classifier's accuracy (as scikit-learn's ``MLPClassifier``). With few
        labels the validation loss is noisy and can rise while the accuracy still improves
        (an overconfident network), stopping too early; a regressor takes "loss" only.
        ``best_loss_`` is then the best validation error rate (1 - accuracy).
    class_weight : dict, "balanced" or None, default=None
        A classifier's weight of each class in its loss, as scikit-learn's: None, every row
        alike; a dict, ``{class: weight}`` (classes left out weigh 1); "balanced",
        ``n_samples / (n_classes * count of the class)``, so that a class of a few labelled
        rows is not drowned by the others (a regressor takes None only).
    checkpoint_dir : str or path, default=None
        An atomic checkpoint after each epoch (and the autoencoder's in ``autoencoder/``, when
        it is fitted here); a later ``fit`` resumes. Needs an int ``random_state``.
    random_state : int, RandomState or None, default=None
        Seeds the head, the split, the shuffles (and an unfitted autoencoder without one).
    device : {"auto", "cpu", "cuda", "cuda:N"} or torch.device, default="auto"
    verbose : bool, default=False
        A progress bar.
"""

_ATTRIBUTES = """
    autoencoder_ : aekit autoencoder
        The fitted autoencoder the encoder came from (before fine-tuning).
    network_ : torch.nn.Module
        The fine-tuned network: ``network_.encoder`` (raw rows -> code) and ``network_.head``.
    n_features_in_ : int
        Number of features seen in fit (C*H*W for images).
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        The training loss per epoch, ``history_["loss"]``.
    history_ : dict of list of float
        ``loss`` (and ``val_loss``) per epoch; a classifier's ``error`` (and ``val_error``)
        too.
    best_loss_ : float
        The best value early stopping saw (validation loss, or error rate).
    batch_size_ : int
        The rows of a gradient step: ``batch_size``, or what ``"auto"`` made of it.
    device_ : str
        Where the network trained: ``device``, or what ``"auto"`` made of it (``"cpu"``,
        ``"cuda:0"``); a model loaded elsewhere keeps it.
"""


class FineTunedClassifier(ClassifierMixin, BaseFineTuned):
    __doc__ = f"""A classifier that fine-tunes a pretrained autoencoder's encoder.

    The encoder (raw rows -> code, the autoencoder's input scaling included) gets a new head
    that outputs one logit per class and the whole network is trained on the labelled rows
    with cross-entropy, by aekit's trainer (early stopping, checkpoints, seeding, devices).
    Pretraining on many unlabelled rows helps most when labels are few.

    Every label of y is a class, -1 too: unlabelled rows go in ``X_unlabeled`` (to pretrain an
    unfitted autoencoder), not in y. As -1 (or the text "-1", or empty text) marks an
    unlabelled row for :class:`aekit.ConditionalVAE`, y holding one beside two or more other
    classes gives a ``UserWarning`` (-1 beside one other class, as in {{-1, 1}}, is a plain
    binary labelling).
    {_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray
        The labels seen in ``fit``, sorted.{_ATTRIBUTES}
    Examples
    --------
    >>> import aekit
    >>> from aekit.data import load_digits
    >>> X, y = load_digits()
    >>> ae = aekit.Autoencoder(latent_dim=16, max_iter=20, random_state=0).fit(X)
    >>> clf = aekit.FineTunedClassifier(ae, random_state=0).fit(X[:200], y[:200])
    >>> clf.predict_proba(X[:3]).shape
    (3, 10)
    """

    _task = "classification"

    def _fit_targets(self, y: np.ndarray) -> torch.Tensor:
        check_classification_targets(y)
        self.classes_, index = fit_labels(y)
        if len(self.classes_) < 2:
            only = self.classes_.tolist()[0]
            raise ValueError(f"y has 1 class only ({only!r}); a classifier needs at least 2.")
        _warn_of_unlabelled_marker(self.classes_)
        return torch.from_numpy(index)

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def _class_weights(self, targets: torch.Tensor) -> torch.Tensor | None:
        """scikit-learn's weights of ``class_weight`` ("balanced": n / (k n_c)); a dict's keys
        matched to ``classes_`` as text too, as a model file's JSON keeps them."""
        if self.class_weight is None:
            return None
        given = self.class_weight
        if isinstance(given, dict):
            by_text = {str(k): v for k, v in given.items()}
            unknown = sorted(set(by_text) - {str(c) for c in self.classes_.tolist()})
            if unknown:
                raise ValueError(
                    f"class_weight names {unknown}, which are not classes of y "
                    f"({self.classes_.tolist()[:10]}); give weights of y's classes."
                )
            given = {c: by_text[str(c)] for c in self.classes_.tolist() if str(c) in by_text}
        classes = self.classes_
        weights = compute_class_weight(given, classes=classes, y=classes[targets.numpy()])
        return torch.as_tensor(weights, dtype=torch.float32)

    def decision_function(self, X: Any) -> np.ndarray:
        """The logits (for 2 classes, the second minus the first).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Rows, as ``fit`` takes them.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes), or (n_samples,) for 2 classes
        """
        check_is_fitted(self)
        logits = self._outputs(X)
        return logits[:, 1] - logits[:, 0] if len(self.classes_) == 2 else logits

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability of each of ``classes_`` for each row (softmax of the logits).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Rows, as ``fit`` takes them.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return softmax(self._outputs(X), axis=1)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Rows, as ``fit`` takes them.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Elements of ``classes_``.
        """
        check_is_fitted(self)
        return self.classes_[self._outputs(X).argmax(axis=1)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy on ``(X, y)``. A label of y never seen in ``fit`` counts as a wrong
        prediction, with a warning naming it, as scikit-learn's accuracy and
        :func:`aekit.estimators.labelled_accuracy` count it (a cross-validation fold whose
        training part has no row of a class failed with a ``ValueError``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Rows, as ``fit`` takes them.
        y : array-like of shape (n_samples,)
            Their true labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the accuracy.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        predicted = self._outputs(X).argmax(axis=1)  # X checked first: len(None) was a TypeError
        reject_unshaped(y, "y", "the true labels of X's rows, one a row")
        y = as_labels(y, len(predicted))  # 7 for the class '7' too, as ConditionalVAE reads it
        y = known_labels(np.asarray(y.tolist()) if y.dtype == object else y, self.classes_)
        unseen = unseen_labels(y, self.classes_)
        if unseen.any():
            warn_unseen_labels(y[unseen], self.classes_)
        truth = np.full(len(y), -1)  # -1: no class index, so no prediction matches it
        truth[~unseen] = encode_labels(y[~unseen], self.classes_)
        return float(accuracy_score(truth, predicted, sample_weight=sample_weight))

    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        fitted, tree = super()._get_fitted_state()
        if self.classes_.dtype.kind not in "biufUS":
            raise ValueError(f"labels of dtype {self.classes_.dtype} cannot be saved.")
        fitted["classes_"] = self.classes_.tolist()
        fitted["classes_dtype"] = self.classes_.dtype.str
        return fitted, tree

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        self.classes_ = np.asarray(fitted["classes_"], dtype=np.dtype(fitted["classes_dtype"]))
        super()._set_fitted_state(fitted, tree, device)


class FineTunedRegressor(RegressorMixin, BaseFineTuned):
    __doc__ = f"""A regressor that fine-tunes a pretrained autoencoder's encoder.

    As :class:`FineTunedClassifier`, with a head that outputs the targets, trained on the mean
    squared error of the standardized targets (predictions come back on y's scale).
    {_PARAMETERS}
    Attributes
    ----------
    n_outputs_ : int
        The number of targets (1 for a y of shape (n_samples,)).
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
        The targets' standardization.{_ATTRIBUTES}
    Examples
    --------
    >>> import aekit
    >>> from aekit.data import load_digits
    >>> X, y = load_digits()
    >>> reg = aekit.FineTunedRegressor(max_iter=5, random_state=0).fit(X[:200], y[:200] / 9)
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    _task = "regression"

    def _checked_target(self, y: Any) -> Any:
        values = np.asarray(y)
        if values.dtype.kind in "USO" and any(isinstance(v, (str, bytes)) for v in values.flat):
            example = str(next(v for v in values.flat if isinstance(v, (str, bytes))))
            raise ValueError(
                f"FineTunedRegressor takes numeric targets; y holds text such as {example!r}. "
                "For labels use aekit.FineTunedClassifier."
            )
        return y

    def _fit_targets(self, y: np.ndarray) -> torch.Tensor:
        values = np.asarray(y, dtype=np.float64)
        n_samples = len(values)
        self.n_outputs_ = 1 if values.ndim == 1 else values.shape[1]
        table = values.reshape(n_samples, -1)
        self.y_mean_ = table.mean(axis=0)
        std = table.std(axis=0)
        self.y_scale_ = np.where(std > 0, std, 1.0)  # a constant target stays as it is
        self._y_1d = values.ndim == 1
        return torch.from_numpy(((table - self.y_mean_) / self.y_scale_).astype(np.float32))

    def _n_outputs(self) -> int:
        return int(self.n_outputs_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # y may be (n_samples, n_targets)
        return tags

    def predict(self, X: Any) -> np.ndarray:
        """The predicted targets, on y's scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Rows, as ``fit`` takes them.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets), as fit's y was
        """
        check_is_fitted(self)
        values = self._outputs(X) * self.y_scale_ + self.y_mean_
        return values[:, 0] if self._y_1d else values

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² of the predictions of X against y (scikit-learn's ``RegressorMixin.score``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, C, H, W)
            Rows, as ``fit`` takes them.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Their true targets (a torch tensor of any float dtype too, as ``fit`` takes it).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
        """
        reject_unshaped(y, "y", "the true targets of X's rows, one a row")  # not r2_score's words
        return super().score(X, from_tensor(y, "y"), sample_weight)

    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        fitted, tree = super()._get_fitted_state()
        fitted.update(y_mean_=self.y_mean_, y_scale_=self.y_scale_, y_1d=self._y_1d)
        return fitted, tree

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        self.y_mean_ = np.asarray(fitted["y_mean_"], dtype=np.float64).reshape(-1)
        self.y_scale_ = np.asarray(fitted["y_scale_"], dtype=np.float64).reshape(-1)
        self.n_outputs_ = len(self.y_mean_)
        self._y_1d = bool(fitted["y_1d"])
        super()._set_fitted_state(fitted, tree, device)


def _warn_of_unlabelled_marker(classes: np.ndarray) -> None:
    """-1 beside two or more other classes looks like the mark of unlabelled rows (that of
    :class:`aekit.ConditionalVAE` and scikit-learn's semi-supervised estimators), which a
    classifier would learn as a class: say so; so do the text "-1" and empty text, the marks
    in a column of names (a CSV's). -1 beside one class ({-1, 1}) is a common binary labelling
    and passes quietly."""
    marks = classes[unlabelled_rows(classes)]
    if not len(marks) or len(classes) < 3:
        return
    mark = repr(str(marks[0])) if isinstance(marks[0], str) else str(UNLABELLED_LABEL)
    warnings.warn(
        f"y holds {mark} beside {len(classes) - 1} other classes: FineTunedClassifier learns "
        f"{mark} as a class. If {mark} marks unlabelled rows (as for aekit.ConditionalVAE), fit "
        "on the labelled rows only, and pass the others as X_unlabeled with an unfitted "
        "autoencoder to pretrain on them.",
        UserWarning,
        stacklevel=caller_level(),
    )
