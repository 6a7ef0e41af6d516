"""Bad input gets the ecosystem's usual exception with a message that names the problem; good
input in any of the accepted containers just works; errors leave nothing half-written on disk."""

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
from sklearn.exceptions import ConvergenceWarning, NotFittedError

import aekit
from aekit.core.model import AutoencoderModel


@pytest.fixture(scope="module")
def fitted(digits) -> aekit.Autoencoder:
    return aekit.Autoencoder(**CPU).fit(digits[0])


@pytest.fixture(scope="module")
def fitted_cvae(digits) -> aekit.ConditionalVAE:
    X, y = digits
    return aekit.ConditionalVAE(**CPU).fit(X, np.array(["cat", "dog", "emu"])[y % 3])


@pytest.fixture(scope="module")
def fitted_conv(images) -> aekit.Autoencoder:
    return aekit.Autoencoder(**{**CPU, "hidden_layer_sizes": (4, 8)}, architecture="conv").fit(
        images
    )


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


def test_nan_in_images_names_row_and_flat_column(images):
    X = images.copy()
    X[2, 0, 1, 3] = np.nan  # pixel (1, 3) of an 8x8 image is flat column 11
    with pytest.raises(
        ValueError, match=r"1 value .* \(1 NaN\) .* row 2 .*first at \(row 2, column 11"
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


def test_a_detector_of_tables_names_two_axes_and_the_reshape():
    # a 1-D X was told "2 axes, 3 (n, channels, length) or 4 (n, C, H, W)", and the 3-D X that
    # followed the advice "must be a 2-D table", without a fix (user review)
    X = np.random.default_rng(0).normal(size=(40, 8))
    detector = aekit.AnomalyDetector(n_estimators=1, random_state=0)
    with pytest.raises(ValueError, match=r"must have 2 axes \(n_samples, n_features\); got") as e:
        detector.fit(X[:, 0])
    assert "channels" not in str(e.value)
    with pytest.raises(ValueError, match=r"got shape \(40, 2, 4\)\. .*X\.reshape\(len\(X\), -1\)"):
        detector.fit(X.reshape(-1, 2, 4))
    detector.fit(X.reshape(-1, 2, 4).reshape(40, -1))  # the advice, as given


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
    with pytest.raises(ValueError, match="architecture='conv' needs images"):
        aekit.Autoencoder(**CPU, architecture="conv").fit(digits[0])


# --- ConditionalVAE labels -----------------------------------------------------------------------


def test_cvae_fit_needs_labels(digits):
    with pytest.raises(ValueError, match=r"requires y to be passed, but the target y is None"):
        aekit.ConditionalVAE(**CPU).fit(digits[0])


def test_cvae_labels_of_wrong_length(digits, fitted_cvae):
    X, y = digits
    with pytest.raises(ValueError, match="y has 59 labels but X has 60 rows"):
        aekit.ConditionalVAE(**CPU).fit(X, y[:-1])
    with pytest.raises(ValueError, match="y has 2 labels but X has 5 rows"):
        fitted_cvae.transform(X[:5], ["cat", "dog"])
    with pytest.raises(ValueError, match="y has 2 labels but Z has 3 rows"):
        fitted_cvae.inverse_transform(np.zeros((3, 4)), ["cat", "dog"])


def test_cvae_labels_not_one_per_row(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"y must be 1-D .*got shape \(6, 10\)"):
        aekit.ConditionalVAE(**CPU).fit(X, y.reshape(6, 10))


def test_cvae_infinite_and_missing_labels(digits, fitted_cvae):
    """NaN marks an unlabelled row in fit (test_semisupervised); infinity is no label, and
    where every row needs a label a missing one is refused."""
    X, y = digits
    with pytest.raises(ValueError, match="1 infinite labels"):
        aekit.ConditionalVAE(**CPU).fit(X, np.where(np.arange(len(X)) == 3, np.inf, y % 2))
    labels = pd.Series(["cat", pd.NA, "dog"], dtype="string")
    Z = np.zeros((3, fitted_cvae.latent_dim))
    with pytest.raises(ValueError, match="1 missing labels .* first at row 1; every row needs"):
        fitted_cvae.inverse_transform(Z, labels)  # decoding: every row needs its label
    # where a label can be predicted (transform), a missing one is an unlabelled row, as in fit
    given = fitted_cvae.classes_[[0, 0, 1]]
    given[1] = fitted_cvae.predict(X[1:2])[0]
    np.testing.assert_allclose(
        fitted_cvae.transform(X[:3], np.where(pd.isna(labels), None, given)),
        fitted_cvae.transform(X[:3], given),
        atol=1e-6,
    )


def test_cvae_decoding_needs_labels(fitted_cvae):
    with pytest.raises(ValueError, match="needs labels y here"):
        fitted_cvae.inverse_transform(np.zeros((3, fitted_cvae.latent_dim)))


def test_cvae_unseen_labels_are_named(fitted_cvae, digits):
    X = digits[0][:4]
    with pytest.raises(ValueError, match=r"labels not seen in fit: \['eel', 'fox'\]"):
        fitted_cvae.transform(X, ["cat", "eel", "fox", "eel"])
    with pytest.raises(ValueError, match=r"not seen in fit: \['owl'\]; known labels are"):
        fitted_cvae.score_samples(X, ["owl", "cat", "cat", "dog"])


def test_cvae_sample_with_unseen_label(fitted_cvae):
    with pytest.raises(ValueError, match=r"labels not seen in fit: \['yak'\]"):
        fitted_cvae.sample(3, y="yak")
    with pytest.raises(ValueError, match=r"labels not seen in fit: \[7\]"):
        fitted_cvae.sample(3, y=7)
    assert fitted_cvae.sample(3, y="dog", random_state=0).shape == (3, 64)


# Counts: one shared check (aekit.data.validation.check_count). A float was cut short by int()
# (sample(2.5) drew 2 rows), and a count below its minimum named no type.
COUNTS = {
    "sample": lambda m, X, n: m.sample(n, y="dog"),
    "log_likelihood": lambda m, X, n: m.log_likelihood(X, n_samples=n),
    "reconstruction_error": lambda m, X, n: m.reconstruction_error(X, n_draws=n),
}
COUNT_NAMES = {
    "sample": "n_samples",
    "log_likelihood": "n_samples",
    "reconstruction_error": "n_draws",
}


@pytest.mark.parametrize("call", COUNTS)
@pytest.mark.parametrize("bad", [2.5, np.float64(3.0), True, "3", 0, -2])
def test_counts_must_be_ints_of_at_least_one(call, bad, fitted_cvae, digits):
    name = COUNT_NAMES[call]
    if isinstance(bad, int) and not isinstance(bad, bool):
        pattern = rf"^{name}={bad} must be an int of at least 1\.$"
    else:
        pattern = rf"^{name}={re.escape(repr(bad))} is a {type(bad).__name__}; give an int of at"
    with pytest.raises(ValueError, match=pattern):
        COUNTS[call](fitted_cvae, digits[0][:4], bad)


def test_path_and_grid_counts_name_their_minimum(fitted_cvae, digits):
    X = digits[0]
    with pytest.raises(
        ValueError, match=r"^steps=4\.0 is a float; give an int of at least 2 \(the"
    ):
        fitted_cvae.interpolate(X[0], X[1], steps=4.0, y="cat")
    with pytest.raises(
        ValueError, match=r"^steps=1 must be an int of at least 2 \(the endpoints\)"
    ):
        fitted_cvae.interpolate(X[0], X[1], steps=1, y="cat")


# --- not fitted ----------------------------------------------------------------------------------

UNFITTED_CALLS = {
    "transform": lambda m, X: m.transform(X),
    "inverse_transform": lambda m, X: m.inverse_transform(np.zeros((2, 4))),
    "score_samples": lambda m, X: m.score_samples(X),
    "score": lambda m, X: m.score(X),
    "reconstruct": lambda m, X: m.reconstruct(X),
    "get_feature_names_out": lambda m, X: m.get_feature_names_out(),
}


@pytest.mark.parametrize("call", UNFITTED_CALLS)
@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.VariationalAutoencoder])
def test_calls_before_fit(kind, call, digits):
    with pytest.raises(NotFittedError, match=f"This {kind.__name__} instance is not fitted yet"):
        UNFITTED_CALLS[call](kind(), digits[0])


