"""'aekit info' in a terminal too narrow for its table: COLUMNS=0 printed nothing and exited 0;
below MIN_WIDTH columns it draws the table 80 wide."""

from cli_helpers import invoke, ok
from typer.testing import CliRunner

from aekit.cli import app


def test_info_draws_its_table_whatever_columns_says(tmp_path):
    ok(invoke("train", "digits", "--model", "ae", "--epochs", 1, "--quiet", "--no-figures",
              "--out", tmp_path / "R"))  # fmt: skip
    for columns in ("0", "5"):
        result = CliRunner().invoke(app, ["info", str(tmp_path / "R")], env={"COLUMNS": columns})
        assert result.exit_code == 0, result.output
        assert "Autoencoder" in result.output and "parameters" in result.output, result.output
