"""A map in 2-D of Fashion-MNIST: PCA, an autoencoder's 2-unit code and t-SNE, judged by how
well each keeps the images' neighbourhoods (trustworthiness at 10 neighbours) and how well a
5-nearest-neighbour classifier reads the classes off the points (5-fold accuracy).

    python benchmarks/maps_2d.py --data-dir ../shared/data [--rows 1500] [--seed 0]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from _common import print_table, require_images, write_run
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

import aekit
from aekit.data import load_mnist


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/maps_2d.json")
    args = parser.parse_args(argv)
    require_images(parser, Path(args.data_dir) / "fashion-mnist")
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    X, y = load_mnist(Path(args.data_dir) / "fashion-mnist", "train")
    X, y = X[: args.rows], y[: args.rows]
    methods = {
        "PCA": lambda: PCA(2, random_state=args.seed),
        "Autoencoder(latent_dim=2, max_iter=30)": lambda: aekit.Autoencoder(
            latent_dim=2, max_iter=30, random_state=args.seed
        ),
        "TSNE": lambda: TSNE(2, random_state=args.seed),
    }
    rows = []
    for name, make in methods.items():
        begun = time.perf_counter()
        Z = make().fit_transform(X)
        seconds = time.perf_counter() - begun
        accuracy = cross_val_score(KNeighborsClassifier(5), Z, y, cv=5).mean()
        kept = trustworthiness(X, Z, n_neighbors=10)
        rows.append(
            {"method": name, "trustworthiness": kept, "knn5_accuracy": accuracy, "s": seconds}
        )
    print_table(
        f"2-D maps of {args.rows} Fashion-MNIST images (seed {args.seed})",
        ["method", "trustworthiness", "5-NN accuracy", "fit s"],
        [
            [
                r["method"],
                f"{r['trustworthiness']:.3f}",
                f"{r['knn5_accuracy']:.3f}",
                f"{r['s']:.1f}",
            ]
            for r in rows
        ],
    )
    return write_run("maps_2d", argv, args, started, results=rows)


if __name__ == "__main__":
    main()
