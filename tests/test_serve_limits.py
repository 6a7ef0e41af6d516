"""The scoring server's defences through FastAPI's TestClient: bad inputs (422 with the API's
own message), limits (413), auth (401), errors without tracebacks, the timeout (504), inference
off the event loop, binding checks and key files, and the batching of concurrent requests."""

from __future__ import annotations

import asyncio
import io
import json
import os
import threading
import time

import numpy as np
import pandas as pd
import pytest
from serve_helpers import (
    AUTH,
    KEY,
    LIMITS,
    Limits,
    TestClient,
    api_message,
    client,
    create_app,
)

from aekit.serve.runner import check_bind, is_loopback, read_api_key


def test_bad_inputs_get_422_with_the_python_apis_message(served_vae, served_table):
    c = client(served_vae)
    width = served_table.to_numpy()[:2, :3]
    cases = [
        # rows of a model fitted on a table are its columns: the NaN's column is named
        (b'{"rows": [[NaN, 1, 2, 3]]}', pd.DataFrame([[np.nan, 1, 2, 3]], columns=list("abcd"))),
        # null is a missing value, named as NaN is (it was "column 0")
        (b'{"rows": [[null, 1, 2, 3]]}', pd.DataFrame([[np.nan, 1, 2, 3]], columns=list("abcd"))),
        (b'{"rows": [[1, 2, 3]]}', width),
        (b'{"rows": [["a", 1, 2, 3]]}', [["a", 1, 2, 3]]),
    ]
    for body, same in cases:
        response = c.post("/v1/score", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, body
        assert response.json()["detail"] == api_message(served_vae.score_samples, same)
    refused = {
        b"{not json": "not valid JSON",
        b'{"rows": []}': "non-empty list",
        b'{"rows": [[1, 2], [3]]}': "not a rectangular array: row 0 has 2 values, row 1 has 1",
        b'{"columns": ["a"], "data": 5}': "do not make a table",
        b'{"data": [[1]]}': 'needs both "columns"',  # was "X has 1 features, but ..."
        b'"text"': "must be an object",
    }
    for body, message in refused.items():
        response = c.post("/v1/score", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422 and message in response.json()["detail"], body
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    response = c.post(
        "/v1/score", content=pickled.getvalue(), headers={"content-type": "application/x-npy"}
    )
    detail = response.json()["detail"]
    assert response.status_code == 422 and "dtype object" in detail
    npy_bodies = {  # what the server says, never numpy's advice to pass allow_pickle
        b"garbage, not an array": "not a .npy file",
        b"\x93NUMPY\x01\x00garbage": "not a numeric .npy array (EOF",
        pickled.getvalue(): "Python objects (dtype object)",
    }
    text = io.BytesIO()
    np.save(text, np.array([["a", "b"]]))
    npy_bodies[text.getvalue()] = "of dtype <U1, not of numbers"
    for body, message in npy_bodies.items():
        got = c.post("/v1/score", content=body, headers={"content-type": "application/x-npy"})
        detail = got.json()["detail"]
        assert got.status_code == 422 and message in detail, detail
        assert "np.save writes for an array of numbers" in detail and "allow_pickle" not in detail
    scalar = io.BytesIO()
    np.save(scalar, np.float32(1.0))
    response = c.post(
        "/v1/score", content=scalar.getvalue(), headers={"content-type": "application/x-npy"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == api_message(served_vae.score_samples, np.float32(1.0))
    wrong = c.post("/v1/score", content=b"a,b", headers={"content-type": "text/csv"})
    assert wrong.status_code == 415 and "application/x-npy" in wrong.json()["detail"]
    assert c.post("/v1/generate", json={"n": 0}).status_code == 422


def test_limits_give_413_with_the_limit(served_vae):
    c = client(served_vae, Limits(max_body_bytes=2_000, max_rows=10))
    rows = {"rows": [[1.0, 2.0, 3.0, 4.0]] * 11}
    response = c.post("/v1/score", json=rows)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "11 rows exceed the limit of 10 rows per request; send fewer, or start the server with "
        "a larger --max-rows."
    )
    big = {"rows": [[1.0, 2.0, 3.0, 4.0]] * 200}
    response = c.post("/v1/score", json=big)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "the request body exceeds the limit of 2000 bytes (0.00190735 MiB); send fewer rows per "
        "request, or start the server with a larger --max-body-mb."
    )

    def chunks():  # no Content-Length: the server counts what arrives
        for _ in range(50):
            yield b" " * 100

    streamed = c.post("/v1/score", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "2000 bytes" in streamed.json()["detail"]
    too_many = c.post("/v1/generate", json={"n": 11})
    assert too_many.status_code == 413 and "larger --max-rows" in too_many.json()["detail"]


def test_the_api_key_is_required_on_v1_only(served_vae, served_table):
    c = client(served_vae, api_key=KEY)
    body = {"rows": served_table.to_numpy()[:2].tolist()}
    for headers in ({}, {"Authorization": "Bearer wrong-key"}, {"Authorization": KEY}):
        response = c.post("/v1/score", json=body, headers=headers)
        assert response.status_code == 401 and "API key" in response.json()["detail"]
        assert response.headers["www-authenticate"] == "Bearer"
    assert c.get("/v1/model").status_code == 401
    assert c.post("/v1/score", json=body, headers=AUTH).status_code == 200
    assert c.get("/healthz").status_code == 200


def test_an_unexpected_error_is_a_500_without_traceback(served_vae, served_table, caplog):
    app = create_app(served_vae, LIMITS)
    app.state.served.compute = lambda name, rows: 1 / 0
    response = TestClient(app, raise_server_exceptions=False).post(
        "/v1/score", json={"rows": served_table.to_numpy()[:1].tolist()}
    )
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error (see the server's log)."}
    assert "Traceback" not in response.text and "ZeroDivisionError" not in response.text
    # one line of ours naming the request; the traceback is the server's own (it was twice)
    (record,) = [r for r in caplog.records if r.name.startswith("aekit")]
    assert record.getMessage() == "POST /v1/score failed: ZeroDivisionError: division by zero"
    assert record.exc_info is None


def test_a_slow_request_times_out_with_504(served_vae, served_table):
    app = create_app(served_vae, Limits(timeout_s=0.2))
    release = threading.Event()
    app.state.served.compute = lambda name, rows: release.wait(5)  # a long computation
    c = TestClient(app, raise_server_exceptions=False)
    response = c.post("/v1/score", json={"rows": served_table.to_numpy()[:1].tolist()})
    release.set()
    assert response.status_code == 504
    assert response.json()["detail"] == (  # named the option as a 413 does (user review)
        "the request took longer than the timeout of 0.2 s; send (or ask for) fewer rows per "
        "request, or start the server with a larger --timeout."
    )


def test_inference_runs_off_the_event_loop(served_vae, served_table):
    """While one request computes for a while, /healthz is answered at once."""
    import httpx

    app = create_app(served_vae, LIMITS)
    compute = app.state.served.compute

    def slow(name, rows):
        time.sleep(0.5)
        return compute(name, rows)

    app.state.served.compute = slow

    async def scenario() -> tuple[float, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            start = time.perf_counter()
            body = {"rows": served_table.to_numpy()[:2].tolist()}
            slow_request = asyncio.create_task(http.post("/v1/score", json=body))
            await asyncio.sleep(0.05)
            assert (await http.get("/healthz")).status_code == 200
            health = time.perf_counter() - start
            assert (await slow_request).status_code == 200
            return health, time.perf_counter() - start

    health, total = asyncio.run(scenario())
    assert health < 0.4 < total


def test_binding_checks_and_key_files(tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
    check_bind("127.0.0.1", None, insecure=False)
    check_bind("0.0.0.0", KEY, insecure=False)
    check_bind("0.0.0.0", None, insecure=True)
    with pytest.raises(ValueError, match="--api-key-file, or --insecure"):
        check_bind("0.0.0.0", None, insecure=False)
    key_file = tmp_path / "key"
    key_file.write_text(f"{KEY}\n")
    assert read_api_key(key_file) == KEY
    key_file.write_text("short\n")
    with pytest.raises(ValueError, match="no API key of at least 8 characters"):
        read_api_key(key_file)
    # Python's "No such file or directory: key" / "Is a directory" named no option
    with pytest.raises(FileNotFoundError, match=r"key file .*absent \(--api-key-file\) does "):
        read_api_key(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match=r"\(--api-key-file\) is a folder; give the file"):
        read_api_key(tmp_path)
    # a pipe, as the shell's <(...) gives, holds the key as a file does (is_file() is False)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(f"{KEY}\n"), daemon=True)
    writer.start()
    assert read_api_key(fifo) == KEY
    writer.join(timeout=10)


def test_key_and_encoder_paths_expand_the_home_folder(tmp_path, monkeypatch):
    """serve(api_key_file="~/key", encoder_path="~/RUN/encoder.json") read a folder named '~'
    in the working directory, as the rest of the Python API no longer does."""
    from aekit.data.encoder_file import read_encoder
    from aekit.data.tabular import TabularEncoder
    from aekit.serve import runner

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path / "..")
    (tmp_path / "key").write_text(f"{KEY}\n")
    assert read_api_key("~/key") == KEY
    encoder = TabularEncoder().fit(pd.DataFrame({"x": [1.0, 2.0], "k": ["a", "b"]}))
    (tmp_path / "encoder.json").write_text(json.dumps(encoder.get_state()))
    assert read_encoder("~/encoder.json").get_state() == encoder.get_state()
    # what several worker processes are handed to read
    assert runner._absolute("~/key") == str((tmp_path / "key").resolve())


def concurrent_posts(app, bodies: list) -> list:
    """The responses to ``bodies`` POSTed to /v1/score all at once."""
    import httpx

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            headers = {"content-type": "application/json"}
            requests = [  # json.dumps writes NaN, which Python's (and the server's) JSON reads
                http.post("/v1/score", content=json.dumps(body), headers=headers) for body in bodies
            ]
            return await asyncio.gather(*requests)

    return asyncio.run(scenario())


@pytest.mark.parametrize("batching", [True, False])
def test_concurrent_small_requests_are_computed_together(served_vae, served_table, batching):
    app = create_app(served_vae, Limits(threads=1, batching=batching))
    compute, calls = app.state.served.compute, []

    def counted(name, rows):
        calls.append(len(rows))
        time.sleep(0.05)  # busy long enough for the other requests to queue
        return compute(name, rows)

    app.state.served.compute = counted
    rows = served_table.to_numpy()[:12]
    bodies = [{"rows": rows[i : i + 1].tolist()} for i in range(12)]
    bodies[5] = {"rows": [[float("nan")] * 4]}  # one bad request among them
    responses = concurrent_posts(app, bodies)
    for i, response in enumerate(responses):
        if i == 5:
            assert response.status_code == 422
            assert response.json()["detail"] == api_message(
                served_vae.score_samples, pd.DataFrame([[np.nan] * 4], columns=list("abcd"))
            )
        else:
            assert response.status_code == 200
            expected = served_vae.score_samples(rows[i : i + 1])
            np.testing.assert_allclose(response.json()["scores"], expected)
    if batching:
        assert max(calls) > 1 and sum(calls) > 12  # merged; the bad batch again request by request
    else:
        assert calls == [1] * 12