def test_sample_before_fit():
    with pytest.raises(NotFittedError):
        aekit.VariationalAutoencoder().sample(2)
    with pytest.raises(NotFittedError):
        aekit.ConditionalVAE().sample(2, y=1)
    with pytest.raises(NotFittedError):
        aekit.ConditionalVAE().sample(2)


def test_cvae_calls_before_fit(digits):
    X, y = digits
    model = aekit.ConditionalVAE()
    for call in (model.transform, model.score_samples, model.score):
        with pytest.raises(NotFittedError):
            call(X, y)
    with pytest.raises(NotFittedError):
        model.inverse_transform(np.zeros((2, 4)), y=1)


def test_save_before_fit_writes_nothing(tmp_path):
    with pytest.raises(NotFittedError):
        aekit.Autoencoder().save(tmp_path / "model.safetensors")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "kind, params, labels",
    [
        (aekit.Autoencoder, {"image_shape": (1, 3, 3)}, False),  # fails after n_features_in_
        (aekit.ConditionalVAE, {}, True),  # fails on the labels, after n_features_in_
    ],
    ids=["bad-image_shape", "bad-labels"],
)
def test_failed_fit_leaves_the_estimator_unfitted(kind, params, labels, digits):
    X, y = digits
    model = kind(**CPU, **params)
    with pytest.raises(ValueError):
        model.fit(X, *([y[:5]] if labels else []))
    with pytest.raises(NotFittedError):
        model.transform(X, *([y] if labels else []))


