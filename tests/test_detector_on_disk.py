"""An AnomalyDetector is the same model whatever holds its rows: a DataFrame or array in
memory, a memory-mapped .npy, a Parquet file or a folder of them (the sample max_samples
draws, the encoding of bool and text columns)."""

import re

import numpy as np
import pandas as pd
import pytest
from conftest import assert_same_numbers

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


def mixed(n=120, seed=1):
    """Numbers (float32, as a dataset reads them), a bool column and a text column."""
    rng = np.random.RandomState(seed)
    frame = table(n, seed)
    frame["flag"] = rng.rand(n) < 0.3
    frame["bucket"] = pd.Series(rng.choice(["low", "mid", "high"], n), dtype="str")
    return frame


def folder_of(frame, path):
    """The rows split over two Parquet files of one folder."""
    path.mkdir()
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(path / "a.parquet", row_group_size=25)
    frame.iloc[half:].to_parquet(path / "b.parquet", row_group_size=25)
    return path


def test_a_parquet_folder_reads_bool_and_text_columns_as_pandas_does(tmp_path):
    # A bool column is a category (not a standardized 0/1 number) and a text column is read,
    # from a folder as from one file or a DataFrame: the same encoding, the same detector.
    frame = mixed()
    dataset = aekit.open_dataset(folder_of(frame, tmp_path / "trn"))
    read = dataset.frame(dataset.reader.read(0, len(dataset)))
    pd.testing.assert_frame_equal(read, pd.read_parquet(tmp_path / "trn"))
    on_disk, in_memory = detector().fit(dataset), detector().fit(frame)
    assert on_disk.categorical_groups_ == in_memory.categorical_groups_ == ((6, 8), (8, 11))
    assert on_disk.threshold_ == in_memory.threshold_
    # a model fitted in memory scores the folder a chunk at a time with its own encoder
    scores = in_memory.score_samples(dataset, out=tmp_path / "s.npy")
    np.testing.assert_array_equal(np.load(scores), in_memory.score_samples(frame))
    np.testing.assert_array_equal(in_memory.score_samples(dataset), in_memory.score_samples(frame))


def test_a_pandas_category_column_in_a_parquet_folder_is_text(tmp_path):
    # pandas writes a category column as a Parquet dictionary of strings: it was refused as
    # "a type aekit cannot read"; it is the same column as its text.
    frame = mixed()
    as_category = frame.assign(bucket=frame["bucket"].astype("category"))
    dataset = aekit.open_dataset(folder_of(as_category, tmp_path / "cat"))
    assert dataset.reader.text_columns == ["bucket"]
    on_disk, in_memory = detector().fit(dataset), detector().fit(frame)
    assert on_disk.categorical_groups_ == in_memory.categorical_groups_
    assert on_disk.threshold_ == in_memory.threshold_


def test_estimators_of_numbers_refuse_a_text_column_naming_the_way_out(tmp_path):
    dataset = aekit.open_dataset(folder_of(mixed(), tmp_path / "trn"))
    with pytest.raises(ValueError, match=r"text columns \['bucket'\].*--ignore-column"):
        aekit.Autoencoder(**SMALL).fit(dataset)
    with pytest.raises(ValueError, match=r"text columns \['bucket'\].*--ignore-column"):
        np.asarray(dataset)
    frame = mixed().assign(when=pd.Timestamp("2024-01-01"))
    frame.to_parquet(tmp_path / "dated.parquet")
    with pytest.raises(ValueError, match=r"\['when'\] of a type .*--ignore-column NAME"):
        aekit.open_dataset(tmp_path / "dated.parquet")


def test_aekit_scores_a_parquet_folder_with_a_text_column_as_the_file(tmp_path):
    # was: "tedir has non-numeric columns ['bucket']; pass columns=[...]" (a Python argument)
    from cli_helpers import invoke, ok

    frame = mixed()
    frame.to_parquet(tmp_path / "tr.parquet")
    folder_of(frame, tmp_path / "tedir")
    quick = ["--param", "n_estimators=1", "--quiet", "--no-figures"]
    ok(invoke("detect", tmp_path / "tr.parquet", "--out", tmp_path / "RUN", *quick))
    ok(invoke("score", tmp_path / "RUN", tmp_path / "tr.parquet", "-o", tmp_path / "file.csv"))
    ok(invoke("score", tmp_path / "RUN", tmp_path / "tedir", "-o", tmp_path / "dir.csv"))
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "dir.csv"), pd.read_csv(tmp_path / "file.csv")
    )


