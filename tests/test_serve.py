"""The scoring server through FastAPI's TestClient: every endpoint against the Python API and
every body format (bad inputs, limits, auth, errors and timeouts: test_serve_limits.py)."""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
from conftest import CPU
from serve_helpers import (
    AUTH,
    KEY,
    LIMITS,
    TestClient,
    api_message,
    client,
    create_app,
)

import aekit
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def cvae():
    X, y = load_digits()
    return aekit.ConditionalVAE(**CPU).fit(X[:100], y[:100])


@pytest.fixture(scope="module")
def detector():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "amount": rng.normal(size=200) * 30 + 100,
            "city": rng.choice(["Oslo", "Rome", "Lima"], 200),
            "hour": rng.normal(size=200) * 4 + 12,
        }
    )
    base = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=2, device="cpu")
    return aekit.AnomalyDetector(base, n_estimators=1, random_state=0).fit(frame), frame


def test_health_model_and_docs(served_vae):
    c = client(served_vae, api_key=KEY)
    assert c.get("/healthz").json() == {"status": "ok", "model": "VariationalAutoencoder"}
    info = c.get("/v1/model", headers=AUTH).json()
    assert info["class"] == "VariationalAutoencoder" and info["feature_names"] == list("abcd")
    assert info["aekit_version"] == aekit.__version__ and info["params"]["latent_dim"] == 4
    assert info["endpoints"] == ["encode", "reconstruct", "score", "generate"]
    assert c.get("/docs").status_code == 200
    paths = c.get("/openapi.json").json()["paths"]
    assert {"/v1/encode", "/v1/reconstruct", "/v1/score", "/v1/generate"} <= set(paths)
    assert "/v1/predict" not in paths  # a detector's endpoint


def test_endpoints_return_what_the_python_api_returns(served_vae, served_table):
    c = client(served_vae)
    rows = served_table.iloc[:5]
    body = {"rows": rows.to_numpy().tolist()}
    codes = c.post("/v1/encode", json=body).json()
    np.testing.assert_allclose(codes["codes"], served_vae.transform(rows), rtol=1e-6)
    assert codes["columns"] == ["z0", "z1", "z2", "z3"]
    np.testing.assert_allclose(
        c.post("/v1/reconstruct", json=body).json()["rows"], served_vae.reconstruct(rows), rtol=1e-6
    )
    scores = c.post("/v1/score", json=body).json()["scores"]
    np.testing.assert_allclose(scores, served_vae.score_samples(rows), rtol=1e-12)
    samples = c.post("/v1/generate", json={"n": 3, "seed": 1}).json()["rows"]
    np.testing.assert_allclose(samples, served_vae.sample(3, random_state=1), rtol=1e-6)
    again = c.post("/v1/generate", json={"n": 3, "seed": 1}).json()["rows"]
    assert again == samples  # a seed repeats its samples


def test_generate_without_a_seed_draws_fresh_samples(served_vae):
    # As the Python API's sample(n): an omitted or null seed is fresh randomness, not seed 0.
    c = client(served_vae)
    draws = [c.post("/v1/generate", json={"n": 2}).json()["rows"] for _ in range(2)]
    draws.append(c.post("/v1/generate", json={"n": 2, "seed": None}).json()["rows"])
    seeded = c.post("/v1/generate", json={"n": 2, "seed": 0}).json()["rows"]
    for i, draw in enumerate(draws):
        assert draw != seeded
        assert all(draw != other for other in draws[i + 1 :])
    generate = c.get("/openapi.json").json()["paths"]["/v1/generate"]["post"]
    schema = generate["requestBody"]["content"]["application/json"]["schema"]
    assert "422" in generate["responses"]
    assert schema["properties"]["seed"].get("default") is None


def test_a_label_for_a_model_without_labels(served_vae, served_table):
    # The row endpoints score rows alike with or without labels (the Python API ignores them);
    # /v1/generate refuses one: samples "of label 7" from a model that cannot give them.
    c = client(served_vae)
    rows = served_table.iloc[:3].to_numpy().tolist()
    labelled = c.post("/v1/score", json={"rows": rows, "labels": [1, 2, 3]})
    assert labelled.json() == c.post("/v1/score", json={"rows": rows}).json()
    refused = c.post("/v1/generate", json={"n": 2, "label": 7})
    assert refused.status_code == 422
    assert "is not conditional" in refused.json()["detail"]
    assert 'drop "label"' in refused.json()["detail"]


