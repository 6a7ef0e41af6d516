"""Early stopping with few labels: watching the validation loss or the validation accuracy.

``FineTunedClassifier`` holds out 10% of its labelled rows and keeps the epoch that did best on
them, by their loss (``early_stopping_metric="loss"``, the default) or their accuracy. With 100
labels that is 10 rows: the accuracy moves in steps of 0.1 and most epochs tie, so which of the
tied epochs is kept matters (the lower validation loss since this script was written; the
first, before). On scikit-learn's digits (bundled, 1,797 8x8 images): one masking
``DenoisingAutoencoder`` pretrained on every image without labels, then for each of ``--draws``
draws of 100 labelled images a classifier per ``fine_tune`` and stopping metric, scored on the
797 images after the first 1,000 of that draw's permutation.

    python benchmarks/early_stopping.py --threads 1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit
from aekit.data import load_digits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/early_stopping.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    X, y = load_digits()
    pretrained = aekit.DenoisingAutoencoder(
        noise="masking", noise_level=0.25, random_state=0, verbose=False
    ).fit(X)
    accuracy: dict[str, list[float]] = {}
    for draw in range(args.draws):
        order = np.random.RandomState(draw).permutation(len(X))
        labelled, test = order[: args.labels], order[1000:]
        for fine_tune in ("head", "all"):
            for metric in ("loss", "accuracy"):
                classifier = aekit.FineTunedClassifier(
                    pretrained,
                    fine_tune=fine_tune,
                    early_stopping_metric=metric,
                    random_state=draw,
                    verbose=False,
                ).fit(X[labelled], y[labelled])
                key = f"{fine_tune}/{metric}"
                accuracy.setdefault(key, []).append(classifier.score(X[test], y[test]))
    rows = [
        [key, f"{np.mean(v):.3f} ± {np.std(v):.3f}", " ".join(f"{a:.3f}" for a in v)]
        for key, v in accuracy.items()
    ]
    print_table(
        f"Digits, {args.labels} labels, {args.draws} draws: test accuracy by stopping metric",
        ["fine_tune / metric", "mean ± std", "per draw"],
        rows,
    )
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "labels": args.labels,
            "accuracy": accuracy,
            "seconds": time.perf_counter() - started,
        },
    )


if __name__ == "__main__":
    main()
