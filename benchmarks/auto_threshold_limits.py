"""Where ``contamination="auto"`` stops finding the anomalies among its own training rows.

500 Gaussian rows of 8 columns; the first 1%, 2%, 3%, 5% or 8% of them shifted by +6 or -6,
drawn at random per cell, in every column (far anomalies, scattered over the orthants), by +6
in every column (far anomalies that form one cluster, each other's nearest neighbours), or by
+6 in the first column alone (a subtle one: the other seven columns dilute it in the score).
``AnomalyDetector()`` is fitted on all of them, data and model seeds 0-2; the table gives the
share of planted rows flagged and of the other rows flagged, and the planted rows' scores
against the normal rows' largest and the threshold (seed 0).

    python benchmarks/auto_threshold_limits.py --threads 1
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

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
    else:
        X[:m, 0] += 6.0
    return X, m


def run(kind: str) -> dict:
    out = {}
    for fraction in FRACTIONS:
        runs = []
        for seed in SEEDS:
            X, m = planted(fraction, seed, kind)
            detector = aekit.AnomalyDetector(random_state=seed).fit(X)
            flags = detector.predict(X) == -1
            scores = detector.anomaly_score(X)
            runs.append(
                {
                    "planted_flagged": float(flags[:m].mean()),
                    "others_flagged": float(flags[m:].mean()),
                    "planted_scores": scores[:m].round(2).tolist(),
                    "others_max": float(scores[m:].max()),
                    "threshold": float(detector.threshold_),
                }
            )
        out[f"{fraction:g}"] = runs
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/auto_threshold_limits.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")  # the small-sample tail warnings, expected here
    result = {"command": command_line(argv), "machine": machine_info()}
    cells = []
    for kind in ("far", "far cluster", "one column"):
        result[kind] = runs = run(kind)
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
                ]
            )
    headers = ["shift", "planted share", "planted flagged", "others flagged",
               "planted scores (seed 0)", "others' max", "threshold"]  # fmt: skip
    title = 'contamination="auto" on its own training rows (500 x 8, seeds 0-2)'
    print_table(title, headers, cells)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
