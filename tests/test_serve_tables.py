"""``aekit serve`` of a model trained on a table with text columns (through a RUN's encoder):
what ``/v1/generate`` answers, what a body it cannot read is told, and a RUN given by its
model file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import CPU
from serve_helpers import LIMITS, TestClient

import aekit
from aekit.serve.app import create_app


@pytest.fixture(scope="module")
def table_cvae():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "size": rng.normal(10, 2, 200),
            "colour": rng.choice(["red", "green", "blue"], 200),
            "weight": rng.gamma(2.0, 3.0, 200),
        }
    )
    labels = np.where(frame["size"] > 10, "big", "small")
    encoder = aekit.TabularEncoder().fit(frame)
    model = aekit.ConditionalVAE(**{**CPU, "max_iter": 3}).fit(encoder.transform(frame), labels)
    return model, encoder


def test_generate_answers_rows_of_the_table_and_their_labels(table_cvae):
    # it answered the encoded numbers and the raw category probabilities, with no columns,
    # and no label for the rows whose label it drew
    model, encoder = table_cvae
    client = TestClient(create_app(model, LIMITS, encoder=encoder), raise_server_exceptions=False)
    answer = client.post("/v1/generate", json={"n": 6, "seed": 3}).json()
    samples, labels = model.sample(6, random_state=3, return_y=True)
    expected = encoder.inverse_transform(samples)
    assert answer["columns"] == list(expected.columns) == ["size", "colour", "weight"]
    assert [row[1] for row in answer["rows"]] == expected["colour"].tolist()
    np.testing.assert_allclose([row[0] for row in answer["rows"]], expected["size"], rtol=1e-6)
    assert answer["labels"] == labels.tolist() and set(labels) <= {"big", "small"}
    given = client.post("/v1/generate", json={"n": 2, "label": "big"}).json()
    assert given["labels"] == ["big", "big"]
    # "draw": rows drawn from p(x|z), as sample(draw_x=True) draws them
    drawn = client.post("/v1/generate", json={"n": 6, "seed": 3, "draw": True}).json()
    rows = encoder.inverse_transform(model.sample(6, random_state=3, draw_x=True))
    np.testing.assert_allclose([row[2] for row in drawn["rows"]], rows["weight"], rtol=1e-6)
    assert [row[1] for row in drawn["rows"]] == rows["colour"].tolist()
    assert drawn["labels"] == labels.tolist()  # drawn before the rows: the same
    # a .npy of rows holding text cannot be: refused as reconstruct's is
    npy = client.post("/v1/generate", json={"n": 2}, headers={"accept": "application/x-npy"})
    assert npy.status_code == 406 and "generates rows of a table" in npy.json()["detail"]


def test_generate_takes_the_label_prior_and_clips_as_the_command_line_does(table_cvae):
    model, encoder = table_cvae
    client = TestClient(create_app(model, LIMITS, encoder=encoder), raise_server_exceptions=False)
    body = {"n": 50, "seed": 1, "draw": True, "label_prior": "fitted", "clip": True}
    answer = client.post("/v1/generate", json=body).json()
    samples, labels = model.sample(
        50, random_state=1, return_y=True, draw_x=True, label_prior="fitted"
    )
    assert answer["labels"] == labels.tolist()
    kept = encoder.inverse_transform(samples, clip=True)
    np.testing.assert_allclose([row[2] for row in answer["rows"]], kept["weight"], rtol=1e-6)
    low, high = encoder.range_["weight"]
    assert all(low <= row[2] <= high for row in answer["rows"])
    refused = client.post("/v1/generate", json={"n": 2, "label": "big", "label_prior": "fitted"})
    assert refused.status_code == 422 and "the labels drawn are" in refused.json()["detail"]
    vae = aekit.VAE(**{**CPU, "max_iter": 1}).fit(np.random.default_rng(0).normal(size=(50, 3)))
    plain = TestClient(create_app(vae, LIMITS), raise_server_exceptions=False)
    for extra in ({"clip": True}, {"label_prior": "fitted"}):
        assert plain.post("/v1/generate", json={"n": 2, **extra}).status_code == 422
    typo = plain.post("/v1/generate", json={"n": 2, "clipp": True}).json()["detail"]
    assert "takes n, label, seed, draw, label_prior and clip, not 'clipp'" in typo


def test_a_huge_integer_and_an_empty_table_are_said_for_a_table_run(table_cvae):
    # the encoder made the huge integer a float: OverflowError, 500; the empty table's numbers
    # a block of 0 rows: "cannot reshape array of size 0 into shape (0,newaxis)"
    import pyarrow as pa
    import pyarrow.ipc as ipc

    model, encoder = table_cvae
    client = TestClient(create_app(model, LIMITS, encoder=encoder), raise_server_exceptions=False)
    big = "1" + "0" * 400
    columns = '"columns": ["size", "colour", "weight"]'
    said = {
        f'{{"rows": [{{"size": {big}, "colour": "red", "weight": 1}}]}}': "integer of 401 digits",
        f'{{{columns}, "data": [[{big}, "red", 1]]}}': "integer of 401 digits",
        f'{{{columns}, "data": []}}': '"data" must be a non-empty list of rows.',
    }
    for body, words in said.items():
        got = client.post("/v1/score", content=body, headers={"content-type": "application/json"})
        assert got.status_code == 422 and words in got.json()["detail"], got.text
    empty = pa.table({"size": pa.array([], pa.float64()), "colour": pa.array([], pa.string())})
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, empty.schema) as writer:
        writer.write_table(empty)
    arrow = client.post(
        "/v1/score",
        content=sink.getvalue().to_pybytes(),
        headers={"content-type": "application/vnd.apache.arrow.stream"},
    )
    assert arrow.status_code == 422
    assert arrow.json()["detail"] == "the Arrow table has no rows; send at least one row."


def test_a_table_runs_model_file_is_refused_for_its_run_folder(table_cvae, tmp_path, monkeypatch):
    # served and exported bare: the model took encoded numbers, the table's encoding unread
    from cli_helpers import invoke, refused

    from aekit.serve import runner

    served = []  # a server that started would serve until stopped: noted, never started
    monkeypatch.setattr(runner, "serve", lambda *args, **kwargs: served.append(args))
    model, encoder = table_cvae
    run, out = tmp_path / "RUN", tmp_path / "onnx"
    model.save(run / "model.safetensors")
    encoder.save(run / "encoder.json")
    # another file named encoder.json beside a model (a tokenizer's): no RUN's, not refused
    assert invoke("serve", run / "model.safetensors").exit_code == 0 and len(served) == 1
    (run / "config.toml").write_text('[model]\nencoder = "encoder.json"\n')  # a RUN's record
    said = (
        f"{run / 'model.safetensors'} is the model of a RUN trained on a table with text "
        f"columns; give the RUN folder {run}, which holds the table's encoding (encoder.json)."
    )
    assert refused(invoke("serve", run / "model.safetensors")) == said and len(served) == 1
    assert refused(invoke("export", run / "model.safetensors", "-o", out)) == said
    assert not out.exists()


def test_the_model_description_lists_each_text_columns_categories(table_cvae):
    # a client learnt the columns from /v1/model, not which categories each takes
    model, encoder = table_cvae
    client = TestClient(create_app(model, LIMITS, encoder=encoder), raise_server_exceptions=False)
    described = client.get("/v1/model").json()
    assert described["columns"] == ["size", "colour", "weight"]
    assert described["categories"] == {"colour": ["blue", "green", "red"]}
