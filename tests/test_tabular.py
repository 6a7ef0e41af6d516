"""TabularEncoder round trips and errors; the categorical likelihood equals cross-entropy."""

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from conftest import DEVICE
from sklearn.exceptions import NotFittedError

import aekit
from aekit.core.objectives import CategoricalGroups, GaussianLikelihood
from aekit.data.tabular import TabularEncoder


def mixed_frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "city": pd.Categorical(rng.choice(["Oslo", "Rome", "Lima"], n)),
            "count": rng.integers(0, 5, n),
            "member": rng.random(n) < 0.5,
            "plan": rng.choice(["basic", "pro"], n).astype(object),
        }
    )


def test_round_trip_restores_the_frame_with_dtypes():
    df = mixed_frame()
    enc = TabularEncoder().fit(df)
    Z = enc.transform(df)
    assert Z.shape == (len(df), 1 + 3 + 1 + 2 + 2)
    back = enc.inverse_transform(Z)
    assert list(back.columns) == list(df.columns)
    assert (back.dtypes == df.dtypes).all()
    pd.testing.assert_frame_equal(back, df, check_exact=False, rtol=1e-5)


def test_numeric_columns_are_standardized_and_groups_are_one_hot():
    df = mixed_frame()
    enc = TabularEncoder().fit(df)
    Z = enc.transform(df)
    age = enc.feature_groups_[0]
    assert age.kind == "numeric"
    assert abs(Z[:, age.start].mean()) < 1e-5 and abs(Z[:, age.start].std() - 1) < 1e-4
    for a, b in enc.categorical_groups_:
        assert np.array_equal(Z[:, a:b].sum(axis=1), np.ones(len(df)))
    constant = TabularEncoder().fit(pd.DataFrame({"c": [3.0, 3.0]}))
    assert constant.scale_["c"] == 1.0


def test_standardize_false_passes_numbers_through_and_integer_names_work():
    df = mixed_frame()
    enc = TabularEncoder(standardize=False).fit(df)
    np.testing.assert_array_equal(enc.transform(df)[:, 0], df["age"].to_numpy(np.float32))
    assert set(enc.mean_.values()) == {0.0} and set(enc.scale_.values()) == {1.0}
    numbered = df.set_axis(range(df.shape[1]), axis=1)
    expected = TabularEncoder().fit(df).transform(df)
    np.testing.assert_array_equal(TabularEncoder().fit(numbered).transform(numbered), expected)


def test_unknown_category_names_column_and_value():
    df = mixed_frame()
    enc = TabularEncoder().fit(df)
    other = df.copy()
    other["plan"] = other["plan"].astype(object)
    other.loc[0, "plan"] = "gold"
    with pytest.raises(ValueError, match=r"'plan'.*'gold'"):
        enc.transform(other)
    ignoring = TabularEncoder(handle_unknown="ignore").fit(df)
    a, b = ignoring.feature_groups_[4].start, ignoring.feature_groups_[4].stop
    # all zeros, which a categorical term scores as perfectly reconstructed: said (a row with a
    # city never seen scored as more normal than any training row, unsaid)
    said = r"1 row\(s\) hold a category not seen in fit \(plan='gold'\), encoded as all zeros"
    with pytest.warns(UserWarning, match=said + r" .* score as more normal"):
        assert ignoring.transform(other)[0, a:b].sum() == 0


def test_missing_values_error_or_mask():
    df = mixed_frame()
    df.loc[3, "age"] = np.nan
    df.loc[5, "city"] = np.nan
    with pytest.raises(ValueError, match=r"age, city. Impute them first \(aekit.Autoencoder"):
        TabularEncoder().fit(df)
    enc = TabularEncoder(handle_missing="mask").fit(df)
    Z, observed = enc.transform_with_mask(df)
    city = enc.feature_groups_[1]
    assert not observed[3, 0] and observed[4, 0]
    assert not observed[5, city.columns].any() and observed[6, city.columns].all()
    assert (Z[~observed] == 0).all()
    assert observed.sum() == observed.size - 1 - 3


def test_wrong_columns_and_not_fitted():
    df = mixed_frame()
    with pytest.raises(NotFittedError):
        TabularEncoder().transform(df)
    enc = TabularEncoder().fit(df)
    with pytest.raises(ValueError, match="X lacks \\['plan'\\]"):
        enc.transform(df.drop(columns="plan"))
    with pytest.raises(ValueError, match="has \\['label'\\], which fit did not have"):
        enc.transform(df.assign(label=1))
    with pytest.raises(ValueError, match="in another order; pass them in fit's order"):
        enc.transform(df[df.columns[::-1]])


def test_rows_without_any_row_are_refused_in_fits_words():
    # a numeric column met numpy's "cannot reshape array of size 0 into shape (0,newaxis)"
    # in the float32 range check; a text column alone, scikit-learn's OneHotEncoder's words
    for frame in (mixed_frame(), mixed_frame()[["plan"]]):
        enc = TabularEncoder().fit(frame)
        for empty in (frame.iloc[:0], frame.iloc[:0].to_numpy()):
            with pytest.raises(ValueError, match=r"X is empty: 0 sample\(s\) \(shape=\(0, "):
                enc.transform(empty)


