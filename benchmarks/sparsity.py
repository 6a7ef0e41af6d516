"""Sparsity benchmark: what ``SparseAutoencoder``'s weights, ``"auto"`` among them, cost and give.

For the digits (sklearn's ``load_digits`` / 16: 1,400 rows to train, 397 to score) and MNIST
(the first ``--mnist-train`` training images, the first ``--mnist-test`` test images), one model
per setting, all defaults otherwise (latent 8, ``(256, 128)`` ReLU MLP, Bernoulli likelihood):

* the plain ``Autoencoder`` (linear code), the reference;
* ``sparsity="l1"`` (ReLU code) at weights 0, 0.01, 0.03, 0.1 (= "auto") and 0.3, and at 0 and
  0.1 with ``revive_dead_units=False`` (dead units left dead, as before reviving);
* ``sparsity="kl"`` (sigmoid code, rho = 0.05) at weights 0, 0.3, 1 (= "auto"), 3 and 10.

Columns: the mean squared reconstruction error of the scored rows and its ratio to the plain
model's; the mean code activation (rho-hat, over scored rows and units; the KL's target is
0.05) and its smallest and largest unit; the share of code entries exactly 0; dead units (0 on
every training row, so the code has fewer useful units than ``latent_dim``).

    python benchmarks/sparsity.py --threads 1
    python benchmarks/sparsity.py --quick     # a smoke run
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from _common import (
    command_line,
    machine_info,
    mnist_dir,
    print_table,
    require_images,
    write_result,
)
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

import aekit
from aekit.data.datasets import load_mnist
from aekit.estimators.sparse import AUTO_SPARSITY_WEIGHT

SETTINGS = [
    ("plain", None, None),
    *(("l1", "l1", w) for w in (0.0, 0.01, 0.03, 0.1, 0.3)),
    # dead ReLU units left dead (revive_dead_units=False), as before reviving was the default
    *(("l1 not revived", "l1", w) for w in (0.0, 0.1)),
    *(("kl", "kl", w) for w in (0.0, 0.3, 1.0, 3.0, 10.0)),
]


def datasets(args) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    digits = load_digits().data / 16.0
    found = {"digits": (digits[:1400], digits[1400:])}
    if not args.quick:
        path = mnist_dir(args.data_dir)
        train = load_mnist(path)[0][: args.mnist_train]
        test = load_mnist(path, "test")[0][: args.mnist_test]
        found["MNIST"] = (train, test)
    return found


def measure(model, X_train: np.ndarray, X_test: np.ndarray) -> dict:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a ConvergenceWarning at a short budget
        model.fit(X_train)
    seconds = time.perf_counter() - start
    H_train, H = model.transform(X_train), model.transform(X_test)
    units = H.mean(axis=0)
    return {
        "reconstruction": float(model.reconstruction_error(X_test).mean()),
        "mean_activation": float(H.mean()),
        "unit_min": float(units.min()),
        "unit_max": float(units.max()),
        "exact_zeros": float((H == 0).mean()),
        "dead_units": int((np.abs(H_train).max(axis=0) == 0).sum()),
        "epochs": int(model.n_iter_),
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mnist-train", type=int, default=5000)
    parser.add_argument("--mnist-test", type=int, default=1000)
    parser.add_argument("--mnist-epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="digits only, 5 epochs")
    parser.add_argument("--out", default="benchmarks/results/sparsity.json")
    args = parser.parse_args(argv)
    if not args.quick:  # --quick runs the bundled digits only
        require_images(parser, mnist_dir(args.data_dir))
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)

    results, cells = {}, []
    for name, (X_train, X_test) in datasets(args).items():
        epochs = 5 if args.quick else (100 if name == "digits" else args.mnist_epochs)
        common = dict(max_iter=epochs, random_state=args.seed)
        rows = {}
        for kind, sparsity, weight in SETTINGS:
            if sparsity is None:
                model = aekit.Autoencoder(**common)
                label = "plain Autoencoder"
            else:
                revive = kind != "l1 not revived"
                model = aekit.SparseAutoencoder(
                    sparsity=sparsity, sparsity_weight=weight, revive_dead_units=revive, **common
                )
                auto = " (auto)" if weight == AUTO_SPARSITY_WEIGHT[sparsity] else ""
                label = f"{kind} weight {weight:g}{auto}"
            rows[label] = measure(model, X_train, X_test)
            print(f"{name} {label}: {rows[label]}", flush=True)
        plain = rows["plain Autoencoder"]["reconstruction"]
        for label, r in rows.items():
            r["ratio_to_plain"] = r["reconstruction"] / plain
            cells.append(
                [
                    name,
                    label,
                    f"{r['reconstruction']:.3f}",
                    f"{r['ratio_to_plain']:.2f}",
                    f"{r['mean_activation']:.3f}",
                    f"{r['unit_min']:.3f}..{r['unit_max']:.3f}",
                    f"{r['exact_zeros']:.2f}",
                    str(r["dead_units"]),
                ]
            )
        results[name] = {"train_rows": len(X_train), "test_rows": len(X_test), "rows": rows}
    print_table(
        "SparseAutoencoder: weight vs reconstruction and sparsity (latent 8)",
        ["data", "model", "recon err", "x plain", "mean h", "units", "exact 0", "dead"],
        cells,
    )
    write_result(
        args.out,
        {"command": command_line(argv), "machine": machine_info(), "results": results},
    )


if __name__ == "__main__":
    main()
