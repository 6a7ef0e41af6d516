"""What a call of ``transform`` or ``score_samples`` costs beside the fitted network's own torch
module, for one row (an online service) and for many (a batch job).

An ``Autoencoder()`` at its defaults (64 -> 256 -> 128 -> 8) fitted for 2 epochs on 2,000
standard-normal rows of 64 columns; then, one thread, the median of 3 repeats of:

* ``encoder_module()`` under ``torch.no_grad()`` (float32, batches of 4,096): the floor;
* ``transform`` and ``score_samples`` as a user calls them (the float64 inference copy of the
  network kept between calls);
* the same with that copy made afresh for each call, as every call made it before
  2026-12-06 (``aekit.core.inference_copies.forget`` first).

    python benchmarks/inference_latency.py [--rows 200000]

Writes ``benchmarks/results/inference_latency.json`` (``--out``); about 30 s.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from _common import print_table, write_run

import aekit
from aekit.core import inference_copies


def median_seconds(call, repeats: int, rounds: int = 3) -> float:
    """The median over ``rounds`` of the mean time of ``repeats`` calls."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeats):
            call()
        times.append((time.perf_counter() - started) / repeats)
    return float(np.median(times))


def afresh(method, network):
    """``method`` with the inference copy of ``network`` made anew, as each call made it
    before."""

    def call(X):
        inference_copies.forget(network)
        return method(X)

    return call


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the batch job")
    parser.add_argument("--out", default="benchmarks/results/inference_latency.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2 epochs have not learned: the speed is the point
        model = aekit.Autoencoder(max_iter=2, random_state=0).fit(
            rng.standard_normal((2000, 64)).astype(np.float32)
        )
    encoder = model.encoder_module()

    def module(X):
        with torch.no_grad():
            rows = torch.from_numpy(X)
            return torch.cat([encoder(rows[i : i + 4096]) for i in range(0, len(rows), 4096)])

    calls = {
        "encoder_module": module,
        "transform": model.transform,
        "transform, copy per call": afresh(model.transform, model.model_),
        "score_samples": model.score_samples,
        "score_samples, copy per call": afresh(model.score_samples, model.model_),
    }
    sizes = {"1 row": (1, 300), f"{args.rows:,} rows": (args.rows, 1)}
    seconds = {}
    for size, (n, repeats) in sizes.items():
        X = rng.standard_normal((n, 64)).astype(np.float32)
        seconds[size] = {
            name: median_seconds(lambda c=call, X=X: c(X), repeats) for name, call in calls.items()
        }
    floor = {size: times["encoder_module"] for size, times in seconds.items()}
    print_table(
        "seconds a call (median of 3), and its ratio to the encoder module",
        ["call", *sizes],
        [
            [name, *(f"{seconds[s][name]:.3g} ({seconds[s][name] / floor[s]:.1f}x)" for s in sizes)]
            for name in calls
        ],
    )
    return write_run("inference_latency", argv, args, started, seconds=seconds)


if __name__ == "__main__":
    main()
