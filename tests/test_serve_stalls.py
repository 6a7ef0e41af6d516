"""Requests the scoring server once answered badly, found in a user's pass: a client that stops
sending its body (held its connection and the server's shutdown forever), an integer too large
for a float (500), query parameters (ignored), HEAD /healthz (405), and the option a 504 names."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings

import httpx
import pytest
from serve_helpers import Limits, client, create_app

STALLED = b'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"rows"'


def test_a_body_that_stops_coming_gets_408_naming_the_timeout(served_vae):
    app = create_app(served_vae, Limits(timeout_s=0.3))

    async def stalled():  # 7 of the 100 bytes declared, then nothing
        yield b'{"rows"'
        await asyncio.sleep(30)

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            headers = {"content-type": "application/json", "content-length": "100"}
            return await http.post("/v1/score", content=stalled(), headers=headers)

    start = time.perf_counter()
    response = asyncio.run(asyncio.wait_for(scenario(), 20))
    assert time.perf_counter() - start < 10
    assert response.status_code == 408
    assert response.json()["detail"] == (
        "no part of the request body came for 0.3 s (7 bytes of the 100 declared had come); "
        "send the whole body, or start the server with a larger --timeout."
    )
    assert response.headers["connection"] == "close"  # the rest may yet come: not a request


def test_a_slow_but_steady_body_is_read_whole(served_vae):
    # a deadline on the whole body refused an upload that was still coming (a review)
    app = create_app(served_vae, Limits(timeout_s=0.3))
    body = json.dumps({"rows": [[0.0] * 4] * 3}).encode()

    async def steady():  # a part every 0.1 s, 0.8 s in all
        for start in range(0, len(body), len(body) // 8 + 1):
            await asyncio.sleep(0.1)
            yield body[start : start + len(body) // 8 + 1]

    async def scenario() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            headers = {"content-type": "application/json", "content-length": str(len(body))}
            return await http.post("/v1/score", content=steady(), headers=headers)

    response = asyncio.run(asyncio.wait_for(scenario(), 20))
    assert response.status_code == 200, response.text
    assert len(response.json()["scores"]) == 3


def test_the_graceful_shutdown_waits_at_most_the_timeout():
    from aekit.serve.runner import uvicorn_options

    options = uvicorn_options("127.0.0.1", 30123, Limits(timeout_s=2.0))
    assert options["timeout_graceful_shutdown"] == 5.0  # a body's wait, its computation's, 1 s


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sigterm_stops_a_server_that_a_stalled_client_holds(served_vae, tmp_path):
    """The user's case: SIGTERM, then "Waiting for connections to close" forever."""
    pytest.importorskip("uvicorn")
    path = tmp_path / "model.safetensors"
    served_vae.save(path)
    port = _free_port()
    command = [sys.executable, "-m", "aekit", "serve", str(path), "--port", str(port)]
    server = subprocess.Popen([*command, "--timeout", "2"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                stalled = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, "aekit serve did not listen in 120 s"
                time.sleep(0.1)
        with stalled:
            stalled.sendall(STALLED)
            answer = []
            reader = threading.Thread(target=lambda: answer.append(stalled.recv(4096)))
            stalled.settimeout(20)
            reader.start()
            time.sleep(0.5)  # the request is being read
            start = time.monotonic()
            server.send_signal(signal.SIGTERM)  # systemctl stop
            _, stderr = server.communicate(timeout=30)
            reader.join(timeout=20)
        assert server.returncode == 0, stderr
        assert time.monotonic() - start < 10, stderr
        assert answer and answer[0].startswith(b"HTTP/1.1 408"), answer
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_an_integer_too_large_for_a_float_is_a_422(served_vae, served_table):
    big = "1" + "0" * 400
    c = client(served_vae)
    headers = {"content-type": "application/json"}
    response = c.post("/v1/score", content=f'{{"rows": [[{big}, 1, 2, 3]]}}', headers=headers)
    assert response.status_code == 422  # OverflowError: a 500
    assert response.json()["detail"] == (
        "the JSON body holds an integer of 401 digits (100000000000...), beyond float64's range "
        "(about 1.8e308); send values within it."
    )
    for body in (
        f'{{"rows": [{{"a": -{big}, "b": 1, "c": 2, "d": 3}}]}}',
        f'{{"columns": ["a", "b", "c", "d"], "data": [[{big}, 1, 2, 3]]}}',
        f'{{"rows": [[1{"0" * 5000}, 1, 2, 3]]}}',  # past the 4,300 digits Python's int() reads
        f'{{"rows": [[{big}, 1, 2, 3]]}}'.encode("utf-16"),  # JSON read as UTF-16: was a 500
    ):
        response = c.post("/v1/score", content=body, headers=headers)
        assert response.status_code == 422, response.text
        assert "beyond float64's range (about 1.8e308)" in response.json()["detail"]
    fits = served_table.to_numpy()[:1].tolist()
    fits[0][0] = 10**20  # past int64, a float holds it: scored
    assert c.post("/v1/score", json={"rows": fits}).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "said"),
    [
        (
            "POST",
            "/v1/score?lable=7",
            "/v1/score takes no query parameter 'lable' (did you mean 'label'?); it takes its "
            "rows (and their labels) in the request body, and only ?label= in the query.",
        ),
        (
            "POST",
            "/v1/generate?label=7",  # samples of every label
            "/v1/generate takes no query parameter 'label'; it takes its inputs in the JSON body.",
        ),
        (
            "GET",
            "/v1/model?verbose=1",
            "/v1/model takes no query parameter 'verbose'; it takes no inputs.",
        ),
        ("POST", "/v1/score?label=1&label=2", "?label= is given more than once; give it once."),
    ],
)
def test_a_query_parameter_an_endpoint_does_not_take_is_refused(
    served_vae, served_table, method, url, said
):
    body = {"rows": served_table.to_numpy()[:2].tolist()} if "score" in url else {}
    response = client(served_vae).request(method, url, json=body if method == "POST" else None)
    assert response.status_code == 422
    assert response.json()["detail"] == said