def test_failed_refit_does_not_keep_the_old_model(digits):
    X, _ = digits
    model = aekit.Autoencoder(**CPU).fit(X)
    model.set_params(image_shape=(1, 3, 3))
    with pytest.raises(ValueError, match="image_shape"):
        model.fit(X)
    with pytest.raises(NotFittedError):
        model.transform(X)


# --- codes ---------------------------------------------------------------------------------------


def test_codes_of_wrong_width(fitted):
    with pytest.raises(
        ValueError, match=r"Z must have shape \(n, 4\) \(the latent_dim\); got \(3, 5\)"
    ):
        fitted.inverse_transform(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"Z must have 2 axes"):
        fitted.inverse_transform(np.zeros(4))


# --- parameters ----------------------------------------------------------------------------------


# Messages must name the parameter and its value (whatever else they say): scikit-learn's for a
# value outside a parameter's constraints, aekit's own for the rules across parameters.
def rejected(name: str, value: object) -> str:
    """scikit-learn's message for a value outside the constraints of parameter ``name``."""
    return rf"The '{name}' parameter of \w+ must be .*\. Got {re.escape(repr(value))} instead\."


BAD_PARAMS = [
    (aekit.Autoencoder, {"latent_dim": 0}, rejected("latent_dim", 0)),
    (aekit.Autoencoder, {"latent_dim": 2.5}, rejected("latent_dim", 2.5)),
    (aekit.Autoencoder, {"architecture": "foo"}, rejected("architecture", "foo")),
    (aekit.Autoencoder, {"hidden_layer_sizes": (0,)}, r"hidden_layer_sizes=\(0,\)"),
    (aekit.Autoencoder, {"hidden_layer_sizes": 0}, rejected("hidden_layer_sizes", 0)),
    (aekit.Autoencoder, {"hidden_layer_sizes": "64"}, rejected("hidden_layer_sizes", "64")),
    (aekit.Autoencoder, {"categorical_groups": ((0, 1),)}, r"categorical_groups=\(\(0, 1\),\)"),
    (aekit.Autoencoder, {"max_iter": 0}, rejected("max_iter", 0)),
    (aekit.Autoencoder, {"batch_size": 0}, rejected("batch_size", 0)),
    (aekit.Autoencoder, {"validation_fraction": 1.5}, rejected("validation_fraction", 1.5)),
    (aekit.Autoencoder, {"activation": "foo"}, rejected("activation", "foo")),
    (aekit.Autoencoder, {"likelihood": "foo"}, rejected("likelihood", "foo")),
    (aekit.Autoencoder, {"device": "tpu"}, rejected("device", "tpu")),
    (aekit.DenoisingAutoencoder, {"noise": "foo"}, rejected("noise", "foo")),
    (aekit.DenoisingAutoencoder, {"noise": "masking", "noise_level": 2}, r"noise_level=2"),
    (aekit.DenoisingAutoencoder, {"noise_schedule": "foo"}, rejected("noise_schedule", "foo")),
    (aekit.SparseAutoencoder, {"sparsity": "foo"}, rejected("sparsity", "foo")),
    (
        aekit.SparseAutoencoder,
        {"sparsity": "kl", "sparsity_target": 2},
        rejected("sparsity_target", 2),
    ),
    (aekit.VariationalAutoencoder, {"beta": -1.0}, rejected("beta", -1.0)),
    (aekit.VariationalAutoencoder, {"kl_warmup": -1}, rejected("kl_warmup", -1)),
    (aekit.VariationalAutoencoder, {"binarize": True}, rejected("binarize", True)),
]


