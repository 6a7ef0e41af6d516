"""Review 7, finding 7: ``reconstruct`` (and ``denoise``) give back rows shaped as the rows that
went in, whatever shape ``fit`` saw; ``inverse_transform``, which sees only codes, gives rows
shaped as fit's."""

import numpy as np
import pandas as pd
import pytest
from conftest import CPU

import aekit
from aekit.data.datasets import load_digits

X, y = load_digits()
IMAGES = X.reshape(-1, 1, 8, 8)
SERIES = np.random.default_rng(0).normal(size=(60, 30)).astype(np.float32)


@pytest.mark.parametrize(
    "make, fitted_on, rows",
    [  # (the model, the X it is fitted on, the same rows in another shape)
        (lambda: aekit.Autoencoder(architecture="conv", **CPU), IMAGES[:60], X[:60]),
        (
            lambda: aekit.Autoencoder(sequence_shape=(2, 15), **CPU),
            SERIES,
            SERIES.reshape(-1, 2, 15),
        ),
        (lambda: aekit.Autoencoder(**CPU), SERIES.reshape(-1, 2, 15), SERIES),
        (
            lambda: aekit.DenoisingAutoencoder(architecture="conv", image_shape=(1, 8, 8), **CPU),
            X[:60],
            IMAGES[:60],
        ),
    ],
    ids=[
        "conv-images-given-rows",
        "dense-rows-given-sequences",
        "dense-sequences-given-rows",
        "conv-rows-given-images",
    ],  # fmt: skip
)
def test_reconstruct_gives_back_the_shape_that_went_in(make, fitted_on, rows):
    model = make().fit(fitted_on)
    for given in (fitted_on[:3], rows[:3]):
        assert model.reconstruct(given).shape == given.shape
    # The same rows, whatever their shape, are reconstructed the same.
    np.testing.assert_array_equal(
        model.reconstruct(rows[:3]).reshape(3, -1), model.reconstruct(fitted_on[:3]).reshape(3, -1)
    )
    assert model.inverse_transform(model.transform(rows[:3])).shape == fitted_on[:3].shape
    if hasattr(model, "denoise"):
        assert model.denoise(rows[:3]).shape == rows[:3].shape


def test_tables_lists_and_labelled_models_keep_their_rows():
    cvae = aekit.ConditionalVAE(architecture="conv", **CPU).fit(IMAGES[:60], y[:60])
    assert cvae.reconstruct(X[:4], y[:4]).shape == (4, 64)  # flat rows of a conv model
    assert cvae.reconstruct(IMAGES[:4]).shape == (4, 1, 8, 8)  # labels predicted
    ae = aekit.Autoencoder(**CPU).fit(pd.DataFrame(X[:60]))
    assert ae.reconstruct(pd.DataFrame(X[:4])).shape == (4, 64)
    assert ae.reconstruct(X[:4].tolist()).shape == (4, 64)
