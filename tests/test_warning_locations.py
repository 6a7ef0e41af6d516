"""A warning of aekit's names the user's line, not one inside aekit: a fit wrapped by
distributed.warns_on_rank_zero said 'aekit/core/distributed.py:99: latent_dim=1 is not
smaller...', and the threshold's tail warning named aekit/anomaly/thresholds.py."""

import warnings

import numpy as np
import pytest
from conftest import CPU
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import aekit

X = np.random.default_rng(0).random((40, 3))


@pytest.mark.parametrize(
    "fit, said",
    [
        (lambda: aekit.Autoencoder(**{**CPU, "latent_dim": 3}).fit(X), "is not smaller"),
        (lambda: aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X[:5]), "only 1 of 5"),
        (
            lambda: make_pipeline(StandardScaler(), aekit.Compressor(max_iter=1)).fit(X[:8]),
            "the network has not learned",
        ),
    ],
)
def test_a_warning_names_the_callers_line(fit, said):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    ours = [w for w in caught if said in str(w.message)]
    assert ours, [str(w.message) for w in caught]
    assert {w.filename for w in ours} == {__file__}


def test_a_file_readers_warning_names_the_callers_line(tmp_path):
    # open_dataset of a CSV written with its pandas index named aekit/data/lazy.py
    import pandas as pd

    pd.DataFrame(X, columns=list("abc")).to_csv(tmp_path / "idx.csv")  # index=True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aekit.open_dataset(tmp_path / "idx.csv")
    ours = [w for w in caught if "a pandas index written with the data" in str(w.message)]
    assert ours and {w.filename for w in ours} == {__file__}, [str(w.message) for w in caught]
