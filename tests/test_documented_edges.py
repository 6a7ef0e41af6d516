"""Public docstrings say what the code does at its edges, checked against the code: the file
names a save refuses, the float rounding a score or a round trip keeps, the errors raised."""

import numpy as np
import pytest

import aekit


def words(doc: str) -> str:
    """A docstring's words, whatever its line breaks."""
    return " ".join(doc.split())


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
    for doc in map(words, docs):
        assert "float rounding" in doc and "repeats exactly" not in doc


def test_tabular_encoder_is_said_to_give_numbers_back_to_float32s_precision():
    import pandas as pd

    df = pd.DataFrame({"x": [0.1, 0.2, 0.3], "city": ["Oslo", "Rome", "Oslo"]})
    enc = aekit.TabularEncoder().fit(df)
    back = enc.inverse_transform(enc.transform(df))
    assert back["city"].tolist() == df["city"].tolist()  # categories exactly
    assert not back["x"].equals(df["x"])  # 0.1 comes back 0.09999999636
    assert np.allclose(back["x"], df["x"], rtol=0, atol=1e-6 * df["x"].std())
    doc = words(aekit.TabularEncoder.__doc__)
    assert "reversibly to float32" in doc and "only where its numbers are exact in float32" in doc


def test_sample_return_y_is_said_to_be_for_a_conditional_vae_only():
    vae = aekit.VAE(latent_dim=2, hidden_layer_sizes=(8,), max_iter=1, random_state=0)
    vae.fit(np.random.default_rng(0).random((20, 4)))
    with pytest.raises(ValueError, match="has no labels; a ConditionalVAE's samples have one"):
        vae.sample(2, return_y=True)
    assert "For a :class:`ConditionalVAE` only" in words(aekit.VAE.sample.__doc__)


def test_export_onnx_documents_the_not_fitted_error_of_an_unfitted_table_encoder(tmp_path):
    from sklearn.exceptions import NotFittedError

    pytest.importorskip("onnx")
    X = np.random.default_rng(0).random((20, 2))
    ae = aekit.Autoencoder(latent_dim=1, hidden_layer_sizes=(4,), max_iter=1).fit(X)
    with pytest.raises(NotFittedError):
        aekit.export_onnx(ae, tmp_path / "x", table_encoder=aekit.TabularEncoder())
    with pytest.raises(TypeError, match="table_encoder is a int"):
        aekit.export_onnx(ae, tmp_path / "x", table_encoder=3)
    doc = words(aekit.export_onnx.__doc__)
    assert "NotFittedError For a ``table_encoder`` that is a TabularEncoder not fitted" in doc
    assert "not a fitted TabularEncoder" not in doc
