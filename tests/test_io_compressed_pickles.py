"""A pickle written through a compressor (``joblib.dump(..., compress=3)``, gzip, bz2, xz, lzma)
is named as such by ``aekit.load``: it was called "a damaged aekit file" ("header too large"),
where an uncompressed pickle was named (a scikit-learn user's pass)."""

from __future__ import annotations

import warnings

import joblib
import numpy as np
import pytest

import aekit


@pytest.mark.parametrize(
    "compress, name",
    [(3, "zlib"), (("gzip", 3), "gzip"), (("bz2", 3), "bz2"), (("xz", 3), "xz"),
     (("lzma", 3), "lzma")],
)  # fmt: skip
def test_a_compressed_pickle_is_named_not_called_damaged(tmp_path, compress, name):
    X = np.random.default_rng(0).random((40, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: "it has not learned"
        model = aekit.Autoencoder(max_iter=1, random_state=0).fit(X)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path, compress=compress)
    with pytest.raises(ValueError) as refused:
        aekit.load(path)
    said = str(refused.value)
    assert f"is {name}-compressed data (joblib.dump(..., compress=...)" in said, said
    assert "never unpickles" in said and "corrupt" not in said
