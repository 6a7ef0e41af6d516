"""Data larger than memory: memmaps and lazy datasets train and infer batch by batch, to the
results of the same rows in memory; statistics come from one streaming pass; the Parquet shuffle
keeps to a few row groups; damaged files are named where they are damaged."""

import signal
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import torch
from disk_helpers import SMALL, named, write_parquet
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.cli.app import main
from aekit.core.rows import LazyRows, epoch_order
from aekit.data import lazy
from aekit.data.datasets import load_digits
from aekit.data.parquet import ParquetReader
from aekit.data.readers import ArrayReader
from aekit.data.row_stats import row_stats


@pytest.fixture(scope="module")
def digits():
    return load_digits()


# --- fitting from disk ------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [aekit.Autoencoder, aekit.VAE])
def test_a_memmap_fits_to_the_weights_of_the_array_in_memory(cls, digits, tmp_path, lazy_memmaps):
    X = digits[0]
    np.save(tmp_path / "x.npy", X)
    on_disk = np.load(tmp_path / "x.npy", mmap_mode="r")
    a, b = cls(**SMALL).fit(X), cls(**SMALL).fit(on_disk)
    for p, q in zip(a.model_.parameters(), b.model_.parameters(), strict=True):
        assert torch.equal(p.cpu(), q.cpu())  # aekit.load reads onto the CPU
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(on_disk))


def test_gaussian_data_on_disk_standardize_and_split_as_in_memory(tmp_path, lazy_memmaps):
    # A large offset with a small spread: the naive E[x^2] - E[x]^2 would lose the variance.
    X = (np.random.RandomState(0).normal(size=(600, 6)) + 1e4).astype(np.float32)
    np.save(tmp_path / "g.npy", X)
    on_disk = np.load(tmp_path / "g.npy", mmap_mode="r")
    params = {**SMALL, "early_stopping": True}
    a = aekit.DenoisingAutoencoder(**params).fit(X)
    b = aekit.DenoisingAutoencoder(**params).fit(on_disk)
    np.testing.assert_array_equal(a.data_scale_, b.data_scale_)
    np.testing.assert_array_equal(a.data_mean_, b.data_mean_)
    assert a.history_ == b.history_  # the same validation split, noise and batches


def test_sequences_on_disk_fit_as_in_memory(tmp_path, lazy_memmaps):
    # (n, channels, length) on disk: the per-channel statistics come from the streaming pass
    # (channels pooled by Chan's rule) and the conv1d fit equals the in-memory one.
    rng = np.random.RandomState(2)
    steps = np.arange(16)
    X = np.stack(
        [np.sin(steps / 3 + rng.uniform(0, 6, 200)[:, None]), rng.normal(5, 2, (200, 16))], axis=1
    ).astype(np.float32)
    np.save(tmp_path / "s.npy", X)
    on_disk = np.load(tmp_path / "s.npy", mmap_mode="r")
    params = {"architecture": "conv1d", "latent_dim": 3, "max_iter": 2, "random_state": 0}
    a = aekit.Autoencoder(**params).fit(X)
    b = aekit.Autoencoder(**params).fit(on_disk)
    assert b.sequence_shape_ == (2, 16)
    np.testing.assert_allclose(b.data_mean_, a.data_mean_, rtol=1e-6)
    np.testing.assert_allclose(b.data_scale_, a.data_scale_, rtol=1e-6)
    np.testing.assert_allclose(b.transform(X), a.transform(X), atol=1e-5)


def test_streaming_statistics_match_numpy_across_chunks():
    X = (np.random.RandomState(1).normal(size=(1000, 4)) * [1, 1e-3, 10, 0] + 1e5).astype(
        np.float32
    )
    stats = row_stats(ArrayReader(X), chunk=97)  # uneven chunks
    X64 = X.astype(np.float64)
    np.testing.assert_allclose(stats.mean, X64.mean(0), rtol=1e-12)
    np.testing.assert_allclose(stats.m2 / len(X), X64.var(0), rtol=1e-9, atol=1e-12)
    assert stats.scale[3] == 1.0  # a constant column, as StandardScaler has it
    np.testing.assert_array_equal(stats.low, X64.min(0))