@pytest.mark.parametrize("kind, params, message", BAD_PARAMS)
def test_invalid_params(kind, params, message, digits):
    with pytest.raises(ValueError, match=message):
        kind(**{**CPU, **params}).fit(digits[0])


def test_bernoulli_needs_data_in_unit_interval(digits):
    with pytest.raises(
        ValueError, match=r"likelihood='bernoulli' needs data in \[0, 1\].*\[0, 3\]"
    ):
        aekit.Autoencoder(**CPU, likelihood="bernoulli").fit(digits[0] * 3)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_cuda_without_gpu(digits):
    with pytest.raises(ValueError, match="device='cuda' but PyTorch sees no GPU"):
        aekit.Autoencoder(**{**CPU, "device": "cuda"}).fit(digits[0])


def _takes_a_device():
    """Every estimator of aekit's table whose parameters include ``device``."""
    from aekit import registry

    found = [registry.resolve(name) for name in registry.PUBLIC]
    kinds = [k for k in found if "device" in getattr(k, "_parameter_constraints", {})]
    assert len(kinds) >= 10  # the autoencoders, the composites, the fine-tuned ones
    return kinds


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_a_gpu_is_named_as_torch_names_it(digits):
    # "cuda:N" and torch.device("cuda", N) pass every estimator's checks, as torch takes them,
    # and then meet the very message "cuda" does on a machine without one.
    for kind in _takes_a_device():
        for device in ("cuda:1", "cuda:0", torch.device("cuda", 1), "cpu"):
            kind(device=device)._validate_params()
        with pytest.raises(ValueError, match=rejected("device", "cuda:x")):
            kind(device="cuda:x")._validate_params()
    with pytest.raises(ValueError, match=r"'cuda' or 'cuda:N' \(N a GPU index\) or an instance"):
        aekit.Autoencoder(device="cuda:")._validate_params()
    for device, name in [("cuda:1", "cuda:1"), (torch.device("cuda", 1), "cuda:1")]:
        with pytest.raises(ValueError, match=f"device='{name}' but PyTorch sees no GPU"):
            aekit.Autoencoder(**{**CPU, "device": device}).fit(digits[0])
    with pytest.raises(ValueError, match="device='cuda:1' but PyTorch sees no GPU"):
        aekit.AutoencoderImputer(device="cuda:1", max_iter=1).fit(digits[0])
    with pytest.raises(ValueError, match=r"device='cuda:x' is not supported; use 'auto'"):
        aekit.load("never-read.safetensors", device="cuda:x")


