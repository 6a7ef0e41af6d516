"""Whether a seeded fit gives the same model at another thread count: the same seed trained
with ``OMP_NUM_THREADS=1`` and ``2`` (each in a process of its own, as torch reads the count at
start), the codes of 500 rows compared. A RUN does not record the thread count, so this is
how far two runs of one config.toml can differ on one machine.

Fits: a dense ``VAE`` (3 epochs, MNIST's first 3,000 training images) and a convolutional
``Autoencoder`` (1 epoch, the first 1,000).

    python benchmarks/thread_counts.py                  # about a minute; needs mnist/
    python benchmarks/thread_counts.py --threads 1 4
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
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

FITS = ("dense VAE, 3 epochs, 3,000 rows", "conv Autoencoder, 1 epoch, 1,000 rows")


def fit_and_encode(data_dir: str, out: str) -> None:
    """In the child process: both fits, seed 0, their codes of 500 rows saved to ``out``."""
    import warnings

    import aekit
    from aekit.data import load_mnist

    warnings.simplefilter("ignore")  # short fits: their convergence is not the question
    X, _ = load_mnist(mnist_dir(data_dir))
    X = X[:3000].reshape(3000, -1)
    # on the CPU whatever the machine: the thread count is the CPU's question
    vae = aekit.VAE(max_iter=3, random_state=0, device="cpu").fit(X)
    conv = aekit.Autoencoder(
        max_iter=1, random_state=0, architecture="conv", image_shape=(1, 28, 28), device="cpu"
    ).fit(X[:1000])
    np.savez(out, **{FITS[0]: vae.transform(X[:500]), FITS[1]: conv.transform(X[:500])})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--threads", type=int, nargs=2, default=[1, 2])
    parser.add_argument("--out", default="benchmarks/results/thread_counts.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the codes' file, in a child
    args = parser.parse_args(argv)
    if args.child:
        fit_and_encode(args.data_dir, args.child)
        return
    require_images(parser, mnist_dir(args.data_dir))  # one line, not two children's tracebacks
    codes = []
    with tempfile.TemporaryDirectory() as folder:
        for threads in args.threads:
            out = str(Path(folder) / f"{threads}.npz")
            env = os.environ | {"OMP_NUM_THREADS": str(threads)}
            command = [sys.executable, __file__, "--data-dir", args.data_dir, "--child", out]
            subprocess.run(command, env=env, check=True)
            codes.append(dict(np.load(out)))
    figures = {
        fit: {
            "identical": bool(np.array_equal(codes[0][fit], codes[1][fit])),
            "max_abs_difference": float(np.abs(codes[0][fit] - codes[1][fit]).max()),
        }
        for fit in FITS
    }
    a, b = args.threads
    print_table(
        f"Seed 0, codes of 500 rows at {a} and {b} threads",
        ["fit", "identical", "largest difference"],
        [
            [fit, str(f["identical"]), f"{f['max_abs_difference']:.2g}"]
            for fit, f in figures.items()
        ],
    )
    write_result(
        args.out,
        {"command": command_line(argv), "machine": machine_info(), "threads": args.threads,
         "fits": figures},
    )  # fmt: skip


if __name__ == "__main__":
    main()
