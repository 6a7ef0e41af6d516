"""Issue 20, item 19: the messages of the layers below the command line reach its user with the
command line's fix, not Python advice (the texts are taken from the real errors and warnings)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.cli.errors import for_the_command_line


def message_of(X, **params) -> str:
    with pytest.raises(ValueError) as caught:
        aekit.Autoencoder(max_iter=1, **params).fit(X)
    return for_the_command_line(str(caught.value))


def test_missing_values_point_to_aekit_impute():
    line = message_of(np.array([[1.0, np.nan], [2.0, 3.0]]))
    assert "aekit impute" in line and "sklearn" not in line and line.startswith("DATA ")


def test_text_columns_point_to_the_options():
    line = message_of(pd.DataFrame({"a": [1.0, 2.0], "kind": ["x", "y"]}))
    assert "(kind)" in line and "--label-column" in line and "aekit." not in line


def test_an_overcomplete_code_points_to_the_models():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
        aekit.Autoencoder(latent_dim=4, hidden_layer_sizes=(4,), max_iter=1).fit(X)
    texts = [for_the_command_line(str(w.message)) for w in caught]
    assert any("--model dae, sparse or cae" in t for t in texts), texts
    assert not any("DenoisingAutoencoder" in t for t in texts)
