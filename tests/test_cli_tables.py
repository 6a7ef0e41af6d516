"""Issue 20, item 13 and the label column of item 12: ``aekit train`` takes tables with text
columns (aekit's TabularEncoder, kept as RUN/encoder.json), and every later command reads DATA
as the run did: the same encoding, the label column config.toml recorded."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aekit.cli import app

runner = CliRunner()
QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]
FAST = [*QUICK, "--no-figures"]  # train, where no test reads its figures


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """40 rows: two numeric columns, a text column and a text label."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "size": rng.normal(10, 2, 40),
            "weight": rng.normal(3, 1, 40),
            "colour": rng.choice(["red", "green", "blue"], 40),
            "kind": rng.choice(["cat", "dog"], 40),
        }
    )
    path = tmp_path_factory.mktemp("tables") / "pets.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.fixture(scope="module")
def mixed_run(table):
    path, _ = table
    out = path.parent / "run"
    result = invoke("train", path, "--model", "vae", "--label-column", "kind", *FAST, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_train_encodes_text_columns_and_keeps_the_encoding(mixed_run):
    state = json.loads((mixed_run / "encoder.json").read_text())
    assert state["categories"] == {"colour": ["blue", "green", "red"]}  # the label is not one
    assert state["feature_names_in"] == ["size", "weight", "colour"]


def test_reconstruct_and_generate_give_rows_of_the_table(mixed_run, table, tmp_path):
    path, frame = table
    assert invoke("reconstruct", mixed_run, path, "-o", tmp_path / "r.csv").exit_code == 0
    rebuilt = pd.read_csv(tmp_path / "r.csv")
    assert list(rebuilt.columns) == ["size", "weight", "colour"]
    assert set(rebuilt["colour"]) <= {"red", "green", "blue"} and len(rebuilt) == len(frame)
    # the default rows are the means (each category its likeliest), and a .npy the encoded
    # rows: both were written without a word (a user's 3,000 rows, none of a 30% category)
    with pytest.warns(UserWarning, match=r"the decoder's most likely values \(--mean"):
        result = invoke("generate", mixed_run, "-n", "5", "-o", tmp_path / "s.parquet")
    assert result.exit_code == 0, result.output
    assert list(pd.read_parquet(tmp_path / "s.parquet").columns) == ["size", "weight", "colour"]
    for chosen in ("--draw", "--mean"):  # typed: no word of the means
        with pytest.warns(UserWarning) as said:
            done = invoke("generate", mixed_run, "-n", "5", chosen, "-o", tmp_path / "s.npy")
        assert done.exit_code == 0, done.output
        texts = [str(w.message) for w in said]
        assert any("s.npy holds the encoded rows" in t for t in texts)
        assert not any("most likely" in t for t in texts)


def test_encode_reuses_the_recorded_label_column(mixed_run, table, tmp_path):
    # No --label-column: the text label "kind" is taken out as training took it out.
    path, _ = table
    result = invoke("encode", mixed_run, path, "-o", tmp_path / "z.csv")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "z.csv").shape == (40, 8)


def test_data_of_another_shape_is_refused_in_one_line(mixed_run, tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((3, 5), dtype=np.float32))
    result = invoke("encode", mixed_run, tmp_path / "x.npy", "-o", tmp_path / "z.csv")
    assert isinstance(result.exception, ValueError)
    assert "table with text columns" in str(result.exception)


def test_an_unseen_category_is_flagged_and_explained_not_fatal(table, tmp_path):
    path, frame = table
    out = tmp_path / "D"
    result = invoke("detect", path, "--label-column", "kind", "--param", "n_estimators=1",
                    "--quiet", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    new = frame.drop(columns="kind").assign(colour=["purple"] + list(frame["colour"][1:]))
    new.to_csv(tmp_path / "new.csv", index=False)
    with pytest.warns(UserWarning, match=r"1 row\(s\) hold a category not seen in training"):
        result = invoke("score", out, tmp_path / "new.csv", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "s.csv")
    assert bool(scores["anomaly"][0]) and scores["probability"][0] == 1.0
    assert scores["top_features"][0].startswith("colour=purple (unseen)")
    # its score agrees with the flag (inf: the model cannot score the category); the rest finite
    assert scores["anomaly_score"][0] == np.inf and len(scores) == 40
    assert np.isfinite(scores["anomaly_score"][1:]).all()


def test_a_parquet_table_with_text_columns_trains_and_encodes(table, tmp_path):
    # A Parquet DATA with text columns is read whole and one-hot encoded, as a CSV is (the
    # lazy on-disk reader takes numbers only).
    _, frame = table
    parquet = tmp_path / "pets.parquet"
    frame.to_parquet(parquet)
    out = tmp_path / "run"
    args = ["--model", "ae", "--label-column", "kind", *FAST, "--out", out]
    result = invoke("train", parquet, *args)
    assert result.exit_code == 0, result.output
    result = invoke("encode", out, parquet, "-o", tmp_path / "z.csv")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "z.csv")) == len(frame)


