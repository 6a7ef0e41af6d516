"""Which likelihood fits tables whose values lie in [0, 1]: ``likelihood="auto"`` takes
Bernoulli for any data in [0, 1] (right for pixels and 0/1 columns), so a table scaled to [0, 1]
(MinMaxScaler, or ADBench's own scaling) gets it too. For each of the 25 ADBench sets whose
normal rows lie in [0, 1], a default ``Autoencoder`` and ``VAE`` are fitted with ``"auto"`` and
with ``"gaussian"``, and each network's squared error on its training rows is given over that
of their mean row (``fit``'s convergence check; ``convergence_margin.py``), with the share of
the values that are exactly 0 or 1.

    python benchmarks/unit_range_likelihood.py [--data-dir ../shared/data]

Writes ``benchmarks/results/unit_range_likelihood.json`` (``--out``); about 3 minutes, one
thread.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import print_table, write_run
from convergence_margin import ratios_of_fits

import aekit

MODELS = {"Autoencoder": aekit.Autoencoder, "VAE": aekit.VAE}
LIKELIHOODS = ("auto", "gaussian")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--rows", type=int, default=3000, help="normal rows per set, at most")
    parser.add_argument("--out", default="benchmarks/results/unit_range_likelihood.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.perf_counter()
    root = Path(args.data_dir)
    files = sorted((root / "adbench-classical").glob("*.npz"))
    files += sorted((root / "adbench-large").glob("*.npz"))
    if not files:
        parser.error(f"no ADBench .npz files under {root}; give --data-dir")
    per_set, cells = {}, []
    for path in files:
        data = np.load(path)
        normal = data["X"][data["y"] == 0].astype(np.float64)
        if normal.min() < 0 or normal.max() > 1:
            continue
        normal = normal[np.random.default_rng(0).permutation(len(normal))[: args.rows]]
        ends = float(np.mean((normal == 0) | (normal == 1)))
        figures = {
            f"{name} {likelihood}": ratios_of_fits(
                lambda make=make, likelihood=likelihood: make(
                    random_state=0, likelihood=likelihood
                ),
                normal,
            )[0]
            for name, make in MODELS.items()
            for likelihood in LIKELIHOODS
        }
        per_set[path.stem] = {"share_of_0_or_1": ends, **figures}
        cells.append([path.stem, f"{ends:.2f}", *(f"{v:.3f}" for v in figures.values())])
        print(path.stem, per_set[path.stem], flush=True)
    headers = ["set", "values 0 or 1"]
    headers += [f"{name} {likelihood}" for name in MODELS for likelihood in LIKELIHOODS]
    print_table(
        "error / mean row's error on the training rows ('auto' is Bernoulli on these sets)",
        headers,
        cells,
    )
    return write_run("unit_range_likelihood", argv, args, started, ratios=per_set)


if __name__ == "__main__":
    main()
