"""The simplest baseline beside ``pretrain.py``'s tables: logistic regression on the raw pixels.

With few labels a linear model on the 784 pixels is a stronger control than the network
trained from scratch (``pretrain.py``'s "scratch" column): what pretraining adds should be
read against it too. The same labelled draws as ``pretrain.py`` (``draw_labels``, seeds 0 to
``--draws - 1``: ``n / 10`` images of each class), pixels in [0, 1] as aekit reads them, scored
on the 10,000 test images; ``LogisticRegression(max_iter=2000)``, scikit-learn's defaults
otherwise (L2, C=1).

Reproduce (from the repository root; about a minute)::

    .venv/bin/python benchmarks/pretrain_pixels.py --data-dir ../shared/data

Results go to ``benchmarks/results/pretrain_pixels.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from _common import command_line, machine_info, print_table, require_images, write_result
from pretrain import DATASETS, draw_labels
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from aekit.data.datasets import load_mnist


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--labels", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--out", default="benchmarks/results/pretrain_pixels.json")
    args = parser.parse_args(argv)
    require_images(parser, *(Path(args.data_dir) / folder for folder in DATASETS.values()))
    rows, cells = [], []
    for name in DATASETS:
        folder = Path(args.data_dir) / DATASETS[name]
        X_train, y_train = load_mnist(folder, split="train")
        X_test, y_test = load_mnist(folder, split="test")
        flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
        for n in args.labels:
            scores, started = [], time.perf_counter()
            for draw in range(args.draws):
                index = draw_labels(y_train, n, seed=draw)
                with warnings.catch_warnings():  # 2,000 iterations: converged or near it
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model = LogisticRegression(max_iter=2000).fit(flat_train[index], y_train[index])
                scores.append(float(model.score(flat_test, y_test)))
            seconds = time.perf_counter() - started
            rows.append({"data": name, "labels": n, "accuracy": scores, "seconds": seconds})
            cells.append([name, str(n), f"{np.mean(scores):.3f} ± {np.std(scores):.3f}",
                          f"{seconds:.0f}"])  # fmt: skip
    print_table("logistic regression on the pixels", ["data", "labels", "accuracy", "s"], cells)
    write_result(
        args.out, {"command": command_line(argv), "machine": machine_info(), "results": rows}
    )


if __name__ == "__main__":
    main()
