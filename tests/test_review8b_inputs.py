"""Input checks from a data scientist's review of the detector (review 8b): sparse input,
feature names, row-number columns, and the wording of column and missing-value messages."""

import numpy as np
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
