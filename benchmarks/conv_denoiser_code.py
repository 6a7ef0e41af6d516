"""A convolutional denoiser's code size: Fashion-MNIST with Gaussian noise of 0.2 clipped to
[0, 1] (the TensorFlow tutorial's), ``DenoisingAutoencoder(architecture="conv")`` at its
default ``latent_dim=8``, at 128, and at 128 with batches of 32: PSNR of the test images
denoised, against the noisy ones.

    python benchmarks/conv_denoiser_code.py --data-dir ../shared/data [--rows 3000] [--epochs 10]
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
from aekit.denoising import psnr_of_mse

SETTINGS = {
    "defaults": {},
    "latent_dim=128": {"latent_dim": 128},
    "latent_dim=128, batch_size=32": {"latent_dim": 128, "batch_size": 32},
}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--test-rows", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/conv_denoiser_code.json")
    args = parser.parse_args(argv)
    require_images(parser, Path(args.data_dir) / "fashion-mnist")
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    folder = Path(args.data_dir) / "fashion-mnist"
    X = load_mnist(folder, split="train", as_images=True)[0][: args.rows]
    clean = load_mnist(folder, split="test", as_images=True)[0][: args.test_rows]
    noise = np.random.default_rng(args.seed).normal(size=clean.shape)
    noisy = np.clip(clean + 0.2 * noise, 0, 1).astype(np.float32)
    rows = [{"model": "noisy input", "psnr_db": psnr_of_mse(np.mean((noisy - clean) ** 2), 1)}]
    for name, extra in SETTINGS.items():
        begun = time.perf_counter()
        dae = aekit.DenoisingAutoencoder(
            architecture="conv", noise="gaussian", noise_level=0.2, max_iter=args.epochs,
            random_state=args.seed, **extra,
        ).fit(X)  # fmt: skip
        denoised = dae.denoise(noisy)
        rows.append(
            {
                "model": name,
                "psnr_db": psnr_of_mse(np.mean((denoised - clean) ** 2), 1),
                "fit_s": time.perf_counter() - begun,
            }
        )
    print_table(
        f"conv denoiser, {args.rows} Fashion-MNIST images, {args.epochs} epochs, noise 0.2",
        ["model", "PSNR dB", "fit s"],
        [[r["model"], f"{r['psnr_db']:.2f}", f"{r.get('fit_s', 0):.0f}"] for r in rows],
    )
    return write_run("conv_denoiser_code", argv, args, started, results=rows)


if __name__ == "__main__":
    main()