def test_the_label_query_parameter_and_health_probes_are_kept(served_vae, served_table):
    c = client(served_vae)
    rows = {"rows": served_table.to_numpy()[:2].tolist()}
    assert c.post("/v1/score?label=7", json=rows).status_code == 200  # no labels: as the API
    assert c.get("/healthz?probe=1").status_code == 200  # a probe's cache-buster: not a 422
    head = c.head("/healthz")  # load balancers' probe: it was 405
    assert head.status_code == 200 and head.content == b""
    assert c.head("/v1/model").status_code == 200  # a GET's HEAD: it was 405
    with warnings.catch_warnings():  # "Duplicate Operation ID" of GET and HEAD on one route
        warnings.simplefilter("error")
        assert "/v1/model" in c.app.openapi()["paths"]


def test_a_body_is_parsed_and_its_answer_written_off_the_event_loop(served_vae, monkeypatch):
    # json.loads of four 12 MB bodies on the event loop held /healthz for over a second
    import aekit.serve.app as app_module
    from aekit.serve import bodies

    on_loop = []

    def running_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a worker thread has none
            return False
        return True

    def parse(*args):
        on_loop.append(running_loop())
        return bodies.parse(*args)

    real_respond = app_module.JSONResponse

    def respond(*args, **kwargs):
        on_loop.append(running_loop())
        return real_respond(*args, **kwargs)

    monkeypatch.setattr(app_module, "parse", parse)
    monkeypatch.setattr(app_module, "JSONResponse", respond)
    answer = client(served_vae).post("/v1/score", json={"rows": [[0.0] * 4] * 3})
    assert answer.status_code == 200, answer.text
    assert on_loop == [False, False]


def test_a_stop_while_the_model_loads_exits_0(monkeypatch, capsys):
    # SIGTERM in the seconds before it listened exited 143 ("aekit: terminated"): a service
    # manager's stop read as a failure, where once it serves it exits 0
    from aekit.cli import outputs, running
    from aekit.cli.stopping import Stopped
    from aekit.serve import runner

    monkeypatch.setattr(runner, "serving", False)  # an in-process serve of another test set it

    def command(name):
        def app(standalone_mode):
            monkeypatch.setattr(outputs, "current_call", (name, None, {}))
            raise Stopped(signal.SIGTERM)

        return app

    assert running._decided(command("serve"), debug=False) == 0
    assert capsys.readouterr().err == "aekit: terminated before it served\n"
    assert running._decided(command("train"), debug=False) == 143  # any other command
    assert capsys.readouterr().err == "aekit: terminated\n"
    # once it served, a stop that reaches here is a forced one (a second Ctrl-C): no success
    monkeypatch.setattr(runner, "serving", True)
    assert running._decided(command("serve"), debug=False) == 143
    assert capsys.readouterr().err == "aekit: terminated\n"
