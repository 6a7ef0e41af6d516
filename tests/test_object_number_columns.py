"""A DataFrame whose object columns hold numbers alone is read as numbers, as scikit-learn reads
it (it was refused as "non-numeric", with the advice to one-hot encode every number), and a
column with one text cell among such columns is the only one the refusal names."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

import aekit

X = load_wine(as_frame=True).data.iloc[:60, :5]


@pytest.fixture(scope="module")
def model():
    return aekit.Autoencoder(latent_dim=2, max_iter=2, random_state=0).fit(X)


def test_object_columns_of_numbers_give_what_the_numbers_give(model):
    as_objects = X.astype(object)
    np.testing.assert_array_equal(model.transform(as_objects), model.transform(X))
    refit = aekit.Autoencoder(latent_dim=2, max_iter=2, random_state=0).fit(as_objects)
    np.testing.assert_allclose(refit.transform(X), model.transform(X), rtol=1e-6)


def test_python_ints_floats_and_missing_values_mixed_in_one_column():
    frame = pd.DataFrame({"a": pd.Series([1, 2.5, None, 4] * 5, dtype=object), "b": range(20)})
    scores = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(frame.dropna())
    assert np.isfinite(scores.anomaly_score(frame.dropna())).all()


def test_one_text_cell_names_its_column_alone(model):
    frame = X.astype(object)
    frame.iloc[3, 1] = "abc"
    with pytest.raises(ValueError) as refused:
        model.transform(frame)
    message = str(refused.value)
    assert message.startswith("X has non-numeric columns: malic_acid. Column 'malic_acid' holds")
    assert "'abc' (row 3" in message


def test_a_column_of_text_is_still_refused_with_the_encoding_advice(model):
    frame = X.copy()
    frame["alcohol"] = "high"
    with pytest.raises(ValueError, match="non-numeric columns: alcohol.*TabularEncoder"):
        model.transform(frame)