def test_every_body_format_gives_the_same_scores(served_vae, served_table):
    c = client(served_vae)
    rows = served_table.iloc[:6]
    expected = served_vae.score_samples(rows)
    records = rows[list("dcba")].to_dict(orient="records")  # any key order
    split = rows.to_dict(orient="split", index=False)
    npy = io.BytesIO()
    np.save(npy, rows.to_numpy())
    stream, file = io.BytesIO(), io.BytesIO()
    arrow = pa.Table.from_pandas(rows, preserve_index=False)
    with ipc.new_stream(stream, arrow.schema) as writer:
        writer.write_table(arrow)
    with ipc.new_file(file, arrow.schema) as writer:
        writer.write_table(arrow)
    bodies = [
        ("application/json", {"rows": records}),
        ("application/json", split),
        ("application/json", rows.to_numpy().tolist()),  # a bare list of rows
        ("application/x-npy", npy.getvalue()),
        ("application/vnd.apache.arrow.stream", stream.getvalue()),
        ("application/vnd.apache.arrow.file", file.getvalue()),
    ]
    for kind, body in bodies:
        options = {"json": body} if kind == "application/json" else {"content": body}
        response = c.post("/v1/score", headers={"content-type": kind}, **options)
        assert response.status_code == 200, (kind, response.text)
        np.testing.assert_allclose(response.json()["scores"], expected, rtol=1e-12, err_msg=kind)
    as_npy = c.post("/v1/encode", json=split, headers={"accept": "application/x-npy"})
    assert as_npy.headers["content-type"] == "application/x-npy"
    np.testing.assert_allclose(np.load(io.BytesIO(as_npy.content)), served_vae.transform(rows))


def test_conditional_labels_per_row_one_for_all_and_generate(cvae):
    c = client(cvae)
    X, y = load_digits()
    got = c.post("/v1/encode", json={"rows": X[:4].tolist(), "labels": y[:4].tolist()}).json()
    np.testing.assert_allclose(got["codes"], cvae.transform(X[:4], y[:4]), rtol=1e-6)
    npy = io.BytesIO()
    np.save(npy, X[:4])
    scored = c.post(
        "/v1/score?label=3", content=npy.getvalue(), headers={"content-type": "application/x-npy"}
    )
    np.testing.assert_allclose(scored.json()["scores"], cvae.score_samples(X[:4], [3] * 4))
    unlabelled = c.post("/v1/score", json={"rows": X[:4].tolist()}).json()["scores"]
    np.testing.assert_allclose(unlabelled, cvae.score_samples(X[:4]))
    samples = c.post("/v1/generate", json={"n": 2, "label": 7, "seed": 0}).json()["rows"]
    np.testing.assert_allclose(samples, cvae.sample(2, y=7, random_state=0), rtol=1e-6)
    unseen = c.post("/v1/encode", json={"rows": X[:2].tolist(), "labels": [1, 42]})
    assert unseen.status_code == 422
    assert unseen.json()["detail"] == api_message(cvae.transform, X[:2], [1, 42])
    assert "not seen in fit: [42]" in c.post("/v1/generate", json={"label": 42}).json()["detail"]


def test_detector_predict_and_score(detector):
    model, frame = detector
    c = client(model)
    rows = frame.iloc[:8]
    got = c.post("/v1/predict", json={"rows": rows.to_dict(orient="records")}).json()
    assert got["anomaly"] == list(model.predict(rows) == -1)
    np.testing.assert_allclose(got["probability"], model.predict_proba(rows)[:, 1], rtol=1e-9)
    np.testing.assert_allclose(got["scores"], model.score_samples(rows), rtol=1e-9)
    assert all(len(t) == 3 and set(t) <= set(frame.columns) for t in got["top_features"])
    split = c.post("/v1/score", json=rows.to_dict(orient="split", index=False)).json()
    np.testing.assert_allclose(split["scores"], model.score_samples(rows), rtol=1e-9)
    absent = c.post("/v1/encode", json={"rows": [[1, 2, 3]]})
    assert absent.status_code == 404  # and says why, with the endpoints it has (was "Not Found")
    assert absent.json()["detail"] == (
        "this model (AnomalyDetector) has no /v1/encode; its endpoints are /v1/score, "
        "/v1/predict (GET /v1/model describes it)."
    )
    # A category never seen in training failed the whole request (422); now that row alone is
    # flagged, with no score (JSON has no inf) and the cell named, and the others as before.
    unknown = rows.copy()
    unknown.loc[unknown.index[2], "city"] = "Paris"
    with pytest.warns(UserWarning, match="city=Paris"):
        response = c.post("/v1/predict", json={"rows": unknown.to_dict(orient="records")})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["scores"][2] is None and answer["anomaly"][2] and answer["probability"][2] == 1
    assert answer["top_features"][2][0] == "city=Paris (unseen)"
    others = [0, 1, 3, 4, 5, 6, 7]
    assert [answer["anomaly"][i] for i in others] == [got["anomaly"][i] for i in others]
    expected = [got["scores"][i] for i in others]
    assert [answer["scores"][i] for i in others] == pytest.approx(expected)
    with pytest.warns(UserWarning, match="city=Paris"):
        scored = c.post("/v1/score", json={"rows": unknown.to_dict(orient="records")}).json()
    assert scored["scores"][2] is None and scored["scores"][:2] == pytest.approx(got["scores"][:2])
    # numbers alone (a .npy) put numbers in the text column: every row an unseen category,
    # all flagged (user audit); refused, naming the table forms
    buffer = io.BytesIO()
    np.save(buffer, np.arange(24.0).reshape(8, 3))
    numeric = c.post(
        "/v1/predict", content=buffer.getvalue(), headers={"content-type": "application/x-npy"}
    )
    assert numeric.status_code == 422 and "table with text columns" in numeric.json()["detail"]
    numeric = c.post(
        "/v1/score", content=buffer.getvalue(), headers={"content-type": "application/x-npy"}
    )
    assert numeric.status_code == 422 and "table with text columns" in numeric.json()["detail"]
    mixed = rows.to_numpy(dtype=object).tolist()  # was "X contains non-numeric values"
    numeric = c.post("/v1/score", json={"rows": mixed})
    assert numeric.status_code == 422 and "table with text columns" in numeric.json()["detail"]


