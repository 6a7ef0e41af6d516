"""Where ``contamination="auto"`` stops finding the anomalies among its own training rows.

500 Gaussian rows of 8 columns; the first 1%, 2%, 3%, 5% or 8% of them shifted by +6 or -6,
drawn at random per cell, in every column (far anomalies, scattered over the orthants), by +6
in every column (far anomalies that form one cluster, each other's nearest neighbours), set to
6 + N(0, 0.1) in every column (a tight cluster: near-duplicates), or by +6 in the first column
alone (a subtle one: the other seven columns dilute it in the score).
``AnomalyDetector()`` is fitted on all of them, data and model seeds 0-2; the table gives the
share of planted rows flagged and of the other rows flagged, and the planted rows' scores
against the normal rows' largest and the threshold (seed 0), and the ROC-AUC of
``anomaly_score`` (planted rows against the others; mean of the seeds) beside
IsolationForest's. ``--param NAME=VALUE``
sets a parameter of the detector (e.g. ``n_neighbors=0.1``).

    python benchmarks/auto_threshold_limits.py --threads 1
    python benchmarks/auto_threshold_limits.py --threads 1 --param n_neighbors=0.1 \
        --out benchmarks/results/auto_threshold_limits_k10.json
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

import aekit

FRACTIONS = (0.01, 0.02, 0.03, 0.05, 0.08)
SEEDS = (0, 1, 2)


def planted(fraction: float, seed: int, kind: str) -> tuple[np.ndarray, int]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(500, 8))
    m = int(round(fraction * len(X)))
    if kind == "far":
        X[:m] += rng.choice([-6.0, 6.0], size=(m, 8))
    elif kind == "far cluster":
        X[:m] += 6.0
    elif kind == "tight cluster":  # near-duplicates: a batch of one fraud, a stuck sensor
        X[:m] = 6.0 + 0.1 * rng.normal(size=(m, 8))
    else:
        X[:m, 0] += 6.0
    return X, m


def run(kind: str, params: dict) -> dict:
    out = {}
    for fraction in FRACTIONS:
        runs = []
        for seed in SEEDS:
            X, m = planted(fraction, seed, kind)
            detector = aekit.AnomalyDetector(random_state=seed, **params).fit(X)
            flags = detector.predict(X) == -1
            scores = detector.anomaly_score(X)
            forest = IsolationForest(random_state=seed).fit(X).score_samples(X)
            runs.append(
                {
                    "planted_flagged": float(flags[:m].mean()),
                    "others_flagged": float(flags[m:].mean()),
                    "planted_scores": scores[:m].round(2).tolist(),
                    "others_max": float(scores[m:].max()),
                    "threshold": float(detector.threshold_),
                    "roc_auc": float(roc_auc_score(np.arange(len(X)) < m, scores)),
                    "iforest_roc_auc": float(roc_auc_score(np.arange(len(X)) < m, -forest)),
                }
            )
        out[f"{fraction:g}"] = runs
    return out


def _value(text: str) -> float | int | str:
    """A ``--param`` value: a number where it reads as one (an int without a point), else text."""
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/auto_threshold_limits.json")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    params = {name: _value(text) for name, _, text in (p.partition("=") for p in args.param)}
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")  # the small-sample tail warnings, expected here
    result = {"command": command_line(argv), "machine": machine_info(), "params": params}
    cells = []
    for kind in ("far", "far cluster", "tight cluster", "one column"):
        result[kind] = runs = run(kind, params)
        for fraction, seeds in runs.items():
            first = seeds[0]
            cells.append(
                [
                    kind,
                    fraction,
                    f"{np.mean([r['planted_flagged'] for r in seeds]):.2f}",
                    f"{np.mean([r['others_flagged'] for r in seeds]):.3f}",
                    f"{min(first['planted_scores']):.1f}-{max(first['planted_scores']):.1f}",
                    f"{first['others_max']:.1f}",
                    f"{first['threshold']:.1f}",
                    f"{np.mean([r['roc_auc'] for r in seeds]):.3f}",
                    f"{np.mean([r['iforest_roc_auc'] for r in seeds]):.3f}",
                ]
            )
    headers = ["shift", "planted share", "planted flagged", "others flagged",
               "planted scores (seed 0)", "others' max", "threshold", "ROC-AUC",
               "IsolationForest's"]  # fmt: skip
    title = f'contamination="auto" on its own training rows (500 x 8, seeds 0-2) {params or ""}'
    print_table(title, headers, cells)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
