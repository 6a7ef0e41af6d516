"""Which labels mark an unlabelled row, read once (:func:`aekit.data.validation.unlabelled_rows`):
-1 and missing values, and the text a CSV's label column of names holds for them ("-1", "").
A ConditionalVAE with a single labelled class is refused, as a classifier refuses it."""

import re

import numpy as np
import pandas as pd
import pytest
from conftest import DEVICE

import aekit
from aekit.cli.label_text import blank_cells
from aekit.data.datasets import load_digits
from aekit.data.validation import unlabelled_rows

SMALL = dict(latent_dim=2, max_iter=1, hidden_layer_sizes=(16,), random_state=0, device=DEVICE)


def test_the_rule_on_every_kind_of_label():
    expected = [True, False, True, True, False]
    as_text = np.array(["-1", "3", "", "  ", "cat"])
    assert unlabelled_rows(as_text).tolist() == expected
    assert unlabelled_rows(as_text.astype(object)).tolist() == expected
    assert unlabelled_rows(np.array([-1, 3, None, np.nan, "cat"], dtype=object)).tolist() == (
        expected
    )
    assert unlabelled_rows(np.array([-1.0, 3.0, np.nan, -1, 2])).tolist() == expected
    nullable = pd.Series([-1, 3, None, None, 2], dtype="Int64").to_numpy()
    assert unlabelled_rows(nullable).tolist() == expected
    # "-1.5", "x-1" and True are labels; -1 is no blank cell of a label column (it is a value)
    assert not unlabelled_rows(np.array(["-1.5", "x-1", "1"])).any()
    assert not unlabelled_rows(np.array([True, False])).any()
    assert blank_cells(np.array(["", None, "-1", "a"], dtype=object)).tolist() == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize("mark", ["-1", "", " "])
def test_text_marks_are_unlabelled_rows_as_minus_one_is(mark):
    X, y = load_digits()
    X, y, labelled = X[:200], y[:200], np.arange(200) % 4 == 0
    marked = aekit.ConditionalVAE(**SMALL).fit(X, np.where(labelled, y, -1))
    texts = aekit.ConditionalVAE(**SMALL).fit(X, np.where(labelled, y.astype(str), mark))
    assert texts.classes_.tolist() == [str(c) for c in range(10)]
    assert texts.semi_supervised_
    np.testing.assert_array_equal(texts.predict_proba(X[:50]), marked.predict_proba(X[:50]))


@pytest.mark.parametrize("y", [np.where(np.arange(60) % 3 == 0, 3, -1), np.full(60, "a")])
def test_a_single_labelled_class_is_refused(y):
    X = load_digits()[0][:60]
    with pytest.raises(ValueError, match="1 labelled class only.*needs at least 2"):
        aekit.ConditionalVAE(**SMALL).fit(X, y)


@pytest.mark.parametrize("mark", ["None", "nan", "?", "N/A"])
def test_a_class_named_like_a_missing_label_is_warned_of(mark):
    # np.array(y, dtype=str) wrote None as 'None', and a CSV's '?' cells stayed text: either
    # became a class of most rows without a word, and the fit was not semi-supervised at all
    X, y = load_digits()
    labels = np.where(np.arange(90) % 3 == 0, (y[:90] % 2).astype(str), mark)
    with pytest.warns(UserWarning, match=rf"the class '{re.escape(mark)}' \(60 rows\): text"):
        model = aekit.ConditionalVAE(**SMALL).fit(X[:90], labels)
    assert mark in model.classes_.tolist()
