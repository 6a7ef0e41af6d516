"""What share of new normal rows a rate flags: ``contamination=0.05`` sets the threshold on the
training rows' own scores (scikit-learn's meaning: that share of the training rows is flagged),
and each training row is its own nearest neighbour, so new rows of the same distribution score
higher and more of them are flagged. Against ``threshold_holdout=0.2`` (the rate set on rows
held out of training, scored as new rows are) and ``contamination="auto"`` (no rate).

Clean data, the detector's defaults otherwise: 1,000 Gaussian rows of 8 columns (3,000 new ones)
and scikit-learn's 8x8 digits (1,000 rows; the other 797 new), seeds 0-2.

    python benchmarks/rate_on_new_rows.py --threads 1
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit
from aekit.data.datasets import load_digits

SEEDS = (0, 1, 2)
SETTINGS = {
    "contamination=0.01": {"contamination": 0.01},
    "contamination=0.05": {"contamination": 0.05},
    "contamination=0.1": {"contamination": 0.1},
    "0.05, threshold_holdout=0.2": {"contamination": 0.05, "threshold_holdout": 0.2},
    'contamination="auto"': {"contamination": "auto"},
}


def data(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, new rows) of one clean distribution."""
    if name == "gaussian 8":
        X = np.random.default_rng(seed).normal(size=(4000, 8))
    else:
        X = load_digits()[0][np.random.default_rng(seed).permutation(1797)]
    return X[:1000], X[1000:]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/rate_on_new_rows.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")  # small-sample tail warnings, expected here
    result = {"command": command_line(argv), "machine": machine_info(), "runs": {}}
    cells = []
    for name in ("gaussian 8", "digits"):
        for setting, params in SETTINGS.items():
            shares = []
            for seed in SEEDS:
                train, new = data(name, seed)
                detector = aekit.AnomalyDetector(random_state=seed, **params).fit(train)
                shares.append([np.mean(detector.predict(rows) == -1) for rows in (train, new)])
            train_share, new_share = np.mean(shares, axis=0)
            result["runs"][f"{name} / {setting}"] = [[float(v) for v in s] for s in shares]
            cells.append([name, setting, f"{train_share:.3f}", f"{new_share:.3f}"])
    headers = ["data", "setting", "training rows flagged", "new normal rows flagged"]
    print_table("A rate's threshold on new rows (seeds 0-2)", headers, cells)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
