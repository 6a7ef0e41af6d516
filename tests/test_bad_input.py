"""Bad input gets the ecosystem's usual exception with a message that names the problem (NaN and
infinity, shapes and types, images; labels: test_bad_labels.py, parameters: test_bad_params.py),
and errors leave nothing half-written on disk."""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import CPU
from safetensors.torch import load_file

import aekit
from aekit.core.model import AutoencoderModel

# --- NaN and infinity ----------------------------------------------------------------------------


def with_bad_values(X: np.ndarray) -> np.ndarray:
    X = X.copy()
    X[3, 5] = np.nan
    X[7, 1] = np.inf
    X[9, 2] = -np.inf
    return X


CONTAINERS = {
    "ndarray": lambda X: X,
    "DataFrame": lambda X: pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])]),
    "tensor": torch.from_numpy,
    "list": lambda X: X.tolist(),
}
WHERE = (
    r"3 values that are not finite \(1 NaN, 2 infinite\) in 3 of its \d+ rows: rows 3, 7, 9 "
    r"\(row index, 0-based\); first at \(row 3, column 5\), \(row 7, column 1\)"
)


@pytest.mark.parametrize("container", CONTAINERS)
def test_nan_and_inf_at_fit(container, digits):
    X = CONTAINERS[container](with_bad_values(digits[0]))
    # a table's columns by name (a DataFrame's were numbered as an array's)
    where = WHERE.replace("column 5", "column 'c5'").replace("column 1", "column 'c1'")
    with pytest.raises(ValueError, match=where if container == "DataFrame" else WHERE):
        aekit.Autoencoder(**CPU).fit(X)


def test_infinities_alone_are_not_told_to_impute(digits):
    X = digits[0].copy()
    X[4, 2] = np.inf  # a sentinel or an overflow: no missing value that imputing fills
    with pytest.raises(ValueError, match=r"first at \(row 4, column 2\)\. Replace them") as e:
        aekit.Autoencoder(**CPU).fit(X)
    assert "impute" not in str(e.value)


@pytest.mark.parametrize("container", ["ndarray", "tensor", "list"])
def test_nan_and_inf_at_transform(container, fitted, digits):
    X = CONTAINERS[container](with_bad_values(digits[0]))
    with pytest.raises(ValueError, match=WHERE):
        fitted.transform(X)
    with pytest.raises(ValueError, match=WHERE):
        fitted.score_samples(X)


def test_missing_values_of_a_nullable_dataframe_column():
    frame = pd.DataFrame({"a": pd.array([0.1, None, 0.3], dtype="Float64"), "b": [0.0, 0.5, 1.0]})
    with pytest.raises(
        ValueError, match=r"1 value that is not finite \(1 NaN\) .*first at \(row 1, column 'a'"
    ):
        aekit.Autoencoder(**CPU).fit(frame)


def test_many_bad_values_are_counted_and_the_list_is_cut(digits):
    X = digits[0].copy()
    X[:, :3] = np.nan
    with pytest.raises(
        ValueError,
        match=r"^X has 180 values that are not finite \(180 NaN\) in 60 of its 60 rows: "
        r"rows 0, 1, 2, 3, 4 and 55 more \(row index, 0-based\); .*\(row 1, column 1\) and 175 "
        r"more\. Remove or impute",
    ):
        aekit.Autoencoder(**CPU).fit(X)


def test_nan_in_images_names_row_and_pixel(images):
    X = images.copy()
    X[2, 0, 1, 3] = np.nan  # pixel (1, 3) of an 8x8 image, flat column 11, said as "column 11"
    with pytest.raises(
        ValueError, match=r"1 value .* \(1 NaN\) .* row 2 .*first at \(row 2, channel 0, y 1, x 3\)"
    ):
        aekit.Autoencoder(**CPU, architecture="conv").fit(X)


def test_nan_in_codes(fitted):
    Z = np.zeros((3, 4))
    Z[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"Z has 1 value .*\(1 NaN\).*\(row 1, column 2\)"):
        fitted.inverse_transform(Z)


