"""Data larger than memory in the applications: the hasher, compressor and imputer fit from disk
to the in-memory models, and every command that reads DATA (evaluate, detect, impute, denoise,
index, search, compress...) reads a table or array on disk a chunk at a time."""

import contextlib
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sklearn.base
import torch
from cli_helpers import invoke as run_command
from cli_helpers import ok
from disk_helpers import SMALL, write_parquet

import aekit
from aekit.data import lazy
from aekit.data.datasets import load_digits
from aekit.data.readers import ArrayReader
from aekit.data.tabular import TabularEncoder


def invoke(*args):
    """``aekit ARGS`` in-process, which must succeed."""
    return ok(run_command(*args))


@pytest.fixture(scope="module")
def digits():
    return load_digits()


# --- the applications fit from disk -------------------------------------------------------------


@contextlib.contextmanager
def no_whole_reads_context(encoding: bool = False):
    """Inside it, reading a dataset whole (np.asarray of it) is an error, and so is (with
    ``encoding``) fitting a table's encoding in memory."""

    def read_whole(*args, **kwargs):
        raise AssertionError("the whole file was read")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lazy.Dataset, "__array__", read_whole)
        if encoding:
            patch.setattr(TabularEncoder, "fit", read_whole)
        yield


def same_weights(a, b):
    for p, q in zip(a.model_.parameters(), b.model_.parameters(), strict=True):
        assert torch.equal(p, q)


@pytest.mark.parametrize("kind", ["hasher", "compressor"])
def test_hasher_and_compressor_fit_from_disk_to_the_in_memory_model(
    kind, digits, tmp_path, monkeypatch
):
    from aekit.compression import prior

    X = digits[0]
    np.save(tmp_path / "x.npy", X)
    monkeypatch.setattr(prior, "PRIOR_ROWS", 1000)  # the prior from a sample of rows, read alone
    model = {
        "hasher": aekit.SemanticHasher(n_bits=8, max_iter=2, batch_size=200, random_state=0),
        "compressor": aekit.Compressor(latent_dim=8, max_iter=2, random_state=0),
    }[kind]
    in_memory = sklearn.base.clone(model).fit(X)
    with no_whole_reads_context():
        on_disk = sklearn.base.clone(model).fit(aekit.open_dataset(tmp_path / "x.npy"))
    same_weights(in_memory.autoencoder_, on_disk.autoencoder_)
    if kind == "compressor":
        np.testing.assert_array_equal(in_memory.quantiles_, on_disk.quantiles_)
        assert in_memory.step_ == on_disk.step_
        assert on_disk.decompress(on_disk.compress(X[:5])).shape == (5, 64)


def test_the_imputer_fits_from_disk_to_the_in_memory_imputer(digits, tmp_path, lazy_memmaps):
    X = digits[0].copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    np.save(tmp_path / "x.npy", X)
    params = {"n_estimators": 1, "max_iter": 2, "hidden_layer_sizes": (16,), "random_state": 0}
    in_memory = aekit.AutoencoderImputer(**params).fit(X)
    with no_whole_reads_context(encoding=True):
        memmap = aekit.AutoencoderImputer(**params).fit(np.load(tmp_path / "x.npy", mmap_mode="r"))
    assert memmap.encoder_.mean_ == pytest.approx(in_memory.encoder_.mean_, rel=1e-12)
    np.testing.assert_array_equal(memmap.fill_range_, in_memory.fill_range_)
    same_weights(in_memory.autoencoders_[0], memmap.autoencoders_[0])
    np.testing.assert_array_equal(memmap.transform(X), in_memory.transform(X))
    npy = aekit.AutoencoderImputer(**params).fit(aekit.open_dataset(tmp_path / "x.npy"))
    np.testing.assert_array_equal(npy.transform(X), in_memory.transform(X))
    # A Parquet table: its column names, the rows filled a chunk at a time into a file.
    path = write_parquet(tmp_path / "x.parquet", X)
    with no_whole_reads_context(encoding=True):
        imputer = aekit.AutoencoderImputer(**params).fit(aekit.open_dataset(path))
        imputer.transform(aekit.open_dataset(path), out=tmp_path / "filled.parquet")
    ds = aekit.open_dataset(path)
    filled = pd.read_parquet(tmp_path / "filled.parquet")
    assert list(filled.columns) == ds.columns and not filled.isna().any().any()
    np.testing.assert_array_equal(filled.to_numpy()[~np.isnan(X)], X[~np.isnan(X)])
    # in memory from the dataset: read by its column names, without scikit-learn's "X does
    # not have valid feature names" (it was said); another table's names are refused
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(imputer.transform(ds), filled.to_numpy(np.float32))
    other = write_parquet(tmp_path / "y.parquet", X, names=[f"q{i}" for i in range(64)])
    with pytest.raises(ValueError, match="q0"):
        imputer.transform(aekit.open_dataset(other))


