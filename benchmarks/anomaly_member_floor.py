"""The members' floor of gradient steps, measured: ``AnomalyDetector()`` with the floor at
200 (the default, ``aekit.anomaly.members.member_epochs``), 100 and 50 steps.

The floor is what makes the detector cost several times PyOD's AutoEncoder on tables of a few
hundred rows (``anomaly_shapes.py``); a lower floor is faster there, and this script measures
what it costs. The runs are the CV's (``anomaly.py --cv``: the 25 shared sets, both protocols,
seeds 0-2) with the training rows subsampled to 150 and to 500 (test rows capped at 2,000 per
run, per class), plus the CV's own capped runs that the floor changes at full size (those
where another floor gives the members another number of epochs: under 769 training rows for
200 steps). Each floor is then chosen by the CV's rule (mean ROC-AUC over both protocols,
leave-group-out over 5 groups of sets).

    python benchmarks/anomaly_member_floor.py                # about 6 minutes
    python benchmarks/anomaly_member_floor.py --floors 200 25 --sizes 150
"""

from __future__ import annotations

import argparse
import functools
import time

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from anomaly import all_sets, split
from anomaly_cv import _metrics, _run_rows, cross_validate

import aekit
import aekit.anomaly.members as members

DEFAULT_RULE = members.member_epochs


def floor_changes(n_rows: int, floors: list[int]) -> bool:
    """Whether the floors give the members of a detector fitted on ``n_rows`` different
    numbers of epochs (else its runs are the same detector whatever the floor)."""
    batch = min(members.MEMBER_BATCH, n_rows)
    return len({DEFAULT_RULE(n_rows, batch, min_steps=floor) for floor in floors}) > 1


def caps(size: str, large: bool) -> tuple[int, int]:
    """(training rows, test rows) of a run: the small sizes, or the CV's own caps."""
    if size != "full":
        return int(size), 2000
    return (5000, 10000) if large else (10000, 20000)


def collect(args) -> dict:
    """``runs[size][set][protocol][seed] = {"floor<N>": metrics}``."""
    runs: dict = {}
    try:
        for size in args.sizes:
            for name, path in all_sets(args.data_dir):
                data = np.load(path)
                X, y = data["X"].astype(np.float64), data["y"].astype(int)
                large = path.parent.name == "adbench-large"
                for protocol in (1, 2):
                    for seed in args.seeds:
                        X_train, X_test, y_test = _run_rows(
                            X, y, protocol, seed, caps(size, large), split
                        )
                        if size == "full" and not floor_changes(len(X_train), args.floors):
                            continue
                        run = runs.setdefault(size, {}).setdefault(name, {})
                        run = run.setdefault(protocol, {}).setdefault(seed, {})
                        for floor in args.floors:
                            members.member_epochs = functools.partial(DEFAULT_RULE, min_steps=floor)
                            started = time.perf_counter()
                            detector = aekit.AnomalyDetector(random_state=seed).fit(X_train)
                            score = detector.anomaly_score(X_test)
                            seconds = time.perf_counter() - started
                            run[f"floor{floor}"] = _metrics(y_test, score, seconds)
                print(f"{size} rows: {name}", flush=True)
    finally:
        members.member_epochs = DEFAULT_RULE
    return runs


def summarize(runs: dict, floors: list[int], seed: int) -> dict:
    """Per size and floor: mean ROC-AUC and PR-AUC per protocol, seconds; the CV's picks."""
    summary: dict = {}
    for size, by_set in runs.items():
        entry = summary[size] = {
            "sets": [sum(protocol in by_p for by_p in by_set.values()) for protocol in (1, 2)]
        }
        for floor in floors:
            method, figures = f"floor{floor}", {}
            for protocol in (1, 2):
                for key in ("roc_auc", "pr_auc"):
                    per_set = [
                        np.mean([r[method][key] for r in by_p[protocol].values()])
                        for by_p in by_set.values()
                        if protocol in by_p
                    ]
                    figures[f"p{protocol}_{key}"] = float(np.mean(per_set))
            figures["s"] = sum(
                r[method]["s"]
                for by_p in by_set.values()
                for by_seed in by_p.values()
                for r in by_seed.values()
            )
            entry[method] = figures
        # the CV's rule needs both protocols of every set: at full size some sets have only one
        # run the floor changes (protocol 1 trains on half the normal rows)
        entry["fold_picks"] = None
        if all(len(by_p) == 2 for by_p in by_set.values()):
            pool = [f"floor{f}" for f in floors]
            folds = cross_validate(by_set, pool, 5, seed)["folds"]
            entry["fold_picks"] = [fold["picked"] for fold in folds]
    return summary


def print_summary(summary: dict, floors: list[int]) -> None:
    cells = []
    for size, entry in summary.items():
        picks = entry["fold_picks"]
        for floor in floors:
            f = entry[f"floor{floor}"]
            cells.append(
                [
                    f"{size} ({' / '.join(map(str, entry['sets']))} sets)",
                    str(floor),
                    f"{f['p1_roc_auc']:.4f} / {f['p1_pr_auc']:.4f}",
                    f"{f['p2_roc_auc']:.4f} / {f['p2_pr_auc']:.4f}",
                    f"{f['s']:.0f}",
                    f"{picks.count(f'floor{floor}')} of {len(picks)}" if picks else "-",
                ]
            )
    headers = ["training rows", "floor", "P1 ROC / PR", "P2 ROC / PR", "s", "folds' pick"]
    print_table("AnomalyDetector() by the members' floor of steps", headers, cells)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--floors", type=int, nargs="+", default=[200, 100, 50])
    parser.add_argument("--sizes", nargs="+", default=["150", "500", "full"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/anomaly_member_floor.json")
    args = parser.parse_args(argv)
    if any(not (size == "full" or size.isdigit() and int(size) > 1) for size in args.sizes):
        parser.error(f"--sizes {' '.join(args.sizes)}: each a number of training rows, or full")
    if not all_sets(args.data_dir):
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    result["runs"] = runs = collect(args)
    write_result(args.out, result)  # the runs are kept should the summary fail
    result["summary"] = summarize(runs, args.floors, seed=0)
    result["wall_s"] = time.perf_counter() - started
    print_summary(result["summary"], args.floors)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
