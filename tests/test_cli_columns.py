"""``--id-column`` and ``--ignore-column`` (columns that are no features), and the CSV options
``--sep``, ``--encoding``, ``--no-header``: recorded in a RUN's config.toml and reused by the
commands that read DATA for it; the id column first in every per-row output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from tiny_detector import tiny_members

from aekit.cli.errors import for_the_command_line

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]
FAST = [*QUICK, "--no-figures"]  # train, where no test reads its figures
DETECT = ["--param", "n_estimators=1", "--quiet"]


@pytest.fixture(scope="module", autouse=True)
def quick_detector():
    """Tiny members: the columns a command reads and writes, not the detector's scores."""
    with pytest.MonkeyPatch.context() as patch:
        tiny_members(patch)
        yield


@pytest.fixture(scope="module")
def customers(tmp_path_factory):
    """40 customers: a unique text id, three numbers, a free-text note; rows shuffled so that
    row order and id order differ."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)).round(3), columns=["a", "b", "c"])
    frame.insert(0, "customer_id", [f"C{i:03d}" for i in rng.permutation(40)])
    frame["notes"] = [f"called on day {i}" for i in range(40)]
    folder = tmp_path_factory.mktemp("customers")
    frame.to_csv(folder / "cust.csv", index=False)
    frame[["a", "b", "c"]].to_csv(folder / "plain.csv", index=False)
    return folder, frame


@pytest.fixture(scope="module")
def detected(customers):
    folder, _ = customers
    out = folder / "DET"
    options = ["--id-column", "customer_id", "--ignore-column", "notes"]
    ok(invoke("detect", folder / "cust.csv", *options, *DETECT, "--out", out))
    return out


def test_detect_records_the_options_and_scores_carry_the_ids(customers, detected):
    import tomllib

    folder, frame = customers
    data = tomllib.loads((detected / "config.toml").read_text())["data"]
    assert data["id_column"] == "customer_id" and data["ignore_columns"] == ["notes"]
    command = (detected / "command.txt").read_text()
    assert "--id-column customer_id --ignore-column notes" in command
    scores = pd.read_csv(detected / "scores.csv")
    assert scores.columns[0] == "customer_id"
    assert scores["customer_id"].tolist() == frame["customer_id"].tolist()  # row order kept
    # A later command reads the recorded options: ids first again, the same scores.
    out = folder / "s.csv"
    ok(invoke("score", detected, folder / "cust.csv", "-o", out))
    again = pd.read_csv(out)
    pd.testing.assert_frame_equal(again, scores)


def test_ignored_and_id_columns_do_not_change_the_model(customers, detected):
    # Given the same seed, the detector fitted with the columns left out is the detector
    # fitted on the file without them.
    folder, _ = customers
    plain = folder / "PLAIN"
    ok(invoke("detect", folder / "plain.csv", *DETECT, "--out", plain))
    with_columns = pd.read_csv(detected / "scores.csv")
    without = pd.read_csv(plain / "scores.csv")
    np.testing.assert_allclose(with_columns["anomaly_score"], without["anomaly_score"], rtol=1e-6)


def test_train_and_the_row_commands(customers, tmp_path):
    folder, frame = customers
    run = tmp_path / "RUN"
    ok(invoke("train", folder / "cust.csv", "--model", "ae", *FAST, "--out", run,
              "--id-column", "customer_id", "--ignore-column", "notes"))  # fmt: skip
    for command, first_value in (("encode", "z0"), ("reconstruct", "a"), ("score", "score")):
        out = tmp_path / f"{command}.parquet"
        ok(invoke(command, run, folder / "cust.csv", "-o", out))
        table = pd.read_parquet(out)
        assert list(table.columns[:2]) == ["customer_id", first_value], command
        assert table["customer_id"].tolist() == frame["customer_id"].tolist()
    # the model read three features: no id, no notes, nothing one-hot encoded
    assert not (run / "encoder.json").exists()
    # the recorded columns do not apply to an array of the three features (it crashed reading
    # the .npy as Parquet)
    np.save(tmp_path / "rows.npy", frame[["a", "b", "c"]].to_numpy(np.float32))
    ok(invoke("encode", run, tmp_path / "rows.npy", "-o", tmp_path / "codes.csv"))
    assert len(pd.read_csv(tmp_path / "codes.csv")) == len(frame)
    # a typed option wins: an id column that is not one names the columns that are
    message = refused(
        invoke("score", run, folder / "cust.csv", "--id-column", "nope", "-o", tmp_path / "x.csv"),
        "--id-column nope", "customer_id, a, b, c, notes",
    )  # fmt: skip
    assert "no such column" in message


def test_a_recorded_id_column_missing_from_new_data_is_named(customers, detected, tmp_path):
    folder, _ = customers
    message = refused(
        invoke("score", detected, folder / "plain.csv", "-o", tmp_path / "x.csv"),
        "recorded --id-column customer_id", "plain.csv", "a, b, c", "--id-column ''",
    )  # fmt: skip
    assert "\n" not in message
    # the advice, as given: new rows without ids are scored (there was no way to say so)
    ok(invoke("score", detected, folder / "plain.csv", "--id-column", "", "-o", tmp_path / "n.csv"))
    assert list(pd.read_csv(tmp_path / "n.csv").columns)[0] != "customer_id"
    # an ignored column absent from new DATA is simply not there to leave out
    without_notes = tmp_path / "no_notes.csv"
    pd.read_csv(folder / "cust.csv").drop(columns="notes").to_csv(without_notes, index=False)
    ok(invoke("score", detected, without_notes, "-o", tmp_path / "y.csv"))
    # but a typed one is a typo
    typed = ["--ignore-column", "notes", "-o", tmp_path / "z.csv"]
    refused(invoke("score", detected, without_notes, *typed), "--ignore-column notes", "no such")


def test_column_options_on_data_without_columns_are_refused(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((5, 3), np.float32))
    refused(
        invoke("detect", tmp_path / "x.npy", "--id-column", "a", *DETECT, "--out", tmp_path / "R"),
        "--id-column", "name columns of a table",
    )  # fmt: skip
    assert not (tmp_path / "R").exists()


def test_the_warning_of_an_identifier_names_the_options(customers, tmp_path):
    # 60 distinct ids in 60 rows: a column of one-hot categories, one per row
    from aekit.cli.errors import for_the_command_line

    warning = (
        "column 'customer_id' has 60 distinct values in 60 rows, each encoded as its own one-hot "
        "category: an identifier or free text? drop it, or group its values."
    )
    text = for_the_command_line(warning, {"data", "id_column"})
    assert "pass --id-column customer_id" in text and "--ignore-column customer_id" in text
    assert for_the_command_line(warning, {"run"}) == warning  # no such option there


def test_a_declared_category_column_is_not_advised_against(monkeypatch):
    # after --category-column zip the user was told to pass --id-column zip or --ignore-column
    from aekit.cli import category_columns
    from aekit.cli.errors import for_the_command_line

    warning = (
        "column 'zip' has 290 distinct values in 400 rows, each encoded as its own one-hot "
        "category: an identifier or free text? drop it, or group its values."
    )
    declared = category_columns.CategoryOptions(names=("zip",))
    monkeypatch.setattr(category_columns, "current", declared)
    text = for_the_command_line(warning, {"data", "id_column"})
    assert "290 distinct values" in text and "as --category-column zip asks" in text, text
    assert "--id-column" not in text and "--ignore-column" not in text, text
    assert "identifier" not in text and "group its values" not in text, text


def test_csv_options_are_recorded_and_reused(tmp_path):
    from aekit.cli.errors import for_the_command_line

    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(30, 3)).round(3), columns=["a", "b", "c"])
    frame.insert(0, "id", range(100, 130))
    path = tmp_path / "semi.csv"
    frame.to_csv(path, sep=";", index=False, header=False)
    run = tmp_path / "RUN"
    options = ["--sep", ";", "--no-header", "--id-column", "x0"]
    ok(invoke("train", path, "--model", "ae", *FAST, "--out", run, *options))
    out = tmp_path / "z.csv"
    ok(invoke("encode", run, path, "-o", out))  # read as train read it, with no options
    codes = pd.read_csv(out)
    assert codes.columns[0] == "x0" and codes["x0"].tolist() == list(range(100, 130))
    assert codes.shape == (30, 1 + 8)
    # a typed option wins over the recorded one: the same rows written with ',' and a header
    comma = tmp_path / "comma.csv"
    frame.set_axis(["x0", "x1", "x2", "x3"], axis=1).to_csv(comma, index=False)
    message = refused(invoke("encode", run, comma, "-o", out), "looks separated by ','")
    assert "pass --sep ','" in for_the_command_line(message, set())
    ok(invoke("encode", run, comma, "--sep", ",", "--header", "-o", tmp_path / "z2.csv"))
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "z2.csv"), codes)
    assert "--sep ';' --no-header --id-column x0" in (run / "command.txt").read_text()


def test_predict_impute_and_series_carry_the_id(customers, tmp_path):
    folder, frame = customers
    holes = frame.copy()
    holes.loc[::5, "b"] = np.nan
    holes.to_csv(tmp_path / "holes.csv", index=False)
    filled = tmp_path / "filled.csv"
    ok(invoke("impute", tmp_path / "holes.csv", "-o", filled, "--param", "max_iter=2", "--quiet",
              "--id-column", "customer_id", "--ignore-column", "notes"))  # fmt: skip
    table = pd.read_csv(filled)
    assert list(table.columns) == list(frame.columns)  # the id and notes in place
    assert table["customer_id"].tolist() == frame["customer_id"].tolist()
    assert table["notes"].tolist() == frame["notes"].tolist() and not table["b"].isna().any()
    series = pd.DataFrame({"point": [f"p{i}" for i in range(80)], "v": np.sin(np.arange(80) / 4)})
    series.to_csv(tmp_path / "series.csv", index=False)
    run = tmp_path / "SER"
    ok(invoke("detect-series", tmp_path / "series.csv", "--window", 8, "--id-column", "point",
              "--quiet", "--out", run))  # fmt: skip
    scores = pd.read_csv(run / "scores.csv")
    assert scores.columns[0] == "point" and scores["point"].tolist() == series["point"].tolist()
    assert "--id-column point" in (run / "command.txt").read_text()
    labelled = frame.assign(kind=np.where(frame["a"] > 0, "up", "down"))
    labelled.to_csv(tmp_path / "labelled.csv", index=False)
    cvae = tmp_path / "CVAE"
    options = ["--label-column", "kind", "--id-column", "customer_id", "--ignore-column", "notes"]
    data = tmp_path / "labelled.csv"
    ok(invoke("train", data, "--model", "cvae", *FAST, *options, "--out", cvae))
    ok(invoke("predict", cvae, tmp_path / "labelled.csv", "-o", tmp_path / "p.csv"))
    predicted = pd.read_csv(tmp_path / "p.csv")
    assert list(predicted.columns) == ["customer_id", "label", "p_down", "p_up"]
    assert predicted["customer_id"].tolist() == frame["customer_id"].tolist()


def test_parquet_read_a_batch_at_a_time_keeps_the_ids(customers, detected, tmp_path):
    # 'score' reads Parquet lazily (a file, or a folder of files in name order): the text id
    # column is left out of the reader's columns and read alone, in the reader's row order.
    folder, frame = customers
    parts = tmp_path / "parts"
    parts.mkdir()
    frame.iloc[25:].to_parquet(parts / "b.parquet", index=False)
    frame.iloc[:25].to_parquet(parts / "a.parquet", index=False)
    out = tmp_path / "s.csv"
    ok(invoke("score", detected, parts, "-o", out))
    scores = pd.read_csv(out)
    expected = pd.read_csv(detected / "scores.csv")
    pd.testing.assert_frame_equal(scores, expected)


def test_normal_rows_may_carry_the_columns_or_not(customers, tmp_path):
    folder, _ = customers
    options = ["--id-column", "customer_id", "--ignore-column", "notes", "--threshold",
               "validation", *DETECT]  # fmt: skip
    printed = []
    for clean in ("cust.csv", "plain.csv"):  # the same rows, with and without the columns
        out = tmp_path / clean
        result = ok(invoke("detect", folder / "cust.csv", *options, "--normal-rows",
                           folder / clean, "--out", out))  # fmt: skip
        printed.append(result.output.split("threshold ")[1].split(")")[0])
    assert printed[0] == printed[1]


def test_search_hits_name_their_query_by_its_id(customers, tmp_path):
    folder, frame = customers
    run, index = tmp_path / "H", tmp_path / "h.index"
    options = ["--id-column", "customer_id", "--ignore-column", "notes"]
    ok(invoke("train-hasher", folder / "cust.csv", "--bits", 8, "--epochs", 2, "--quiet",
              "--out", run, *options))  # fmt: skip
    ok(invoke("index", run, folder / "cust.csv", "-o", index))  # the options from RUN
    for typed in (options, []):  # the index records the options: typing them is not needed
        hits = tmp_path / f"hits{len(typed)}.csv"
        ok(invoke("search", index, folder / "cust.csv", "-k", 2, "-o", hits, *typed))
        table = pd.read_csv(hits)
        assert list(table.columns) == [
            "customer_id", "query", "rank", "index", "index_customer_id", "distance"
        ]  # fmt: skip
        assert table["customer_id"].tolist() == np.repeat(frame["customer_id"], 2).tolist()


@pytest.mark.parametrize("how", ["folder read whole", "file read a chunk at a time"])
def test_impute_of_parquet_read_by_the_reader_keeps_every_cell_and_column(
    customers, tmp_path, monkeypatch, how
):
    # The reader gives float32 features alone: the filled table used to lose the id and
    # notes columns (chunked), or refuse the folder's NaN as damage ("fill them with aekit
    # impute first"), and round every observed number to float32.
    from aekit.cli import common

    _, frame = customers
    holes = frame.assign(a=frame["a"] + 1e-9)  # digits float32 cannot hold
    holes.loc[::5, "b"] = np.nan
    if how.startswith("folder"):
        data = tmp_path / "parts"
        data.mkdir()
        holes.iloc[:25].to_parquet(data / "p0.parquet")
        holes.iloc[25:].to_parquet(data / "p1.parquet")
    else:
        data = tmp_path / "holes.parquet"
        holes.to_parquet(data, row_group_size=7)
        monkeypatch.setattr(common, "LAZY_BYTES", 0)  # stays on disk, however small
    filled = tmp_path / "filled.parquet"
    ok(invoke("impute", data, "-o", filled, "--param", "max_iter=2", "--quiet",
              "--id-column", "customer_id", "--ignore-column", "notes"))  # fmt: skip
    table = pd.read_parquet(filled)
    assert list(table.columns) == list(frame.columns)
    observed = holes.notna()
    pd.testing.assert_frame_equal(table[observed], holes[observed], check_dtype=False)
    assert table["a"].tolist() == holes["a"].tolist()  # float64, not float32 rounded
    assert not table["b"].isna().any()


def test_impute_keeps_a_parquet_float_column_of_whole_numbers_float_from_a_file_or_folder(
    tmp_path,
):
    # A Parquet file says its types: 'k' is float64 there (pandas' writing of an integer column
    # with gaps), and a filled table keeps it so, from a file read whole or a folder read a
    # chunk at a time (the file came back Int64, a user review's "same schema as the input")
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=60), "k": rng.integers(0, 9, 60).astype(float)})
    table.loc[::7, "k"] = np.nan
    table.to_parquet(tmp_path / "one.parquet")
    (tmp_path / "parts").mkdir()
    table[:30].to_parquet(tmp_path / "parts" / "a.parquet")
    table[30:].to_parquet(tmp_path / "parts" / "b.parquet")
    for data in ("one.parquet", "parts"):
        filled = tmp_path / f"{data}.filled.parquet"
        ok(invoke("impute", tmp_path / data, "-o", filled, "--param", "max_iter=2", "--quiet"))
        assert str(pd.read_parquet(filled)["k"].dtype) == "float64", data


def test_impute_of_a_column_with_no_value_names_the_option_that_leaves_it_out(tmp_path):
    # it said "column 'b' has no observed value; drop it", naming no option
    rows = pd.DataFrame({"a": np.linspace(0, 1, 40), "b": np.nan, "c": np.linspace(1, 3, 40)})
    rows.loc[3, "a"] = np.nan  # a gap to fill once b is left out
    rows.to_csv(tmp_path / "gaps.csv", index=False)
    result = invoke("impute", tmp_path / "gaps.csv", "-o", tmp_path / "filled.csv")
    message = refused(result, "column 'b' has no value in any row: leave it out")
    said = for_the_command_line(message, {"ignore_column"})  # as impute's error line says it
    assert said.endswith("leave it out with --ignore-column b."), said
    twice = ["--ignore-column", "b", "--ignore-column", "b"]  # typed twice: one column b
    ok(invoke("impute", tmp_path / "gaps.csv", *twice, "--param", "max_iter=2", "-o",
              tmp_path / "f.csv"))  # fmt: skip
    filled = pd.read_csv(tmp_path / "f.csv")
    assert filled["b"].isna().all() and filled["a"].notna().all()  # b left as it was
    assert list(filled.columns) == ["a", "b", "c"]  # it was written twice: a,c,b,b
    # an array has no named columns and refuses --ignore-column: its fix is Python's
    np.save(tmp_path / "gaps.npy", rows.to_numpy())
    message = refused(invoke("impute", tmp_path / "gaps.npy", "-o", tmp_path / "filled.npy"))
    said = for_the_command_line(message, {"ignore_column"})
    assert said.endswith("leave it out of DATA (np.delete(X, 1, axis=1) in Python, then np.save).")


@pytest.mark.parametrize("on_disk", [False, True])
def test_integer_ids_with_a_missing_one_are_written_as_stored(tmp_path, monkeypatch, on_disk):
    # pandas reads a Parquet integer column with a missing value as float64: ids past 2**53
    # changed (9007199254740993 written 9007199254740992.0) and every id got '.0'
    from aekit.cli import common

    if on_disk:
        monkeypatch.setattr(common, "LAZY_BYTES", 0)  # read a batch at a time, however small
    ids = [9007199254740993 + i if i != 2 else None for i in range(40)]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    frame.insert(0, "id", pd.array(ids, dtype="Int64"))
    frame.to_parquet(tmp_path / "t.parquet")
    ok(invoke("detect", tmp_path / "t.parquet", "--id-column", "id", *DETECT, "--out",
              tmp_path / "run"))  # fmt: skip
    written = pd.read_csv(tmp_path / "run" / "scores.csv", dtype={"id": str})["id"]
    assert written.tolist()[:4] == ["9007199254740993", "9007199254740994", np.nan,
                                    "9007199254740996"]  # fmt: skip


def test_impute_with_a_model_matches_a_files_columns_by_name(tmp_path):
    # next month's file with the same columns in another order was refused ('put them in
    # fit's order'), which a command-line user cannot do
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    table["c"] = table["a"] + table["b"]
    table.loc[[2, 9], "c"] = np.nan
    table.to_csv(tmp_path / "t.csv", index=False)
    fit = ["--save-model", tmp_path / "m.safetensors", "--epochs", "2", "--quiet"]
    ok(invoke("impute", tmp_path / "t.csv", "-o", tmp_path / "f.csv", *fit))
    table[["c", "a", "b"]].to_csv(tmp_path / "next.csv", index=False)
    model = ["--model", tmp_path / "m.safetensors"]
    ok(invoke("impute", tmp_path / "next.csv", *model, "-o", tmp_path / "g.csv"))
    filled = pd.read_csv(tmp_path / "g.csv")
    assert list(filled.columns) == ["c", "a", "b"] and filled["c"].notna().all()
    pd.testing.assert_frame_equal(filled[["a", "b"]], table[["a", "b"]])