def test_a_runs_id_column_is_echoed_and_ignored_columns_dropped(detector, served_vae, served_table):
    # A RUN made with --id-column / --ignore-column: rows that carry those columns were a 422
    # (columns fit did not have); now they are left out, and each row's id comes back.
    model, frame = detector
    c = TestClient(
        create_app(model, LIMITS, None, None, id_column="customer", ignore_columns=("notes",)),
        raise_server_exceptions=False,
    )
    rows = frame.iloc[:5]
    plain = c.post("/v1/score", json={"rows": rows.to_dict(orient="records")}).json()
    assert "ids" not in plain
    tagged = rows.assign(customer=["k1", "k2", "k3", "", "k5"], notes="text")
    split = tagged.to_dict(orient="split", index=False)
    split["data"][3][split["columns"].index("customer")] = None  # a row without its id
    for endpoint in ("score", "predict"):
        answer = c.post(f"/v1/{endpoint}", json=split)
        assert answer.status_code == 200, answer.text
        got = answer.json()
        assert got["ids"] == ["k1", "k2", "k3", None, "k5"]
        assert got["scores"] == pytest.approx(plain["scores"])
    # without the options the same rows are refused, as before
    refused = client(model).post("/v1/score", json=split)
    assert refused.status_code == 422 and "customer" in refused.json()["detail"]
    # the autoencoders' endpoints too, through the batcher
    v = TestClient(create_app(served_vae, LIMITS, None, None, id_column="id"))
    body = served_table.iloc[:3].assign(id=[7, 8, 9]).to_dict(orient="records")
    got = v.post("/v1/encode", json={"rows": body}).json()
    assert got["ids"] == [7, 8, 9]
    np.testing.assert_allclose(got["codes"], served_vae.transform(served_table.iloc[:3]), rtol=1e-5)


def test_plain_rows_for_a_model_fitted_on_a_table_warn_of_nothing(served_vae, served_table):
    # Rows come in the model's column order; scikit-learn warned "X does not have valid
    # feature names" on every such request, filling the server's log.
    rows = served_table.to_numpy()[:3]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client(served_vae).post("/v1/score", json={"rows": rows.tolist()})
    assert response.status_code == 200
    np.testing.assert_allclose(
        response.json()["scores"], served_vae.score_samples(served_table[:3])
    )
    assert not [w for w in caught if "feature names" in str(w.message)]


def test_records_for_a_model_fitted_on_an_array_are_refused(served_table):
    # keys sorted by the JSON writer (f0, f1, f10, f11, f2, ...) were read in that order and
    # scored as scrambled rows, without an error (user audit)
    array_model = aekit.VAE(**CPU).fit(served_table.to_numpy())
    c = client(array_model)
    row = served_table.to_numpy()[0]
    records = json.dumps({"rows": [{f"f{i}": v for i, v in enumerate(row)}]}, sort_keys=True)
    split = json.dumps({"columns": ["f0", "f1", "f2", "f3"], "data": [row.tolist()]})
    for body in (records, split):
        response = c.post("/v1/score", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422
        assert "fitted without column names" in response.json()["detail"]
    # an Arrow table's columns keep their written order: read so, as before (review)
    sink = pa.BufferOutputStream()
    arrow = pa.Table.from_pandas(served_table.iloc[:1].set_axis(["w", "x", "y", "z"], axis=1))
    with ipc.new_stream(sink, arrow.schema) as writer:
        writer.write_table(arrow)
    stream = {"content-type": "application/vnd.apache.arrow.stream"}
    by_arrow = c.post("/v1/score", content=sink.getvalue().to_pybytes(), headers=stream)
    assert by_arrow.status_code == 200, by_arrow.text
    np.testing.assert_allclose(
        by_arrow.json()["scores"], array_model.score_samples(row[None]), rtol=1e-5
    )
    plain = c.post("/v1/score", json={"rows": [row.tolist()]})
    assert plain.status_code == 200
    np.testing.assert_allclose(
        plain.json()["scores"], array_model.score_samples(row[None]), rtol=1e-5
    )
