"""Categorical columns that arrive as dummies: the detector that finds them against the one that
standardizes them, on the shared ADBench sets that hold them.

Every shared set (16 classical + 9 large) is scanned for one-hot groups the way the detector
finds them (``TabularEncoder(detect_one_hot=True)`` on its rows); on each set that has some,
``AnomalyDetector()`` (groups found, modelled as categorical columns) and
``AnomalyDetector(preprocessing="standardize")`` (every number standardized, the behaviour before)
are fitted and scored with the cross-validation's protocols, caps and seeds, beside kNN.

    python benchmarks/anomaly_dummies.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit
from aekit.data.tabular import TabularEncoder

METHODS = {"groups found (default)": {}, "standardized": {"preprocessing": "standardize"}}


def dummy_groups(X: np.ndarray) -> list[int]:
    """The sizes of the one-hot groups among X's columns."""
    encoder = TabularEncoder(detect_one_hot=True).fit(X)
    return [stop - start for start, stop in encoder.one_hot_groups_]


def run_set(X, y, large: bool, seeds: list[int]) -> dict:
    from anomaly import split
    from anomaly_baselines import BASELINES
    from anomaly_cv import _roc_ap, _run_rows

    caps = (5000, 10000) if large else (10000, 20000)  # the CV's caps
    out: dict = {}
    for protocol in (1, 2):
        for seed in seeds:
            X_train, X_test, y_test = _run_rows(X, y, protocol, seed, caps, split)
            for label, params in METHODS.items():
                started = time.perf_counter()
                detector = aekit.AnomalyDetector(random_state=seed, **params).fit(X_train)
                figures = _roc_ap(y_test, detector.anomaly_score(X_test))
                runs = out.setdefault(f"p{protocol}", {}).setdefault(label, [])
                runs.append([*figures, time.perf_counter() - started])
            knn = _roc_ap(y_test, BASELINES["knn"](X_train, X_test, seed))
            out[f"p{protocol}"].setdefault("kNN", []).append([*knn, 0.0])
    return {p: {m: np.mean(v, axis=0).tolist() for m, v in by.items()} for p, by in out.items()}


def main(argv: list[str] | None = None) -> None:
    from anomaly import all_sets

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/anomaly_dummies.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    sets = all_sets(args.data_dir)
    if not sets:
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    result["groups"], result["sets"], table = {}, {}, []
    for name, path in sets:
        loaded = np.load(path)
        X, y = loaded["X"].astype(np.float64), loaded["y"].astype(int)
        result["groups"][name] = groups = dummy_groups(X)
        print(f"{name}: {len(groups)} one-hot groups {groups}", flush=True)
        if groups:
            figures = run_set(X, y, path.parent.name == "adbench-large", args.seeds)
            result["sets"][name] = figures
            for method in figures["p1"]:
                cells = [f"{figures[p][method][i]:.3f}" for p in ("p1", "p2") for i in (0, 1)]
                table.append([name, method, *cells])
    headers = ["set", "method", "P1 ROC-AUC", "P1 PR-AUC", "P2 ROC-AUC", "P2 PR-AUC"]
    print_table(f"Sets holding dummies, seeds {args.seeds}", headers, table)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
