"""``batch_size="auto"`` on small tables: scikit-learn's rule, min(200, n), against aekit's, which
below 1,000 rows takes batches of n^2 / 5,000 rows, at least 32 (5,000 / n steps an epoch;
``aekit.estimators.epochs.batch_rows``), and a fixed 32 (Keras's default).

With 400 rows, batches of 200 are 2 gradient steps an epoch, 200 in the default 100 epochs. Each
table (scikit-learn's bundled ones, and the 8x8 digits' first 500 and 1,100 rows: 375 and 825
training rows, batches of 32 and 136) is split 75/25 at random;
the numeric tables are standardized first, so an error of 1 is that of predicting 0 (the mean);
the digits are pixels in [0, 1] (a Bernoulli model). Each model is fitted with its defaults but
the batch and scored on the held-out rows: mean squared reconstruction error, beside PCA's with
as many components as the model's code, and the fit's seconds; mean over the seeds.

    python benchmarks/small_tables.py --threads 1
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import aekit


def tables() -> dict[str, np.ndarray]:
    scaled = lambda loader: StandardScaler().fit_transform(loader().data)  # noqa: E731
    return {
        "breast cancer (569 x 30)": scaled(load_breast_cancer),
        "diabetes (442 x 10)": scaled(load_diabetes),
        "wine (178 x 13)": scaled(load_wine),
        "digits, first 500 (500 x 64)": load_digits().data[:500] / 16.0,
        "digits, first 1,100 (1,100 x 64)": load_digits().data[:1100] / 16.0,
    }


BATCHES = {"min(200, n) (scikit-learn)": lambda n: min(200, n), '"auto" (aekit)': "auto", "32": 32}


def measure(kind: str, batch, X: np.ndarray, seed: int) -> tuple[float, float, int]:
    """(held-out squared error, fit seconds, code width) of one fit."""
    train, test = train_test_split(X, test_size=0.25, random_state=seed)
    size = batch(len(train)) if callable(batch) else batch
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the learned-little warning is part of what is measured
        model = getattr(aekit, kind)(batch_size=size, random_state=seed, device="cpu").fit(train)
    seconds = time.perf_counter() - started
    codes = model.transform(test)
    error = float(np.mean((model.inverse_transform(codes) - test) ** 2))
    return error, seconds, codes.shape[1]


def pca_error(X: np.ndarray, width: int, seed: int) -> float:
    train, test = train_test_split(X, test_size=0.25, random_state=seed)
    pca = PCA(min(width, *train.shape)).fit(train)
    return float(np.mean((pca.inverse_transform(pca.transform(test)) - test) ** 2))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--kinds", nargs="+", default=["Autoencoder", "VAE"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/small_tables.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    cells, figures = [], {}
    for table, X in tables().items():
        for kind in args.kinds:
            for name, batch in BATCHES.items():
                runs = [measure(kind, batch, X, seed) for seed in args.seeds]
                error, seconds = np.mean([r[0] for r in runs]), np.mean([r[1] for r in runs])
                pca = np.mean([pca_error(X, runs[0][2], seed) for seed in args.seeds])
                figures.setdefault(table, {}).setdefault(kind, {})[name] = {
                    "error": float(error),
                    "pca_error": float(pca),
                    "fit_s": float(seconds),
                    "errors": [r[0] for r in runs],
                }
                cells.append([table, kind, name, f"{error:.4f}", f"{pca:.4f}", f"{seconds:.1f}"])
    headers = ["table", "model", "batch_size", "held-out error", "PCA, same width", "fit s"]
    print_table(f"Small tables, mean over seeds {args.seeds}", headers, cells)
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    write_result(args.out, result | {"figures": figures})
    return result


if __name__ == "__main__":
    main()