def test_the_float32_range_check_passes_arrays_without_values():
    from aekit.data.float32 import check_float32_range

    for shape in [(0, 3), (0,), (3, 0), (0, 2, 2)]:
        check_float32_range(np.empty(shape))  # reshape(0, -1) raised ValueError


def test_state_round_trip_through_json():
    import json

    df = mixed_frame()
    enc = TabularEncoder().fit(df)
    state = json.loads(json.dumps(enc.get_state()))
    again = TabularEncoder().set_state(state)
    np.testing.assert_array_equal(again.transform(df), enc.transform(df))
    pd.testing.assert_frame_equal(again.inverse_transform(enc.transform(df)), df, rtol=1e-5)


def test_integer_column_names_come_back_as_given_and_through_a_file():
    import json

    numbered = mixed_frame().set_axis(range(5), axis=1)
    enc = TabularEncoder().fit(numbered)
    back = enc.inverse_transform(enc.transform(numbered))
    assert list(back.columns) == [0, 1, 2, 3, 4]  # was '0', '1', ...: back[1] a KeyError
    pd.testing.assert_frame_equal(back, numbered, rtol=1e-5)
    again = TabularEncoder().set_state(json.loads(json.dumps(enc.get_state())))
    assert list(again.inverse_transform(enc.transform(numbered)).columns) == [0, 1, 2, 3, 4]


def test_numeric_array_input_round_trips():
    X = np.random.default_rng(0).normal(size=(20, 3))
    enc = TabularEncoder().fit(X)
    np.testing.assert_allclose(enc.inverse_transform(enc.transform(X)).to_numpy(), X, rtol=1e-5)


def test_categorical_nll_equals_cross_entropy_per_group():
    torch.manual_seed(0)
    groups = ((1, 4), (5, 7))
    likelihood = CategoricalGroups(GaussianLikelihood(), groups)
    output = torch.randn(6, 8)
    labels = [torch.randint(0, b - a, (6,)) for a, b in groups]
    x = torch.randn(6, 8)
    for (a, b), label in zip(groups, labels):
        x[:, a:b] = F.one_hot(label, b - a).float()
    nll = likelihood.nll_per_feature(output, x)
    for (a, b), label in zip(groups, labels):
        expected = F.cross_entropy(output[:, a:b], label, reduction="none")
        torch.testing.assert_close(nll[:, a], expected)
        assert (nll[:, a + 1 : b] == 0).all()
    plain = GaussianLikelihood().nll_per_feature(output, x)
    torch.testing.assert_close(nll[:, [0, 4, 7]], plain[:, [0, 4, 7]])
    probs = likelihood.mean(output)
    torch.testing.assert_close(probs[:, 1:4].sum(1), torch.ones(6))


def test_autoencoder_with_categorical_groups_fits_saves_and_decodes_probabilities(tmp_path):
    df = mixed_frame(120)
    enc = TabularEncoder().fit(df)
    Z = enc.transform(df)
    ae = aekit.Autoencoder(
        latent_dim=3,
        hidden_layer_sizes=(16,),
        max_iter=5,
        categorical_groups=enc.categorical_groups_,
        random_state=0,
    ).fit(Z)
    a, b = enc.categorical_groups_[0]
    assert ae.data_mean_[a:b].tolist() == [0, 0, 0] and ae.data_scale_[a:b].tolist() == [1] * 3
    recon = ae.reconstruct(Z)
    np.testing.assert_allclose(recon[:, a:b].sum(axis=1), 1.0, rtol=1e-5)
    ae.save(tmp_path / "m.safetensors")
    again = aekit.load(tmp_path / "m.safetensors", device=DEVICE)
    np.testing.assert_array_equal(again.reconstruct(Z), recon)


def test_categorical_groups_must_be_one_hot():
    X = np.random.default_rng(0).normal(size=(10, 4))
    with pytest.raises(ValueError, match="not one-hot"):
        aekit.Autoencoder(latent_dim=2, max_iter=1, categorical_groups=((0, 2),)).fit(X)
    with pytest.raises(ValueError, match=r"categorical_groups=\(\(0, 1\),\)"):
        aekit.Autoencoder(latent_dim=2, max_iter=1, categorical_groups=((0, 1),)).fit(X)


def test_feature_names_follow_the_names_a_pipeline_passes():
    # input_features was ignored: after a SimpleImputer of a DataFrame (which hands on an
    # array), a pipeline's names were x0, x1=a, not age, city=a
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    frame = pd.DataFrame({"age": [1.0, 2, 3, 4], "city": list("abab")})
    pipe = make_pipeline(SimpleImputer(strategy="most_frequent"), TabularEncoder()).fit(frame)
    assert pipe.get_feature_names_out().tolist() == ["age", "city=a", "city=b"]
    on_frame = TabularEncoder().fit(frame)
    assert on_frame.get_feature_names_out(["age", "city"]).tolist() == ["age", "city=a", "city=b"]
    for wrong in (["a", "b"], ["age"]):  # a DataFrame's own names only; one per column
        with pytest.raises(ValueError, match=r"must name the 2 columns fit saw, \['age', 'city'\]"):
            on_frame.get_feature_names_out(wrong)


