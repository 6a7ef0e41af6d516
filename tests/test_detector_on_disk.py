"""An AnomalyDetector is the same model whatever holds its rows: a DataFrame or array in
memory, a memory-mapped .npy, a Parquet file or a folder of them (the sample max_samples
draws, the encoding of bool and text columns)."""

import numpy as np
import pandas as pd

import aekit
from aekit.anomaly.inputs import sample_ids, sampled_rows
from aekit.data import lazy

SMALL = {"max_iter": 2, "hidden_layer_sizes": (16,), "latent_dim": 3, "random_state": 0}


def detector(**params):
    member = aekit.Autoencoder(**SMALL)
    return aekit.AnomalyDetector(member, n_estimators=1, random_state=0, **params)


def table(n=400, seed=0):
    """Numbers on very different scales (standardization matters) and a few outlying rows."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6)) * np.array([1, 10, 100, 0.1, 5, 50])
    X[:10] += 8 * X.std(axis=0)  # outliers: statistics of a sample differ from those of all rows
    # float32: what a dataset reads from disk (a float64 column is read as float32)
    return pd.DataFrame(X.astype(np.float32), columns=[f"x{i}" for i in range(6)])


def test_rows_in_memory_in_a_memmap_and_in_parquet_give_one_detector(tmp_path, monkeypatch):
    # Above max_samples the sample is drawn first, the same rows on every path, and the
    # standardization comes from it: a file on disk is never read whole, so in memory the
    # statistics must not come from all rows either.
    monkeypatch.setattr(lazy, "MEMMAP_LAZY_BYTES", 0)  # every memmap is read from disk
    frame = table()
    np.save(tmp_path / "x.npy", frame.to_numpy())
    frame.to_parquet(tmp_path / "x.parquet", row_group_size=64)
    fits = {
        "frame": detector(max_samples=150).fit(frame),
        "array": detector(max_samples=150).fit(frame.to_numpy()),
        "memmap": detector(max_samples=150).fit(np.load(tmp_path / "x.npy", mmap_mode="r")),
        "parquet": detector(max_samples=150).fit(aekit.open_dataset(tmp_path / "x.parquet")),
    }
    expected = fits["frame"].score_samples(frame)
    for name, fitted in fits.items():
        data = frame if name in ("frame", "parquet") else frame.to_numpy()
        assert fitted.threshold_ == fits["frame"].threshold_, name
        np.testing.assert_array_equal(fitted.score_samples(data), expected, err_msg=name)
    # the statistics are the sample's, not every row's
    full = detector(max_samples=None).fit(frame)
    assert fits["frame"].threshold_ != full.threshold_
    # the draw itself: the rows read from the file are the rows drawn in memory
    drawn = sampled_rows(aekit.open_dataset(tmp_path / "x.parquet"), 150, np.random.RandomState(0))
    ids = sample_ids(len(frame), 150, np.random.RandomState(0))
    np.testing.assert_array_equal(drawn.to_numpy(), frame.to_numpy()[ids])
