"""Issue 20, item 20: ``--sep``, ``--encoding`` and ``--no-header`` on every command that reads
DATA, and errors that name the file and the option that fixes it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aekit.cli import app
from aekit.cli.errors import error_message, for_the_command_line

runner = CliRunner()
QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]
FAST = [*QUICK, "--no-figures"]  # train, where no test reads its figures


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def cli_error(result) -> str:
    """The line ``aekit`` prints for the error of ``result``."""
    assert isinstance(result.exception, ValueError), result.output
    return for_the_command_line(error_message(result.exception))


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    """A header-less, ';'-separated latin-1 file: 30 rows, two numbers, a text label."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(30, 2)).round(3))
    frame["label"] = rng.choice(["crème", "forêt"], 30)
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    frame.to_csv(path, sep=";", header=False, index=False, encoding="latin-1")
    return path


def test_the_options_read_the_file_for_every_command(french, tmp_path):
    options = ["--sep", ";", "--encoding", "latin-1", "--no-header"]
    out = tmp_path / "R"
    result = invoke("train", french, *options, "--label-column", "x2", "--model", "ae", *FAST,
                    "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    # The label column x2 recorded by train is taken out again; the file read as train read it.
    result = invoke("encode", out, french, *options, "-o", tmp_path / "z.csv")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "z.csv")) == 30


@pytest.mark.parametrize(
    "options, words",
    [
        ([], ["f.csv", "--encoding latin-1"]),
        (["--encoding", "latin-1"], ["looks separated by ';'", "--sep ';'"]),
        (
            ["--encoding", "latin-1", "--sep", ";"],
            ["looks like data, not column names", "--no-header"],
        ),
    ],
)
def test_each_misread_names_its_option(french, tmp_path, options, words):
    line = cli_error(invoke("train", french, *options, *FAST, "--out", tmp_path / "R"))
    assert all(w in line for w in words) and len(line) < 200, line
    assert not (tmp_path / "R").exists()


@pytest.fixture(scope="module")
def european(tmp_path_factory):
    """';'-separated numbers written 1.234,5 (a thousands '.', a decimal ','): 40 rows."""
    rng = np.random.default_rng(0)
    amounts = rng.uniform(1000, 99999, 40).round(2)
    written = [f"{a:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") for a in amounts]
    path = tmp_path_factory.mktemp("eu") / "eu.csv"
    counts = rng.integers(0, 9, 40)
    rows = "".join(f"{w};{c}\n" for w, c in zip(written, counts, strict=True))
    path.write_text(f"amount;count\n{rows}")
    return path, amounts


def test_thousands_reads_numbers_written_1_234_5_and_is_recorded(european, tmp_path):
    import warnings

    import aekit
    from aekit.data.datasets import load_array

    path, amounts = european
    X, _ = load_array(path, csv={"sep": ";", "decimal": ",", "thousands": "."})
    np.testing.assert_array_equal(X["amount"], amounts)
    line = cli_error(invoke("train", path, "--sep", ";", "--decimal", ",", "--model", "ae",
                            *FAST, "--out", tmp_path / "text"))  # fmt: skip
    assert "between their thousands" in line and "pass --thousands '.' --decimal ','" in line
    assert not (tmp_path / "text").exists()  # refused: each amount would be a category
    out = tmp_path / "R"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*thousands")
        result = invoke("train", path, "--sep", ";", "--decimal", ",", "--thousands", ".",
                        "--model", "ae", *FAST, "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert aekit.load(out / "model.safetensors").n_features_in_ == 2  # two numbers, no categories
    assert "thousands = " in (out / "config.toml").read_text()
    result = invoke("encode", out, path, "-o", tmp_path / "z.csv")  # the recorded options
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "options, words",
    [
        (["--thousands", ".", "--decimal", "."], ["--thousands '.' is also the decimal mark"]),
        (["--thousands", ".."], ["--thousands takes one character"]),
    ],
)
def test_a_thousands_separator_that_cannot_be_is_refused(european, options, words):
    message = cli_error(invoke("train", european[0], *options, *FAST))
    assert all(word in message for word in words), message


def test_thousands_reads_quoted_numbers_1_234_5_of_a_comma_separated_file(tmp_path):
    import warnings

    import aekit

    amounts = np.random.default_rng(1).uniform(1000, 99999, 40).round(2)
    path = tmp_path / "us.csv"
    path.write_text(
        "amount,count\n" + "".join(f'"{a:,.2f}",{i % 7}\n' for i, a in enumerate(amounts))
    )
    line = cli_error(invoke("train", path, "--model", "ae", *FAST, "--out", tmp_path / "text"))
    assert "between their thousands" in line and "pass --thousands ','" in line, line
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*thousands")
        result = invoke("train", path, "--thousands", ",", "--model", "ae", *FAST,
                        "--out", tmp_path / "R")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert aekit.load(tmp_path / "R" / "model.safetensors").n_features_in_ == 2


