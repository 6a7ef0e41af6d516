"""Review 8, item 1: numbers written with a decimal comma (0,5) in a ';'-separated file are
refused when read with '.', naming ``--decimal ','`` (``csv={'decimal': ','}`` in Python), and
read as numbers with it; train records it for the commands that read DATA for the RUN."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok

from aekit.cli.errors import error_message, for_the_command_line
from aekit.data.datasets import load_array
from aekit.data.lazy import open_dataset

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet", "--no-figures"]


@pytest.fixture(scope="module")
def european(tmp_path_factory):
    """40 rows of three numbers written 0,123 and a text column, separated by ';'."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    frame["region"] = rng.choice(["nord", "süd"], 40)
    path = tmp_path_factory.mktemp("csv") / "eu.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    return path, frame


def test_python_refuses_the_misread_and_reads_it_with_the_decimal_option(european):
    path, frame = european
    with pytest.raises(ValueError, match=r"3 column\(s\) \('a', 'b', 'c'\).*csv=\{'decimal'"):
        load_array(path, csv={"sep": ";"})
    X, _ = load_array(path, csv={"sep": ";", "decimal": ","})
    np.testing.assert_allclose(X[["a", "b", "c"]].to_numpy(), frame[["a", "b", "c"]])
    numbers = frame[["a", "b"]].to_numpy()
    lazy = open_dataset(path, columns=["a", "b"], csv={"sep": ";", "decimal": ","})
    np.testing.assert_allclose(lazy.reader.read(0, 40), numbers, rtol=1e-6)


def test_the_command_line_names_the_option_and_records_it(european, tmp_path):
    path, _ = european
    result = invoke("train", path, "--sep", ";", "--model", "ae", *QUICK, "--out", tmp_path / "X")
    line = for_the_command_line(error_message(result.exception))
    assert "decimal comma" in line and "pass --decimal ','" in line and len(line) < 200, line
    assert not (tmp_path / "X").exists()
    run = tmp_path / "R"
    ok(invoke("train", path, "--sep", ";", "--decimal", ",", "--model", "ae", *QUICK,
              "--out", run))  # fmt: skip
    dtypes = json.loads((run / "encoder.json").read_text())["dtypes"]
    assert [dtypes[c] for c in "abc"] == ["float64"] * 3
    assert "--decimal ," in (run / "command.txt").read_text()
    # score reads DATA for RUN with the recorded --sep and --decimal
    ok(invoke("score", run, path, "-o", tmp_path / "s.csv"))
    assert len(pd.read_csv(tmp_path / "s.csv")) == 40
    # a plain CSV scored with the run: the recorded options, untyped, are named with the fix
    # ("pass --sep ','" led to "the decimal mark ',' is also the separator ... --sep ';'")
    european[1].to_csv(tmp_path / "plain.csv", index=False)
    for typed in ([], ["--sep", ","]):
        result = invoke("score", run, tmp_path / "plain.csv", *typed, "-o", tmp_path / "p.csv")
        said = for_the_command_line(error_message(result.exception))
        recorded = "--sep ';' --decimal ','" if not typed else "--decimal ','"
        assert f"RUN's training read its CSV with {recorded}, which" in said, said
        assert said.endswith("give this file's own too, e.g. --decimal '.'."), said
    ok(invoke("score", run, tmp_path / "plain.csv", "--sep", ",", "--decimal", ".", "-o",
              tmp_path / "p.csv"))  # fmt: skip


def test_whole_numbers_grouped_by_commas_are_offered_as_thousands_first(tmp_path):
    # '65,654' in a ','-separated file (quoted): the advice was the decimal comma alone, whose
    # Python fix, str.replace(',', '.'), made 65654 into 65.654 without a word
    from aekit.data.number_formats import numbers_as_text_message

    incomes = pd.Series([f"{v:,}" for v in (65654, 57682, 1234567, 48210)] * 5)
    said = numbers_as_text_message("income", incomes)
    assert "between their thousands or as a decimal comma" in said
    assert said.index("thousands=','") < said.index("decimal=','")
    fixed = pd.to_numeric(incomes.str.replace(",", "", regex=False))  # the fix it names
    assert fixed[:4].tolist() == [65654, 57682, 1234567, 48210]
    assert "pass --thousands ','" in for_the_command_line(said)
    frame = pd.DataFrame({"income": incomes, "a": np.arange(20.0)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    table, _ = load_array(tmp_path / "t.csv", csv={"thousands": ","})
    assert table["income"].dtype.kind in "if" and table["income"][2] == 1234567
    decimals = pd.Series(["0,5", "1,25", "3,125"] * 4)  # not all three digits: decimals
    weights = pd.Series(["0,125", "1,500", "2,250"] * 4)  # no thousands start with a 0
    assert "between their thousands" not in numbers_as_text_message("kg", weights)
    assert "decimal comma" in numbers_as_text_message("x", decimals)
    assert "thousands" not in numbers_as_text_message("x", decimals)


@pytest.mark.parametrize("option", ["--ignore-column", "--category-column"])
def test_a_column_left_out_or_declared_categories_is_not_refused_for_its_commas(
    european, tmp_path, option
):
    # the refusal named --ignore-column as a fix, then refused it for the same column: a
    # column read as text on purpose is as it is
    path, _ = european
    wrong = invoke("train", path, "--sep", ";", "--model", "ae", *QUICK, "--out", tmp_path / "X")
    assert "decimal comma" in error_message(wrong.exception)
    frame = pd.read_csv(path, sep=";").assign(a=lambda f: f["a"].str.replace(",", "."))
    frame.to_csv(tmp_path / "one.csv", sep=";", index=False)  # 'b' and 'c' keep their commas
    spec = tmp_path / "one.csv"
    for given, other in (("b", "c"), ("c", "b")):  # the column not named is still refused
        said = error_message(invoke("train", spec, "--sep", ";", *QUICK, option, given).exception)
        assert f"1 column(s) ({other!r}) hold numbers written with a decimal comma" in said
    run = tmp_path / "R"
    ok(invoke("train", spec, "--sep", ";", *QUICK, option, "b", option, "c", "--out", run))
    assert (run / "model.safetensors").exists()
