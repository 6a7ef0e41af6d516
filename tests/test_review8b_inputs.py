"""Input checks from a data scientist's review of the detector (review 8b): sparse input,
feature names, row-number columns, and the wording of column and missing-value messages."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import aekit

A = np.random.RandomState(0).normal(size=(60, 4))


@pytest.mark.parametrize(
    "make",
    [
        lambda: aekit.AnomalyDetector(n_estimators=1, random_state=0),
        lambda: aekit.AutoencoderImputer(max_iter=1),
        lambda: aekit.Compressor(max_iter=1),
        lambda: aekit.TabularEncoder(),
        lambda: aekit.Autoencoder(max_iter=1),
    ],
)
def test_sparse_input_at_fit_is_refused_as_scikit_learn_does(make):
    # before: scipy's "sparse array length is ambiguous" from len(X), for the first three
    with pytest.raises(TypeError, match=r"dense data is required. Use X.toarray\(\)"):
        make().fit(sp.csr_matrix(A))


def test_sparse_input_to_a_fitted_imputer_is_refused():
    imputer = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(A)
    with pytest.raises(TypeError, match=r"dense data is required. Use X.toarray\(\)"):
        imputer.transform(sp.csr_matrix(A))


def test_feature_names_are_checked_as_scikit_learn_checks_them():
    columns = ["a", "b", "c", "d"]
    frame = pd.DataFrame(A, columns=columns)
    on_array = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(A)
    with pytest.warns(UserWarning, match="X has feature names, but AnomalyDetector was fitted"):
        on_array.score_samples(frame[columns[::-1]])  # before: scored silently, columns swapped
    on_frame = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(frame)
    with pytest.warns(UserWarning, match="X does not have valid feature names, but Anomaly"):
        on_frame.score_samples(A)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as fitted, or framed with the model's own x0, x1, ...
        on_frame.score_samples(frame)
        on_array.score_samples(A)
        on_array.explain(pd.DataFrame(A, columns=on_array.encoder_.feature_names_in_))
    imputer = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(A)
    with pytest.warns(UserWarning, match="X has feature names, but AutoencoderImputer was"):
        imputer.transform(frame)