def test_the_imputer_on_parquet_differs_from_memory_by_the_row_group_shuffle(
    digits, tmp_path, monkeypatch
):
    # What the README says: a Parquet fit trains in its row-group order (core.rows), so its
    # fill is another draw's, not the in-memory one's; given the in-memory order it is the same.
    from aekit.core import rows

    X = digits[0].astype(np.float32)  # from disk every value is read as float32
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    path = write_parquet(tmp_path / "x.parquet", X)
    params = {"n_estimators": 1, "max_iter": 2, "hidden_layer_sizes": (16,), "random_state": 0}
    in_memory = aekit.AutoencoderImputer(**params).fit(X).transform(X)

    def fill():
        return aekit.AutoencoderImputer(**params).fit(aekit.open_dataset(path)).transform(X)

    shuffled = fill()
    np.testing.assert_array_equal(fill(), shuffled)  # the same seed, the same fill
    assert not np.array_equal(shuffled, in_memory)
    monkeypatch.setattr(rows, "split_order", lambda X, index: index)  # the rows as drawn
    monkeypatch.setattr(  # and every epoch's order that of rows read in any order
        rows, "epoch_order", lambda X, g: torch.randperm(len(X), generator=g, device=g.device)
    )
    np.testing.assert_array_equal(fill(), in_memory)


# --- evaluate, detect and impute read DATA on disk a chunk at a time ----------------------------

CHUNK = 500  # rows per read in the test below (digits: 1797 rows, so 4 chunks)


@pytest.fixture
def small_reads(monkeypatch):
    """DATA files are read from disk however small, CHUNK rows at a time: a read of more rows,
    of the whole file through np.asarray, or of DATA whole by the commands' loader, fails the
    test."""
    from aekit.cli import common
    from aekit.cli import data as data_module
    from aekit.data import row_stats as stats_module
    from aekit.estimators import streaming

    monkeypatch.setattr(common, "LAZY_BYTES", 0)

    def whole(spec, options):
        raise AssertionError(f"{spec} was read whole")

    monkeypatch.setattr(data_module, "load_data", whole)
    monkeypatch.setattr(streaming, "BATCH_ROWS", CHUNK)
    monkeypatch.setattr(stats_module, "CHUNK_BYTES", CHUNK * 64 * 4)  # digits' 64 float32
    for name in ("_rows", "_take"):
        original = getattr(ArrayReader, name)

        def checked(self, *args, _original=original):
            rows = _original(self, *args)
            assert len(rows) <= CHUNK, f"{len(rows)} rows read at once"
            return rows

        monkeypatch.setattr(ArrayReader, name, checked)
    with no_whole_reads_context():
        yield


