"""Input checks from a data scientist's review of the detector (review 8b): sparse input,
feature names, row-number columns, and the wording of column and missing-value messages."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import aekit

A = np.random.RandomState(0).normal(size=(60, 4))


@pytest.mark.parametrize(
    "make",
    [
        lambda: aekit.AnomalyDetector(n_estimators=1, random_state=0),
        lambda: aekit.AutoencoderImputer(max_iter=1),
        lambda: aekit.Compressor(max_iter=1),
        lambda: aekit.TabularEncoder(),
        lambda: aekit.Autoencoder(max_iter=1),
    ],
)
def test_sparse_input_at_fit_is_refused_as_scikit_learn_does(make):
    # before: scipy's "sparse array length is ambiguous" from len(X), for the first three
    with pytest.raises(TypeError, match=r"dense data is required. Use X.toarray\(\)"):
        make().fit(sp.csr_matrix(A))


def test_sparse_input_to_a_fitted_imputer_is_refused():
    imputer = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(A)
    with pytest.raises(TypeError, match=r"dense data is required. Use X.toarray\(\)"):
        imputer.transform(sp.csr_matrix(A))


def test_feature_names_are_checked_as_scikit_learn_checks_them():
    columns = ["a", "b", "c", "d"]
    frame = pd.DataFrame(A, columns=columns)
    on_array = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(A)
    with pytest.warns(UserWarning, match="X has feature names, but AnomalyDetector was fitted"):
        on_array.score_samples(frame[columns[::-1]])  # before: scored silently, columns swapped
    on_frame = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(frame)
    with pytest.warns(UserWarning, match="X does not have valid feature names, but Anomaly"):
        on_frame.score_samples(A)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as fitted, or framed with the model's own x0, x1, ...
        on_frame.score_samples(frame)
        on_array.score_samples(A)
        on_array.explain(pd.DataFrame(A, columns=on_array.encoder_.feature_names_in_))
    imputer = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(A)
    with pytest.warns(UserWarning, match="X has feature names, but AutoencoderImputer was"):
        imputer.transform(frame)


def _table_with(column: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(np.random.RandomState(1).normal(size=(len(column), 2)), columns=["u", "v"])
    frame["cust_id"] = column
    return frame


@pytest.mark.parametrize(
    "ids",
    [
        np.arange(200),  # 0..n-1
        np.arange(1, 201),  # 1..n
        np.random.RandomState(2).permutation(np.arange(5000, 5200)),  # a shuffled run
    ],
)
def test_a_row_number_column_is_warned_of(ids):
    with pytest.warns(UserWarning, match=r"column 'cust_id' holds the 200 distinct consecutive"):
        aekit.TabularEncoder().fit(_table_with(ids))
    with pytest.warns(UserWarning, match=r"drop it \(X\.drop\(columns=\['cust_id'\]\)\)"):
        aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(_table_with(ids))


@pytest.mark.parametrize(
    "values",
    [
        np.random.RandomState(3).randint(18, 90, 200),  # ages: repeated values
        np.random.RandomState(4).poisson(3.0, 200),  # counts
        np.arange(0, 400, 2),  # distinct, not consecutive (a step of 2)
        np.arange(12),  # a handful of rows: too few to judge
    ],
)
def test_ordinary_integer_features_are_not_warned_of(values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aekit.TabularEncoder().fit(_table_with(values))


def test_the_command_line_names_id_column_for_a_row_number():
    from aekit.cli.errors import for_the_command_line

    with pytest.warns(UserWarning) as caught:
        aekit.TabularEncoder().fit(_table_with(np.arange(100)))
    message = str(caught[0].message)
    said = for_the_command_line(message, {"id_column"})
    assert said.endswith(
        "; pass --id-column cust_id (left out of the features, written beside each row's "
        "result) or --ignore-column cust_id."
    ), said
    assert "X.drop" not in for_the_command_line(message, set())


def test_train_warns_of_a_row_number_in_a_table_of_numbers_alone(tmp_path):
    # with a text column the encoder warned of it; a table of numbers alone said nothing
    from aekit.cli.tables import fit_encoder

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"row": np.arange(1, 121), "a": rng.normal(size=120)})
    with pytest.warns(UserWarning, match=r"column 'row' holds the 120 distinct consecutive"):
        assert fit_encoder(frame) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_encoder(frame.drop(columns="row"))
        fit_encoder(frame.to_numpy())  # an array: no columns to judge


def test_a_detector_run_on_numbers_refuses_npy_scores_as_the_readme_says(tmp_path):
    from pathlib import Path

    from cli_helpers import invoke, refused

    np.save(tmp_path / "a.npy", A.astype(np.float32))
    run = tmp_path / "run"
    made = invoke("detect", tmp_path / "a.npy", "--out", run, "--param", "n_estimators=1")
    assert made.exit_code == 0, made.output
    result = invoke("score", run, tmp_path / "a.npy", "-o", tmp_path / "s.npy")
    refused(result, "hold text (its top_features or top_channel), whatever DATA holds")
    assert not (tmp_path / "s.npy").exists()
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "so `-o x.npy` is refused, whatever DATA holds" in readme  # the rule, where stated


@pytest.fixture(scope="module")
def mixed():
    r = np.random.RandomState(0)
    X = pd.DataFrame(r.normal(size=(80, 3)), columns=["f0", "f1", "f2"])
    X["flag"] = r.rand(80) > 0.5
    X["city"] = r.choice(["a", "b", "c"], 80)
    return X, aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X)


def test_a_duplicated_column_is_said_duplicated(mixed):
    X, det = mixed
    with pytest.raises(ValueError, match=r"\['f1'\] more than once \(duplicated\)") as err:
        det.score_samples(pd.concat([X, X[["f1"]]], axis=1))  # was "in another order"
    assert "another order" not in str(err.value)
    with pytest.raises(ValueError, match="in another order"):  # a true reordering still is
        det.score_samples(X[X.columns[::-1]])


@pytest.mark.parametrize("dtype", [int, float])
def test_a_bool_column_arriving_as_numbers_is_told_to_cast(mixed, dtype):
    X, det = mixed
    with pytest.raises(ValueError, match=r"was bool in fit .* X\['flag'\]\.astype\(bool\)"):
        det.score_samples(X.assign(flag=X["flag"].astype(dtype)))
    unseen = X.assign(city=["z"] * len(X))  # another unseen category: no cast suggested
    with pytest.raises(ValueError, match="Refit on data that holds it"):
        det.score_samples(unseen)


def test_explain_of_a_mixed_tables_array_asks_for_the_dataframe(mixed):
    X, det = mixed
    with pytest.raises(ValueError, match=r"pass the DataFrame itself \(not df.to_numpy\(\)\)"):
        det.explain(X.to_numpy())  # was "non-numeric values (dtype object); pass numbers only"
    numeric = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(A)
    assert numeric.explain(A).shape == (len(A), A.shape[1] + 1)  # arrays still explained


def test_missing_values_name_the_position_and_the_index_label(mixed):
    X, det = mixed
    shuffled = X.sample(frac=1, random_state=0)
    shuffled.iloc[2, 0] = np.nan
    label = shuffled.index[2]
    with pytest.raises(ValueError, match=rf"row 2 \(row index, 0-based; index label {label}\)"):
        det.score_samples(shuffled)
    plain = X.copy()
    plain.iloc[2, 0] = np.inf
    with pytest.raises(ValueError, match=r"row 2 \(row index, 0-based\);"):  # no labels
        det.score_samples(plain)


def test_a_csv_naming_a_column_twice_is_refused(tmp_path):
    # pandas read the second 'age' as 'age.1' and a detector was trained on it so, unsaid
    from aekit.data.table_checks import read_csv

    (tmp_path / "dup.csv").write_text("age,balance,age\n1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match=r"names the columns \['age'\] more than once"):
        read_csv(tmp_path / "dup.csv")
    (tmp_path / "own.csv").write_text("age,age.1\n1,2\n3,4\n")  # its own names: read
    assert list(read_csv(tmp_path / "own.csv").columns) == ["age", "age.1"]
