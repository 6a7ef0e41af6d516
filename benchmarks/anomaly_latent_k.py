"""The latent term's k (``n_neighbors``) on the CV's rows of the 25 shared ADBench sets.

A cluster of alike anomalies with more rows than k vouches for itself: near-duplicates making up
5% of the training rows scored below every normal row with the default k, 3% of the rows, and
were ranked first with 10% (``auto_threshold_limits.py``). The CV's grid (``anomaly_cv.py``)
chose k among off, 5, 1% and 3%; this measures larger ones on the same rows (the splits and caps
of ``anomaly.py --cv``, both protocols): ``AnomalyDetector(n_neighbors=k)``, every other
parameter at its default, fitted and scored per run. Printed: mean ROC-AUC and PR-AUC per
protocol, the fit + score seconds summed over the runs, and k picked by the CV's rule (the best
mean ROC-AUC over both protocols on the other groups of sets, 5 groups, 5 draws of the groups:
``anomaly_cv.cross_validate``) measured out of fold.

    python benchmarks/anomaly_latent_k.py --seeds 0 --jobs 2
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from anomaly import all_sets, split
from anomaly_cv import cap_test, cross_validate
from sklearn.metrics import average_precision_score, roc_auc_score

import aekit

KS = (0.03, 0.05, 0.1, 0.2)


def number(text: str) -> float | int:
    """A k as the detector takes it: a count (``5``) or a fraction of the rows (``0.1``)."""
    value = float(text)
    return int(value) if value >= 1 and value.is_integer() else value


def one_run(path, protocol: int, seed: int, ks: tuple[float, ...]) -> dict[float, list[float]]:
    """``{k: [ROC-AUC, PR-AUC, seconds]}`` of one set, protocol and seed."""
    torch.set_num_threads(1)
    data = np.load(path)
    X, y = data["X"].astype(np.float64), data["y"].astype(int)
    max_train, max_test = (5000, 10000) if path.parent.name == "adbench-large" else (10000, 20000)
    X_train, X_test, y_test = split(X, y, protocol, seed, max_train)
    X_test, y_test = cap_test(X_test, y_test, max_test, seed)
    out = {}
    for k in ks:
        started = time.perf_counter()
        detector = aekit.AnomalyDetector(random_state=seed, n_neighbors=k).fit(X_train)
        score = detector.anomaly_score(X_test)
        seconds = time.perf_counter() - started
        out[k] = [roc_auc_score(y_test, score), average_precision_score(y_test, score), seconds]
    return out


def picked_out_of_fold(per_set: dict, ks: tuple[float, ...], draw: int) -> dict:
    """k picked by the CV's leave-group-out (``anomaly_cv.cross_validate``: 5 groups of sets,
    draw ``draw`` of them; the best mean ROC-AUC over both protocols on the other groups),
    measured on each held-out group: mean ROC-AUC and PR-AUC per protocol, and the picks."""
    runs = {n: {k: per_set[n][1][k][:2] + per_set[n][2][k][:2] for k in ks} for n in per_set}
    both = lambda runs, k, sets: np.mean([runs[s][k][0] + runs[s][k][2] for s in sets])  # noqa: E731
    result = cross_validate(runs, list(ks), 5, draw, both)
    held = result["held_out_pick"]
    figures = np.mean([runs[n][held[n]] for n in runs], axis=0).round(4).tolist()
    picks = [fold["picked"] for fold in result["folds"]]
    return {"p1": figures[:2], "p2": figures[2:], "picks": picks}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--ks", type=number, nargs="+", default=list(KS))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/anomaly_latent_k.json")
    args = parser.parse_args(argv)
    sets = all_sets(args.data_dir)
    if not sets:
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    ks = tuple(args.ks)
    tasks = [(n, p, path, s) for n, path in sets for p in (1, 2) for s in args.seeds]
    with ProcessPoolExecutor(args.jobs) as pool:
        done = pool.map(one_run, *zip(*[(path, p, s, ks) for _, p, path, s in tasks]))
        results = list(done)
    per_set: dict = {}  # set -> protocol -> k -> [ROC-AUC, PR-AUC, seconds], mean of the seeds
    for (name, protocol, _, _), run in zip(tasks, results, strict=True):
        for k, figures in run.items():
            per_set.setdefault(name, {}).setdefault(protocol, {}).setdefault(k, []).append(figures)
    for name in per_set:
        for protocol in (1, 2):
            for k, runs in per_set[name][protocol].items():
                mean = np.mean(runs, axis=0).tolist()
                per_set[name][protocol][k] = mean[:2] + [float(np.sum(runs, axis=0)[2])]
    cells = []
    for k in ks:
        row = [f"{k:g}"]
        for protocol in (1, 2):
            figures = np.mean([per_set[n][protocol][k][:2] for n in per_set], axis=0)
            row += [f"{figures[0]:.4f}", f"{figures[1]:.4f}"]
        row.append(f"{sum(per_set[n][p][k][2] for n in per_set for p in (1, 2)):.0f}")
        cells.append(row)
    headers = ["n_neighbors", "P1 ROC-AUC", "P1 PR-AUC", "P2 ROC-AUC", "P2 PR-AUC", "seconds"]
    print_table(f"25 sets, seeds {args.seeds}", headers, cells)
    oof = [picked_out_of_fold(per_set, ks, draw) for draw in range(5)]
    for draw, figures in enumerate(oof):
        print(f"out of fold, draw {draw}: {figures}")
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    keyed = {
        n: {p: {f"{k:g}": v for k, v in d.items()} for p, d in ps.items()}
        for n, ps in per_set.items()
    }
    write_result(args.out, result | {"per_set": keyed, "out_of_fold": oof})
    return result


if __name__ == "__main__":
    main()
