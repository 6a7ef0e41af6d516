"""The error of a VAE's ELBO from ``n_draws`` fixed draws, which every row shares: the mean
``elbo`` of Fashion-MNIST test images at 16 draws (the default) and at 1,024, and the mean of
the one-draw bound over 8 seeds of draws of each row's own, for two betas.

    python benchmarks/elbo_draws.py --data-dir ../shared/data [--betas 1 4]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import print_table, require_images, write_run

import aekit
from aekit.data import load_mnist


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--betas", type=float, nargs="+", default=[1.0, 4.0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--test-rows", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/elbo_draws.json")
    args = parser.parse_args(argv)
    require_images(parser, Path(args.data_dir) / "fashion-mnist")
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    folder = Path(args.data_dir) / "fashion-mnist"
    X = load_mnist(folder, "train")[0][: args.rows]
    test = load_mnist(folder, "test")[0][: args.test_rows]
    rows = []
    for beta in args.betas:
        vae = aekit.VAE(latent_dim=16, beta=beta, max_iter=5, random_state=0).fit(X)
        at16 = vae.elbo(test)
        own = [vae.log_likelihood(test, n_samples=1, random_state=s).mean() for s in range(8)]
        vae.set_params(n_draws=1024)  # read at scoring
        rows.append(
            {
                "beta": beta,
                "elbo_16_draws": float(at16.mean()),
                "standard_error": float(at16.std() / np.sqrt(len(test))),
                "elbo_1024_draws": float(vae.elbo(test).mean()),
                "one_draw_bound_8_seeds": float(np.mean(own)),
            }
        )
    print_table(
        f"VAE(latent_dim=16), 5 epochs on {args.rows} Fashion-MNIST images; mean over "
        f"{args.test_rows} test images",
        ["beta", "elbo, 16 draws (se)", "elbo, 1,024 draws", "1-draw bound, 8 seeds"],
        [
            [
                f"{r['beta']:g}",
                f"{r['elbo_16_draws']:.2f} ({r['standard_error']:.2f})",
                f"{r['elbo_1024_draws']:.2f}",
                f"{r['one_draw_bound_8_seeds']:.2f}",
            ]
            for r in rows
        ],
    )
    return write_run("elbo_draws", argv, args, started, results=rows)


if __name__ == "__main__":
    main()
