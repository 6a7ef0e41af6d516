"""A DataFrame whose object columns hold numbers alone is read as numbers, as scikit-learn reads
it (it was refused as "non-numeric", with the advice to one-hot encode every number), and a
column with one text cell among such columns is the only one the refusal names."""

from decimal import Decimal

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
    cells = pd.Series([1, 2.5, None, pd.NA, 4] * 8, dtype=object)
    frame = pd.DataFrame({"a": cells, "b": np.arange(40.0)})
    rows = aekit.AutoencoderImputer(max_iter=2, random_state=0).fit_transform(frame)
    assert np.isfinite(np.asarray(rows, dtype=float)).all()  # read as numbers with gaps
    with pytest.raises(ValueError, match=r"16 NaN\) in 16 of its 40 rows"):  # named, not TypeError
        aekit.Autoencoder(max_iter=1).fit(frame)


def test_a_column_of_decimals_reads_as_numbers():
    frame = pd.DataFrame({"a": [Decimal("1.5"), Decimal("2")] * 5, "b": np.arange(10.0)})
    model = aekit.Autoencoder(max_iter=1, random_state=0).fit(frame)
    assert model.n_features_in_ == 2


def test_an_int_beyond_float64_is_named():
    frame = pd.DataFrame({"a": pd.Series([10**400, 1] * 5, dtype=object), "b": np.arange(10.0)})
    with pytest.raises(ValueError, match="column 'a' holds a number beyond float64's range"):
        aekit.Autoencoder(max_iter=1).fit(frame)


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
