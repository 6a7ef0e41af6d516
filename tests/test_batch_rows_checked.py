""":func:`aekit.iter_outputs` and :func:`aekit.write_outputs` refuse a ``batch_rows`` that is
not a count at the call, before anything is read or written: 0 was silently the default, a
negative count gave no chunk (no output at all; "X has no rows." from write_outputs), and 2.5
a raw TypeError from ``range``."""

import numpy as np
import pytest

import aekit

SMALL = {"max_iter": 2, "hidden_layer_sizes": (8,), "latent_dim": 2, "random_state": 0}


@pytest.fixture(scope="module")
def fitted():
    X = np.random.default_rng(0).normal(size=(40, 5)).astype(np.float32)
    return X, aekit.Autoencoder(**SMALL).fit(X)


BAD = [0, -5, 2.5, True, np.float64(3.0)]


@pytest.mark.parametrize("batch_rows", BAD)
def test_iter_outputs_refuses_a_bad_batch_rows_at_the_call(fitted, batch_rows):
    X, model = fitted
    with pytest.raises(ValueError, match=r"batch_rows=.* at least 1 \(or None"):
        aekit.iter_outputs(model, X, batch_rows=batch_rows)  # not iterated: refused at the call


@pytest.mark.parametrize("batch_rows", BAD)
def test_write_outputs_refuses_a_bad_batch_rows_and_writes_nothing(fitted, batch_rows, tmp_path):
    X, model = fitted
    with pytest.raises(ValueError, match=r"batch_rows=.* at least 1 \(or None"):
        aekit.write_outputs(model, X, tmp_path / "scores.npy", batch_rows=batch_rows)
    assert list(tmp_path.iterdir()) == []


def test_a_good_batch_rows_chunks_the_rows(fitted):
    X, model = fitted
    chunks = list(aekit.iter_outputs(model, X, batch_rows=np.int64(15)))
    assert [len(c) for c in chunks] == [15, 15, 10]
    assert np.allclose(np.concatenate(chunks), model.score_samples(X))
