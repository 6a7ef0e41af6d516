"""A default Compressor on few rows: the bundled 8x8 digits' first N rows, compressed and
decompressed at the default step, against the mean row (the error of a model that learned
nothing). The training rows are the measured rows: the question is whether the network learned
them at all, not how it generalizes.

    python benchmarks/compress_small.py [--rows 300 1797] [--max-iter auto|30]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

from aekit.compression import Compressor
from aekit.data.datasets import load_digits


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[300, 1797])
    parser.add_argument("--max-iter", type=lambda v: v if v == "auto" else int(v), default="auto")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/compress_small.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    X_all = load_digits()[0]
    rows = []
    for n in args.rows:
        X = X_all[:n]
        started = time.perf_counter()
        compressor = Compressor(max_iter=args.max_iter, random_state=args.seed, device="cpu")
        compressor.fit(X)
        seconds = time.perf_counter() - started
        data = compressor.compress(X)
        mse = float(np.mean((compressor.decompress(data) - X) ** 2))
        rows.append(
            {
                "rows": n,
                "epochs": int(compressor.autoencoder_.n_iter_),
                "step": compressor.step_,
                "mse": mse,
                "mean_row_mse": float(np.mean((X - X.mean(axis=0)) ** 2)),
                "bytes_per_row": len(data) / n,
                "fit_seconds": seconds,
            }
        )
    print_table(
        f"default Compressor (max_iter={args.max_iter}) on the first N digits",
        ["rows", "epochs", "step", "MSE", "mean row MSE", "bytes/row", "fit s"],
        [
            [str(r["rows"]), str(r["epochs"]), f"{r['step']:g}", f"{r['mse']:.4f}"]
            + [f"{r['mean_row_mse']:.4f}", f"{r['bytes_per_row']:.1f}", f"{r['fit_seconds']:.1f}"]
            for r in rows
        ],
    )
    result = {"command": command_line(argv), "machine": machine_info(), "results": rows}
    write_result(args.out, result)
    return result


if __name__ == "__main__":
    main()
