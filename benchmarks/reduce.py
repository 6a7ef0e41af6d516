"""Dimensionality reduction quality: MNIST test-set reconstruction error, aekit against PCA.

What it measures
----------------
For latent sizes 2, 16 and 32, three models are fitted on the 60,000 MNIST training images and
scored on the 10,000 test images by reconstruction MSE (pixels in [0, 1], mean over pixels and
images):

* **PCA**: ``sklearn.decomposition.PCA(n_components=k)``, reconstructed by
  ``inverse_transform(transform(X_test))`` (not clipped).
* **aekit dense**: ``aekit.Autoencoder(latent_dim=k, hidden_layer_sizes=(512, 256))`` on the
  flat (n, 784) images; Bernoulli likelihood (chosen automatically for [0, 1] data).
* **aekit conv**: ``aekit.Autoencoder(latent_dim=k, architecture="conv",
  hidden_layer_sizes=(32, 64))`` on (n, 1, 28, 28) images.

Both autoencoders use ``batch_size=256``, ``early_stopping=True`` (10% of the training rows held
out, best validation weights kept, ``n_iter_no_change=3``), ``random_state=0`` and at most
``--epochs`` (dense, default 30) or ``--conv-epochs`` (default 8) epochs; they are scored with
``est.reconstruct(X_test)``, which returns pixel probabilities. Fit seconds are wall-clock
seconds of ``fit`` on this machine.

The bar
-------
At latent size 16 the dense autoencoder's test MSE is at most half of PCA-16's. The script prints
PASS or FAIL and exits 0 either way (exit status 1 only with ``--strict``).

``--threads`` sets ``torch.set_num_threads`` (default: PyTorch's choice, one per core); on a
machine shared with other jobs ``--threads 1`` can be faster, as idle-spinning threads then
lose their core.

Reproduce (from the repository root; about 10 minutes on 2 CPU cores)::

    .venv/bin/python benchmarks/reduce.py --data-dir ../shared/data

Results go to ``benchmarks/results/reduce.json`` (``--out`` to change). ``--quick`` is a smoke
run (5,000 training rows, 2 epochs each, a minute or two). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch
from _common import (
    command_line,
    machine_info,
    mnist_dir,
    print_table,
    require_images,
    write_result,
)
from sklearn.decomposition import PCA

import aekit
from aekit.data.datasets import load_mnist

BAR = 0.5
BAR_LATENT = 16
IMAGE_SHAPE = (1, 28, 28)


def mse(X_hat: np.ndarray, X: np.ndarray) -> float:
    """Mean squared error over pixels and images, in float64."""
    diff = np.asarray(X_hat, dtype=np.float64).reshape(len(X), -1) - X.reshape(len(X), -1)
    return float(np.mean(diff**2))


def fit_pca(k: int, X: np.ndarray, X_test: np.ndarray) -> tuple[float, float]:
    started = time.perf_counter()
    pca = PCA(n_components=k, random_state=0).fit(X)
    seconds = time.perf_counter() - started
    return mse(pca.inverse_transform(pca.transform(X_test)), X_test), seconds


def fit_aekit(
    k: int,
    architecture: str,
    hidden: tuple[int, ...],
    epochs: int,
    args: argparse.Namespace,
    X: np.ndarray,
    X_test: np.ndarray,
) -> dict:
    est = aekit.Autoencoder(
        latent_dim=k,
        architecture=architecture,
        hidden_layer_sizes=hidden,
        batch_size=args.batch_size,
        max_iter=epochs,
        early_stopping=True,
        n_iter_no_change=args.patience,
        random_state=0,
        device="cpu",
    )
    shape = (-1, *IMAGE_SHAPE) if architecture == "conv" else (-1, X.shape[1])
    started = time.perf_counter()
    est.fit(X.reshape(shape))
    seconds = time.perf_counter() - started
    X_hat = est.reconstruct(X_test.reshape(shape))
    val = est.validation_scores_ or []
    return {
        "mse": mse(X_hat, X_test),
        "fit_seconds": seconds,
        "epochs_run": int(est.n_iter_),
        "likelihood": est.likelihood_,
        "best_val_loss_nats": -max(val) if val else None,
        "val_loss_curve_nats": [-v for v in val],
    }


def print_results(rows: list[dict], title: str) -> None:
    headers = [
        "latent",
        "PCA MSE",
        "aekit dense MSE",
        "aekit conv MSE",
        "ratio dense/PCA",
        "ratio conv/PCA",
        "PCA fit s",
        "dense fit s (epochs)",
        "conv fit s (epochs)",
    ]

    def fmt(value: float | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    def fit_cell(r: dict, model: str) -> str:
        seconds = r[f"{model}_fit_seconds"]
        return "-" if seconds is None else f"{seconds:.1f} ({r[f'{model}_epochs']})"

    cells = [
        [
            str(r["latent_dim"]),
            fmt(r["pca_mse"], ".5f"),
            fmt(r["dense_mse"], ".5f"),
            fmt(r["conv_mse"], ".5f"),
            fmt(r["ratio_dense_pca"], ".3f"),
            fmt(r["ratio_conv_pca"], ".3f"),
            fmt(r["pca_fit_seconds"], ".1f"),
            fit_cell(r, "dense"),
            fit_cell(r, "conv"),
        ]
        for r in rows
    ]
    print_table(title, headers, cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data", help="folder holding mnist/")
    parser.add_argument("--out", default="benchmarks/results/reduce.json")
    parser.add_argument("--latents", type=int, nargs="+", default=[2, 16, 32])
    parser.add_argument("--epochs", type=int, default=30, help="max epochs, dense autoencoder")
    parser.add_argument("--conv-epochs", type=int, default=8, help="max epochs, conv autoencoder")
    parser.add_argument("--dense-hidden", type=int, nargs="+", default=[512, 256])
    parser.add_argument("--conv-channels", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--patience", type=int, default=3, help="n_iter_no_change")
    parser.add_argument("--no-conv", action="store_true", help="skip the conv autoencoder")
    parser.add_argument("--n-train", type=int, default=None, help="use the first n train rows")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 rows, 2 epochs")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the bar fails")
    args = parser.parse_args(argv)
    require_images(parser, mnist_dir(args.data_dir))
    if args.quick:
        args.n_train = args.n_train or 5_000
        args.epochs, args.conv_epochs = 2, 2
    if args.threads:
        torch.set_num_threads(args.threads)

    mnist = mnist_dir(args.data_dir)
    X, _ = load_mnist(mnist, "train")
    X_test, _ = load_mnist(mnist, "test")
    if args.n_train:
        X = np.ascontiguousarray(X[: args.n_train])
    dense_hidden = tuple(args.dense_hidden)
    conv_channels = tuple(args.conv_channels)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; train {len(X):,} rows, "
        f"test {len(X_test):,}; dense {dense_hidden} <= {args.epochs} epochs, conv "
        f"{conv_channels} <= {args.conv_epochs} epochs, batch {args.batch_size}",
        flush=True,
    )

    load_start = os.getloadavg()[0]
    total_started = time.perf_counter()
    rows = []
    for k in args.latents:
        pca_mse, pca_s = fit_pca(k, X, X_test)
        print(f"  latent {k}: PCA {pca_mse:.5f} ({pca_s:.1f}s)", flush=True)
        dense = fit_aekit(k, "mlp", dense_hidden, args.epochs, args, X, X_test)
        print(
            f"  latent {k}: dense {dense['mse']:.5f} ({dense['fit_seconds']:.1f}s, "
            f"{dense['epochs_run']} epochs)",
            flush=True,
        )
        conv = None
        if not args.no_conv:
            conv = fit_aekit(k, "conv", conv_channels, args.conv_epochs, args, X, X_test)
            print(
                f"  latent {k}: conv {conv['mse']:.5f} ({conv['fit_seconds']:.1f}s, "
                f"{conv['epochs_run']} epochs)",
                flush=True,
            )
        rows.append(
            {
                "latent_dim": k,
                "pca_mse": pca_mse,
                "dense_mse": dense["mse"],
                "conv_mse": None if conv is None else conv["mse"],
                "ratio_dense_pca": dense["mse"] / pca_mse,
                "ratio_conv_pca": None if conv is None else conv["mse"] / pca_mse,
                "pca_fit_seconds": pca_s,
                "dense_fit_seconds": dense["fit_seconds"],
                "conv_fit_seconds": None if conv is None else conv["fit_seconds"],
                "dense_epochs": dense["epochs_run"],
                "conv_epochs": None if conv is None else conv["epochs_run"],
                "dense": dense,
                "conv": conv,
            }
        )
    total_seconds = time.perf_counter() - total_started

    print_results(
        rows,
        f"MNIST test reconstruction MSE ({len(X):,} train / {len(X_test):,} test rows)",
    )
    bar_row = next((r for r in rows if r["latent_dim"] == BAR_LATENT), None)
    if bar_row is None:
        passed = None
        print(f"bar not evaluated: latent {BAR_LATENT} was not run")
    else:
        passed = bar_row["ratio_dense_pca"] <= BAR
        print(
            f"{'PASS' if passed else 'FAIL'}: latent {BAR_LATENT} dense/PCA MSE ratio "
            f"{bar_row['ratio_dense_pca']:.3f} (bar: <= {BAR}); total {total_seconds:.0f}s"
        )

    result = {
        "benchmark": "reduce",
        "bar": f"latent {BAR_LATENT} dense autoencoder test MSE <= {BAR} x PCA-{BAR_LATENT} MSE",
        "passed": passed,
        "config": {
            "n_train": len(X),
            "n_test": len(X_test),
            "latents": args.latents,
            "dense_hidden": list(dense_hidden),
            "conv_channels": list(conv_channels),
            "dense_max_epochs": args.epochs,
            "conv_max_epochs": None if args.no_conv else args.conv_epochs,
            "batch_size": args.batch_size,
            "early_stopping": True,
            "validation_fraction": 0.1,
            "n_iter_no_change": args.patience,
            "quick": args.quick,
        },
        "load_average_1min": {"start": load_start, "end": os.getloadavg()[0]},
        "machine": machine_info(),
        "total_seconds": total_seconds,
        "results": rows,
        "command": command_line(argv),
    }
    write_result(args.out, result)
    return 1 if (args.strict and passed is False) else 0


if __name__ == "__main__":
    sys.exit(main())