@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.SparseAutoencoder, aekit.ConditionalVAE])
def test_unknown_constructor_argument(kind):
    with pytest.raises(TypeError, match=r"got an unexpected keyword argument 'n_components'"):
        kind(latent_dim=2, n_components=3)


def test_denoising_params_are_not_shared():
    with pytest.raises(TypeError, match="noise_level"):
        aekit.Autoencoder(noise_level=0.1)


# --- accepted containers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "convert",
    [
        torch.from_numpy,
        lambda X: torch.from_numpy(X).double().requires_grad_(),
        lambda X: X.tolist(),
        lambda X: pd.DataFrame(X),
        lambda X: X.astype(np.float64),
        lambda X: (X > 0.5).astype(np.int64),
        lambda X: X > 0.5,
    ],
    ids=["tensor", "tensor-grad", "list", "DataFrame", "float64", "int", "bool"],
)
def test_accepted_containers(convert, digits):
    X = convert(digits[0][:20])
    model = aekit.Autoencoder(**CPU).fit(X)
    Z = model.transform(X)
    assert isinstance(Z, np.ndarray)
    assert Z.shape == (20, 4)
    assert Z.dtype == np.float32
    assert model.inverse_transform(Z).shape == (20, 64)
    assert model.score_samples(X).shape == (20,)
    assert model.n_features_in_ == 64


def test_feature_names_from_dataframe(digits):
    X = digits[0][:20]
    columns = [f"pixel_{i}" for i in range(64)]
    model = aekit.Autoencoder(**CPU).fit(pd.DataFrame(X, columns=columns))
    assert isinstance(model.feature_names_in_, np.ndarray)
    assert list(model.feature_names_in_) == columns
    assert model.transform(pd.DataFrame(X, columns=columns)).shape == (20, 4)
    assert list(model.get_feature_names_out()) == ["z0", "z1", "z2", "z3"]
    reordered = pd.DataFrame(X[:, ::-1], columns=columns[::-1])
    with pytest.raises(ValueError, match="columns seen in fit in another order") as caught:
        model.transform(reordered)
    # 64 names do not fit the message: the fix it gives is one to run, not a list cut by '...'
    assert "pass them in fit's order: X[list(model.feature_names_in_)]" in str(caught.value)
    np.testing.assert_array_equal(
        model.transform(reordered[list(model.feature_names_in_)]),
        model.transform(pd.DataFrame(X, columns=columns)),
    )


def test_no_feature_names_from_arrays(fitted):
    assert not hasattr(fitted, "feature_names_in_")


def test_tensor_images(images):
    model = aekit.Autoencoder(**{**CPU, "hidden_layer_sizes": (4, 8)}, architecture="conv")
    model.fit(torch.from_numpy(images))
    assert model.transform(torch.from_numpy(images)).shape == (len(images), 4)
    assert model.reconstruct(images).shape == images.shape


# --- nothing half-written on disk ----------------------------------------------------------------


def test_nan_data_leaves_no_checkpoint(digits, tmp_path):
    folder = tmp_path / "ck"
    with pytest.raises(ValueError, match="NaN"):
        aekit.Autoencoder(**CPU, checkpoint_dir=folder).fit(with_bad_values(digits[0]))
    assert not folder.exists() or os.listdir(folder) == []


def test_invalid_params_leave_no_checkpoint(digits, tmp_path):
    folder = tmp_path / "ck"
    with pytest.raises(ValueError, match=rejected("noise", "foo")):
        aekit.DenoisingAutoencoder(**CPU, noise="foo", checkpoint_dir=folder).fit(digits[0])
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
    with pytest.raises(FloatingPointError, match=r"diverged in epoch 3: loss became nan") as info:
        model.fit(digits[0])
    assert isinstance(info.value, ValueError)
    assert "learning_rate_init" in str(info.value)
    assert_only_complete_checkpoints(folder)