def test_finetune_and_predict_read_the_table_as_the_run_did(mixed_run, table, tmp_path):
    # No --label-column anywhere: finetune takes RUN's recorded one, and its own run records it
    # (with RUN's text-column encoding) for predict.
    path, frame = table
    out = tmp_path / "ft"
    result = invoke("finetune", mixed_run, path, "--param", "max_iter=2", "--quiet", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "encoder.json").is_file()
    result = invoke("predict", out, path, "-o", tmp_path / "p.csv")
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(tmp_path / "p.csv")["label"]) <= set(frame["kind"])


def test_serve_takes_rows_of_the_table_and_encodes_them_as_score_does(
    mixed_run, table, tmp_path, monkeypatch
):
    """aekit serve RUN answered 422 'X has non-numeric columns: colour' for the table it was
    trained on: the RUN's encoder.json was not applied to requests."""
    pytest.importorskip("fastapi")
    import warnings

    from aekit.serve import runner

    with warnings.catch_warnings():  # starlette's notice about the httpx it still uses
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    started = {}
    monkeypatch.setattr(runner, "_serve_one", lambda app, options: started.update(app=app))
    monkeypatch.setattr(runner, "_torch_threads", lambda *_: None)  # this process's threads
    assert invoke("serve", mixed_run).exit_code == 0
    client = TestClient(started["app"], raise_server_exceptions=False)

    path, frame = table
    assert invoke("score", mixed_run, path, "-o", tmp_path / "s.csv").exit_code == 0
    expected = pd.read_csv(tmp_path / "s.csv")["score"].to_numpy()
    rows = frame.drop(columns="kind")
    split = {"columns": list(rows.columns), "data": rows.to_numpy().tolist()}
    records = rows[["colour", "weight", "size"]].to_dict(orient="records")  # any key order
    # rows as DATA holds them, the run's label column too: set aside, as 'aekit score' does
    # (it was a 422, "X has ['kind'], which fit did not have")
    labelled = {"columns": list(frame.columns), "data": frame.to_numpy().tolist()}
    for body in (split, {"rows": records}, labelled):
        response = client.post("/v1/score", json=body)
        assert response.status_code == 200, response.text
        np.testing.assert_allclose(response.json()["scores"], expected, rtol=1e-9)

    rebuilt = client.post("/v1/reconstruct", json=split).json()
    assert rebuilt["columns"] == ["size", "weight", "colour"] and len(rebuilt["rows"]) == 40
    assert {row[2] for row in rebuilt["rows"]} <= {"red", "green", "blue"}
    # a .npy answer held the standardized encoding, not the table's scale: refused, 406
    npy = client.post("/v1/reconstruct", json=split, headers={"accept": "application/x-npy"})
    assert npy.status_code == 406 and "ask for JSON" in npy.json()["detail"]
    assert client.get("/v1/model").json()["columns"] == ["size", "weight", "colour"]
    numbers = client.post("/v1/score", json={"rows": [[1.0, 2.0, 3.0]]})
    assert numbers.status_code == 422 and "send the rows as records" in numbers.json()["detail"]

    settings = {  # --workers 2: each worker process loads the encoder too
        "model": str(mixed_run / "model.safetensors"),
        "encoder": str(mixed_run / "encoder.json"),
        "api_key_file": None,
        "limits": {},
        "workers": 2,
    }
    monkeypatch.setenv(runner.ENVIRONMENT, json.dumps(settings))
    worker = TestClient(runner.app_from_environment())
    np.testing.assert_allclose(worker.post("/v1/score", json=split).json()["scores"], expected)


