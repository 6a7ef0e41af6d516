"""Every place that refuses NaN or infinite data says how many cells and rows hold them, which
rows (0-based, said so), and what to do: the messages named the first cell, or only the
columns, and left the user to search a large table for the rest."""

import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, refused
from disk_helpers import SMALL, write_parquet

import aekit
from aekit.cli.errors import for_the_command_line
from aekit.data.non_finite import describe_non_finite

QUICK = dict(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2)


def bad_rows(n: int = 40) -> np.ndarray:
    X = np.random.default_rng(0).normal(size=(n, 4))
    X[5, 1] = X[7, 2] = X[30, 3] = np.nan
    X[7, 0] = np.inf
    return X


def test_the_message_counts_cells_and_rows_and_names_them():
    X = bad_rows()
    text = describe_non_finite("X", ~np.isfinite(X), np.isnan(X), columns=list("abcd"))
    assert text == (
        "X has 4 values that are not finite (3 NaN, 1 infinite) in 3 of its 40 rows: rows 5, "
        "7, 30 (row index, 0-based); first at (row 5, column 'b'), (row 7, column 'a'), "
        "(row 7, column 'c'), (row 30, column 'd')"
    )


def test_an_array_given_to_fit():
    with pytest.raises(ValueError, match=r"4 values .* in 3 of its 40 rows: rows 5, 7, 30 "
                       r"\(row index, 0-based\).* Replace the infinite ones .* and remove or "
                       r"impute the NaN"):  # fmt: skip
        aekit.Autoencoder(**QUICK).fit(bad_rows())


def test_a_file_read_a_chunk_at_a_time(tmp_path, monkeypatch):
    from aekit.data import row_stats

    np.save(tmp_path / "x.npy", bad_rows().astype(np.float32))
    data = aekit.open_dataset(tmp_path / "x.npy")
    # read in one chunk, every row: counted as of the array in memory
    with pytest.raises(ValueError, match=r"x\.npy has 4 values .* in 3 of its 40 rows: "
                       r"rows 5, 7, 30 \(row index, 0-based\)"):  # fmt: skip
        aekit.Autoencoder(**QUICK).fit(data)
    monkeypatch.setattr(row_stats, "CHUNK_BYTES", 16 * 4 * 4)  # 16 rows at a time
    # ... and of how many in all ("of the 233016 rows read" of a 300,000-row file puzzled)
    with pytest.raises(ValueError, match=r"x\.npy has 3 values .* in 2 of the 16 rows read "
                       r"\(of its 40\): rows 5, 7 \(row index, 0-based\)"):  # fmt: skip
        aekit.Autoencoder(**QUICK).fit(data)
    # a later chunk says where it starts: "in 1 of the 16 rows read: row 30" read as if row 30
    # were among the file's first 16 (user review)
    late = np.nan_to_num(bad_rows(), nan=0.0, posinf=0.0)
    late[30, 1] = np.nan
    np.save(tmp_path / "late.npy", late.astype(np.float32))
    with pytest.raises(ValueError, match=r"in 1 of the 16 rows read from row 16 \(of its 40\): "
                       r"row 30 \("):  # fmt: skip
        aekit.Autoencoder(**QUICK).fit(aekit.open_dataset(tmp_path / "late.npy"))


def test_a_detectors_drawn_rows_are_said_to_be_drawn(tmp_path):
    # "in 1 of the 10000 rows read from row 187": max_samples' draw, said as a block of the file
    X = np.random.default_rng(0).normal(size=(2000, 4)).astype(np.float32)
    X[::10, 1] = np.nan
    np.save(tmp_path / "x.npy", X)
    detector = aekit.AnomalyDetector(n_estimators=1, max_samples=500, random_state=0)
    with pytest.raises(ValueError, match=r"NaN\) in \d+ of the 500 rows drawn \(of its 2000\): "):
        detector.fit(aekit.open_dataset(tmp_path / "x.npy"))


