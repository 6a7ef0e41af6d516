"""The accuracy scorer of semi-supervised cross-validation (README, "Learning from few labels")
leaves out every row fit reads as unlabelled: NaN-marked rows score as -1-marked ones."""

import numpy as np
import pandas as pd
import pytest
from conftest import DEVICE
from sklearn.model_selection import KFold, cross_val_score, cross_validate

import aekit
from aekit.data.datasets import load_digits
from aekit.estimators import labelled_accuracy


class _Predicts:
    def __init__(self, labels):
        self.labels = np.asarray(labels)

    def predict(self, X):
        return self.labels[np.asarray(X)[:, 0].astype(int)]


def test_only_labelled_rows_count():
    X = np.arange(6)[:, None]
    estimator = _Predicts([0, 1, 2, 0, 0, 0])
    # rows 0-2 right, row 3 wrong, rows 4 and 5 unlabelled: 3 of 4
    for y in ([0, 1, 2, 1, -1, -1], [0.0, 1.0, 2.0, 1.0, np.nan, -1.0]):
        assert labelled_accuracy(estimator, X, y) == 0.75
    as_text = np.array(["0", "1", "2", "1", "", "-1"])
    assert labelled_accuracy(_Predicts(["0", "1", "2", "0", "0", "0"]), X, as_text) == 0.75
    assert labelled_accuracy(_Predicts(["0", "1", "2", "0", "0", "0"]), pd.DataFrame(X), as_text)
    assert np.isnan(labelled_accuracy(estimator, X, [-1] * 6))
    # a short y scored the first rows of X silently, a long one failed in indexing
    for wrong in ([0, 1], [0, 1, 2, 1, -1, -1, 0]):
        with pytest.raises(ValueError, match=rf"y has {len(wrong)} labels but X has 6 rows"):
            labelled_accuracy(estimator, X, wrong)


def test_cross_validation_with_nan_marks_scores_as_with_minus_one():
    X, y = load_digits()
    X, y, labelled = X[:300], y[:300], np.arange(300) % 3 == 0
    # 10 epochs, not 20: mean labelled accuracy 0.51-0.55 over seeds 0-2 (0.74-0.80 at 20),
    # the old scorer's a third of it either way
    cvae = aekit.ConditionalVAE(
        latent_dim=4, max_iter=10, hidden_layer_sizes=(64,), random_state=0, device=DEVICE
    )
    folds = KFold(3)
    minus_one = np.where(labelled, y, -1)
    with_nan = pd.Series(np.where(labelled, y, np.nan))
    scores = cross_val_score(cvae, X, minus_one, cv=folds, scoring=labelled_accuracy)

    # the scorer the README gave before counted each NaN-marked row as an error: scored on the
    # same fitted folds as the new one (a third fit of each fold, before)
    def old(est, X, y):
        return np.mean(est.predict(X[y != -1]) == y[y != -1])

    nan_marked = cross_validate(
        cvae, X, with_nan, cv=folds, scoring={"new": labelled_accuracy, "old": old}
    )
    np.testing.assert_array_equal(nan_marked["test_new"], scores)
    assert scores.mean() > 0.2  # chance is 0.1
    assert nan_marked["test_old"].mean() < 0.5 * scores.mean()


def test_labels_of_another_type_are_the_classes_they_write():
    # a model of folder-name classes ('0'..'9') scored 0.0 against integer labels, which every
    # method of it reads as those classes (user audit); a label no class writes (a typo) is
    # counted as wrong, as scikit-learn's accuracy counts it, and said: silently, it lowered the
    # accuracy (review); refused, it failed each cross-validation fold whose training part
    # labelled no row of a class (user review: NaN for the fold)
    X = np.arange(4)[:, None]
    text_model = _Predicts(["0", "1", "7", "0"])
    text_model.classes_ = np.array(["0", "1", "7"])
    assert labelled_accuracy(text_model, X, [0, 1, 7, 1]) == 0.75
    said = r"never saw in fit: \[8\] \(1 row\), each counted as a wrong prediction"
    with pytest.warns(UserWarning, match=said):
        assert labelled_accuracy(text_model, X, [0, 1, 8, 1]) == 0.5
    with pytest.warns(UserWarning, match=r"\['8', 'x'\] \(2 rows\)"):
        assert labelled_accuracy(text_model, X, ["0", "1", "8", "x"]) == 0.5
    assert labelled_accuracy(text_model, X, [0, 1, -1, 1]) == 2 / 3  # unlabelled: left out


def test_a_bool_label_is_no_number_label():
    # sample(5, y=True) drew the class 1: True == 1 to Python (user audit)
    from aekit.data.validation import encode_labels

    with pytest.raises(ValueError, match=r"y holds bools, but the labels seen in fit are \[0, 1"):
        encode_labels(np.array([True, False]), np.arange(3))
    with pytest.raises(ValueError, match="y holds no bools"):
        encode_labels(np.array([1, 0]), np.array([False, True]))
    np.testing.assert_array_equal(encode_labels(np.array([True]), np.array([False, True])), [1])


def test_a_fold_that_never_saw_a_class_scores_instead_of_failing():
    # few digits labelled: a training fold without a labelled 9 failed the fold (NaN,
    # "y contains labels not seen in fit: [9]"); its 9s are now wrong predictions, said
    X, y = load_digits()
    X, y = X[:200], y[:200]
    sparse = np.where(np.arange(200) % 3 == 0, y, -1)
    first = np.arange(200) < 100
    sparse[first & (sparse == 9)] = -1  # the first half labels no 9, the second half does
    assert (sparse[~first] == 9).any()
    cvae = aekit.ConditionalVAE(latent_dim=2, max_iter=2, hidden_layer_sizes=(16,), random_state=0)
    cvae.fit(X[first], sparse[first])
    with pytest.warns(UserWarning, match=r"never saw in fit: \[9\]"):
        score = labelled_accuracy(cvae, X[~first], sparse[~first])
    nines = sparse[~first] == 9
    labelled = sparse[~first] != -1
    right = cvae.predict(X[~first][labelled & ~nines]) == sparse[~first][labelled & ~nines]
    assert score == pytest.approx(right.sum() / labelled.sum())