def test_a_parquet_dataset_tells_its_shape_and_labels_without_reading_rows(
    digits, tmp_path, monkeypatch
):
    X, y = digits
    path = write_parquet(tmp_path / "d.parquet", X, y)

    def no_reading(self, g):
        raise AssertionError("read a row group")

    monkeypatch.setattr(ParquetReader, "group", no_reading)
    ds = aekit.open_dataset(path, label_column="label")
    assert len(ds) == len(X) and ds.shape == X.shape
    assert ds.columns[:2] == ["p0", "p1"] and ds.dtypes["p0"] == "float32"
    np.testing.assert_array_equal(ds.labels, y)


def test_a_wrong_column_name_is_said_with_the_count_and_the_nearest_names(digits, tmp_path):
    # the list of a wide file's columns was cut at 20 without a word, hiding the one meant
    X, y = digits
    path = write_parquet(tmp_path / "d.parquet", X[:50], y[:50])  # p0..p63 and 'label'
    with pytest.raises(ValueError, match=r"'p19'\] and 45 more; nearest 'lab': \['label'\]\.$"):
        aekit.open_dataset(path, label_column="lab")
    # another case alone: offered, whether or not every name is listed
    with pytest.raises(ValueError, match=r"'p19'\] and 45 more \(did you mean 'label'\?\)\.$"):
        aekit.open_dataset(path, label_column="Label")
    with pytest.raises(ValueError, match=r"columns \['p640'\] are not in .* and 45 more; nearest"):
        aekit.open_dataset(path, columns=["p640", "p1"])


def test_a_label_column_listed_in_columns_stays_the_label(digits, tmp_path):
    # columns=["p0", "p1", "label"] made the label a feature too, and a conditional model's
    # fit then refused it as a text column (user review)
    X, y = digits
    path = write_parquet(tmp_path / "d.parquet", X, y)
    pd.DataFrame(X[:, :2], columns=["p0", "p1"]).assign(label=y).to_csv(
        tmp_path / "d.csv", index=False
    )
    for source in (path, tmp_path / "d.csv"):
        ds = aekit.open_dataset(source, label_column="label", columns=["p0", "p1", "label"])
        assert ds.columns == ["p0", "p1"] and ds.shape == (len(X), 2)
        np.testing.assert_array_equal(ds.labels, y)


def test_a_conditional_model_fits_a_parquet_dataset_with_its_labels(digits, tmp_path):
    X, y = (part[:600] for part in digits)  # every digit, a third of the rows
    ds = aekit.open_dataset(write_parquet(tmp_path / "d.parquet", X, y), label_column="label")
    cvae = aekit.ConditionalVAE(**SMALL).fit(ds)
    np.testing.assert_array_equal(cvae.classes_, np.arange(10))
    assert list(cvae.feature_names_in_[:2]) == ["p0", "p1"]
    assert cvae.transform(ds, ds.labels).shape == (len(X), 3)
    # Without y, a dataset's own labels, in memory as through out= (which read them before;
    # transform(ds) predicted them, 0.1 away from the codes under the dataset's labels).
    for method in ("transform", "score_samples", "reconstruct"):
        under_labels = getattr(cvae, method)(named(X), y)
        np.testing.assert_allclose(getattr(cvae, method)(ds), under_labels, rtol=1e-6, atol=1e-6)
        written = np.load(getattr(cvae, method)(ds, out=tmp_path / f"{method}.npy"))
        np.testing.assert_allclose(written, under_labels, rtol=1e-6, atol=1e-6)
    assert not np.allclose(cvae.transform(named(X)), cvae.transform(named(X), y), atol=1e-3)

    # a semi-supervised model's own data (-1: unlabelled rows): each row's label predicted,
    # as for rows given without labels (the dataset's -1 was refused as an unseen label)
    partly = np.where(np.arange(len(y)) % 3 == 0, -1, y)
    path = write_parquet(tmp_path / "partly.parquet", X, partly)
    ds = aekit.open_dataset(path, label_column="label")
    m2 = aekit.ConditionalVAE(**SMALL, classifier=True).fit(ds)
    predicted = m2.transform(named(X))
    np.testing.assert_allclose(m2.transform(ds), predicted, rtol=1e-6, atol=1e-6)
    written = np.load(m2.transform(ds, out=tmp_path / "m2.npy"))
    np.testing.assert_allclose(written, predicted, rtol=1e-6, atol=1e-6)


