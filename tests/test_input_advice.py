"""Refusals whose advice is the one fix that works: an empty column alone is told to be left
out (imputing it was advised, and refused in turn), a duration is told its total seconds (a
duration has no hour), a code column among numbers is told how to read it as text, a sequence
model's PNG output and DATA already of images are named for what they are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.cli.errors import for_the_command_line
from tests.cli_helpers import invoke, ok, refused


@pytest.fixture
def with_empty_column():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    frame["empty"] = np.nan
    return frame


@pytest.mark.parametrize(
    "make",
    [
        lambda: aekit.Autoencoder(max_iter=1),
        lambda: aekit.AnomalyDetector(n_estimators=1, handle_missing=True),
        lambda: aekit.TabularEncoder(),
    ],
    ids=["autoencoder", "detector masking missing values", "tabular encoder"],
)
def test_an_empty_column_alone_is_told_to_be_left_out_and_nothing_else(with_empty_column, make):
    with pytest.raises(ValueError) as caught:
        make().fit(with_empty_column)
    assert str(caught.value) == (
        "column 'empty' has no value in any row: leave it out (X.drop(columns=['empty']))."
    )


def test_an_empty_column_beside_other_gaps_is_still_said_with_them(with_empty_column):
    with_empty_column.loc[3, "a"] = np.nan
    with pytest.raises(ValueError, match="row 3.*'empty' has no value in any row.*[Ii]mpute"):
        aekit.Autoencoder(max_iter=1).fit(with_empty_column)


def test_a_fitted_models_rows_are_not_told_to_leave_out_a_column_it_reads(with_empty_column):
    model = aekit.Autoencoder(max_iter=1).fit(with_empty_column.drop(columns="empty").assign(d=1.0))
    new = with_empty_column.rename(columns={"empty": "d"})
    with pytest.raises(ValueError, match="column 'd' has no value in any row\\. ") as caught:
        model.transform(new)
    assert "leave it out" not in str(caught.value)


def test_a_fine_tuner_is_told_the_one_fix_at_fit(with_empty_column):
    y = np.arange(len(with_empty_column)) % 2
    with pytest.raises(ValueError, match=r"^column 'empty' has no value in any row: leave it"):
        aekit.FineTunedClassifier(max_iter=1).fit(with_empty_column, y)


def test_rows_on_disk_of_a_fitted_model_are_not_told_to_leave_its_column_out(
    tmp_path, with_empty_column
):
    with_empty_column.drop(columns="empty").assign(d=1.0).to_parquet(tmp_path / "fit.parquet")
    with_empty_column.rename(columns={"empty": "d"}).to_parquet(tmp_path / "new.parquet")
    model = aekit.Autoencoder(max_iter=1).fit(aekit.open_dataset(tmp_path / "fit.parquet"))
    with pytest.raises(ValueError, match="column 'd' has no value in any row") as caught:
        model.transform(aekit.open_dataset(tmp_path / "new.parquet"))
    assert "leave it out" not in str(caught.value)


def test_the_command_line_says_the_option_that_leaves_it_out(tmp_path, with_empty_column):
    with_empty_column.to_csv(tmp_path / "t.csv", index=False)
    result = invoke("detect", tmp_path / "t.csv", "--out", tmp_path / "r")
    message = for_the_command_line(refused(result, "empty"), {"ignore_column", "handle_missing"})
    assert "--ignore-column empty" in message
    assert "impute" not in message and "--handle-missing" not in message


def test_a_duration_is_told_its_total_seconds():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "d": pd.to_timedelta([1, 2, 3], unit="s")})
    with pytest.raises(ValueError, match=r"X\['d'\]\.dt\.total_seconds\(\)") as caught:
        aekit.AnomalyDetector(n_estimators=1).fit(frame)
    assert "dt.hour" not in str(caught.value)


def test_a_period_is_told_its_month_not_its_hour():
    months = pd.period_range("2024-01", periods=3, freq="M")
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": months})
    with pytest.raises(ValueError, match=r"X\['c'\]\.dt\.month") as caught:
        aekit.AnomalyDetector(n_estimators=1).fit(frame)
    assert ".dt.to_timestamp()" in str(caught.value) and "hour" not in str(caught.value)


def test_a_code_column_among_numbers_is_told_how_to_read_it_as_text(tmp_path):
    (tmp_path / "codes.csv").write_text(
        "x,code\n" + "".join(f"{i}.5,{c}\n" for i, c in enumerate(["101", "B9", "205"] * 10))
    )
    refused(
        invoke("detect", tmp_path / "codes.csv", "--out", tmp_path / "r"),
        "dtype={'code': str}",
        "Parquet",
    )


def test_png_output_of_a_sequence_model_names_its_sequences(tmp_path):
    waves = np.sin(np.linspace(0, 20, 140))[None, None, :].repeat(40, 0).astype(np.float32)
    np.save(tmp_path / "waves.npy", waves)
    conv1d = ["--model", "ae", "--param", "architecture=conv1d", "--epochs", "1", "--quiet"]
    ok(invoke("train", tmp_path / "waves.npy", *conv1d, "--out", tmp_path / "run"))
    refused(
        invoke("reconstruct", tmp_path / "run", tmp_path / "waves.npy", "-o", tmp_path / "r.png"),
        "sequences of shape (1, 140)",
    )


def test_image_shape_on_data_of_images_names_their_shape(tmp_path):
    np.save(tmp_path / "images.npy", np.zeros((20, 1, 30, 30), dtype=np.float32))
    refused(
        invoke(
            "train", tmp_path / "images.npy", "--image-shape", "1,15,60", "--out", tmp_path / "run"
        ),  # fmt: skip
        "holds rows of shape (1, 30, 30) already",
        "which --image-shape would reorder",
    )
