"""Time, side by side, on tables shaped like the ADBench sets the project does not hold.

Issue #16 measures the detector's time on 18 ADBench classical sets kept out of the project
(total fit + score seconds against PyOD's AutoEncoder, same runs). Time depends on a table's
shape far more than on its values, so this script times every method on synthetic tables with
the published shape (rows, columns, anomaly rate; ADBench's dataset list) of each of the 19
ADBench classical sets under 10,000 rows that are not among the 25 shared ones: the 18 unseen
sets are among them (the issue's kNN total, 1.1 s for 54 runs, rules out the three of
95,000-300,000 rows). The runs are those of ``anomaly.py`` (its ``split``: both protocols,
training rows capped at ``--max-train``, one thread), so the seconds compare with its tables.

The tables are Gaussian: normal rows on a random 5-dimensional plane plus noise, anomalies
off it. Their ROC-AUCs say nothing about real data and are not reported.

    python benchmarks/anomaly_shapes.py                    # 19 shapes x 2 protocols x 3 seeds
    python benchmarks/anomaly_shapes.py --seeds 0 --methods aekit pyod_ae
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from anomaly import ALL_METHODS, split
from anomaly_baselines import require_pyod

# (rows, columns, anomaly fraction) from ADBench's dataset list, for its classical sets of under
# 10,000 rows not in ../shared/data (the shared ones: adbench-classical/ and adbench-large/).
SHAPES = {
    "7_Cardiotocography": (2114, 21, 0.2204),
    "12_fault": (1941, 27, 0.3467),
    "14_glass": (214, 7, 0.0421),
    "15_Hepatitis": (80, 19, 0.1625),
    "17_InternetAds": (1966, 1555, 0.1872),
    "19_landsat": (6435, 36, 0.2071),
    "21_Lymphography": (148, 18, 0.0405),
    "24_mnist": (7603, 100, 0.0921),
    "27_PageBlocks": (5393, 10, 0.0946),
    "35_SpamBase": (4207, 57, 0.3991),
    "36_speech": (3686, 400, 0.0165),
    "37_Stamps": (340, 9, 0.0912),
    "39_vertebral": (240, 6, 0.125),
    "41_Waveform": (3443, 21, 0.029),
    "43_WDBC": (367, 30, 0.0272),
    "44_Wilt": (4819, 5, 0.0533),
    "45_wine": (129, 13, 0.0775),
    "46_WPBC": (198, 33, 0.2374),
    "47_yeast": (1484, 8, 0.3416),
}


def synthetic_table(rows: int, columns: int, anomaly_fraction: float, seed: int):
    """Normal rows on a random plane of up to 5 dimensions plus noise; anomalies (at least 2)
    drawn off it, with noise 3 times as large."""
    rng = np.random.RandomState(seed)
    n_anomalies = max(2, round(rows * anomaly_fraction))
    plane = rng.normal(size=(min(5, columns), columns))
    X = rng.normal(size=(rows, plane.shape[0])) @ plane + 0.3 * rng.normal(size=(rows, columns))
    X[:n_anomalies] += 0.9 * rng.normal(size=(n_anomalies, columns))
    y = np.zeros(rows, dtype=int)
    y[:n_anomalies] = 1
    return X, y


def warm_up(methods: list[str], table: dict = ALL_METHODS) -> None:
    """Run each method of ``table`` once on a small table, untimed: a first call's imports and
    set-up (seconds for PyOD) would otherwise be charged to whichever shape comes first."""
    X, y = synthetic_table(200, 4, 0.1, seed=0)
    for method in methods:
        table[method](X[:150], X[150:], 0)


def time_shapes(args) -> dict:
    """``seconds[protocol][shape][method]``: fit + score seconds summed over the seeds."""
    warm_up(args.methods)
    seconds: dict = {}
    for protocol in (1, 2):
        for name in args.shapes:
            X, y = synthetic_table(*SHAPES[name], seed=0)
            row = seconds.setdefault(f"protocol_{protocol}", {}).setdefault(name, {})
            for seed in args.seeds:
                X_train, X_test, _ = split(X, y, protocol, seed, args.max_train)
                for method in args.methods:
                    started = time.perf_counter()
                    ALL_METHODS[method](X_train, X_test, seed)
                    row[method] = row.get(method, 0.0) + time.perf_counter() - started
            line = " ".join(f"{m}={s:.2f}" for m, s in row.items())
            print(f"protocol {protocol} {name} ({len(X_train)} training rows): {line}", flush=True)
    return seconds


def totals(seconds: dict, methods: list[str]) -> dict:
    """Each method's seconds summed over the shapes, per protocol and over both."""
    out = {
        protocol: {m: sum(r[m] for r in per_shape.values()) for m in methods}
        for protocol, per_shape in seconds.items()
    }
    out["both"] = {m: sum(out[p][m] for p in seconds) for m in methods}
    return out


def print_summary(seconds: dict, summed: dict, methods: list[str], n_seeds: int) -> None:
    ratio = "pyod_ae" in methods and "aekit" in methods
    headers = ["shape (rows x columns)", *methods, *(["aekit / pyod_ae"] if ratio else [])]
    cells = []
    for name in next(iter(seconds.values())):
        rows, columns, _ = SHAPES[name]
        both = {m: sum(seconds[p][name][m] for p in seconds) for m in methods}
        cells.append(
            [f"{name} ({rows} x {columns})", *(f"{both[m]:.1f}" for m in methods)]
            + ([f"{both['aekit'] / both['pyod_ae']:.1f}x"] if ratio else [])
        )
    for key, total in summed.items():
        cells.append(
            [f"total, {key.replace('_', ' ')}", *(f"{total[m]:.1f}" for m in methods)]
            + ([f"{total['aekit'] / total['pyod_ae']:.2f}x"] if ratio else [])
        )
    title = f"fit + score seconds, both protocols, {n_seeds} seed(s) each"
    print_table(title, headers, cells)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-train", type=int, default=10000)
    parser.add_argument(
        "--methods", nargs="+", default=["aekit", "pyod_ae", "iforest", "knn"],
        choices=list(ALL_METHODS),
    )  # fmt: skip
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--out", default="benchmarks/results/anomaly_shapes.json")
    args = parser.parse_args(argv)
    require_pyod(parser, args.methods)
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    result["seconds"] = time_shapes(args)
    result["totals"] = totals(result["seconds"], args.methods)
    result["wall_s"] = time.perf_counter() - started
    print_summary(result["seconds"], result["totals"], args.methods, len(args.seeds))
    write_result(args.out, result)


if __name__ == "__main__":
    main()