def test_a_detector_names_rows_and_index_labels():
    frame = pd.DataFrame(bad_rows(), columns=list("abcd"), index=range(100, 140))
    detector = aekit.AnomalyDetector(n_estimators=1)
    with pytest.raises(ValueError, match=r"1 value that is not finite \(1 infinite\) in 1 of its "
                       r"40 rows: row 7 \(row index, 0-based; index label 107\)"):  # fmt: skip
        detector.fit(frame)
    frame = frame.replace(np.inf, 0.0)
    with pytest.raises(ValueError, match=r"3 values that are missing \(NaN\) in 3 of its 40 rows: "
                       r"rows 5, 7, 30 .*pass handle_missing=True"):  # fmt: skip
        detector.fit(frame)


def test_a_table_encoder_counts_its_missing_values():
    frame = pd.DataFrame(bad_rows(), columns=list("abcd")).replace(np.inf, 0.0)
    frame["k"] = ["u", None, "v", "w"] * 10
    with pytest.raises(ValueError, match=r"X has 13 values that are missing \(NaN\) in 12 of its "
                       r"40 rows: rows 1, 5, 7, 9, 13 and 7 more"):  # fmt: skip
        aekit.TabularEncoder().fit(frame)


def test_a_series():
    values = np.sin(np.arange(200.0))
    values[[10, 50]] = np.nan
    with pytest.raises(ValueError, match=r"2 values that are missing \(NaN\) in 2 of its 200 rows: "
                       r"rows 10, 50 .*handle_missing='interpolate'"):  # fmt: skip
        aekit.SeriesAnomalyDetector(window=8).fit(values)
    values[[10, 50]] = np.inf
    with pytest.raises(ValueError, match=r"2 values that are not finite \(2 infinite\) in 2 of "
                       r"its 200 rows: rows 10, 50"):  # fmt: skip
        aekit.SeriesAnomalyDetector(window=8).fit(values)


def test_the_command_line_says_to_impute(tmp_path):
    pd.DataFrame(bad_rows(), columns=list("abcd")).to_csv(tmp_path / "x.csv", index=False)
    result = invoke("train", tmp_path / "x.csv", "--out", tmp_path / "run")
    message = for_the_command_line(refused(result))
    assert message.startswith("DATA has 4 values that are not finite (3 NaN, 1 infinite) in 3")
    assert "rows 5, 7, 30 (row index, 0-based)" in message
    # 'aekit impute' fills NaN only: the infinite value is to be replaced first
    assert message.endswith(
        "Replace the infinite ones with the values they stand for (imputing fills NaN only), "
        "then fill the NaN with 'aekit impute', or remove those rows."
    )


INFINITE_THEN_MISSING = (
    r"1 value that is not finite \(1 infinite\) in 1 of its 40 rows: row 7 .*Replace them.* "
    r"Besides, it has 3 values that are missing \(NaN\) in 3 of its 40 rows: rows 5, 7, 30 "
)


@pytest.mark.parametrize("as_frame", [True, False])
def test_a_detector_names_infinite_and_missing_values_in_one_message(as_frame):
    """Both are refused in one run: the missing values were named only on the run after the
    infinite ones were replaced."""
    X = pd.DataFrame(bad_rows(), columns=list("abcd")) if as_frame else bad_rows()
    with pytest.raises(ValueError, match=INFINITE_THEN_MISSING + r".*handle_missing=True"):
        aekit.AnomalyDetector(n_estimators=1).fit(X)
    # with handle_missing the detector encodes NaN, so only the infinity is refused
    with pytest.raises(ValueError, match=r"\(1 infinite\)") as refusal:
        aekit.AnomalyDetector(n_estimators=1, handle_missing=True).fit(X)
    assert "missing" not in str(refusal.value)


