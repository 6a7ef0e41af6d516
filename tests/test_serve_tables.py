"""``aekit serve`` of a model trained on a table with text columns (through a RUN's encoder):
what ``/v1/generate`` answers."""

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
