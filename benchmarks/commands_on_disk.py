"""The commands that read DATA, on a table on disk: time and peak memory of ``aekit evaluate``,
``detect``, ``impute``, ``train-hasher`` and ``train-compressor``.

DATA is MNIST's training rows replicated to ``--rows`` rows (float32 ``.npy``; 200,000 rows =
0.58 GiB), and for ``impute`` the same with 5% of the cells blanked (NaN). Each command runs as a
subprocess under ``/usr/bin/time -v`` (wall seconds, maximum resident set size), with small
models, so that reading, not arithmetic, is what the figures show:

* ``evaluate`` of a VAE 784-32-8 (trained for one epoch on 10,000 rows), ``--n-samples 5``;
* ``detect --param n_estimators=1 --param neighbor_space=latent``;
* ``impute --param n_estimators=1 --param max_iter=1 --param hidden_layer_sizes=[32]``;
* ``train-hasher --bits 16 --epochs 1`` and ``train-compressor --latent-dim 16 --epochs 1``
  (hidden layer of 64).

``--baseline-src DIR`` runs each command a second time with the aekit of that source folder
(e.g. a checkout from before these commands streamed DATA), for comparison. Reproduce::

    python benchmarks/commands_on_disk.py --data-dir ../shared/data --threads 1 \\
        --baseline-src /path/to/older/aekit/src

Results go to ``benchmarks/results/commands_on_disk.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import numpy as np
from _common import (
    command_line,
    machine_info,
    mnist_dir,
    print_table,
    require_images,
    write_result,
)
from scale import GIB, measured_command, write_replicated_npy


def commands(tmp: Path) -> dict[str, list[str]]:
    data, holes = str(tmp / "x.npy"), str(tmp / "holes.npy")
    small = ["--param", "hidden_layer_sizes=[64]", "--quiet", "--force"]
    return {
        "evaluate": ["evaluate", str(tmp / "vae.safetensors"), data, "--n-samples", "5", "--quiet"],
        "detect": ["detect", data, "--out", str(tmp / "det"), "--force", "--quiet",
                   "--param", "n_estimators=1", "--param", "neighbor_space=latent"],
        "impute": ["impute", holes, "-o", str(tmp / "filled.parquet"), "--quiet",
                   "--param", "n_estimators=1", "--param", "max_iter=1",
                   "--param", "hidden_layer_sizes=[32]"],
        "train-hasher": ["train-hasher", data, "--bits", "16", "--epochs", "1",
                         "-o", str(tmp / "hasher.safetensors"), *small],
        "train-compressor": ["train-compressor", data, "--latent-dim", "16", "--epochs", "1",
                             "-o", str(tmp / "compressor.safetensors"), *small],
    }  # fmt: skip


OWN_PYTHONPATH = os.environ.get("PYTHONPATH", "")


def run(name: str, args: list[str], source: str | None, threads: int) -> dict:
    # The subprocess inherits this environment: its aekit is the baseline's or this one's.
    os.environ.update(OMP_NUM_THREADS=str(threads), PYTHONPATH=source or OWN_PYTHONPATH)
    result = measured_command([sys.executable, "-m", "aekit.cli", *args])
    if result["code"] != 0:
        raise RuntimeError(f"{name} failed ({source or 'this aekit'}): {result['stderr'][-2000:]}")
    return {
        "command": name,
        "aekit": source or "this checkout",
        "seconds": result["seconds"],
        "peak_rss_bytes": result["peak_rss_bytes"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--tmp", default="/tmp/aekit-commands")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated commands (default: all)")
    parser.add_argument("--baseline-src", default=None)
    parser.add_argument("--out", default="benchmarks/results/commands_on_disk.json")
    args = parser.parse_args(argv)
    require_images(parser, mnist_dir(args.data_dir))

    import torch

    import aekit
    from aekit.data.datasets import load_mnist

    torch.set_num_threads(args.threads)
    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    mnist, _ = load_mnist(mnist_dir(args.data_dir), split="train")
    mnist = mnist.reshape(len(mnist), -1).astype(np.float32)
    write_replicated_npy(tmp / "x.npy", mnist, args.rows)
    blanked = mnist.copy()
    blanked[np.random.default_rng(0).random(blanked.shape) < 0.05] = np.nan
    write_replicated_npy(tmp / "holes.npy", blanked, args.rows)
    vae = aekit.VAE(latent_dim=8, hidden_layer_sizes=(32,), max_iter=1, random_state=0)
    vae.fit(mnist[:10_000]).save(tmp / "vae.safetensors")

    result = {
        "command": command_line(argv),
        "machine": machine_info(),
        "rows": args.rows,
        "data_bytes": args.rows * 784 * 4,
        "load_before": os.getloadavg(),
        "runs": [],
    }
    chosen = set(args.only.split(",")) - {""}
    sources = [None] + ([args.baseline_src] if args.baseline_src else [])
    try:
        for name, command in commands(tmp).items():
            if chosen and name not in chosen:
                continue
            for source in sources:
                row = run(name, command, source, args.threads)
                result["runs"].append(row)
                print(
                    f"  {name} ({row['aekit']}): {row['seconds']:.1f} s, "
                    f"peak RSS {row['peak_rss_bytes'] / GIB:.2f} GiB",
                    flush=True,
                )
                write_result(args.out, result)
    finally:
        result["load_after"] = os.getloadavg()
        write_result(args.out, result)
        shutil.rmtree(tmp, ignore_errors=True)
    print_runs(
        f"{args.rows:,} rows x 784 float32 ({args.rows * 784 * 4 / GIB:.2f} GiB) on disk",
        result["runs"],
    )


def print_runs(title: str, runs: list[dict]) -> None:
    """The runs of :func:`run` as a table: command, aekit, seconds, peak RSS."""
    print_table(
        title,
        ["command", "aekit", "seconds", "peak RSS GiB"],
        [
            [r["command"], r["aekit"], f"{r['seconds']:.1f}", f"{r['peak_rss_bytes'] / GIB:.2f}"]
            for r in runs
        ],
    )


if __name__ == "__main__":
    main()