def test_the_parquet_shuffle_keeps_to_a_window_of_row_groups(tmp_path):
    X = np.arange(2000, dtype=np.float32).reshape(-1, 1)
    reader = ParquetReader(
        write_parquet(tmp_path / "o.parquet", X, rows_per_group=100), cache_groups=3
    )
    rows = LazyRows(reader, (1,))
    order = epoch_order(rows, torch.Generator().manual_seed(0))
    assert sorted(order.tolist()) == list(range(2000))  # every row once
    assert torch.equal(order, epoch_order(rows, torch.Generator().manual_seed(0)))
    groups = order.numpy() // 100
    for start in range(0, 1800, 300):  # each window of 3 groups' rows is contiguous
        assert len(set(groups[start : start + 300])) == 3
    assert len(set(groups[1800:])) == 2  # 20 groups: the last window has 2
    assert not np.array_equal(order.numpy(), np.sort(order.numpy()))


def test_a_parquet_fit_resumes_to_the_uninterrupted_weights(digits, tmp_path):
    ds = aekit.open_dataset(write_parquet(tmp_path / "d.parquet", digits[0]))
    whole = aekit.Autoencoder(**{**SMALL, "max_iter": 3}).fit(ds)
    params = {**SMALL, "checkpoint_dir": tmp_path / "ck"}
    aekit.Autoencoder(**{**params, "max_iter": 1}).fit(ds)
    resumed = aekit.Autoencoder(**{**params, "max_iter": 3}).fit(ds)
    for p, q in zip(whole.model_.parameters(), resumed.model_.parameters(), strict=True):
        assert torch.equal(p, q)


# --- streaming inference ----------------------------------------------------------------------


def test_outputs_stream_to_files_equal_to_the_in_memory_results(digits, tmp_path):
    X, y = digits
    ds = aekit.open_dataset(write_parquet(tmp_path / "d.parquet", X, y), label_column="label")
    vae = aekit.VAE(**SMALL).fit(named(X))
    aekit.write_outputs(vae, ds, tmp_path / "s.parquet", batch_rows=500)
    aekit.write_outputs(vae, ds, tmp_path / "z.npy", method="transform", batch_rows=500)
    scores = pd.read_parquet(tmp_path / "s.parquet")["score"].to_numpy()
    np.testing.assert_allclose(scores, vae.score_samples(named(X)), rtol=1e-12)
    np.testing.assert_allclose(np.load(tmp_path / "z.npy"), vae.transform(named(X)), atol=1e-6)


def test_aekit_score_streams_a_parquet_file(digits, tmp_path):
    X, _ = digits
    aekit.VAE(**SMALL).fit(named(X)).save(tmp_path / "m.safetensors")
    data = write_parquet(tmp_path / "d.parquet", X)
    result = CliRunner().invoke(
        app,
        ["score", str(tmp_path / "m.safetensors"), str(data), "-o", str(tmp_path / "s.parquet")],
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(tmp_path / "s.parquet")) == len(X)


# --- bad input ----------------------------------------------------------------------------------


def corrupt_row_group(path, group):
    offset = pq.ParquetFile(path).metadata.row_group(group).column(0).data_page_offset
    data = bytearray(path.read_bytes())
    data[offset : offset + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))


def test_a_corrupt_row_group_is_named_and_no_output_is_left(digits, tmp_path):
    X, _ = digits
    vae = aekit.VAE(**SMALL).fit(named(X))
    path = write_parquet(tmp_path / "d.parquet", X)
    corrupt_row_group(path, 3)
    with pytest.raises(ValueError, match=r"d\.parquet row group 3 \(rows 600 onwards\)"):
        aekit.write_outputs(vae, aekit.open_dataset(path), tmp_path / "s.parquet", batch_rows=100)
    assert list(tmp_path.iterdir()) == [path]  # nothing half-written


