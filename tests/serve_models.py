"""The models the scoring server's tests serve (test_serve.py, test_serve_limits.py): fixtures
registered by conftest.py (``pytest_plugins``), fitted once per test module that asks."""

import numpy as np
import pandas as pd
import pytest
from conftest import CPU

import aekit


@pytest.fixture(scope="module")
def served_table() -> pd.DataFrame:
    """150 rows of four Gaussian columns a-d, each on its own scale."""
    rng = np.random.RandomState(0)
    return pd.DataFrame(rng.normal(size=(150, 4)) * [1, 2, 3, 4] + 5, columns=list("abcd"))


@pytest.fixture(scope="module")
def served_vae(served_table) -> aekit.VariationalAutoencoder:
    return aekit.VAE(**CPU).fit(served_table)