def test_a_cpu_device_with_an_index_is_the_cpu(digits):
    # torch.device("cpu", 0) is the CPU, as torch takes it (it was refused as 'cpu:0').
    model = aekit.Autoencoder(**{**CPU, "device": torch.device("cpu", 0)}).fit(digits[0][:50])
    assert next(model.model_.parameters()).device.type == "cpu"


def test_a_column_whose_variation_float32_rounds_away_is_warned_of():
    # values around 1e6 varying by 0.01 became steps of 0.06: the detector flagged nothing and
    # the autoencoder reconstructed every row alike, without a word (user review). The
    # autoencoders and the detector now standardize such columns in float64
    # (test_float64_precision.py); the fine-tuned networks still read float32 rows, and say so.
    from aekit.cli.errors import for_the_command_line

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=(200, 5)), 1e6 + 0.01 * rng.normal(size=200)])
    y = (X[:, 0] > 0).astype(int)
    quick = {"max_iter": 2, "random_state": 0, "device": CPU["device"]}
    quick["autoencoder"] = aekit.Autoencoder(**CPU)  # fitted on X first, as float32 rows
    frame = pd.DataFrame(X, columns=[*"abcde", "balance"])
    classifier = aekit.FineTunedClassifier(**quick)
    with pytest.warns(UserWarning, match=r"column 'balance' varies by about 0\.0097") as caught:
        classifier.fit(frame, y)
    line = for_the_command_line(str(caught[0].message))
    assert line.startswith("DATA's column 'balance'") and "X.mean" not in line
    with pytest.warns(UserWarning, match=r"X's column 5 varies"):
        aekit.FineTunedClassifier(**quick).fit(X, y)
    with warnings.catch_warnings():  # the offset taken away, or a wide spread: nothing to say
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # two epochs, on purpose
        aekit.FineTunedClassifier(**quick).fit(X - X.mean(axis=0), y)
        aekit.FineTunedClassifier(**quick).fit(np.column_stack([X[:, :5], 1e6 * X[:, 0]]), y)


