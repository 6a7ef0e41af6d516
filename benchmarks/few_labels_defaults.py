"""Few labels with every default: scikit-learn's bundled 8x8 digits, 5 labels per class.

The digits are split 70/30 (stratified, seed 0); of the 1,257 training digits 50 are labelled
(5 per class, drawn per seed), and all 1,257 are there without labels. Test accuracy of:

* **LR on the 50**: ``LogisticRegression(max_iter=2000)`` on the labelled pixels alone, the
  baseline any use of the unlabelled digits must beat;
* **fine-tuned**: ``FineTunedClassifier(Autoencoder(random_state=0).fit(all training digits))``
  on the 50, every other parameter at its default (the README's snippet);
* **M2**: ``ConditionalVAE(random_state=0)`` on all training digits, the unlabelled ones marked
  -1 (Kingma et al. 2014's M2), its own ``predict``.

    python benchmarks/few_labels_defaults.py [--seeds 0 1 2]

Writes ``benchmarks/results/few_labels_defaults.json`` (``--out``); one thread, about 20 s a
seed. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from _common import print_table, write_run
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import aekit
from aekit.data.datasets import load_digits


def one_draw(X_train, y_train, X_test, y_test, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    labelled = np.concatenate(
        [rng.choice(np.flatnonzero(y_train == c), 5, replace=False) for c in range(10)]
    )
    marked = np.full(len(y_train), -1)
    marked[labelled] = y_train[labelled]
    X_few, y_few = X_train[labelled], y_train[labelled]
    lr = LogisticRegression(max_iter=2000).fit(X_few, y_few)
    ae = aekit.Autoencoder(random_state=0).fit(X_train)
    tuned = aekit.FineTunedClassifier(ae, random_state=0).fit(X_few, y_few)
    m2 = aekit.ConditionalVAE(random_state=0).fit(X_train, marked)
    return {
        "LR on the 50": lr.score(X_test, y_test),
        "fine-tuned (defaults)": tuned.score(X_test, y_test),
        "M2 (defaults)": float(np.mean(m2.predict(X_test) == y_test)),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", default="benchmarks/results/few_labels_defaults.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # the small fits' ConvergenceWarnings: accuracy says it
    started = time.perf_counter()
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    draws = [one_draw(X_train, y_train, X_test, y_test, seed) for seed in args.seeds]
    methods = list(draws[0])
    rows = [
        [name, *(f"{d[name]:.3f}" for d in draws), f"{np.mean([d[name] for d in draws]):.3f}"]
        for name in methods
    ]
    print_table(
        "test accuracy, 5 labels per class",
        ["method", *(f"seed {s}" for s in args.seeds), "mean"],
        rows,
    )
    accuracy = {name: [d[name] for d in draws] for name in methods}
    return write_run("few_labels_defaults", argv, args, started, accuracy=accuracy)


if __name__ == "__main__":
    main()
