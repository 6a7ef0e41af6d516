"""Which score ranks anomalous images: a Bernoulli autoencoder's ``score_samples`` (the pixels'
log-likelihood), its ``reconstruction_error``, ``AnomalyDetector``, PCA's error and kNN.

One class of MNIST or Fashion-MNIST is normal: 2,000 of its training images train every
method; the first 2,000 test images are scored (the other classes are the anomalies). A
convolutional ``Autoencoder`` (16-unit code, batches of 32, ``--epochs``) gives two scores:
``-score_samples``, the negative log-likelihood of the pixels under its Bernoulli decoder, and
``reconstruction_error``, the squared error of its mean image. Beside them, ``AnomalyDetector``
on the flat pixels (:data:`DETECTORS`: the default, and with the pixels as given), PCA's
squared reconstruction error (16 components) and kNN (the mean distance to the 5 nearest
training images). ROC-AUC per case and method.

    python benchmarks/image_anomaly_scores.py --threads 1
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, require_images, write_result
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

import aekit
from aekit.data import load_mnist

CASES = {  # name: (data folder, normal class)
    "MNIST 0": ("mnist", 0),
    "Fashion-MNIST sneaker (7)": ("fashion-mnist", 7),
    "Fashion-MNIST shirt (6)": ("fashion-mnist", 6),
}
N_TRAIN = N_TEST = 2000
# the default detector; its pixels as given (not standardized: a pixel that is nearly always 0
# in the normal class would weigh by its rarity); and with them the recipe for clean training
# rows (the README's anomaly detection)
RECIPE = {"neighbor_space": "input", "part_scale": "tail", "n_estimators": 1}
DETECTORS = {
    "AnomalyDetector": {},
    "pixels as given": {"preprocessing": None},
    "as given, clean recipe": {"preprocessing": None, **RECIPE},
}


def scores(train: np.ndarray, test: np.ndarray, epochs: int) -> dict[str, np.ndarray]:
    """Each method's anomaly score (higher = more anomalous) of the test images."""
    images = dict(train=train.reshape(-1, 1, 28, 28), test=test.reshape(-1, 1, 28, 28))
    ae = aekit.Autoencoder(
        architecture="conv", latent_dim=16, batch_size=32, max_iter=epochs, random_state=0
    ).fit(images["train"])
    pca = PCA(n_components=16, random_state=0).fit(train)
    distances = NearestNeighbors(n_neighbors=5).fit(train).kneighbors(test)[0]
    detectors = {
        name: aekit.AnomalyDetector(random_state=0, **params).fit(train)
        for name, params in DETECTORS.items()
    }
    return {
        "-score_samples": -ae.score_samples(images["test"]),
        "reconstruction_error": ae.reconstruction_error(images["test"]),
        **{name: detector.anomaly_score(test) for name, detector in detectors.items()},
        "PCA error": ((test - pca.inverse_transform(pca.transform(test))) ** 2).sum(axis=1),
        "kNN (mean of 5)": distances.mean(axis=1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/image_anomaly_scores.json")
    args = parser.parse_args(argv)
    require_images(parser, *dict.fromkeys(Path(args.data_dir) / f for f, _ in CASES.values()))
    torch.set_num_threads(args.threads)
    results = {}
    for case, (folder, normal) in CASES.items():
        X, y = load_mnist(Path(args.data_dir) / folder, "train")
        X_test, y_test = load_mnist(Path(args.data_dir) / folder, "test")
        train = X[y == normal][:N_TRAIN].astype(np.float32)
        test, anomalous = X_test[:N_TEST].astype(np.float32), y_test[:N_TEST] != normal
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = scores(train, test, args.epochs)
        results[case] = {m: float(roc_auc_score(anomalous, s)) for m, s in found.items()}
        print(case, results[case], f"{time.perf_counter() - start:.0f} s", flush=True)
    methods = list(next(iter(results.values())))
    print_table(
        f"ROC-AUC, {N_TRAIN} normal training images, {N_TEST} test images",
        ["case", *methods],
        [[case, *(f"{r[m]:.3f}" for m in methods)] for case, r in results.items()],
    )
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "epochs": args.epochs,
            "roc_auc": results,
        },
    )


if __name__ == "__main__":
    main()
