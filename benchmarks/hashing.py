"""Semantic hashing on MNIST: aekit's SemanticHasher against random-projection LSH and PCA-ITQ.

Database = the 60 000 training images, queries = the 10 000 test images, relevant = same label.
For 16, 32 and 64 bits: mAP over the whole database ranked by Hamming distance (ties broken by
database index, smaller first) and precision@100, plus query throughput of aekit's HammingIndex
(queries/s for k=100 over the whole database, single-threaded). Bar: aekit's mAP at 32 bits is
at least 1.2x PCA-ITQ's.

    python benchmarks/hashing.py [--data-dir ../shared/data] [--quick]
"""

from __future__ import annotations

import argparse
import time

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

from aekit.data.datasets import load_mnist
from aekit.hashing import SemanticHasher, hamming_distances, pack_codes
from aekit.hashing.index import HammingIndex


def lsh_codes(X_db: np.ndarray, X_q: np.ndarray, n_bits: int, seed: int):
    """Random-projection LSH (Charikar 2002): signs of Gaussian projections of centred data."""
    mean = X_db.mean(axis=0)
    W = np.random.default_rng(seed).standard_normal((X_db.shape[1], n_bits))
    return ((X_db - mean) @ W > 0).astype(np.uint8), ((X_q - mean) @ W > 0).astype(np.uint8)


def itq_codes(X_db: np.ndarray, X_q: np.ndarray, n_bits: int, seed: int, n_iter: int = 50):
    """PCA-ITQ (Gong & Lazebnik 2011): PCA to n_bits, then alternate B = sign(V R) and the
    orthogonal Procrustes rotation R = U W^T from svd(V^T B) = U S W^T (their eq. 3-4)."""
    mean = X_db.mean(axis=0)
    centred = X_db - mean
    _, _, components = np.linalg.svd(centred[:: max(1, len(centred) // 20000)], full_matrices=False)
    P = components[:n_bits].T
    V = centred @ P
    R, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n_bits, n_bits)))
    for _ in range(n_iter):
        B = np.where(V @ R >= 0, 1.0, -1.0)
        U, _, Wt = np.linalg.svd(V.T @ B)
        R = U @ Wt
    project = P @ R
    return ((centred @ project) >= 0).astype(np.uint8), ((X_q - mean) @ project >= 0).astype(
        np.uint8
    )


def map_and_precision(codes_db, codes_q, y_db, y_q, at: int = 100, batch: int = 100):
    """mAP over the whole database ranked by Hamming distance (ties by index) and precision@at."""
    packed_db, packed_q = pack_codes(codes_db), pack_codes(codes_q)
    ranks = np.arange(1, len(codes_db) + 1)
    aps, precisions = [], []
    for start in range(0, len(codes_q), batch):
        distances = hamming_distances(packed_q[start : start + batch], packed_db)
        order = np.argsort(distances.astype(np.uint16), axis=1, kind="stable")  # radix sort
        relevant = y_db[order] == y_q[start : start + batch, None]
        hits = np.cumsum(relevant, axis=1)
        aps.append((relevant * hits / ranks).sum(axis=1) / np.maximum(relevant.sum(axis=1), 1))
        precisions.append(relevant[:, :at].mean(axis=1))
    return float(np.concatenate(aps).mean()), float(np.concatenate(precisions).mean())


def query_throughput(codes_db: np.ndarray, codes_q: np.ndarray, k: int = 100) -> float:
    index = HammingIndex(codes_db)
    started = time.perf_counter()
    index.query_codes(codes_q, k)
    return len(codes_q) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--bits", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--similarity-weight", type=float, default=300.0)
    parser.add_argument("--temperature", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    parser.add_argument("--quick", action="store_true", help="10k database, 1k queries, 3 epochs")
    parser.add_argument("--out", default="benchmarks/results/hashing.json")
    args = parser.parse_args(argv)
    require_images(parser, mnist_dir(args.data_dir))
    torch.set_num_threads(args.threads)
    started = time.perf_counter()

    X_db, y_db = load_mnist(mnist_dir(args.data_dir), "train")
    X_q, y_q = load_mnist(mnist_dir(args.data_dir), "test")
    epochs = args.epochs
    if args.quick:
        X_db, y_db, X_q, y_q, epochs = X_db[:10000], y_db[:10000], X_q[:1000], y_q[:1000], 3

    rows, results = [], []
    for n_bits in args.bits:
        for seed in args.seeds:
            fit_started = time.perf_counter()
            hasher = SemanticHasher(
                n_bits,
                similarity_weight=args.similarity_weight,
                temperature=args.temperature,
                hidden_layer_sizes=tuple(args.hidden),
                max_iter=epochs,
                batch_size=args.batch_size,
                random_state=seed,
                device="cpu",
            ).fit(X_db)
            fit_seconds = time.perf_counter() - fit_started
            methods = {
                "aekit SemanticHasher": (hasher.transform(X_db), hasher.transform(X_q)),
                "PCA-ITQ": itq_codes(X_db, X_q, n_bits, seed),
                "LSH": lsh_codes(X_db, X_q, n_bits, seed),
            }
            for name, (codes_db, codes_q) in methods.items():
                mean_ap, precision = map_and_precision(codes_db, codes_q, y_db, y_q)
                qps = query_throughput(codes_db, codes_q)
                results.append(
                    {
                        "method": name,
                        "n_bits": n_bits,
                        "seed": seed,
                        "mAP": mean_ap,
                        "precision@100": precision,
                        "queries_per_s": qps,
                        "fit_seconds": fit_seconds if name.startswith("aekit") else None,
                    }
                )
                rows.append(
                    [
                        name,
                        str(n_bits),
                        str(seed),
                        f"{mean_ap:.4f}",
                        f"{precision:.4f}",
                        f"{qps:,.0f}",
                    ]
                )
                print("  " + "  ".join(rows[-1]), flush=True)  # progress; the table follows

    print_table(
        f"MNIST hashing: {len(X_db)} database rows, {len(X_q)} queries",
        ["method", "bits", "seed", "mAP", "P@100", "queries/s (k=100)"],
        rows,
    )
    ratios = {}
    for n_bits in args.bits:
        ours = np.mean(
            [r["mAP"] for r in results if r["n_bits"] == n_bits and "aekit" in r["method"]]
        )
        itq = np.mean(
            [r["mAP"] for r in results if r["n_bits"] == n_bits and r["method"] == "PCA-ITQ"]
        )
        ratios[n_bits] = float(ours / itq)
        print(f"{n_bits} bits: aekit mAP / PCA-ITQ mAP = {ratios[n_bits]:.2f}")
    wall = time.perf_counter() - started
    print(f"wall time {wall:.0f} s")
    result = {
        "benchmark": "hashing",
        "command": command_line(argv),
        "settings": {**vars(args), "epochs_used": epochs},
        "n_database": len(X_db),
        "n_queries": len(X_q),
        "ties": "broken by database index (smaller first)",
        "results": results,
        "map_ratio_vs_itq": ratios,
        "bar_32_bits_met": bool(ratios.get(32, 0) >= 1.2),
        "wall_seconds": wall,
        "machine": machine_info(),
    }
    write_result(args.out, result)
    return result


if __name__ == "__main__":
    main()
