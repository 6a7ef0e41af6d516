"""Columns a real table brings that a tutorial's does not: a constant text or bool column, dates,
an identifier, numbers read as text; and messages that name the column at fault."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data.tabular import TabularEncoder

# The warning of table()'s constant columns (tests/test_constant_columns.py)
CONSTANT = ".*constant in the training rows"


def table(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "city": rng.choice(["x", "y", "z"], n),
            "country": "FR",  # one category: a constant column
            "member": True,  # as pandas.get_dummies writes a category every row holds
        }
    )


@pytest.fixture(scope="module")
def detector() -> aekit.AnomalyDetector:
    return aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(table())


def test_a_constant_text_or_bool_column_is_not_a_categorical_group(detector):
    # Such a column used to reach the members as a one-column categorical group, which they
    # refuse ("at least 2 columns each"), so fit failed.
    encoder = TabularEncoder().fit(table())
    assert encoder.categorical_groups_ == ((2, 5),)  # city's three categories, alone
    assert detector.categorical_groups_ == ((2, 5),)
    scores = detector.anomaly_score(table(seed=1))
    assert np.isfinite(scores).all()
    with pytest.raises(ValueError, match="'country' has the category 'DE'"):
        detector.anomaly_score(table(seed=1).assign(country="DE"))


def test_a_category_the_dtype_declares_but_no_training_row_held_is_said_so():
    # "not seen in fit" of a category the user's dtype lists read as a fault of the dtype
    declared = pd.CategoricalDtype(["a", "b", "c", "d"])
    train = pd.DataFrame({"x": np.arange(30.0) % 7, "cat": pd.Series(["a", "b", "c"] * 10)})
    encoder = TabularEncoder().fit(train.astype({"cat": declared}))
    new = pd.DataFrame({"x": [1.0], "cat": pd.Series(["d"], dtype=declared)})
    with pytest.raises(ValueError, match="'d', declared by the column's dtype but held by no row"):
        encoder.transform(new)
    with pytest.raises(ValueError, match="'z', not seen in fit"):
        encoder.transform(new.astype({"cat": object}).assign(cat="z"))


def test_dates_are_refused_at_fit_naming_the_column():
    # As categories, every timestamp became a one-hot column and save failed afterwards.
    dated = table().assign(when=pd.date_range("2024-01-01", periods=200, freq="h"))
    with pytest.raises(ValueError, match="column 'when' holds dates or durations"):
        aekit.AnomalyDetector(n_estimators=1).fit(dated)
    with pytest.raises(ValueError, match="'took' holds dates or durations"):
        TabularEncoder().fit(table().assign(took=pd.to_timedelta(np.arange(200), unit="s")))


def test_dates_in_a_numeric_column_are_refused_after_fit_too():
    # a fitted detector scored dates in place of numbers as 5e29, flagged, without a word
    rows = table()
    detector = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(rows)
    number = next(name for name in rows.columns if pd.api.types.is_float_dtype(rows[name]))
    dated = rows.head(3).assign(**{number: pd.to_datetime(["2024-01-01"] * 3)})
    with pytest.raises(ValueError, match=f"column '{number}' holds dates or durations"):
        detector.anomaly_score(dated)
    took = rows.head(3).assign(**{number: pd.to_timedelta([1, 2, 3], unit="s")})
    with pytest.raises(ValueError, match=f"column '{number}' holds dates or durations"):
        TabularEncoder().fit(rows).transform(took)


def test_an_identifier_or_numbers_read_as_text_are_warned_of():
    ids = table().assign(user=[f"u{i}" for i in range(200)])
    with pytest.warns(UserWarning, match="'user' has 200 distinct values in 200 rows.*identifier"):
        TabularEncoder().fit(ids)
    numbers = table().assign(x=np.arange(200.0).astype(object))
    numbers.loc[7, "x"] = "n/a"
    said = "'x' holds numbers but also text: 'n/a' \\(row 7, 0-based\\)"
    with pytest.warns(UserWarning, match=said):
        TabularEncoder().fit(numbers)


def test_a_stray_text_cell_is_named_however_few_the_distinct_numbers():
    # A measurement with 11 distinct values and one typo was one-hot encoded without a word
    # (the warning needed over 50 categories, most of them distinct).
    typo = table().assign(x=np.arange(200) % 11).astype({"x": object})
    typo.loc[[2, 9], "x"] = ["abc", "?"]
    with pytest.warns(
        UserWarning, match="'x' holds numbers but also text: 'abc' \\(row 2, 0-based\\) and 1"
    ):
        TabularEncoder().fit(typo)
    with warnings.catch_warnings():  # the user's own categories, numbers or not: no warning
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=CONSTANT)  # country, member: said as such
        TabularEncoder().fit(typo.astype({"x": "category"}))
        TabularEncoder().fit(typo.assign(x=np.where(np.arange(200) < 150, "a", "1")))


def test_an_object_column_of_numbers_is_numbers():
    # An object array (floats beside None) was one-hot encoded, and over 50 distinct values
    # crashed the warning with an IndexError.
    X = np.random.default_rng(0).normal(size=(200, 2)).astype(object)
    X[3, 0] = None
    encoder = TabularEncoder(handle_missing="mask").fit(X)
    assert [g.kind for g in encoder.feature_groups_] == ["numeric", "numeric"]
    with warnings.catch_warnings():  # a few categories, repeated: no warning
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=CONSTANT)  # country, member: said as such
        TabularEncoder().fit(table())


def test_messages_name_the_columns(detector):
    X = table(seed=1)
    cases = {
        "X has no rows": X.iloc[:0],
        "X lacks \\['a'\\]": X.drop(columns="a"),
        "has \\['y'\\], which fit did not have \\(a label\\? leave it out\\)": X.assign(y=0),
        "in another order; pass them in fit's order": X[X.columns[::-1]],
        "column 'b' holds 'abc' \\(row 2\\), not a number": X.assign(
            b=X["b"].astype(object).where(X.index != 2, "abc")
        ),
        # numpy reads the text 'NaN' as a missing number: it was scored as a normal row
        "column 'b' holds 'NaN' \\(row 2\\), not a number": X.assign(
            b=X["b"].astype(object).where(X.index != 2, "NaN")
        ),
        "1 value that is not finite \\(1 infinite\\) .*: row 4 .*\\(row 4, column 'b'\\)": X.assign(
            b=X["b"].where(X.index != 4, np.inf)
        ),
        "\\(row 4, column 'b'\\)": X.assign(b=X["b"].where(X.index != 4, np.nan)),
    }
    for message, bad in cases.items():
        with pytest.raises(ValueError, match=message):
            detector.anomaly_score(bad)


def test_a_finite_value_beyond_float32_is_named_not_called_infinite(detector):
    # 1e39 is finite in float64 but infinite in the models' float32: the message used to say
    # "0 NaN and 1 infinite values", a value the user never wrote.
    X = table(seed=1)
    # the value as the user wrote it (it said "X (standardized by fit's mean and scale) holds
    # 2.87e+297" of a 1e300)
    with pytest.raises(ValueError, match="^X holds 1e\\+39 at \\(row 3, column 'a'\\), beyond"):
        detector.anomaly_score(X.assign(a=X["a"].where(X.index != 3, 1e39)))
    numbers = np.random.default_rng(0).normal(size=(50, 3))
    numbers[5, 2] = -1e39
    with pytest.raises(ValueError, match="holds -1e\\+39 at \\(row 5, column 2\\), beyond float32"):
        aekit.Autoencoder(max_iter=1).fit(numbers)
    # an infinity is not finite, said as every other check says it (it was "holds inf ...,
    # beyond float32's range")
    with pytest.raises(ValueError, match="^X has 1 value that is not finite \\(1 infinite\\)"):
        detector.anomaly_score(X.assign(a=X["a"].where(X.index != 3, np.inf)))
    # a finite value that standardizing overflows (a damaged encoder's scale) is still refused
    encoder = TabularEncoder().fit(X)
    encoder.scale_["a"] = 1e-320  # (values - mean) / scale overflows to inf
    with pytest.raises(ValueError, match=r"^X \(standardized by fit's mean and scale\) holds inf"):
        encoder.transform(X.iloc[:5])


def test_a_nullable_integer_column_decodes_rounded():
    # Decoding a fractional value into pandas' nullable "Int64" raised "cannot safely cast
    # non-equivalent object to int64", so AutoencoderImputer failed on such a column with pd.NA.
    frame = pd.DataFrame({"n": pd.array([1, 2, None, 4] * 10, dtype="Int64")})
    encoder = TabularEncoder(handle_missing="mask").fit(frame)
    Z = encoder.transform(frame)
    Z[2, 0] = (2.6 - encoder.mean_["n"]) / encoder.scale_["n"]  # an imputed 2.6
    decoded = encoder.inverse_transform(Z)["n"]
    assert decoded.dtype == "Int64"
    assert decoded.tolist()[:4] == [1, 2, 3, 4]


def test_advice_names_only_what_the_caller_can_do():
    # The encoder's messages named its own options (handle_unknown='ignore',
    # handle_missing='mask'), which AutoencoderImputer, the autoencoders and the command line
    # do not have.
    imputer = aekit.AutoencoderImputer(max_iter=1, random_state=0).fit(table())
    with pytest.raises(ValueError, match="'DE', not seen in fit .*map it to a known") as caught:
        imputer.transform(table(seed=1).assign(country="DE"))
    assert "handle_unknown" not in str(caught.value)
    holes = table().assign(a=lambda t: t["a"].where(t.index != 3))
    with pytest.raises(ValueError, match="Impute them first \\(aekit.AutoencoderImputer"):
        TabularEncoder().fit(holes)


def test_dates_written_as_text_are_refused_too():
    # Read from a CSV they are text: they became one category per date, and any new date then
    # scored inf on the command line.
    days = pd.date_range("2024-01-01", periods=200, freq="D").strftime("%Y-%m-%d")
    with pytest.raises(ValueError, match="'day' holds dates as text \\(e.g. '2024-01-01'\\)"):
        TabularEncoder().fit(table().assign(day=days))
    stamps = pd.date_range("2024-01-01", periods=200, freq="h", tz="Europe/Paris").astype(str)
    with pytest.raises(ValueError, match="'when' holds dates as text"):
        TabularEncoder().fit(table().assign(when=stamps))
    TabularEncoder().fit(table().assign(code=["2024-AB", "x"] * 100))  # not dates: fine


def test_imputer_fills_a_nullable_integer_column_fitted_as_floats():
    # transform assigned fractional fills into the Int64 column: "cannot safely cast".
    frame = table()[["a", "b"]].assign(n=np.arange(200) % 5 * 1.0)
    imputer = aekit.AutoencoderImputer(max_iter=2, random_state=0).fit(frame)
    new = frame.iloc[:4].assign(n=pd.array([1, None, 3, None], dtype="Int64"))
    filled = imputer.transform(new)["n"]
    assert filled.dtype == "Int64" and filled.notna().all() and filled.iloc[0] == 1


def test_a_cell_that_is_neither_text_nor_a_number_is_named():
    """pandas' unique() failed on it with "unhashable type: 'dict'", naming no column."""
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "k": ["u", {"x": 1}, "v"]})
    with pytest.raises(TypeError, match=r"column 'k' holds a dict \(\{'x': 1\}, row 1\)"):
        aekit.TabularEncoder().fit(frame)
    with pytest.raises(TypeError, match=r"column 'k' holds a list"):
        aekit.AnomalyDetector(n_estimators=1).fit(frame.assign(k=["u", [1], "v"]))