def test_read_only_codes_decode_without_torch_warning(fitted, digits):
    # pandas' to_numpy() (copy-on-write) and np.load(mmap_mode="r") give read-only arrays:
    # ae.inverse_transform(Z_frame.to_numpy()) showed torch's "The given NumPy array is not
    # writable" warning. torch warns once a process unless told to warn always.
    Z = fitted.transform(digits[0][:5])
    Z.setflags(write=False)
    warn_always = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            decoded = fitted.inverse_transform(Z)
    finally:
        torch.set_warn_always(warn_always)
    np.testing.assert_array_equal(decoded, fitted.inverse_transform(Z.copy()))


# --- shapes and types ----------------------------------------------------------------------------


def test_wrong_number_of_features_at_transform(fitted, digits):
    with pytest.raises(ValueError, match="X has 10 features, but Autoencoder is expecting 64"):
        fitted.transform(digits[0][:, :10])
    with pytest.raises(ValueError, match="X has 65 features"):
        fitted.score_samples(np.hstack([digits[0], digits[0][:, :1]]))


def test_non_numeric_dataframe_columns_are_named():
    frame = pd.DataFrame(
        {"height": [1.0, 2.0], "name": ["ann", "bob"], "city": ["x", "y"], "ok": [True, False]}
    )
    with pytest.raises(ValueError, match=r"non-numeric columns: name, city\. Encode them"):
        aekit.Autoencoder(**CPU).fit(frame)
    # dates were told "aekit.TabularEncoder one-hot encodes them", which refuses dates
    dated = frame.assign(day=pd.to_datetime(["2024-01-01", "2024-01-02"]))[["height", "day"]]
    for dates in (dated, dated.astype({"day": str})):
        with pytest.raises(ValueError, match=r"Column 'day' holds dates .*[Cc]onvert it to"):
            aekit.Autoencoder(**CPU).fit(dates)
    with pytest.raises(ValueError, match=r"holds dates .* Then encode name, city: aekit\.Tabular"):
        aekit.Autoencoder(**CPU).fit(frame.assign(day=dated["day"]))  # the text one said too
    # a second date column, or numbers with a '?': no one-hot advice for them
    two = frame.assign(day=dated["day"], when=dated["day"], n=["1", "?"])[["day", "when", "n"]]
    with pytest.raises(ValueError, match=r"convert it to numbers .*\. Fix when, n too\.$"):
        aekit.Autoencoder(**CPU).fit(two)


def test_a_detector_of_tables_names_two_axes_and_the_reshape():
    # a 1-D X was told "2 axes, 3 (n, channels, length) or 4 (n, C, H, W)", and the 3-D X that
    # followed the advice "must be a 2-D table", without a fix (user review)
    X = np.random.default_rng(0).normal(size=(40, 8))
    detector = aekit.AnomalyDetector(n_estimators=1, random_state=0)
    with pytest.raises(ValueError, match=r"must have 2 axes \(n_samples, n_features\); got") as e:
        detector.fit(X[:, 0])
    assert "channels" not in str(e.value)
    with pytest.raises(ValueError, match=r"\(40, 2, 4\)\. .*asarray\(X\)\.reshape\(len\(X\), -1"):
        detector.fit(X.reshape(-1, 2, 4))
    detector.fit(np.asarray(X.reshape(-1, 2, 4)).reshape(40, -1))  # the advice, as given