def test_the_command_line_says_a_corrupt_row_group_in_one_line(
    digits, tmp_path, monkeypatch, capsys
):
    X, _ = digits
    aekit.VAE(**SMALL).fit(X).save(tmp_path / "m.safetensors")
    path = write_parquet(tmp_path / "d.parquet", X)
    corrupt_row_group(path, 1)
    out = tmp_path / "s.parquet"
    argv = ["aekit", "score", str(tmp_path / "m.safetensors"), str(path), "-o", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # main's handler: not in pytest
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1 and "d.parquet row group 1" in stderr
    assert not out.exists()


def test_a_truncated_npy_names_the_file_and_the_offset(tmp_path):
    path = tmp_path / "t.npy"
    np.save(path, np.ones((100, 8), np.float32))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"t\.npy is truncated.*byte offset \d+ \(row 96\)"):
        aekit.open_dataset(path)


def test_parquet_files_that_disagree_name_the_column(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    write_parquet(folder / "a.parquet", np.zeros((5, 2), bool), names=["u", "v"])
    write_parquet(folder / "b.parquet", np.zeros((5, 2), np.float64), names=["u", "v"])
    with pytest.raises(ValueError, match="column 'u' is bool in .*a.parquet but double in"):
        aekit.open_dataset(folder)  # numbers of two types are one (test_parquet_folder_types)
    write_parquet(folder / "a.parquet", np.zeros((5, 2), np.float32), names=["u", "v"])
    write_parquet(folder / "b.parquet", np.zeros((5, 2), np.float32), names=["u", "w"])
    with pytest.raises(ValueError, match="column 'v' is in .*a.parquet but not in"):
        aekit.open_dataset(folder)


def test_a_nan_found_mid_stream_names_its_row(tmp_path, lazy_memmaps):
    X = np.ones((500, 4), np.float32)
    X[437, 2] = np.nan
    np.save(tmp_path / "n.npy", X)
    with pytest.raises(ValueError, match=r"row 437, column 2"):
        aekit.Autoencoder(**SMALL).fit(np.load(tmp_path / "n.npy", mmap_mode="r"))
    # a table's column by its name (was "column 2" there too)
    path = write_parquet(tmp_path / "n.parquet", X, names=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"row 437, column 'c'"):
        aekit.Autoencoder(**SMALL).fit(aekit.open_dataset(path))


def test_a_large_csv_is_refused_with_the_way_to_convert_it(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    pd.DataFrame(np.arange(30.0).reshape(10, 3), columns=list("abc")).to_csv(path, index=False)
    monkeypatch.setattr(lazy, "CSV_LIMIT_BYTES", 10)
    with pytest.raises(ValueError, match="csv_to_parquet"):
        aekit.open_dataset(path)
    converted = aekit.open_dataset(lazy.csv_to_parquet(path, tmp_path / "t.parquet"))
    np.testing.assert_array_equal(converted.read(), np.arange(30.0).reshape(10, 3))


def test_an_image_folder_is_read_when_its_rows_are(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    for label in ("cat", "dog"):
        (tmp_path / label).mkdir()
        for i in range(5):
            pixels = rng.integers(0, 256, size=(6, 5), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / label / f"{i}.png")
    ds = aekit.open_dataset(tmp_path)
    assert ds.shape == (10, 1, 6, 5) and list(ds.labels) == ["cat"] * 5 + ["dog"] * 5
    first = np.asarray(Image.open(tmp_path / "cat" / "0.png"), dtype=np.float32) / 255
    np.testing.assert_array_equal(ds.read(0, 1)[0, 0], first)
    ae = aekit.Autoencoder(**SMALL).fit(ds)
    assert ae.image_shape_ == (1, 6, 5) and ae.reconstruct(ds).shape == (10, 1, 6, 5)


def test_gray_and_colour_images_in_one_folder_name_grayscale(tmp_path):
    # one gray PNG among colour ones was told "pass image_size=(H, W)", which was passed
    from PIL import Image

    from aekit.cli.errors import for_the_command_line

    rng = np.random.default_rng(0)
    (tmp_path / "dog").mkdir()
    for i in range(3):
        pixels = rng.integers(0, 256, size=(6, 5, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / "dog" / f"{i}.png")
    Image.fromarray(pixels[..., 0]).save(tmp_path / "dog" / "odd.png")
    with pytest.raises(ValueError, match="mixes gray and colour images") as caught:
        aekit.open_dataset(tmp_path).read(0, 4)
    assert "odd.png is gray, the first image colour" in str(caught.value)
    assert for_the_command_line(str(caught.value)).endswith(
        "pass --grayscale to read them all as gray."
    )
    assert aekit.open_dataset(tmp_path, grayscale=True).shape == (4, 1, 6, 5)


def test_a_detector_reads_only_its_sample_of_a_table_on_disk(digits, tmp_path, lazy_memmaps):
    # max_samples rows drawn as from rows in memory, read alone: the same fit (without
    # preprocessing, whose statistics would come from the sample), and the file never read whole.
    X = digits[0][:900]  # the sample a third of them
    np.save(tmp_path / "x.npy", X)
    on_disk = np.load(tmp_path / "x.npy", mmap_mode="r")
    member = aekit.Autoencoder(**SMALL)
    params = {"estimator": member, "n_estimators": 1, "max_samples": 300, "random_state": 0}
    a = aekit.AnomalyDetector(preprocessing=None, **params).fit(X)
    b = aekit.AnomalyDetector(preprocessing=None, **params).fit(on_disk)
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
    dataset = aekit.open_dataset(write_parquet(tmp_path / "d.parquet", X))

    def read_whole(*args, **kwargs):
        raise AssertionError("the whole file was read")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lazy.Dataset, "__array__", read_whole)
        detector = aekit.AnomalyDetector(**params).fit(dataset)
    assert detector.score_samples(named(X[:5])).shape == (5,)


# --- the form: score_samples(ds, out=...) ------------------------------------------------


def test_inference_methods_write_to_a_file_given_out(digits, tmp_path, monkeypatch):
    X, y = (part[:1200] for part in digits)  # three chunks of 500 rows
    ds = aekit.open_dataset(write_parquet(tmp_path / "d.parquet", X, y), label_column="label")
    vae = aekit.VAE(**SMALL).fit(named(X))
    monkeypatch.setattr(aekit.estimators.streaming, "BATCH_ROWS", 500)  # several chunks
    assert vae.score_samples(ds, out=tmp_path / "s.parquet") == tmp_path / "s.parquet"
    scores = pd.read_parquet(tmp_path / "s.parquet")["score"].to_numpy()
    np.testing.assert_allclose(scores, vae.score_samples(named(X)), rtol=1e-12)
    vae.transform(ds, out=tmp_path / "z.npy")
    np.testing.assert_allclose(np.load(tmp_path / "z.npy"), vae.transform(named(X)), atol=1e-6)
    member = aekit.Autoencoder(**SMALL)
    detector = aekit.AnomalyDetector(member, n_estimators=1, random_state=0).fit(named(X))
    detector.predict(ds, out=tmp_path / "p.csv")  # takes no y: the dataset's labels stay out
    np.testing.assert_array_equal(
        pd.read_csv(tmp_path / "p.csv")["predict"], detector.predict(named(X))
    )


def test_a_dataset_whose_columns_differ_from_fit_is_refused(digits, tmp_path):
    X, _ = digits
    ae = aekit.Autoencoder(**SMALL).fit(
        aekit.open_dataset(write_parquet(tmp_path / "a.parquet", X))
    )
    names = [f"p{i}" for i in range(X.shape[1] - 1)] + ["other"]
    renamed = aekit.open_dataset(write_parquet(tmp_path / "b.parquet", X, names=names))
    named = r"lacks \['p63'\] and has \['other'\], which fit did not have"
    with pytest.raises(ValueError, match=named):
        ae.transform(renamed)
    with pytest.raises(ValueError, match=named):
        ae.score_samples(renamed, out=tmp_path / "s.parquet")
    assert not (tmp_path / "s.parquet").exists()