def test_decoded_integers_beyond_their_dtype_are_clipped_with_a_warning():
    # a reconstruction of a row far outside the training data (income 3e38) came back as
    # age -9223372036854775808: the cast wrapped round, unsaid
    rows = table().assign(age=np.arange(200) % 90, visits=pd.array(np.arange(200) % 7, "Int64"))
    encoder = TabularEncoder().fit(rows)
    Z = encoder.transform(rows.head(2)).astype(np.float64)
    Z[:, list(encoder.get_feature_names_out()).index("age")] = [1e30, -1e30]
    with pytest.warns(UserWarning, match=r"column 'age': 2 decoded value\(s\) lie beyond int64"):
        back = encoder.inverse_transform(Z)
    assert back["age"].tolist() == [2**63 - 1024, -(2**63)]  # the largest a float keeps
    assert back["visits"].tolist() == rows["visits"].head(2).tolist()
    # a narrower type's bounds are its own: 255 of a uint8 stayed 255 (it came back 254)
    edges = pd.DataFrame({"u": np.array([0, 255] * 20, np.uint8),
                          "i": pd.array([-(2**31), 2**31 - 1] * 20, "Int32")})  # fmt: skip
    encoder = TabularEncoder().fit(edges)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none beyond: nothing said
        back = encoder.inverse_transform(encoder.transform(edges))
    assert back.equals(edges)