def test_the_figures_of_a_table_name_its_columns(table, tmp_path, monkeypatch):
    """reconstructions.png titled the encoded columns x0..x3: the model was fitted on the
    encoded matrix, which has no names; the run's encoding has them."""
    from aekit.viz import plots

    drawn, labels = [], []

    def spy(X, X_hat, feature_names=None, **kwargs):
        drawn.append(feature_names)
        axes = original(X, X_hat, feature_names=feature_names, **kwargs)
        # the encoded matrix's values, not the table's: said on the axes (a user read age
        # from -1.5 to 1.5 as the data's)
        labels.append(axes[0].figure.get_supxlabel())
        return axes

    original = plots.feature_reconstructions
    monkeypatch.setattr(plots, "feature_reconstructions", spy)
    path, _ = table
    out = tmp_path / "run"
    result = invoke("train", path, "--model", "ae", "--label-column", "kind", *QUICK, "--out", out)
    assert result.exit_code == 0, result.output
    assert drawn == [["size", "weight", "colour=blue", "colour=green", "colour=red"]]
    assert labels == ["true value (as encoded: numbers standardized, categories 0/1)"]
    assert (out / "figures" / "reconstructions.png").stat().st_size > 0


def test_categorical_groups_given_for_a_table_with_text_columns_must_be_its_own(
    table, mixed_run, tmp_path
):
    # train encodes text columns itself; --param categorical_groups=[[0, 2]] was replaced by
    # the encoder's groups without a word (and recorded as if given)
    from aekit.cli.errors import error_message

    path, _ = table
    words = ["train", path, "--model", "ae", "--label-column", "kind", *QUICK]
    result = invoke(*words, "--param", "categorical_groups=[[0, 2]]", "--out", tmp_path / "R")
    said = error_message(result.exception)
    assert said.startswith("categorical_groups=[[0, 2]] (--param or --config): DATA has text")
    assert "leave categorical_groups out" in said and not (tmp_path / "R").exists()
    # the RUN's own record of them (its config.toml, its command.txt) trains again
    again = invoke("train", "--config", mixed_run / "config.toml", path, "--out", tmp_path / "S")
    assert again.exit_code == 0, again.output


def test_a_run_missing_its_encoder_or_config_is_said_to_be_incomplete(mixed_run, table, tmp_path):
    # without encoder.json the RUN was read as one of numbers and DATA was blamed for its
    # text columns; without config.toml, for its label column
    import shutil

    from aekit.cli.errors import error_message

    path, _ = table
    for lost in ("encoder.json", "config.toml"):
        damaged = tmp_path / f"no_{lost}"
        shutil.copytree(mixed_run, damaged)
        (damaged / lost).unlink()
        result = invoke("score", damaged, path, "-o", tmp_path / f"{lost}.csv")
        said = error_message(result.exception)
        assert said.startswith(f"{damaged} is incomplete: its {lost}"), said
        assert said.endswith("train the run again.") and not (tmp_path / f"{lost}.csv").exists()


def test_the_config_and_command_of_a_run_train_on_a_table_with_new_categories(
    table, mixed_run, tmp_path
):
    # the groups train derived from colour's 3 categories were recorded as if given, and a
    # table with a 4th was refused, telling the user to leave out what they never gave
    import shlex

    path, frame = table
    wider = tmp_path / "pets4.csv"
    frame.assign(colour=frame["colour"].where(frame.index % 5 > 0, "grey")).to_csv(
        wider, index=False
    )
    command = (mixed_run / "command.txt").read_text()
    assert "categorical_groups" not in command, command
    result = invoke("train", "--config", mixed_run / "config.toml", wider, "--out", tmp_path / "G")
    assert result.exit_code == 0, result.output
    groups = json.loads((tmp_path / "G" / "encoder.json").read_text())["categories"]
    assert groups == {"colour": ["blue", "green", "grey", "red"]}
    words = shlex.split(command)[1:]
    words[1] = str(wider)
    words[words.index("--out") + 1] = str(tmp_path / "H")
    assert invoke(*words).exit_code == 0


def test_info_says_how_the_run_reads_data_and_the_columns_it_takes(mixed_run, table):
    # a second-day user had to open config.toml and encoder.json for these
    result = invoke("info", mixed_run)
    assert result.exit_code == 0, result.output
    rows, key = {}, ""
    for line in result.output.splitlines():  # the table's cells, a wrapped one joined
        cells = line.split("│")
        if len(cells) != 4:
            continue
        key = cells[1].strip() or key
        rows[key] = f"{rows.get(key, '')} {cells[2].strip()}".strip()
    assert rows["data read as"].endswith("pets.csv --label-column kind")
    assert rows["input columns"] == "size; weight; colour (blue, green, red)"