def test_a_missing_text_in_a_folder_is_left_to_handle_missing(tmp_path):
    # was: "trn contains NaN or infinite values ... Remove or impute those rows", whatever
    # handle_missing said; now as in memory: refused naming handle_missing, or encoded.
    frame = mixed()
    frame.loc[::7, "bucket"] = np.nan
    dataset = aekit.open_dataset(folder_of(frame, tmp_path / "trn"))
    with pytest.raises(ValueError, match=r"column 'bucket'.*handle_missing=True"):
        detector().fit(dataset)
    on_disk = detector(handle_missing=True).fit(dataset)
    assert on_disk.threshold_ == detector(handle_missing=True).fit(frame).threshold_


@pytest.mark.parametrize("max_samples", [None, 150])
def test_handle_missing_reads_the_nan_of_a_table_on_disk(tmp_path, max_samples):
    # The reader refused NaN as damage ("remove or impute those rows") whatever the detector
    # was told: handle_missing=True worked in memory only.
    frame = table()
    frame.iloc[::9, 2] = np.nan
    dataset = aekit.open_dataset(folder_of(frame, tmp_path / "gaps"))
    on_disk = detector(handle_missing=True, max_samples=max_samples).fit(dataset)
    in_memory = detector(handle_missing=True, max_samples=max_samples).fit(frame)
    assert on_disk.threshold_ == in_memory.threshold_
    scores = in_memory.score_samples(frame)
    np.testing.assert_array_equal(on_disk.score_samples(dataset), scores)
    np.testing.assert_array_equal(
        np.load(on_disk.score_samples(dataset, out=tmp_path / "s.npy")), scores
    )
    assert dataset.reader.allow_nan is False  # the dataset is left as it was given
    # Without handle_missing the NaN is refused by its row, naming the parameter (read whole)
    # or by the file's row (a draw: a row of the file, not of the draw).
    with pytest.raises(ValueError) as refused:
        detector(max_samples=max_samples).fit(dataset)
    if max_samples is None:
        assert "handle_missing=True" in str(refused.value)
    else:
        row = int(re.search(r"first at \(row (\d+), column 'x2'\)", str(refused.value)).group(1))
        assert row % 9 == 0  # a row that holds a NaN in the file


def test_detect_handle_missing_scores_a_parquet_file_with_gaps_a_chunk_at_a_time(
    tmp_path, monkeypatch
):
    from cli_helpers import invoke, ok

    from aekit.cli import common

    monkeypatch.setattr(common, "LAZY_BYTES", 0)  # the file stays on disk, however small
    frame = table()
    frame.iloc[::9, 2] = np.nan
    frame.to_parquet(tmp_path / "gaps.parquet", row_group_size=50)
    run = tmp_path / "RUN"
    ok(invoke("detect", tmp_path / "gaps.parquet", "--handle-missing", "--param",
              "n_estimators=1", "--quiet", "--no-figures", "--out", run))  # fmt: skip
    ok(invoke("score", run, tmp_path / "gaps.parquet", "-o", tmp_path / "s.csv"))
    written, again = pd.read_csv(run / "scores.csv"), pd.read_csv(tmp_path / "s.csv")
    assert len(written) == len(frame) and np.isfinite(written["anomaly_score"]).all()
    assert_same_numbers(again["anomaly_score"], written["anomaly_score"])  # score reads on the CPU


def test_a_paused_chunk_generator_leaves_the_dataset_refusing_nan(tmp_path):
    # NaN is read through for the reads of an estimator that takes it, not for as long as a
    # generator lives: between reads (a paused or abandoned loop) another model reading the
    # same dataset must still be refused NaN.
    from aekit.estimators.streaming import chunks_of

    frame = table()
    frame.iloc[::9, 2] = np.nan
    dataset = aekit.open_dataset(folder_of(frame, tmp_path / "gaps"))
    chunks = chunks_of(dataset, batch_rows=100, estimator=detector(handle_missing=True))
    part, _ = next(chunks)
    assert part.isna().any().any() and dataset.reader.allow_nan is False
    with pytest.raises(ValueError, match="NaN"):
        dataset.reader.read(0, 10)


def test_the_command_line_reads_a_small_parquet_folder_as_it_reads_one_file(tmp_path):
    # a folder was read through the float32 reader and one file with pandas (float64): values
    # float32 rounds (12345.678 +- 1000) gave detectors 0.6% apart in threshold
    from cli_helpers import invoke, ok

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 4)) * 1000 + 12345.678, columns=list("abcd"))
    frame.to_parquet(tmp_path / "one.parquet")
    folder_of(frame, tmp_path / "folder")
    for data in ("one.parquet", "folder"):
        ok(invoke("detect", tmp_path / data, "--out", tmp_path / f"R_{data}", "--quiet",
                  "--no-figures"))  # fmt: skip
    from_file = pd.read_csv(tmp_path / "R_one.parquet" / "scores.csv")
    from_folder = pd.read_csv(tmp_path / "R_folder" / "scores.csv")
    pd.testing.assert_frame_equal(from_file, from_folder)
