"""Requests the scoring server once took with a wrong answer: an Arrow table of an array's
columns out of order, labels given twice, a label true, a misspelt field (of /v1/generate and
of a rows request), a body nested past Python's recursion limit, a list of numbers as the rows,
rows mixing records and lists (new users' passes)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest
from conftest import CPU
from serve_helpers import client

import aekit
from aekit.data.datasets import load_digits

STREAM = {"content-type": "application/vnd.apache.arrow.stream"}


def arrow_body(columns: dict) -> bytes:
    table = pa.table(columns)
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@pytest.fixture(scope="module")
def cvae():
    X, y = load_digits()
    return aekit.ConditionalVAE(**CPU).fit(X[:100], y[:100])


@pytest.mark.parametrize("prefix", ["x", ""])  # scikit-learn's names of an array, pandas'
def test_an_arrays_columns_sent_out_of_order_are_put_in_order(served_table, prefix):
    # Read by position, x3 x2 x1 x0 was scored as the reversed row, with status 200.
    X = served_table.to_numpy()[:3]
    model = aekit.VAE(**CPU).fit(served_table.to_numpy())
    body = arrow_body({f"{prefix}{j}": X[:, j] for j in (3, 2, 1, 0)})
    response = client(model).post("/v1/score", content=body, headers=STREAM)
    assert response.status_code == 200, response.text
    np.testing.assert_allclose(response.json()["scores"], model.score_samples(X), rtol=1e-5)


def test_labels_in_the_body_and_the_query_are_refused(cvae):
    X, y = load_digits()
    body = {"rows": X[:1].tolist(), "labels": [1]}
    response = client(cvae).post("/v1/score?label=3", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "the labels are given twice, in the body and as ?label=; send one of them."
    )


def test_generate_refuses_a_boolean_label_and_an_unknown_field(cvae):
    c = client(cvae)
    boolean = c.post("/v1/generate", json={"n": 1, "label": True, "seed": 3})
    assert boolean.status_code == 422  # it was class 1 (True == 1)
    assert boolean.json()["detail"].startswith("the label True is a boolean; known labels are [0,")
    misspelt = c.post("/v1/generate", json={"n": 1, "lable": 7, "seed": 3})
    assert misspelt.status_code == 422  # it answered samples of every label
    assert "lable" in misspelt.text
    assert c.post("/v1/generate", json={"n": 1, "label": 7, "seed": 3}).status_code == 200


def test_a_body_nested_too_deeply_is_the_clients_error(served_vae):
    body = '{"rows": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client(served_vae).post(
        "/v1/score", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422  # a RecursionError: 500 and a traceback in the log
    assert response.json()["detail"] == "the JSON body nests too deeply to be rows."


@pytest.mark.parametrize(
    "body", [[1.0, 2.0, 3.0, 4.0], {"rows": [1.0, 2.0, 3.0, 4.0]}, {"rows": ["a", "b"]}]
)
def test_numbers_instead_of_rows_say_what_rows_are(served_vae, body):
    response = client(served_vae).post("/v1/score", json=body)
    assert response.status_code == 422  # scikit-learn's advice: X.reshape(1, -1)
    assert response.json()["detail"] == (
        '"rows" holds values, not rows: send a list of rows, e.g. {"rows": [[1, 2, 3]]} for '
        "one row."
    )


def test_an_answer_the_server_cannot_give_and_a_compressed_body_are_refused(served_vae):
    import gzip
    import json

    c = client(served_vae)
    rows = {"rows": [[1.0, 2.0, 3.0, 4.0]]}
    csv = c.post("/v1/score", json=rows, headers={"accept": "text/csv"})
    assert csv.status_code == 406  # answered in JSON, status 200
    assert csv.json()["detail"].startswith("the server answers application/json (or")
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"):
        assert c.post("/v1/score", json=rows, headers={"accept": accept}).status_code == 200
    # qualities are weighed: q=0 refuses a type, and the higher one is the answer's
    answers = {
        "text/csv, application/json;q=0": 406,
        "application/x-npy;q=0, application/json": "application/json",
        "application/json, application/x-npy;q=0.5": "application/json",
        "application/x-npy, */*": "application/x-npy",
        # the most specific range decides (RFC 9110, 12.5.1), and a malformed quality is 1
        "application/x-npy;q=0.9, application/json;q=0.1, */*": "application/x-npy",
        "application/json;q=0, */*": "application/x-npy",
        "application/x-npy;q=abc": "application/x-npy",
        "application/json;q=abc, application/x-npy;q=0.5": "application/json",
    }
    for accept, expected in answers.items():
        answer = c.post("/v1/score", json=rows, headers={"accept": accept})
        got = answer.status_code if isinstance(expected, int) else answer.headers["content-type"]
        assert got == expected, accept
    packed = c.post(
        "/v1/score",
        content=gzip.compress(json.dumps(rows).encode()),
        headers={"content-type": "application/json", "content-encoding": "gzip"},
    )
    assert packed.status_code == 415  # "not valid JSON: 'utf-8' codec can't decode byte 0x8b"
    assert packed.json()["detail"] == (
        "Content-Encoding gzip is not supported; send the body as it is."
    )


def test_generate_refuses_a_compressed_body_and_a_text_classes_label_true_is_its_text():
    import gzip
    import json

    X, y = load_digits()
    words = aekit.ConditionalVAE(**CPU).fit(X[:60], np.where(y[:60] % 2, "True", "False"))
    c = client(words)
    packed = c.post(
        "/v1/generate",
        content=gzip.compress(json.dumps({"n": 1}).encode()),
        headers={"content-type": "application/json", "content-encoding": "gzip"},
    )
    assert packed.status_code == 415  # 400 "There was an error parsing the body"
    # classes 'False'/'True': true is the text 'True', as it was before the boolean check
    same = c.post("/v1/generate", json={"n": 2, "label": True, "seed": 0}).json()["rows"]
    assert same == c.post("/v1/generate", json={"n": 2, "label": "True", "seed": 0}).json()["rows"]


def test_labels_and_a_label_in_one_body_are_refused(cvae):
    X, _ = load_digits()
    body = {"rows": X[:2].tolist(), "labels": [0, 0], "label": 2}
    response = client(cvae).post("/v1/score", json=body)
    assert response.status_code == 422  # "label" was dropped without a word
    assert response.json()["detail"] == (
        'the body gives both "labels" (one per row) and "label" (one for all); send one.'
    )


def test_a_compressed_body_is_refused_after_the_key_and_only_where_a_body_is_read(served_vae):
    # refused before routing, 415 came before 401, and a GET /healthz with the header got it
    from serve_helpers import AUTH, KEY

    c = client(served_vae, api_key=KEY)
    gzip = {"content-type": "application/json", "content-encoding": "gzip"}
    assert c.post("/v1/score", content=b"x", headers=gzip).status_code == 401
    assert c.post("/v1/score", content=b"x", headers={**gzip, **AUTH}).status_code == 415
    assert c.get("/healthz", headers={"content-encoding": "gzip"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('{"n": 0}', "n: input should be greater than or equal to 1."),
        ("null", 'the body must be a JSON object, e.g. {"n": 2, "seed": 0}.'),
        ('{"n": ', "the body is not valid JSON (EOF while parsing a value at line 1 column 5)."),
    ],
)
def test_generate_says_a_bad_body_in_one_line(served_vae, body, said):
    # pydantic's own text: "1 validation error for GenerateRequest\nn\n  Input should ...
    # [type=...]\n    For further information visit https://errors.pydantic.dev/..."
    response = client(served_vae).post(
        "/v1/generate", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == said


@pytest.mark.parametrize("endpoint", ["score", "encode", "reconstruct"])
def test_a_rows_body_with_a_misspelt_key_is_refused(cvae, endpoint):
    # "lables" was dropped without a word: the rows were scored with their labels summed out
    X, _ = load_digits()
    response = client(cvae).post(f"/v1/{endpoint}", json={"rows": X[:1].tolist(), "lables": [3]})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "'lables' (did you mean 'labels'?)" in detail and '"rows"' in detail
    right = client(cvae).post(f"/v1/{endpoint}", json={"rows": X[:1].tolist(), "labels": [3]})
    assert right.status_code == 200, right.text


def test_rows_mixing_records_and_lists_name_the_two_rows(served_vae, served_table):
    model = served_vae
    record = served_table.iloc[0].to_dict()
    body = {"rows": [record, served_table.iloc[1].tolist()]}
    response = client(model).post("/v1/score", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        '"rows" mixes records and lists: row 0 is a record (an object), row 1 is not; send '
        "every row the same way."
    )


def test_pandas_split_json_is_read_index_and_all(served_vae, served_table):
    # df.to_json(orient="split") writes an "index": refused once unknown keys were
    import json

    rows = served_table.iloc[:3]
    split = json.loads(rows.to_json(orient="split"))
    tight = {**rows.to_dict(orient="tight"), "index": [0, 1, 2]}  # to_dict's, names and all
    for body in (split, tight):
        response = client(served_vae).post("/v1/score", json=body)
        assert response.status_code == 200, response.text
        np.testing.assert_allclose(
            response.json()["scores"], served_vae.score_samples(rows), rtol=1e-5
        )


@pytest.mark.parametrize(
    "body, said",
    [({"n": True}, "n: input should be a valid integer"), ({"n": "2"}, "n: input should be"),
     ({"draw": "yes"}, "draw: input should be a valid boolean")],
)  # fmt: skip
def test_generate_takes_its_fields_as_their_json_types(cvae, body, said):
    # {"n": true} drew 1 sample, {"n": "2"} two and {"draw": "yes"} drew, as "label": true is
    # refused
    answer = client(cvae).post("/v1/generate", json=body)
    assert answer.status_code == 422 and said in answer.json()["detail"], answer.text
