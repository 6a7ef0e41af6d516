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
    result = invoke("train", french, *options, "--label-column", "x2", "--model", "ae", *QUICK,
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
    line = cli_error(invoke("train", french, *options, *QUICK, "--out", tmp_path / "R"))
    assert all(w in line for w in words) and len(line) < 200, line
    assert not (tmp_path / "R").exists()