def test_numbers_with_a_text_cell_are_not_told_to_be_one_hot_encoded():
    # a measurement with one '?' was told "TabularEncoder one-hot encodes them" (a category per
    # number); the imputer's words name the cell and the fix (user review)
    ages = [str(v) for v in range(30)]
    frame = pd.DataFrame({"height": np.arange(30.0), "age": ["?", *ages[1:]]})
    said = (
        r"non-numeric columns: age\. Column 'age' holds numbers but also text: '\?' \(row 0, "
        r"0-based\)\. If '\?' marks a missing value, read the file with pd\.read_csv\(\.\.\., "
        r"na_values=\['\?'\]\), or make them missing values with X\['age'\] = pd\.to_numeric\("
        r"X\['age'\], errors='coerce'\), then fill them \(aekit\.AutoencoderImputer\)"
    )
    with pytest.raises(ValueError, match=said):
        aekit.Autoencoder(**CPU).fit(frame)
    frame["age"] = pd.to_numeric(frame["age"], errors="coerce")  # the advice, as given
    filled = aekit.AutoencoderImputer(max_iter=2, random_state=0).fit_transform(frame)
    aekit.Autoencoder(**CPU).fit(filled)
    typo = frame.assign(age=["4o", *ages[1:]])
    with pytest.raises(ValueError, match=r"'4o' \(row 0, 0-based\)\. Fix them, or make them"):
        aekit.Autoencoder(**CPU).fit(typo)


def test_a_series_is_refused_as_a_one_axis_array_is():
    # df["income"] fitted one feature silently, where X[:, 0] is refused (user review); a row
    # df.iloc[0] would have been fitted as a column of one sample per value
    frame = pd.DataFrame({"income": np.arange(20.0), "age": np.arange(20.0)})
    for series in (frame["income"], frame.iloc[0]):
        with pytest.raises(ValueError, match=r"X is a pandas Series; pass a DataFrame, e\.g\."):
            aekit.Autoencoder(**CPU).fit(series)
    fitted = aekit.Autoencoder(**CPU).fit(frame["income"].to_frame())  # the advice, as given
    with pytest.raises(ValueError, match=r"df\.iloc\[\[0\]\] \(double brackets\) for one row"):
        fitted.transform(frame["income"])


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (0, 0)])
def test_empty_X(shape):
    pattern = rf"X is empty: 0 (sample|feature)\(s\) \(shape=\({shape[0]}, {shape[1]}\)\)"
    with pytest.raises(ValueError, match=pattern):
        aekit.Autoencoder(**CPU).fit(np.empty(shape))


def test_empty_list():
    with pytest.raises(ValueError, match=r"X must have 2 axes .*got shape \(0,\)"):
        aekit.Autoencoder(**CPU).fit([])


@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.VAE])
def test_one_row_is_refused_as_the_command_line_refuses_it(kind, digits):
    # Python trained on it silently; 'aekit train' said "training needs at least 2"
    with pytest.raises(ValueError, match=r"n_samples=1; \w+ learns from at least 2 rows"):
        kind(**CPU).fit(digits[0][:1])
    warm = kind(**CPU, warm_start=True).fit(digits[0])
    warm.fit(digits[0][:1])  # going on with one new row (warm_start) is no first fit
    assert warm.n_iter_ == 2 * CPU["max_iter"]


def test_a_trimmed_refit_of_two_rows_keeps_both(digits):
    # trim_fraction=0.4 of 2 rows kept 1 for the refit, which the refusal above then refused
    member = aekit.Autoencoder(**CPU)
    detector = aekit.AnomalyDetector(member, n_estimators=1, trim_fraction=0.4, random_state=0)
    assert detector.fit(digits[0][:2]).anomaly_score(digits[0][:2]).shape == (2,)
    with pytest.raises(ValueError, match=r"n_samples=1; Compressor learns from at least 2 rows"):
        aekit.Compressor(max_iter=1).fit(digits[0][:1])  # its own name, not its network's


def test_one_dimensional_X(fitted):
    with pytest.raises(ValueError, match=r"got shape \(5,\)\. Reshape your data either using"):
        aekit.Autoencoder(**CPU).fit(np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match=r"got shape \(64,\)"):
        fitted.transform(np.zeros(64))


def test_five_dimensional_X():
    with pytest.raises(
        ValueError, match=r"2 axes .* or 4 \(n, C, H, W\); got shape \(4, 1, 2, 8, 8\)"
    ):
        aekit.Autoencoder(**CPU).fit(np.zeros((4, 1, 2, 8, 8)))


