"""Imputation where the columns are linear in a few factors, and where they are not.

Two kinds of synthetic table, 1,000 rows of 8 columns, 20% of the cells removed at random
(MCAR), three seeds:

* **linear**: ``X = F W + 0.3 E``, 3 standard-normal factors ``F``, ``W`` standard normal:
  what ``IterativeImputer``'s chained linear regressions model exactly;
* **nonlinear**: 2 uniform factors ``u, v`` in [-2, 2] and columns ``sin(u), cos(v), u v,
  u^2, tanh(2v), sin(u + v), |u - v|, exp(v / 2)``, plus 0.05 noise.

RMSE on the removed cells, each column standardized by its complete data's standard deviation,
for ``SimpleImputer(mean)``, ``KNNImputer()``, ``IterativeImputer(random_state=0)`` and
``AutoencoderImputer(random_state=0)``, all at their defaults.

    python benchmarks/impute_linear.py [--seeds 0 1 2]

Writes ``benchmarks/results/impute_linear.json`` (``--out``); one thread, about 70 s.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from _common import print_table, write_run
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer

import aekit

ROWS, MISSING = 1000, 0.2


def linear_table(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=(ROWS, 3)) @ rng.normal(size=(3, 8)) + 0.3 * rng.normal(size=(ROWS, 8))


def nonlinear_table(rng: np.random.Generator) -> np.ndarray:
    u, v = rng.uniform(-2, 2, size=(2, ROWS))
    columns = [np.sin(u), np.cos(v), u * v, u**2, np.tanh(2 * v), np.sin(u + v), abs(u - v)]
    X = np.column_stack([*columns, np.exp(v / 2)])
    return X + 0.05 * rng.normal(size=X.shape)


IMPUTERS = {
    "mean": SimpleImputer,
    "KNN": KNNImputer,
    "iterative": lambda: IterativeImputer(random_state=0),
    "aekit": lambda: aekit.AutoencoderImputer(random_state=0),
}
TABLES = {"linear": linear_table, "nonlinear": nonlinear_table}


def errors(X: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    removed = rng.random(X.shape) < MISSING
    holes = np.where(removed, np.nan, X)
    scale = X.std(axis=0)
    return {
        name: float(np.sqrt((((make().fit_transform(holes) - X) / scale)[removed] ** 2).mean()))
        for name, make in IMPUTERS.items()
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", default="benchmarks/results/impute_linear.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # IterativeImputer's early-stopping ConvergenceWarning
    started = time.perf_counter()
    results, rows = {}, []
    for kind, make_table in TABLES.items():
        draws = []
        for seed in args.seeds:
            rng = np.random.default_rng(seed)
            draws.append(errors(make_table(rng), rng))
        results[kind] = {name: [d[name] for d in draws] for name in IMPUTERS}
        means = {name: np.mean(values) for name, values in results[kind].items()}
        best = min(v for name, v in means.items() if name != "aekit")
        rows.append([kind, *(f"{means[n]:.3f}" for n in IMPUTERS), f"{means['aekit'] / best:.2f}"])
    print_table(
        f"RMSE on the removed cells (standardized), mean of {len(args.seeds)} seeds",
        ["table", *IMPUTERS, "aekit / best other"],
        rows,
    )
    return write_run("impute_linear", argv, args, started, rmse=results)


if __name__ == "__main__":
    main()
