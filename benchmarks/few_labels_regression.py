"""Few targets with every default: scikit-learn's bundled diabetes table (442 rows, 10 columns).

Split 75/25 (seed = the draw); of the 331 training rows 40 have their target, and all 331 are
there without it. Test R^2 of ``RidgeCV`` on the 40 (the baseline), of
``FineTunedRegressor(Autoencoder(random_state=draw).fit(all training rows))`` on the 40 (every
other parameter at its default), and of ``FineTunedRegressor(init="random")`` (the same network
from scratch, the control).

    python benchmarks/few_labels_regression.py --threads 1
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.datasets import load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import train_test_split

import aekit

LABELS = 40


def one_draw(X: np.ndarray, y: np.ndarray, draw: int) -> dict[str, float]:
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=draw)
    few = np.random.default_rng(draw).choice(len(X_train), LABELS, replace=False)
    ae = aekit.Autoencoder(random_state=draw, device="cpu").fit(X_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the few-rows notes of the fine-tunings
        tuned = aekit.FineTunedRegressor(ae, random_state=draw, device="cpu")
        scratch = aekit.FineTunedRegressor(init="random", random_state=draw, device="cpu")
        return {
            f"RidgeCV on the {LABELS}": RidgeCV()
            .fit(X_train[few], y_train[few])
            .score(X_test, y_test),
            "fine-tuned autoencoder": tuned.fit(X_train[few], y_train[few]).score(X_test, y_test),
            'init="random"': scratch.fit(X_train[few], y_train[few]).score(X_test, y_test),
        }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/few_labels_regression.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    X, y = load_diabetes(return_X_y=True)
    runs = [one_draw(X, y, draw) for draw in args.draws]
    means = {name: float(np.mean([r[name] for r in runs])) for name in runs[0]}
    cells = [
        [name, f"{value:.3f}", " ".join(f"{r[name]:.2f}" for r in runs)]
        for name, value in means.items()
    ]
    print_table(f"Diabetes, {LABELS} targets, test R^2", ["method", "mean", "draws"], cells)
    result = {"command": command_line(argv), "machine": machine_info(), "draws": args.draws}
    write_result(args.out, result | {"means": means, "runs": runs})
    return result


if __name__ == "__main__":
    main()