def test_ragged_rows():
    # the row is named (numpy said "inhomogeneous shape after 1 dimensions"; the server too)
    with pytest.raises(
        ValueError, match=r"X is not a rectangular array: row 0 has 3 values, row 1 has 2;"
    ):
        aekit.Autoencoder(**CPU).fit([[0.1, 0.2, 0.3], [0.4, 0.5], [0.6, 0.7, 0.8]])


def test_string_array():
    # the first cell that is not a number, and where (it said "dtype <U3" alone)
    with pytest.raises(ValueError, match=r"X holds 'x' at row 1, column 0 \(0-based\), not a nu"):
        aekit.Autoencoder(**CPU).fit(np.array([["1.5", "2"], ["x", "jkl"]]))


@pytest.mark.parametrize("dtype", ["datetime64[D]", "timedelta64[s]"])
def test_an_array_of_dates_is_refused_in_one_line(dtype):
    # numpy's mean of dates failed deep inside fit with a UFuncTypeError
    X = np.arange(26).astype(dtype).reshape(2, 13)
    with pytest.raises(
        ValueError, match=rf"X holds dates or durations \(dtype {re.escape(dtype)}\)"
    ):
        aekit.Autoencoder(**CPU).fit(X)
    with pytest.raises(ValueError, match="holds dates or durations"):
        aekit.AnomalyDetector().fit(X)


def test_complex_array():
    with pytest.raises(ValueError, match="Complex data not supported: X is complex"):
        aekit.Autoencoder(**CPU).fit(np.ones((4, 3), dtype=complex))


def test_none_X():
    with pytest.raises(ValueError, match="X is None"):
        aekit.Autoencoder(**CPU).fit(None)


# Every estimator that reads tables, fitted on what is not a table of its own columns. The
# imputer and compressor read len(X) first ('len() of unsized object'), the detector, imputer
# and TabularEncoder took columns of one name to numpy's broadcast errors or accepted them, and
# TabularEncoder dropped complex values' imaginary part: each now says what X is.
TABLE_ESTIMATORS = {
    "Autoencoder": lambda: aekit.Autoencoder(**CPU),
    "ConditionalVAE": lambda: aekit.ConditionalVAE(**CPU),
    "AnomalyDetector": lambda: aekit.AnomalyDetector(n_estimators=1),
    "AutoencoderImputer": lambda: aekit.AutoencoderImputer(max_iter=1),
    "Compressor": lambda: aekit.Compressor(max_iter=1),
    "SemanticHasher": lambda: aekit.SemanticHasher(n_bits=8, max_iter=1),
    "TabularEncoder": lambda: aekit.TabularEncoder(),
}
NOT_TABLES = {
    "None": (None, r"X is None; pass an array-like of shape \(n_samples, n_features\)"),
    "a number": (3.0, r"X is a single value \(3\.0\); pass an array-like"),
    "a path": ("data.csv", r"X is the text 'data.csv', not rows of data.*aekit.open_dataset"),
    "columns of one name": (
        pd.DataFrame(np.ones((6, 3)), columns=["a", "a", "b"]),
        r"X has the column\(s\) \['a'\] more than once \(duplicated\); keep one of each",
    ),
    "1 and '1'": (
        pd.DataFrame(np.ones((6, 2)), columns=[1, "1"]),
        r"X has the column\(s\) \['1'\] more than once",
    ),
    "complex": (np.ones((6, 3), dtype=complex), "Complex data not supported"),
    "ragged": ([[0.1, 0.2], [0.3]], "X is not a rectangular array"),
}


@pytest.mark.parametrize("case", NOT_TABLES)
@pytest.mark.parametrize("kind", TABLE_ESTIMATORS)
def test_what_is_not_a_table_is_named(kind, case):
    X, message = NOT_TABLES[case]
    y = np.arange(6) % 2 if kind == "ConditionalVAE" else None
    with pytest.raises(ValueError, match=message):
        TABLE_ESTIMATORS[kind]().fit(X, y)


