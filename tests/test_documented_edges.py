"""Public docstrings say what the code does at its edges, checked against the code: the file
names a save refuses, the float rounding a score or a round trip keeps, the errors raised."""

import numpy as np
import pytest

import aekit


def test_hamming_index_save_documents_the_names_it_refuses(tmp_path):
    index = aekit.HammingIndex(np.eye(4, 8, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"not \.bin\. Give a file name ending \.index"):
        index.save(tmp_path / "idx.bin")
    with pytest.raises(ValueError, match="it is a folder"):
        index.save(tmp_path)
    index.save(tmp_path / "idx.index")
    doc = aekit.HammingIndex.save.__doc__
    assert '"codes.index"' in doc and "\n        Raises\n" in doc and "``.bin``" in doc


def test_a_rows_score_alone_or_in_a_batch_is_said_to_agree_up_to_float_rounding():
    X = np.random.default_rng(0).random((60, 8))
    vae = aekit.VAE(latent_dim=2, hidden_layer_sizes=(8,), max_iter=1, random_state=0).fit(X)
    batch = vae.score_samples(X)
    alone = np.array([vae.score_samples(X[i : i + 1])[0] for i in range(len(X))])
    assert np.allclose(alone, batch, rtol=0, atol=1e-10)  # rounding, not exactly equal
    docs = [
        aekit.VAE.__doc__,
        aekit.ConditionalVAE.__doc__,
        aekit.VAE.reconstruction_error.__doc__,
        aekit.VAE.log_likelihood.__doc__,
    ]
    for doc in map(" ".join, map(str.split, docs)):  # words, whatever the line breaks
        assert "float rounding" in doc and "repeats exactly" not in doc


def test_tabular_encoder_is_said_to_give_numbers_back_to_float32s_precision():
    import pandas as pd

    df = pd.DataFrame({"x": [0.1, 0.2, 0.3], "city": ["Oslo", "Rome", "Oslo"]})
    enc = aekit.TabularEncoder().fit(df)
    back = enc.inverse_transform(enc.transform(df))
    assert back["city"].tolist() == df["city"].tolist()  # categories exactly
    assert not back["x"].equals(df["x"])  # 0.1 comes back 0.09999999636
    assert np.allclose(back["x"], df["x"], rtol=0, atol=1e-6 * df["x"].std())
    doc = " ".join(aekit.TabularEncoder.__doc__.split())
    assert "reversibly to float32" in doc and "only where its numbers are exact in float32" in doc
