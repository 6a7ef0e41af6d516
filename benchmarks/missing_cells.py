"""How a missing cell moves ``AnomalyDetector(handle_missing=True)``'s score: new normal rows
flagged complete and with one cell missing, by the share of training rows that had a gap.

Data: ``make_blobs`` (1,300 rows, 4 columns, seed 0), the first 1,000 to train, the other 300
new normal rows; a share of the training rows get one missing cell each (a random column), and
the new rows are scored complete and with one random cell missing.

    python benchmarks/missing_cells.py --threads 1
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.datasets import make_blobs

import aekit

SHARES = (0.001, 0.05, 0.2)


def with_gaps(X: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """X with one missing cell in a ``share`` of its rows (at least one row)."""
    X = X.copy()
    rows = rng.choice(len(X), max(1, int(round(share * len(X)))), replace=False)
    X[rows, rng.integers(0, X.shape[1], len(rows))] = np.nan
    return X


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/missing_cells.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    X, _ = make_blobs(1300, 4, random_state=0)
    train, new = X[:1000], X[1000:]
    rows = []
    for share in SHARES:
        rng = np.random.default_rng(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            detector = aekit.AnomalyDetector(n_estimators=1, random_state=0, handle_missing=True)
            detector.fit(with_gaps(train, share, rng))
        gappy = with_gaps(new, 1.0, rng)
        complete, one_gap = detector.anomaly_score(new), detector.anomaly_score(gappy)
        rows.append(
            {
                "training_rows_with_a_gap": share,
                "flagged_complete": int((complete > detector.threshold_).sum()),
                "flagged_one_gap": int((one_gap > detector.threshold_).sum()),
                "median_score_complete": float(np.median(complete)),
                "median_score_one_gap": float(np.median(one_gap)),
            }
        )
    print_table(
        "AnomalyDetector(handle_missing=True): 300 new normal rows flagged",
        ["training rows with a gap", "complete", "one cell missing", "median score"],
        [
            [
                f"{r['training_rows_with_a_gap']:.1%}",
                str(r["flagged_complete"]),
                str(r["flagged_one_gap"]),
                f"{r['median_score_complete']:.1f} -> {r['median_score_one_gap']:.1f}",
            ]
            for r in rows
        ],
    )
    write_result(args.out, {"command": command_line(argv), "machine": machine_info(), "rows": rows})


if __name__ == "__main__":
    main()