# --- images --------------------------------------------------------------------------------------


def test_image_shape_must_match_the_number_of_features(digits):
    with pytest.raises(ValueError, match=r"image_shape=\(1, 4, 4\) must be .* X's 64 features"):
        aekit.Autoencoder(**CPU, image_shape=(1, 4, 4)).fit(digits[0])


def test_image_shape_must_match_4d_X(images):
    with pytest.raises(ValueError, match=r"image_shape=\(1, 4, 16\) does not match .*\(1, 8, 8\)"):
        aekit.Autoencoder(**CPU, image_shape=(1, 4, 16)).fit(images)


def test_4d_X_with_other_images_than_in_fit(fitted_conv, images):
    other = images.reshape(len(images), 4, 4, 4)  # same 64 features, other image shape
    with pytest.raises(ValueError, match=r"images of shape \(4, 4, 4\) .* fitted on \(1, 8, 8\)"):
        fitted_conv.transform(other)
    # images of another size too are said to be, before their feature count (16) is
    with pytest.raises(ValueError, match=r"images of shape \(1, 4, 4\) .* fitted on \(1, 8, 8\)"):
        fitted_conv.transform(images[:, :, :4, :4])


def test_conv_needs_an_image_shape(digits):
    with pytest.raises(ValueError, match="architecture='conv' needs images") as flat:
        aekit.Autoencoder(**CPU, architecture="conv").fit(digits[0])
    assert "X[:, None]" not in str(flat.value)
    # grey images laid out (n, H, W), as Keras has them: the axis to add is named
    with pytest.raises(ValueError, match=r"Grey images \(n, H, W\): X\[:, None\] adds"):
        aekit.Autoencoder(**CPU, architecture="conv").fit(digits[0].reshape(-1, 8, 8))


# --- nothing half-written on disk ----------------------------------------------------------------


def test_nan_data_leaves_no_checkpoint(digits, tmp_path):
    folder = tmp_path / "ck"
    with pytest.raises(ValueError, match="NaN"):
        aekit.Autoencoder(**CPU, checkpoint_dir=folder).fit(with_bad_values(digits[0]))
    assert not folder.exists() or os.listdir(folder) == []


def assert_only_complete_checkpoints(folder) -> None:
    names = os.listdir(folder) if folder.exists() else []
    assert set(names) <= {"checkpoint.safetensors"}, names  # no temporary files
    for name in names:
        load_file(str(folder / name))  # a whole safetensors file, not a torn one


def test_divergence_names_epoch_and_learning_rate(tmp_path):
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(64, 6)) * 1e3 + 5e3).astype(np.float32)
    folder = tmp_path / "ck"
    model = aekit.Autoencoder(
        **{**CPU, "latent_dim": 2, "max_iter": 5},
        learning_rate_init=1e6,
        checkpoint_dir=folder,
    )
    with pytest.raises(
        ValueError, match=r"diverged in epoch \d+.*learning_rate_init \(now 1e\+06\)"
    ):
        model.fit(X)
    assert_only_complete_checkpoints(folder)


def test_divergence_at_a_known_epoch(digits, tmp_path, monkeypatch):
    forward = AutoencoderModel.forward

    def poisoned(self, x, y=None, generator=None, epoch=0):
        terms = forward(self, x, y, generator, epoch)
        if self.training and epoch >= 2:  # the third epoch
            terms["loss"] = terms["loss"] * float("nan")
        return terms

    monkeypatch.setattr(AutoencoderModel, "forward", poisoned)
    folder = tmp_path / "ck"
    model = aekit.Autoencoder(**{**CPU, "max_iter": 5}, checkpoint_dir=folder)
    with pytest.raises(
        FloatingPointError, match=r"diverged in epoch 3: loss\b.* became nan"
    ) as info:
        model.fit(digits[0])
    assert isinstance(info.value, ValueError)
    assert "learning_rate_init" in str(info.value)
    assert_only_complete_checkpoints(folder)