def test_an_encoder_saved_to_json_loads_back_the_same(tmp_path):
    # the Python API had no way to keep an encoder beside a model file but get_state by hand
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=50), "city": rng.choice(["a", "b", "c"], 50)})
    encoder = aekit.TabularEncoder().fit(frame)
    encoder.save(tmp_path / "encoder.json")
    loaded = aekit.TabularEncoder.load(tmp_path / "encoder.json")
    np.testing.assert_array_equal(loaded.transform(frame), encoder.transform(frame))
    pd.testing.assert_frame_equal(loaded.inverse_transform(encoder.transform(frame)), frame)
    (tmp_path / "other.json").write_text('{"a": 1}\n')
    with pytest.raises(ValueError, match=r"other.json is damaged or no table encoding"):
        aekit.TabularEncoder.load(tmp_path / "other.json")
    with pytest.raises(NotFittedError):
        aekit.TabularEncoder().save(tmp_path / "unfitted.json")
    assert not (tmp_path / "unfitted.json").exists()
    with pytest.raises(FileNotFoundError, match="nowhere.json does not exist"):
        aekit.TabularEncoder.load(tmp_path / "nowhere.json")
    # each file named for what it is, and read by what reads it (a new user's enc.safetensors
    # was written as JSON, then called "a text file aekit did not save" by aekit.load)
    with pytest.raises(ValueError, match=r"give a path ending \.json, not 'enc\.safetensors'"):
        encoder.save(tmp_path / "enc.safetensors")
    assert not (tmp_path / "enc.safetensors").exists()
    with pytest.raises(ValueError, match=r"is a table encoding .* aekit\.TabularEncoder\.load"):
        aekit.load(tmp_path / "encoder.json")
    model = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=0)
    model.fit(encoder.transform(frame)).save(tmp_path / "model.safetensors")
    with pytest.raises(ValueError, match="model.safetensors is no table encoding .* aekit.load"):
        aekit.TabularEncoder.load(tmp_path / "model.safetensors")


def test_an_encoder_saved_to_a_home_path_is_written_there(tmp_path, monkeypatch):
    # save wrote a literal folder named '~', where load read the home folder
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0], "city": ["a", "b", "a"]})
    aekit.TabularEncoder().fit(frame).save("~/enc.json")
    assert (tmp_path / "enc.json").is_file() and not (tmp_path / "~").exists()
    assert aekit.TabularEncoder.load("~/enc.json").categories_ == {"city": ["a", "b"]}


def test_missing_categories_of_the_mask_encoding_are_named_to_an_autoencoder():
    # the encoder's own advice (handle_missing="mask") led to "columns 1:4 of X are not
    # one-hot", about rows it had encoded itself
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"age": rng.normal(40, 10, 60), "city": rng.choice(list("abc"), 60)})
    table.loc[[3, 7], "city"] = None
    encoder = aekit.TabularEncoder(handle_missing="mask").fit(table)
    model = aekit.Autoencoder(latent_dim=2, categorical_groups=encoder.categorical_groups_)
    with pytest.raises(ValueError, match=r"all 0 in rows 3, 7: no category set \(a missing"):
        model.fit(encoder.transform(table))


def test_numbers_written_with_thousands_separators_after_fit_are_named_so():
    # "holds '68,664.07' (row 0), not a number ... Fix the value": the format's fix unsaid
    fitted = aekit.TabularEncoder().fit(pd.DataFrame({"income": [50000.5, 61000.25, 58000.0]}))
    new = pd.DataFrame({"income": ["51,257.30", "60,000.00", "1,000.50"]})
    with pytest.raises(ValueError, match=r"',' between their thousands .* not numbers as in fit"):
        fitted.transform(new)
    with pytest.raises(ValueError, match=r"holds 'abc' \(row 1\), not a number"):  # no format
        fitted.transform(pd.DataFrame({"income": ["1.5", "abc", "2"]}))


def test_inverse_transform_refuses_non_finite_rows_and_bad_arguments():
    # NaN decoded to -9223372036854775808 in an integer column and an all-NaN one-hot group to
    # its first category, with numpy's cast warning alone (a diverged VAE's samples)
    X = pd.DataFrame({"age": [20, 30, 40, 50], "plan": ["a", "b", "a", "b"]})
    encoder = TabularEncoder().fit(X)
    Z = encoder.transform(X).astype(float)
    Z[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"Z holds NaN or infinite values \(columns \['age'\]\)"):
        encoder.inverse_transform(Z)
    with pytest.raises(ValueError, match="clip must be True or False; got 'yes'"):
        encoder.inverse_transform(Z[1:], clip="yes")
    with pytest.raises(ValueError, match="Z must be a matrix of numbers"):
        encoder.inverse_transform("abc")
    assert encoder.inverse_transform(Z[1:])["age"].tolist() == [30, 40, 50]
