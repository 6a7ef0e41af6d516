"""A rare class in fine-tuning: digits 0, 1 and 2 with 60 / 30 / 2 labelled rows, an
autoencoder of the three digits, then ``FineTunedClassifier`` without and with
``class_weight="balanced"``: the rare class's recall and the accuracy on the other rows.

    python benchmarks/class_weight.py [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _common import print_table, write_run

import aekit
from aekit.data import load_digits

LABELLED = {0: 60, 1: 30, 2: 2}  # rows labelled per digit; 2 is the rare class


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/class_weight.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    X, y = load_digits()
    keep = np.isin(y, list(LABELLED))
    X, y = X[keep], y[keep]
    ae = aekit.Autoencoder(latent_dim=16, max_iter=30, random_state=0).fit(X)
    rows = []
    for seed in args.seeds:
        rng = np.random.default_rng(seed)
        labelled = np.concatenate(
            [rng.choice(np.where(y == c)[0], k, replace=False) for c, k in LABELLED.items()]
        )
        test = np.setdiff1d(np.arange(len(y)), labelled)
        for weight in (None, "balanced"):
            clf = aekit.FineTunedClassifier(ae, class_weight=weight, random_state=seed)
            predicted = clf.fit(X[labelled], y[labelled]).predict(X[test])
            rare = y[test] == 2
            rows.append(
                {
                    "seed": seed,
                    "class_weight": str(weight),
                    "rare_recall": float((predicted[rare] == 2).mean()),
                    "accuracy": float((predicted == y[test]).mean()),
                }
            )
    print_table(
        "FineTunedClassifier, digits 0/1/2 with 60/30/2 labelled rows",
        ["seed", "class_weight", "recall of 2", "accuracy"],
        [
            [str(r["seed"]), r["class_weight"], f"{r['rare_recall']:.3f}", f"{r['accuracy']:.3f}"]
            for r in rows
        ],
    )
    return write_run("class_weight", argv, args, started, results=rows)


if __name__ == "__main__":
    main()