def test_a_series_names_infinite_and_missing_values_in_one_message():
    values = np.sin(np.arange(200.0))
    values[10], values[[50, 60]] = np.inf, np.nan
    with pytest.raises(ValueError, match=r"\(1 infinite\) in 1 of its 200 rows: row 10 .*Besides, "
                       r"it has 2 values that are missing \(NaN\) .*rows 50, 60 .*"
                       r"handle_missing='interpolate'"):  # fmt: skip
        aekit.SeriesAnomalyDetector(window=8).fit(values)
    detector = aekit.SeriesAnomalyDetector(window=8, handle_missing="interpolate")
    with pytest.raises(ValueError, match=r"\(1 infinite\)") as refusal:
        detector.fit(values)
    assert "Besides" not in str(refusal.value)


def test_the_command_line_names_both_for_a_detector(tmp_path):
    pd.DataFrame(bad_rows(), columns=list("abcd")).to_csv(tmp_path / "x.csv", index=False)
    message = for_the_command_line(refused(invoke("detect", tmp_path / "x.csv")))
    assert message.startswith("DATA has 1 value that is not finite (1 infinite)")
    assert "Besides, it has 3 values that are missing (NaN) in 3 of its 40 rows" in message
    assert message.endswith("or pass --handle-missing to let the detector encode them.")


def test_a_float64_cell_beyond_float32_is_named_not_called_infinite(tmp_path):
    # the reader's float32 rows made 1e300 an infinity: "1 value that is not finite (1
    # infinite) ... replace them", with numpy's "overflow encountered in cast" printed first
    X = np.ones((500, 4))
    X[437, 2] = -1e300
    model = aekit.Autoencoder(**SMALL).fit(pd.DataFrame(X[:400], columns=list("abcd")))
    path = write_parquet(tmp_path / "big.parquet", X, names=list("abcd"))
    said = r"big.parquet holds -1e\+300 at \(row 437, column 'c'\), beyond float32's range"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning of the cast
        with pytest.raises(ValueError, match=said + r".*; rescale it\."):
            model.score_samples(aekit.open_dataset(path))
    # in a folder of files, the row within the file named (it was the dataset's row, 937)
    folder = tmp_path / "parts"
    folder.mkdir()
    write_parquet(folder / "a.parquet", np.ones((500, 4)), names=list("abcd"))
    write_parquet(folder / "b.parquet", X, names=list("abcd"))
    with pytest.raises(ValueError, match=r"b.parquet holds -1e\+300 at \(row 437, column 'c'\)"):
        model.score_samples(aekit.open_dataset(folder))


def test_a_cell_of_sequences_or_images_is_named_by_its_place():
    # a NaN at [3, 1, 7] of (n, 3, 50) windows was "(row 3, column 57)"
    X = np.random.default_rng(0).normal(size=(40, 3, 50)).astype(np.float32)
    X[3, 1, 7] = np.nan
    with pytest.raises(ValueError, match=r"first at \(row 3, at \[1, 7\]\)\."):
        aekit.Autoencoder(architecture="conv1d", max_iter=1).fit(X)
    images = np.random.default_rng(0).random((20, 1, 8, 8)).astype(np.float32)
    images[2, 0, 4, 5] = np.inf
    with pytest.raises(ValueError, match=r"first at \(row 2, channel 0, y 4, x 5\)\."):
        aekit.Autoencoder(architecture="conv", max_iter=1).fit(images)


def test_a_cell_of_sequences_on_disk_is_named_by_its_place_too(tmp_path):
    # its reader flattens the rows: "(row 3, column 57)" where the array in memory said [1, 7]
    X = np.random.default_rng(0).normal(size=(40, 3, 50)).astype(np.float32)
    X[3, 1, 7] = np.nan
    np.save(tmp_path / "s.npy", X)
    with pytest.raises(ValueError, match=r"first at \(row 3, at \[1, 7\]\)\."):
        aekit.Autoencoder(architecture="conv1d", max_iter=1).fit(
            aekit.open_dataset(tmp_path / "s.npy")
        )
