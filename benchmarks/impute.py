"""Imputation benchmark: aekit's AutoencoderImputer against scikit-learn's imputers.

For each table (a documented subset of the ADBench "Classical" sets, X only, and the bundled
digits), entries are removed completely at random (MCAR: 10%, 20%, 40%) and, in one
missing-not-at-random setting (MNAR), an entry above its column's 75th percentile is removed
with probability 0.5 and any other with probability 0.1 (about 20% in all, with the large
values hidden more often). Every imputer fills the same holes; the score is the RMSE over the
removed entries on standardized columns (each column scaled by the complete data's mean and
standard deviation, so every column counts alike), averaged over the seeds.

Baselines: ``SimpleImputer(strategy="mean")``, ``KNNImputer()`` (5 neighbours) and
``IterativeImputer(max_iter=10)`` (BayesianRidge, scikit-learn's defaults). Bar: mean RMSE at
20% MCAR at most 0.9 times the best of the three.

Tables are cut to ``--max-rows`` rows (a fixed random subset) to keep the run short.

    python benchmarks/impute.py                # the full table (~15 min on one thread)
    python benchmarks/impute.py --quick        # a smoke run
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
from threadpoolctl import threadpool_limits

import aekit
from aekit.imputation import AutoencoderImputer

ADBENCH = [
    "2_annthyroid",
    "4_breastw",
    "6_cardio",
    "18_Ionosphere",
    "20_letter",
    "28_pendigits",
    "29_Pima",
    "30_satellite",
    "38_thyroid",
    "42_WBC",
]
SETTINGS = {"MCAR 10%": 0.1, "MCAR 20%": 0.2, "MCAR 40%": 0.4, "MNAR": "mnar"}
METHODS = ["mean", "knn", "iterative", "aekit"]


def load_tables(data_dir: Path, names: list[str], max_rows: int) -> dict[str, np.ndarray]:
    tables = {}
    for name in names:
        if name == "digits":
            X = aekit.data.datasets.load_digits()[0].astype(np.float64)
        else:
            X = np.load(data_dir / "adbench-classical" / f"{name}.npz")["X"].astype(np.float64)
        if len(X) > max_rows:
            X = X[np.random.default_rng(0).choice(len(X), max_rows, replace=False)]
        tables[name] = X[:, X.std(axis=0) > 0]  # a constant column has nothing to impute
    return tables


def hole_mask(X: np.ndarray, setting, seed: int) -> np.ndarray:
    """Which entries to remove; every row keeps at least one entry, every column one value."""
    rng = np.random.default_rng(seed)
    if setting == "mnar":
        high = X > np.percentile(X, 75, axis=0)
        mask = rng.random(X.shape) < np.where(high, 0.5, 0.1)
    else:
        mask = rng.random(X.shape) < setting
    mask[mask.all(axis=1), 0] = False
    mask[0] = False  # the first row complete: no column loses all its values
    return mask


def imputers(seed: int, quick: bool) -> dict:
    return {
        "mean": SimpleImputer(strategy="mean"),
        "knn": KNNImputer(),
        "iterative": IterativeImputer(max_iter=10, random_state=seed),
        "aekit": AutoencoderImputer(max_iter=20 if quick else 200, random_state=seed),
    }


def standardized_rmse(filled, X, mask, mean, std) -> float:
    diff = (filled - X) / std
    return float(np.sqrt(np.mean(diff[mask] ** 2)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-rows", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="3 tables, 1 seed, short training")
    parser.add_argument("--out", default="benchmarks/results/impute.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)  # numpy's BLAS too, for the scikit-learn imputers
    warnings.filterwarnings("ignore", category=UserWarning)  # IterativeImputer's convergence
    warnings.filterwarnings("ignore", message=".*[Cc]onverge.*")

    names = ["4_breastw", "29_Pima", "digits"] if args.quick else [*ADBENCH, "digits"]
    seeds = 1 if args.quick else args.seeds
    tables = load_tables(Path(args.data_dir), names, 500 if args.quick else args.max_rows)
    started = time.perf_counter()
    scores: dict[str, dict[str, dict[str, list[float]]]] = {}
    seconds = {m: 0.0 for m in METHODS}
    for name, X in tables.items():
        mean, std = X.mean(axis=0), X.std(axis=0)
        for label, setting in SETTINGS.items():
            for seed in range(seeds):
                mask = hole_mask(X, setting, seed)
                X_missing = np.where(mask, np.nan, X)
                for method, imputer in imputers(seed, args.quick).items():
                    t0 = time.perf_counter()
                    filled = imputer.fit_transform(X_missing)
                    seconds[method] += time.perf_counter() - t0
                    rmse = standardized_rmse(filled, X, mask, mean, std)
                    scores.setdefault(name, {}).setdefault(label, {}).setdefault(method, [])
                    scores[name][label][method].append(rmse)
            row = {m: np.mean(v) for m, v in scores[name][label].items()}
            print(f"{name:14s} {label:9s} " + "  ".join(f"{m} {v:.3f}" for m, v in row.items()))

    cells, summary = [], {}
    for label in SETTINGS:
        means = {m: float(np.mean([np.mean(scores[n][label][m]) for n in tables])) for m in METHODS}
        best = min(means[m] for m in METHODS if m != "aekit")
        summary[label] = {**means, "aekit / best baseline": means["aekit"] / best}
        cells.append([label, *(f"{means[m]:.3f}" for m in METHODS), f"{means['aekit'] / best:.2f}"])
    print_table(
        f"Imputation RMSE on removed entries (standardized columns), mean of {len(tables)} "
        f"tables x {seeds} seed(s)",
        ["setting", *METHODS, "aekit / best"],
        cells,
    )
    per_table = [
        [name, *(f"{np.mean(scores[name]['MCAR 20%'][m]):.3f}" for m in METHODS)] for name in tables
    ]
    print_table("MCAR 20% per table", ["table", *METHODS], per_table)
    ratio = summary["MCAR 20%"]["aekit / best baseline"]
    bar = {"MCAR 20%: aekit <= 0.9 x best baseline": bool(ratio <= 0.9), "ratio": ratio}
    wall = time.perf_counter() - started
    print(f"bar met: {bar}; wall time {wall:.0f} s; seconds per method {seconds}")
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "tables": {n: list(X.shape) for n, X in tables.items()},
            "seeds": seeds,
            "summary": summary,
            "per_table": scores,
            "bar": bar,
            "seconds_per_method": seconds,
            "wall_seconds": wall,
        },
    )


if __name__ == "__main__":
    main()
