"""Messages of review 7: DATA with no rows is said to have none, by the reader, for every
command (an empty Parquet table made 'aekit encode' crash); ``aekit.load`` given a folder says it
is one and names the model file to pass."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.cli.data import DataOptions, check_training_data, open_data
from aekit.cli.errors import error_message


def test_the_row_count_is_said_in_words():
    with pytest.raises(ValueError, match=r"^DATA has no rows; training needs at least 2\.$"):
        check_training_data(np.empty((0, 3)))
    with pytest.raises(ValueError, match=r"^DATA has 1 row; training needs at least 2\.$"):
        check_training_data(np.ones((1, 3)))


def test_a_table_without_rows_is_refused_when_read(tmp_path):
    """An empty Parquet table (its schema alone): before, encode stopped on a StopIteration
    traceback, train said 'DATA has 0 row' and a folder of them 'cannot reshape array'."""
    empty, no_rows = tmp_path / "e.parquet", pd.DataFrame({"a": pd.Series([], dtype="float32")})
    no_rows.to_parquet(empty)
    (tmp_path / "folder").mkdir()
    no_rows.to_parquet(tmp_path / "folder" / "p.parquet")
    for spec in (empty, tmp_path / "folder"):
        with pytest.raises(ValueError, match=r"has no rows; give a table or array with at least"):
            open_data(str(spec), DataOptions())  # as encode, reconstruct, score read DATA
    result = CliRunner().invoke(app, ["train", str(empty), "--out", str(tmp_path / "R")])
    assert error_message(result.exception) == (
        f"DATA {empty} has no rows; give a table or array with at least one."
    )


def test_load_of_a_folder_names_the_model_file_in_it(tmp_path):
    run = tmp_path / "RUN"
    run.mkdir()
    with pytest.raises(FileNotFoundError, match="holds no model file .* model.safetensors"):
        aekit.load(run)
    (run / "model.safetensors").write_bytes(b"")
    (run / "other.safetensors").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="is a folder; load the model file in it: .*RUN"):
        aekit.load(run)
    # several, none model.safetensors: listed as what they are, .safetensors files (they were
    # "the model files in it", any of which may be another program's; user review)
    (run / "model.safetensors").unlink()
    (run / "a.safetensors").write_bytes(b"")
    said = "load the model file in it, one of its .safetensors files: a.safetensors, other"
    with pytest.raises(FileNotFoundError, match=said):
        aekit.load(run)


def test_a_class_is_named_with_its_article():
    from aekit.cli.common import a_kind

    assert a_kind(aekit.Autoencoder()) == "an Autoencoder"
    assert a_kind(aekit.VAE()) == "a VariationalAutoencoder"


def test_impute_without_holes_trains_nothing(tmp_path):
    rows = pd.DataFrame(np.random.default_rng(0).normal(size=(40, 3)), columns=list("abc"))
    rows.to_csv(tmp_path / "t.csv", index=False)
    result = CliRunner().invoke(
        app, ["impute", str(tmp_path / "t.csv"), "-o", str(tmp_path / "f.csv")]
    )
    assert "no missing values" in error_message(result.exception)
    assert not (tmp_path / "f.csv").exists()


def test_impute_of_complete_rows_fits_an_imputer_when_asked_to_keep_it(tmp_path):
    # an imputer trained on clean rows fills later tables (the Python fit takes complete X);
    # the command line refused complete rows even with --save-model
    rng = np.random.default_rng(0)
    rows = pd.DataFrame(rng.normal(size=(60, 3)), columns=list("abc"))
    rows.to_csv(tmp_path / "t.csv", index=False)
    quick = ["--epochs", "2", "--param", "n_estimators=1", "--quiet"]
    args = ["impute", str(tmp_path / "t.csv"), "-o", str(tmp_path / "f.csv"), *quick]
    result = CliRunner().invoke(app, [*args, "--save-model", str(tmp_path / "imp.safetensors")])
    assert result.exit_code == 0, result.output
    assert "no missing values to fill" in result.output
    assert (tmp_path / "f.csv").read_bytes() == (tmp_path / "t.csv").read_bytes()
    later = rows.mask(rng.random(rows.shape) < 0.2)
    later.to_csv(tmp_path / "later.csv", index=False)
    model = ["--model", str(tmp_path / "imp.safetensors")]
    filled = CliRunner().invoke(
        app, ["impute", str(tmp_path / "later.csv"), "-o", str(tmp_path / "g.csv"), *model]
    )
    assert filled.exit_code == 0, filled.output
    assert not pd.read_csv(tmp_path / "g.csv").isna().any().any()
    # a mistyped --param is said first, not the complete rows
    typo = CliRunner().invoke(app, [*args, "--param", "n_estimatorz=1"])
    assert "n_estimatorz" in error_message(typo.exception)