def test_evaluate_detect_impute_and_train_hasher_stream_data_on_disk(digits, tmp_path, small_reads):
    import json

    X = digits[0]
    np.save(tmp_path / "x.npy", X)

    vae = aekit.VAE(**SMALL).fit(X)
    vae.save(tmp_path / "vae.safetensors")
    invoke("evaluate", tmp_path / "vae.safetensors", tmp_path / "x.npy", "--n-samples", 3,
           "-o", tmp_path / "e.json")  # fmt: skip
    report = json.loads((tmp_path / "e.json").read_text())
    assert report["rows"] == len(X)
    assert report["mean_score"] == pytest.approx(vae.score_samples(X).mean(), rel=1e-12)
    assert report["nll"] == pytest.approx(-vae.log_likelihood(X, n_samples=3).mean(), rel=1e-12)
    assert report["kl_per_unit"] == pytest.approx(vae.kl_per_unit(X), abs=1e-4)
    assert report["active_units"] == vae.active_units(X)

    invoke("detect", tmp_path / "x.npy", "--out", tmp_path / "det", "--quiet",
           "--param", "n_estimators=1", "--param", f"max_samples={CHUNK}")  # fmt: skip
    detector = aekit.load(tmp_path / "det" / "model.safetensors")
    scores = pd.read_csv(tmp_path / "det" / "scores.csv")["anomaly_score"].to_numpy()
    assert len(scores) == len(X)
    np.testing.assert_allclose(scores, detector.anomaly_score(X), rtol=1e-12)

    invoke("train-hasher", tmp_path / "x.npy", "--bits", 8, "--epochs", 1, "-o",
           tmp_path / "hasher.safetensors", "--quiet")  # fmt: skip
    hasher = aekit.SemanticHasher(n_bits=8, max_iter=1, random_state=0).fit(X)
    same_weights(hasher.autoencoder_, aekit.load(tmp_path / "hasher.safetensors").autoencoder_)

    holes = X.copy()
    holes[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    np.save(tmp_path / "holes.npy", holes)
    params = {"n_estimators": 1, "max_iter": 2, "hidden_layer_sizes": [16]}
    options = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    invoke("impute", tmp_path / "holes.npy", "-o", tmp_path / "f.npy", "--quiet", *options)
    imputer = aekit.AutoencoderImputer(**params, random_state=0).fit(holes)
    filled, observed = np.load(tmp_path / "f.npy"), ~np.isnan(holes)
    np.testing.assert_array_equal(filled[observed], holes[observed])
    # The streaming pass's mean and scale differ from the in-memory ones in the last bits.
    np.testing.assert_allclose(filled, imputer.transform(holes), rtol=1e-5, atol=1e-6)


def test_denoise_index_search_and_compress_stream_data_on_disk(digits, tmp_path, small_reads):
    from aekit.hashing import load_index

    X = digits[0]
    np.save(tmp_path / "x.npy", X)
    rows = X.astype(np.float32)  # as the commands read them, whole (before) or from disk

    dae = aekit.DenoisingAutoencoder(**SMALL).fit(X)
    dae.save(tmp_path / "dae.safetensors")
    invoke("denoise", tmp_path / "dae.safetensors", tmp_path / "x.npy", "-o", tmp_path / "d.npy")
    np.testing.assert_array_equal(np.load(tmp_path / "d.npy"), dae.denoise(rows))
    # --add-noise draws its noise over DATA in memory: above LAZY_BYTES (0 here) it says so.
    noisy = ["denoise", tmp_path / "dae.safetensors", tmp_path / "x.npy", "-o", tmp_path / "n.npy"]
    result = run_command(*noisy, "--add-noise", "gaussian:0.3")
    assert "--add-noise corrupts DATA in memory" in str(result.exception)
    assert not (tmp_path / "n.npy").exists()

    hasher = aekit.SemanticHasher(n_bits=8, max_iter=1, random_state=0).fit(X)
    hasher.save(tmp_path / "hasher.safetensors")
    invoke("index", tmp_path / "hasher.safetensors", tmp_path / "x.npy", "-o", tmp_path / "i")
    built = hasher.index(rows)
    np.testing.assert_array_equal(load_index(tmp_path / "i").packed, built.packed)
    invoke("search", tmp_path / "i", tmp_path / "x.npy", "-k", 3, "-o", tmp_path / "hits.csv")
    hits = pd.read_csv(tmp_path / "hits.csv")
    indices, distances = built.query(rows, 3)
    np.testing.assert_array_equal(hits["query"], np.repeat(np.arange(len(X)), 3))
    np.testing.assert_array_equal(hits["index"], indices.ravel())
    np.testing.assert_array_equal(hits["distance"], distances.ravel())

    compressor = aekit.Compressor(4, hidden_layer_sizes=(16,), max_iter=1, random_state=0)
    compressor.fit(X).save(tmp_path / "c.safetensors")
    invoke("compress", tmp_path / "c.safetensors", tmp_path / "x.npy", "-o", tmp_path / "x.aek")
    assert (tmp_path / "x.aek").read_bytes() == compressor.compress(rows)


def test_an_empty_dataset_is_refused_by_name(tmp_path):
    # It failed deep in the trainer with "range() arg 3 must not be zero".
    path = tmp_path / "empty.parquet"
    pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=float)}).to_parquet(
        path
    )
    with pytest.raises(ValueError, match="empty.parquet has no rows"):
        aekit.Autoencoder(max_iter=1).fit(aekit.open_dataset(path))