def test_three_axes_in_another_layout_are_refused():
    # (n, H, W, C) images reshaped to (n, 20, 3) were scored as the model's (3, 4, 5) images
    imgs = np.random.default_rng(0).random((30, 3, 4, 5)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        conv = aekit.Autoencoder(**CPU, architecture="conv").fit(imgs)
        flat = aekit.Autoencoder(**CPU).fit(imgs.reshape(30, -1))
        gray = aekit.Autoencoder(**CPU, architecture="conv").fit(imgs[:, :1])
    other = imgs.transpose(0, 2, 3, 1).reshape(30, 20, 3)
    with pytest.raises(ValueError, match=r"rows of shape \(20, 3\), but the model was fitted on "
                       r"images of shape \(3, 4, 5\): pass \(n, C, H, W\) images or their flat "
                       r"rows \(n, 60\)\."):  # fmt: skip
        conv.reconstruct(other)
    with pytest.raises(ValueError, match=r"fitted on rows of 60 features: pass them as \(n, 60\)"):
        flat.transform(other)
    assert gray.transform(imgs[:, 0]).shape == (30, 4)  # (n, H, W) of a one-channel model
    np.testing.assert_array_equal(gray.transform(imgs[:, 0]), gray.transform(imgs[:, :1]))


@pytest.mark.parametrize("container", ["ndarray", "DataFrame", "list"])
def test_the_imputer_refuses_complex_values(container):
    # the imaginary part was dropped with numpy's ComplexWarning and a complex array returned
    X = np.array([[1 + 1j, 2.0], [3.0, 4.0], [5.0, 6.0]])
    given = {"ndarray": X, "DataFrame": pd.DataFrame(X), "list": X.tolist()}[container]
    with pytest.raises(ValueError, match="Complex data not supported: X is complex"):
        aekit.AutoencoderImputer(max_iter=1).fit(given)


def test_rows_scaled_on_other_rows_are_told_to_clip_or_refit():
    # MinMaxScaler -> Autoencoder: test rows a little outside [0, 1] were told to "scale X as
    # its training data was scaled", as they were
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(MinMaxScaler(), aekit.Autoencoder(**CPU)).fit(rng.random((50, 6)))
    with pytest.raises(ValueError, match=r"MinMaxScaler\) fall a little outside: clip them too "
                       r"\(MinMaxScaler\(clip=True\) does, in a pipeline as well\), or refit "
                       r"with likelihood='gaussian'"):  # fmt: skip
        pipe.transform(1.1 * rng.random((5, 6)))
    clipped = make_pipeline(MinMaxScaler(clip=True), aekit.Autoencoder(**CPU))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clipped.fit(rng.random((50, 6)))
    assert np.isfinite(clipped.transform(1.1 * rng.random((5, 6)))).all()  # the advice works


@pytest.mark.parametrize("kind", ["Compressor", "SemanticHasher"])
def test_an_estimator_without_a_likelihood_parameter_is_not_told_to_set_one(digits, kind):
    # the network inside a Compressor or SemanticHasher advised "refit with
    # likelihood='gaussian'", which neither takes (TypeError)
    from aekit.cli.errors import for_the_command_line

    estimator = getattr(aekit, kind)(max_iter=1, random_state=0, device=CPU["device"])
    estimator.fit(digits[0])
    apply = estimator.compress if kind == "Compressor" else estimator.index
    with pytest.raises(ValueError, match=r"needs data in \[0, 1\], but X ranges over") as caught:
        apply(digits[0] * 10)
    assert "likelihood=" not in str(caught.value).split("ranges over")[1]
    assert "DenoisingAutoencoder" not in str(caught.value)
    line = for_the_command_line(str(caught.value), set())
    assert line.endswith(
        "scale DATA as the training data was scaled (clip noisy values to [0, 1])."
    ), line


def test_uint8_pixels_are_said_to_get_a_gaussian(digits):
    # Keras' tutorials divide pixels by 255; forgetting it chose a Gaussian silently, whose
    # samples ran from -95 to 341.
    X = np.round(digits[0] * 255).astype(np.uint8)
    with pytest.warns(UserWarning, match=r"X is uint8 .* divide X by 255") as said:
        model = aekit.Autoencoder(**CPU).fit(X)
    assert model.likelihood_ == "gaussian" and said[0].filename == __file__
    from aekit.cli.errors import for_the_command_line

    on_the_command_line = for_the_command_line(str(said[0].message), set())
    assert on_the_command_line.startswith("DATA is uint8") and "X" not in on_the_command_line
    assert "--param likelihood=gaussian to keep this model" in on_the_command_line
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        aekit.Autoencoder(**CPU).fit(X / 255)  # [0, 1]: Bernoulli, nothing to say
        aekit.Autoencoder(**CPU, likelihood="gaussian").fit(X)  # chosen: nothing to say


def test_messages_name_the_argument_the_caller_gave(fitted_cvae, digits):
    # "y has 2 labels but X has 3 rows" from sample (no X), "Z is empty" from traverse (no Z),
    # "X has 4 features" for a wrong X_normal, said after every member had trained
    X, _ = digits
    label = fitted_cvae.classes_[0]
    with pytest.raises(ValueError, match=r"^y has 2 labels but n_samples is 3\.$"):
        fitted_cvae.sample(3, y=[label, label])
    with pytest.raises(ValueError, match=r"^y has 2 labels but Z has 3 rows\.$"):
        fitted_cvae.inverse_transform(np.zeros((3, fitted_cvae.latent_dim)), [label, label])
    with pytest.raises(ValueError, match=r"^values is empty; give the values each unit takes"):
        fitted_cvae.traverse(X[0], [], y=label)
    with pytest.raises(ValueError, match=r"^values holds nan; give finite values"):
        fitted_cvae.traverse(X[0], [np.nan, 0], y=label)  # was "Z has 8 values that are not"
    detector = aekit.AnomalyDetector(threshold="validation", n_estimators=1)
    with pytest.raises(ValueError, match=r"^X_normal has 3 features, but AnomalyDetector is "):
        detector.fit(X[:50], X_normal=X[:10, :3])


def test_sequences_of_another_length_name_the_shapes():
    # (n, 2, 30) for a model of (2, 33) said "X has 60 features, but ... is expecting 66"
    X = np.random.default_rng(0).random((20, 2, 33)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = aekit.Autoencoder(**CPU, architecture="conv1d").fit(X)
    with pytest.raises(ValueError, match=r"^X has sequences of shape \(2, 30\) but the model was "
                       r"fitted on \(2, 33\)\.$"):  # fmt: skip
        model.transform(X[:5, :, :30])


def test_cvae_labels_of_mixed_types_and_column_vectors_are_said(digits):
    # [1, 'a', ...] became all text without a word (1 and '1' one class), and a (n, 1) y was
    # taken without scikit-learn's DataConversionWarning
    from sklearn.exceptions import DataConversionWarning

    X, y = digits
    mixed = [int(v) if i % 2 else f"c{v}" for i, v in enumerate(y)]
    with pytest.raises(ValueError, match=r"^y mixes numbers and text \(\d and 'c\d'\)"):
        aekit.ConditionalVAE(**CPU).fit(X, mixed)
    with pytest.warns(DataConversionWarning, match="A column-vector y was passed"):
        aekit.ConditionalVAE(**CPU).fit(X, y.reshape(-1, 1))
    text_with_unlabelled = [f"c{v}" if i % 3 else -1 for i, v in enumerate(y)]
    assert aekit.ConditionalVAE(**CPU).fit(X, text_with_unlabelled).semi_supervised_


def test_review_edges_of_this_change(digits, fitted_cvae):
    # blank and '-1' labels beside numbers are unlabelled marks, not text; decoding under -1
    # says what it needs; complex values behind __array__ and pandas extension dtypes
    from aekit.data.validation import reject_complex

    X, y = digits
    marked = [int(v) if i % 4 else ("" if i % 8 else "-1") for i, v in enumerate(y % 2)]
    assert aekit.ConditionalVAE(**CPU).fit(X, marked).semi_supervised_
    label = fitted_cvae.classes_[0]
    with pytest.raises(ValueError, match=r"y marks 1 rows unlabelled .* decoding needs a label"):
        fitted_cvae.inverse_transform(np.zeros((2, fitted_cvae.latent_dim)), [label, -1])
    reject_complex(pd.Series([1, None], dtype="Int64"))  # an extension dtype: no complex values

    class OnlyArray:
        def __array__(self, dtype=None, copy=None):
            return np.array([[1 + 1j, 2.0], [3.0, 4.0], [5.0, 6.0]])

    with pytest.raises(ValueError, match="Complex data not supported"):
        aekit.AutoencoderImputer(max_iter=1).fit(OnlyArray())


def test_a_kl_target_with_the_l1_penalty_is_said_to_do_nothing(digits):
    # sparsity_target is the KL penalty's rate: with sparsity="l1" (the default) the codes were
    # the same whatever its value, silently
    with pytest.warns(UserWarning, match=r"sparsity_target=0.2 .* no effect with sparsity='l1'"):
        l1 = aekit.SparseAutoencoder(sparsity_target=0.2, **CPU).fit(digits[0])
    np.testing.assert_array_equal(
        l1.transform(digits[0]), aekit.SparseAutoencoder(**CPU).fit(digits[0]).transform(digits[0])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # with "kl" it is the target: no warning
        warnings.simplefilter("ignore", ConvergenceWarning)  # 2 epochs learn little
        aekit.SparseAutoencoder(sparsity="kl", sparsity_target=0.2, **CPU).fit(digits[0])
