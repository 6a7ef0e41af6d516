"""Denoising benchmark: aekit's DenoisingAutoencoder against the noisy input and PCA-32.

On the MNIST and Fashion-MNIST test sets, each image is corrupted (fixed seed) by Gaussian noise
of sigma 0.1, 0.3 and 0.5 (clipped to [0, 1]), by masking half of its pixels to 0, or by 10%
salt-and-pepper noise. Scores are the mean per-image PSNR (dB, peak 1) and SSIM
(``skimage.metrics.structural_similarity``, 7x7 window, data range 1) of

* the noisy input itself,
* its projection on the first 32 principal components of the clean training images, and
* aekit: one convolutional ``DenoisingAutoencoder`` per dataset and noise setting, trained with
  that noise on clean training images (by default 40,000 of the 60,000 and 10 epochs: 20,000
  images and 6 epochs left MNIST sigma = 0.5 at 19.7 dB; scored on the first 2,000 test
  images; all three are options and in the results file).

Bar (MNIST): sigma = 0.5 at least 20 dB (noisy input 9.4 dB, PCA-32 14.9 dB); sigma = 0.1 above
the noisy input's 22.7 dB.

    python benchmarks/denoise.py             # the table
    python benchmarks/denoise.py --quick     # a smoke run
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import (
    command_line,
    machine_info,
    print_table,
    require_bench_extra,
    require_images,
    write_result,
)
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

import aekit
from aekit.data.datasets import load_mnist
from aekit.denoising import corrupt, psnr

SETTINGS = {
    "gaussian 0.1": ("gaussian", 0.1),
    "gaussian 0.3": ("gaussian", 0.3),
    "gaussian 0.5": ("gaussian", 0.5),
    "masking 0.5": ("masking", 0.5),
    "salt&pepper 0.1": ("salt_pepper", 0.1),
}
DATASETS = {"MNIST": "mnist", "Fashion-MNIST": "fashion-mnist"}
METHODS = ["noisy", "pca32", "aekit"]


def flat(images: np.ndarray) -> np.ndarray:
    return images.reshape(len(images), -1)


def mean_ssim(clean: np.ndarray, estimate: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    return float(
        np.mean(
            [
                structural_similarity(a, b, data_range=1.0)
                for a, b in zip(clean.reshape(-1, 28, 28), estimate.reshape(-1, 28, 28))
            ]
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, default=1, help="noise and training seeds")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--train-size", type=int, default=40000)
    parser.add_argument("--test-size", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--noises", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--quick", action="store_true", help="1,000 images, 1 epoch")
    parser.add_argument("--out", default="benchmarks/results/denoise.json")
    args = parser.parse_args(argv)
    require_bench_extra(parser, {"skimage": "the SSIM column"})
    require_images(parser, *(Path(args.data_dir) / DATASETS[d] for d in args.datasets))
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)
    n_train, n_test, epochs = (
        (1000, 200, 1) if args.quick else (args.train_size, args.test_size, args.epochs)
    )
    model_params = dict(
        architecture="conv",
        hidden_layer_sizes=(32, 64),
        latent_dim=256,
        learning_rate_init=2e-3,
        batch_size=64,
        max_iter=epochs,
    )
    started = time.perf_counter()
    results: dict = {}
    for dataset in args.datasets:
        path = Path(args.data_dir) / DATASETS[dataset]
        X_train = load_mnist(path, as_images=True)[0]  # (n, 1, 28, 28) in [0, 1]
        X_test = load_mnist(path, "test", as_images=True)[0][:n_test]
        pca = PCA(32, random_state=0).fit(X_train.reshape(len(X_train), -1))
        X_train = X_train[np.random.default_rng(0).permutation(len(X_train))[:n_train]]
        for label in args.noises:
            noise, level = SETTINGS[label]
            scores = {m: {"psnr": [], "ssim": []} for m in METHODS}
            for seed in range(args.seeds):
                noisy = corrupt(X_test, noise, level, random_state=seed)
                t0 = time.perf_counter()
                dae = aekit.DenoisingAutoencoder(
                    noise=noise, noise_level=level, random_state=seed, **model_params
                ).fit(X_train)
                seconds = time.perf_counter() - t0
                estimates = {
                    "noisy": noisy,
                    "pca32": np.clip(
                        pca.inverse_transform(pca.transform(flat(noisy))), 0, 1
                    ).reshape(noisy.shape),
                    "aekit": dae.denoise(noisy),
                }
                for method, estimate in estimates.items():
                    scores[method]["psnr"].append(float(psnr(X_test, estimate).mean()))
                    scores[method]["ssim"].append(mean_ssim(X_test, estimate))
            row = {m: {k: float(np.mean(v)) for k, v in s.items()} for m, s in scores.items()}
            row["aekit_train_seconds"] = seconds
            results.setdefault(dataset, {})[label] = row
            print(
                f"{dataset:13s} {label:15s} "
                + "  ".join(f"{m} {row[m]['psnr']:.2f} dB/{row[m]['ssim']:.3f}" for m in METHODS)
                + f"  (train {seconds:.0f} s)",
                flush=True,
            )

    cells = [
        [dataset, label, *(f"{row[m]['psnr']:.2f} / {row[m]['ssim']:.3f}" for m in METHODS)]
        for dataset, rows in results.items()
        for label, row in rows.items()
    ]
    print_table(
        f"Denoising: mean per-image PSNR (dB) / SSIM on {n_test} test images",
        ["dataset", "noise", "noisy input", "PCA-32", "aekit DAE"],
        cells,
    )
    mnist, bar = results.get("MNIST", {}), {}
    if "gaussian 0.5" in mnist:
        bar["MNIST gaussian 0.5 >= 20 dB"] = mnist["gaussian 0.5"]["aekit"]["psnr"] >= 20
    if "gaussian 0.1" in mnist:
        low = mnist["gaussian 0.1"]
        bar["MNIST gaussian 0.1 above the noisy input"] = (
            low["aekit"]["psnr"] > low["noisy"]["psnr"]
        )
    wall = time.perf_counter() - started
    print(f"bar met: {bar}; wall time {wall:.0f} s")
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "train_images": n_train,
            "test_images": n_test,
            "model": {"class": "DenoisingAutoencoder", **model_params},
            "results": results,
            "bar": bar,
            "wall_seconds": wall,
        },
    )


if __name__ == "__main__":
    main()