def test_runs_apply_to_a_table_with_text_columns_a_chunk_at_a_time(tmp_path, monkeypatch):
    # A table with a text column used to be read whole by score, encode, reconstruct and
    # evaluate (1M rows x 30 numbers + 1 text: 1.27 GB peak for encode, 0.70 GB a chunk at a
    # time). Each chunk is encoded with the run's encoder, as the same rows in memory are.
    import json

    from aekit.cli import data as data_module
    from aekit.cli.tables import encoded, run_encoder
    from aekit.estimators import streaming

    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(1200, 4)), columns=["a", "b", "c", "d"])
    table["city"] = rng.choice(["paris", "rome", "oslo"], len(table))
    table["label"] = np.where(rng.random(len(table)) < 0.1, "bad", "ok")
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path, row_group_size=200)

    invoke("train", path, "--model", "ae", "--label-column", "label", "--out", tmp_path / "ae",
           "--param", "max_iter=2", "--param", "latent_dim=2", "--quiet")  # fmt: skip
    invoke("detect", path, "--label-column", "label", "--normal-label", "ok", "--out",
           tmp_path / "det", "--quiet", "--param", "n_estimators=1")  # fmt: skip

    def whole(spec, options):
        raise AssertionError(f"{spec} was read whole")

    monkeypatch.setattr(data_module, "load_data", whole)
    monkeypatch.setattr(streaming, "BATCH_ROWS", 500)  # 3 chunks
    features = table.drop(columns="label")
    # the numbers as a dataset reads them from disk: float32
    features[["a", "b", "c", "d"]] = features[["a", "b", "c", "d"]].astype(np.float32)

    autoencoder = aekit.load(tmp_path / "ae" / "model.safetensors")
    rows = encoded(run_encoder(tmp_path / "ae"), features)
    invoke("encode", tmp_path / "ae", path, "-o", tmp_path / "codes.parquet")
    codes = pd.read_parquet(tmp_path / "codes.parquet").to_numpy()
    np.testing.assert_allclose(codes, autoencoder.transform(rows), rtol=1e-5, atol=1e-6)
    invoke("reconstruct", tmp_path / "ae", path, "-o", tmp_path / "back.csv")
    assert pd.read_csv(tmp_path / "back.csv")["city"].isin(["paris", "rome", "oslo"]).all()

    detector = aekit.load(tmp_path / "det" / "model.safetensors")
    invoke("score", tmp_path / "det", path, "-o", tmp_path / "s.csv")
    scores = pd.read_csv(tmp_path / "s.csv")["anomaly_score"].to_numpy()
    np.testing.assert_allclose(scores, detector.anomaly_score(features), rtol=1e-5)
    invoke("evaluate", tmp_path / "det", path, "--normal-label", "ok", "-o", tmp_path / "e.json")
    report = json.loads((tmp_path / "e.json").read_text())
    assert report["rows"] == len(table)
    assert report["mean_anomaly_score"] == pytest.approx(scores.mean(), rel=1e-6)


def test_a_parquet_file_with_a_repeated_column_name_is_refused_naming_it(tmp_path):
    # pyarrow writes two columns of one name; reading one by name then failed with pyarrow's
    # KeyError "Column a does not exist in schema" (aekit detect: a traceback)
    from cli_helpers import invoke, refused

    values = pa.array(np.arange(20.0))
    path = tmp_path / "twice.parquet"
    pq.write_table(pa.table([values, values, values], names=["a", "a", "b"]), path)
    said = r"has the column\(s\) \['a'\] more than once"
    with pytest.raises(ValueError, match=said):
        aekit.open_dataset(path)
    with pytest.raises(ValueError, match=said):
        aekit.datasets.load_array(path)
    refused(invoke("detect", path, "--out", tmp_path / "run"), "['a'] more than once")
    assert not (tmp_path / "run").exists()
