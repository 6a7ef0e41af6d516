"""Load test of ``aekit serve``: requests/s, rows/s, latency, errors and memory under concurrency.

What it measures
----------------
A VAE (latent 8, hidden (256, 128), the default sizes) is trained on the bundled 8x8 digits
(1,797 rows x 64 features, ``--epochs`` epochs) and saved; ``aekit serve`` then serves it on
127.0.0.1 (loopback only: the script refuses any other host) on a free port, with
``--workers`` processes and ``--threads`` inference threads each. For every concurrency in
``--concurrency`` (default 1, 8, 32) and rows per request in ``--rows`` (default 1 and 256),
``--requests`` requests (default 5,000) go to ``POST /v1/score`` as JSON from that many
concurrent httpx clients (one ``httpx.AsyncClient``, keep-alive connections), each request
bounded by a timeout and each scenario by ``--max-seconds``; the script stops by itself.

Per scenario: requests/s and rows/s over the scenario's wall time, p50 and p99 latency of the
requests, the error count (any status but 200, or a transport error), and the CPU cores the
server and the client kept busy (CPU seconds from /proc and the client's process time, over
the wall time). The server's resident
memory (RSS, the server process and its workers, from /proc) is read after start-up, after a
warm-up of 100 requests, after each scenario and at the end. In the same run the Python API is
called directly, ``model.score_samples(rows)`` in a loop in this process, for the same row
counts, with the torch threads the server gives one inference (after the server has stopped).

The client runs on the same machine as the server and takes CPU from it; on a 2-core machine
the figures are those of client and server together.

The bar
-------
Issue 18: at concurrency 32, 5,000 requests with 0 errors, and RSS growth under 50 MB (after
the warm-up to the end). Prints PASS or FAIL; exit status 1 on FAIL only with ``--strict``.

Reproduce (from the repository root; about 20 minutes on 2 shared CPU cores)::

    .venv/bin/python benchmarks/serve.py

Results go to ``benchmarks/results/serve.json`` (``--out`` to change). ``--quick``: 200 requests
per scenario. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit
from aekit.data.datasets import load_digits

LOOPBACK = "127.0.0.1"
BAR = {"concurrency": 32, "requests": 5000, "max_rss_growth_mb": 50.0}


def _family(pid: int) -> dict[int, list[str]]:
    """``/proc/PID/stat`` fields (after the command name) of ``pid`` and its children."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # it, or its parent is pid
            found[int(stat.parent.name)] = fields
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its children so far (utime and stime)."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(f[11]) + int(f[12]) for f in _family(pid).values()) / ticks


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its child processes (uvicorn's workers), in MiB."""
    total = 0
    for p in _family(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
        )
    return total / 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def start_server(model: Path, port: int, args: argparse.Namespace) -> subprocess.Popen:
    command = [sys.executable, "-m", "aekit.cli", "serve", str(model), "--host", LOOPBACK]
    command += ["--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads)]
    command += ["--max-rows", str(max(args.rows))]
    command += ["--batching" if args.batching else "--no-batching"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: {process.stderr.read().decode()}")
        try:
            if httpx.get(f"http://{LOOPBACK}:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.25)
    process.terminate()
    raise SystemExit("the server did not answer /healthz within 120 s")


async def load(url: str, body: bytes, requests: int, concurrency: int, max_seconds: float):
    """``requests`` POSTs of ``body`` from ``concurrency`` concurrent loops; (latencies, errors,
    wall seconds)."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def loop() -> None:
            nonlocal errors, sent
            while sent < requests and time.perf_counter() < deadline:
                sent += 1
                start = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers=headers)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += not ok

        start = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - start


def figures(latencies: list[float], rows: int, wall: float) -> dict:
    ms = np.asarray(latencies) * 1000
    return {
        "requests": len(latencies),
        "requests_per_s": len(latencies) / wall,
        "rows_per_s": len(latencies) * rows / wall,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "wall_s": wall,
    }


def direct(model, X: np.ndarray, rows: int, calls: int) -> dict:
    """The Python API in this process: ``score_samples`` on ``rows`` rows, ``calls`` times."""
    latencies = []
    start = time.perf_counter()
    for i in range(calls):
        batch = X[(i * rows) % len(X) :][:rows]
        if len(batch) < rows:
            batch = X[:rows]
        t = time.perf_counter()
        model.score_samples(batch)
        latencies.append(time.perf_counter() - t)
    return figures(latencies, rows, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="Requests per scenario.")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rows", type=int, nargs="+", default=[1, 256])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="Inference threads per worker.")
    parser.add_argument(
        "--batching",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="The server's dynamic batching of concurrent requests (aekit serve --batching).",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=300, help="Per scenario, at most.")
    parser.add_argument("--quick", action="store_true", help="200 requests per scenario.")
    parser.add_argument("--strict", action="store_true", help="Exit 1 when the bar fails.")
    parser.add_argument("--out", default="benchmarks/results/serve.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests = 200

    X, _ = load_digits()
    model = aekit.VAE(latent_dim=8, max_iter=args.epochs, random_state=0, device="cpu").fit(X)
    results: dict = {"command": command_line(argv), "machine": machine_info(), "scenarios": []}
    results["load_average_before"] = os.getloadavg()  # other jobs on the machine slow both sides
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.safetensors"
        model.save(path)
        port = free_port()
        server = start_server(path, port, args)
        url = f"http://{LOOPBACK}:{port}/v1/score"
        try:
            rss = {"after_start": rss_mb(server.pid)}
            warm = json.dumps({"rows": X[:8].tolist()}).encode()
            asyncio.run(load(url, warm, 100, 4, args.max_seconds))
            rss["after_warmup"] = rss_mb(server.pid)
            for rows in args.rows:
                body = json.dumps({"rows": np.resize(X, (rows, X.shape[1])).tolist()}).encode()
                for concurrency in args.concurrency:
                    server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
                    latencies, errors, wall = asyncio.run(
                        load(url, body, args.requests, concurrency, args.max_seconds)
                    )
                    scenario = {"client": "http", "rows": rows, "concurrency": concurrency}
                    scenario |= figures(latencies, rows, wall) | {"errors": errors}
                    # cores busy on each side: which one limits the rate on a small machine
                    scenario["server_cores"] = (cpu_seconds(server.pid) - server_cpu) / wall
                    scenario["client_cores"] = (time.process_time() - client_cpu) / wall
                    scenario["server_rss_mb"] = rss_mb(server.pid)
                    results["scenarios"].append(scenario)
                    print(f"  http rows={rows} concurrency={concurrency}: {scenario}", flush=True)
            rss["after_load"] = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    # The server has stopped: this process has the machine, with the server's torch threads
    # per inference (the server gives each of its --threads a share of the cores).
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // (args.workers * args.threads)))
    for rows in args.rows:
        scenario = {"client": "python", "rows": rows, "concurrency": 1, "errors": 0}
        results["scenarios"].append(scenario | direct(model, X, rows, min(args.requests, 2000)))

    results["rss_mb"] = rss
    results["load_average_after"] = os.getloadavg()
    growth = rss["after_load"] - rss["after_warmup"]
    bar_runs = [
        s
        for s in results["scenarios"]
        if s["client"] == "http" and s["concurrency"] == BAR["concurrency"]
    ]
    passed = (
        bool(bar_runs)
        and all(s["requests"] >= BAR["requests"] and s["errors"] == 0 for s in bar_runs)
        and growth < BAR["max_rss_growth_mb"]
    )
    results["bar"] = {**BAR, "rss_growth_mb": growth, "passed": passed}
    cells = [
        [
            s["client"],
            str(s["rows"]),
            str(s["concurrency"]),
            f"{s['requests']:,}",
            str(s["errors"]),
            f"{s['requests_per_s']:,.0f}",
            f"{s['rows_per_s']:,.0f}",
            f"{s['p50_ms']:.1f}",
            f"{s['p99_ms']:.1f}",
            f"{s['server_cores']:.2f} / {s['client_cores']:.2f}" if "server_cores" in s else "-",
        ]
        for s in results["scenarios"]
    ]
    headers = ["client", "rows", "concurrency", "requests", "errors", "req/s", "rows/s"]
    headers += ["p50 ms", "p99 ms", "cores server / client"]
    print_table("aekit serve: POST /v1/score", headers, cells)
    print(
        f"server RSS: {rss['after_start']:.0f} MiB after start, {rss['after_warmup']:.0f} after "
        f"warm-up, {rss['after_load']:.0f} after the load (growth {growth:+.1f} MiB)"
    )
    averages = ", ".join(f"{v:.1f}" for v in results["load_average_after"])
    print(f"load average at the end: {averages} (on {os.cpu_count()} cores)")
    print("PASS" if passed else "FAIL", f"(bar: {BAR})")
    write_result(args.out, results)
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