def test_text_table_options_for_other_data_are_refused_not_recorded(tmp_path):
    # --sep ';' on an array did nothing, yet was recorded, and the RUN then refused a comma CSV
    np.save(tmp_path / "X.npy", np.random.default_rng(0).random((60, 4)).astype(np.float32))
    cases = {
        "--sep": ["train", tmp_path / "X.npy", "--sep", ";"],
        "--na-values": ["detect", "digits", "--na-values", "?"],
        "--decimal and --thousands": [
            "detect-series", tmp_path / "X.npy", "--decimal", ",", "--thousands", ".",
        ],
    }  # fmt: skip
    for flags, words in cases.items():
        said = error_message(invoke(*words, "--out", tmp_path / "R", "--quiet").exception)
        assert said.startswith(f"{flags} appl"), said
        assert said.endswith(f"is not one: leave {flags} out."), said
        assert not (tmp_path / "R").exists()


@pytest.mark.parametrize("large", [False, True])
def test_impute_writes_the_csv_as_data_was_written(tmp_path, monkeypatch, large):
    # a file of ';' and decimal commas came back as ',' and '.', and latin-1 as UTF-8: the
    # spreadsheet that wrote it misread the filled table
    from cli_helpers import convert_in_small_chunks, read_as_a_large_csv

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": [f"C{i}" for i in range(80)],
            "a": rng.normal(1000, 100, 80).round(2),
            "b": rng.normal(size=80).round(3),
            "city": rng.choice(["Zürich", "Köln"], 80),
        }
    )
    frame.loc[[3, 7], "a"] = np.nan
    frame.to_csv(tmp_path / "t.csv", sep=";", decimal=",", index=False, encoding="latin-1")
    if large:
        read_as_a_large_csv(monkeypatch, lazy_bytes=0)
        convert_in_small_chunks(monkeypatch, tmp_path, 20)
    options = ["--sep", ";", "--decimal", ",", "--encoding", "latin-1", "--id-column", "id"]
    options += ["--param", "max_iter=2"]  # what is written, not how well it was filled
    result = invoke("impute", tmp_path / "t.csv", *options, "-o", tmp_path / "f.csv", "--quiet")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "f.csv").read_bytes().decode("latin-1").splitlines()
    assert written[0] == "id;a;b;city"
    filled = pd.read_csv(tmp_path / "f.csv", sep=";", decimal=",", encoding="latin-1")
    observed = frame["a"].notna()
    pd.testing.assert_frame_equal(filled[observed], frame[observed])
    assert filled["a"].notna().all()


def test_a_written_date_index_is_refused_with_the_writes_that_read(tmp_path):
    """df.to_csv(path) of a frame indexed by time writes the dates as an unnamed first column:
    refused (a column of values without a name), with the two ways to write it that read; the
    first, named, is read as an id column."""
    rng = np.random.default_rng(0)
    times = pd.date_range("2024-01-01", periods=40, freq="h")
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=list("abc"), index=times)
    frame.to_csv(tmp_path / "t.csv")
    line = cli_error(invoke("train", tmp_path / "t.csv", "--out", tmp_path / "RUN", *FAST))
    assert "column 1" in line and "index=False" in line and "rename_axis('id')" in line
    assert not (tmp_path / "RUN").exists()
    frame.rename_axis("id").to_csv(tmp_path / "t.csv")
    result = invoke(
        "train", tmp_path / "t.csv", "--out", tmp_path / "RUN", "--id-column", "id", *FAST
    )
    assert result.exit_code == 0, result.output
    # a column that is not the first has no index to blame
    pd.DataFrame({"a": [1.0, 2.0], "": [3.0, 4.0]}).to_csv(tmp_path / "u.csv", index=False)
    line = cli_error(invoke("train", tmp_path / "u.csv", "--out", tmp_path / "RUN2", *FAST))
    assert "column 2" in line and "to_csv" not in line


def test_a_column_the_run_left_out_can_be_the_id_of_later_outputs(tmp_path):
    """A RUN trained with --ignore-column date: 'encode RUN DATA --id-column date' was refused
    as "also an --ignore-column" that the user never typed, and no option undid the record."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    frame.insert(0, "date", pd.date_range("2024-01-01", periods=30).strftime("%Y-%m-%d"))
    frame.to_csv(tmp_path / "t.csv", index=False)
    run = tmp_path / "RUN"
    result = invoke("train", tmp_path / "t.csv", "--out", run, "--ignore-column", "date", *FAST)
    assert result.exit_code == 0, result.output
    result = invoke(
        "encode", run, tmp_path / "t.csv", "--id-column", "date", "-o", tmp_path / "z.csv"
    )
    assert result.exit_code == 0, result.output
    codes = pd.read_csv(tmp_path / "z.csv")
    assert codes.columns[0] == "date" and codes["date"].tolist() == frame["date"].tolist()
    # the mirror: a run's recorded id typed as a column to leave out (of the outputs too)
    ided = tmp_path / "IDED"
    result = invoke("train", tmp_path / "t.csv", "--out", ided, "--id-column", "date", *FAST)
    assert result.exit_code == 0, result.output
    out = tmp_path / "w.csv"
    result = invoke("encode", ided, tmp_path / "t.csv", "--ignore-column", "date", "-o", out)
    assert result.exit_code == 0, result.output
    assert "date" not in pd.read_csv(out).columns
    # both typed: still one or the other
    both = ["--id-column", "date", "--ignore-column", "date", "-o", tmp_path / "y.csv"]
    assert "also an --ignore-column" in cli_error(invoke("encode", run, tmp_path / "t.csv", *both))
