"""How far the input term's weight (``AnomalyDetector(input_weight=...)``) moves the detector
towards kNN on clean training rows, and what it costs on contaminated ones.

On the cross-validation's cached runs (``anomaly.py --cv``, every seed given): the
denoising-with-trim members of the grid, 1 or 3 of them, every latent term, the input terms
mean-of-3, 3rd, mean-of-5 and 3% of the rows, both scales, error weights 0.25 / 0.5 / 1 and input
weights 1, 1.5, 2, 3, 4. Two rules pick a configuration, leave-group-out as in the CV:

- ``mean``: the CV's own rule, the best mean ROC-AUC over both protocols (the defaults' rule);
- ``goals``: the one closest to every goal of issue #16 at once, the largest of the smallest of
  four margins: protocol 1 ROC-AUC over kNN's + 0.01, protocol 1 PR-AUC over kNN's, protocol 2
  ROC-AUC over the best of IsolationForest's and kNN's + 0.01, protocol 2 PR-AUC over kNN's.

    python benchmarks/anomaly.py --cv --seeds 0 1 2 --cv-cache C   # makes the cache (once)
    python benchmarks/anomaly_input_weight.py --cv-cache C --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from _common import command_line, machine_info, print_table, write_result

INPUT_WEIGHTS = (1.0, 1.5, 2.0, 3.0, 4.0)
LATENT = ("off", 5, 0.01, 0.03)
INPUT_TERMS = (("mean", 3), ("kth", 3), ("mean", 5), ("kth", 0.03))
# AnomalyDetector(neighbor_space="input", part_scale="tail", n_estimators=1), the README's recipe
# for training rows known to be normal
CLEAN_RECIPE = ("dae_trim", 1, "off", ("mean", 3), "tail", 0.25, 1.0)
FIGURES = (("p1", "roc_auc"), ("p1", "pr_auc"), ("p2", "roc_auc"), ("p2", "pr_auc"))


def candidates() -> list[tuple]:
    out = []
    for m in (1, 3):
        for k_latent in LATENT:
            for term in INPUT_TERMS:
                for scaler in ("iqr", "tail"):
                    for weight in (0.25, 0.5, 1.0):
                        out += [
                            ("dae_trim", m, k_latent, term, scaler, weight, w)
                            for w in INPUT_WEIGHTS
                        ]
    return out


def collect(cache: Path, seeds: list[int]) -> dict:
    """``runs[set][protocol][seed] = {candidate: metrics}`` from the cached parts."""
    from anomaly_cv import ENCODING, _metrics, candidate_name, candidate_score

    pool = candidates()
    runs: dict = {}
    files = sorted(cache.glob(f"*_p[12]_s*_t*_{ENCODING}.npz"))
    for file in files:
        name, protocol, seed = re.match(r"(.*)_p(\d)_s(\d+)_t", file.name).groups()
        if int(seed) not in seeds:
            continue
        with np.load(file) as stored:
            parts = {k: stored[k] for k in stored.files}
        y = parts["y_test"]
        figures = {candidate_name(c): _metrics(y, candidate_score(parts, c)[0], 0.0) for c in pool}
        for baseline in ("knn", "iforest"):
            figures[baseline] = _metrics(y, parts[f"baseline/{baseline}"], 0.0)
        runs.setdefault(name, {}).setdefault(int(protocol), {})[int(seed)] = figures
        print(f"  {name} p{protocol} s{seed}", flush=True)
    if not runs:
        raise SystemExit(f"no cached runs in {cache}: run anomaly.py --cv --cv-cache first")
    return runs


def mean_figures(runs: dict, method: str, names) -> dict:
    from anomaly_cv import per_set_means

    out = {}
    for p, key in FIGURES:
        per_set = per_set_means(runs, method, int(p[1]), key)
        out[f"{p}_{key}"] = float(np.mean([per_set[n] for n in names]))
    return out


def goal_margins(runs: dict, method: str, names) -> list[float]:
    """The four margins of issue #16's goal (negative: short of it) on the sets ``names``."""
    own, knn = mean_figures(runs, method, names), mean_figures(runs, "knn", names)
    forest = mean_figures(runs, "iforest", names)
    return [
        own["p1_roc_auc"] - knn["p1_roc_auc"] - 0.01,
        own["p1_pr_auc"] - knn["p1_pr_auc"],
        own["p2_roc_auc"] - max(forest["p2_roc_auc"], knn["p2_roc_auc"]) - 0.01,
        own["p2_pr_auc"] - knn["p2_pr_auc"],
    ]


def summarize(runs: dict) -> dict:
    from anomaly_cv import candidate_name, cross_validate, objective, out_of_fold

    names = sorted(runs)
    pool = [candidate_name(c) for c in candidates()]
    rules = {"mean": objective, "goals": lambda r, m, sets: min(goal_margins(r, m, sets))}
    table, out = [], {}
    for label, rule in rules.items():
        in_sample = max(pool, key=lambda m: rule(runs, m, names))
        cv = cross_validate(runs, pool, 5, seed=0, rule=rule)
        held = cv["held_out_pick"]
        oof = {
            f"{p}_{key}": float(np.mean(list(out_of_fold(runs, held, int(p[1]), key).values())))
            for p, key in FIGURES
        }
        rows = {f"{label}: in-sample pick {in_sample}": mean_figures(runs, in_sample, names)}
        rows[f"{label}: out of fold"] = oof
        for row, figures in rows.items():
            table.append([row, *(f"{figures[f'{p}_{k}']:.4f}" for p, k in FIGURES)])
        out[label] = {"in_sample_pick": in_sample, "in_sample": rows, "out_of_fold": oof}
        out[label]["folds"] = cv["folds"]
        out[label]["margins_in_sample"] = goal_margins(runs, in_sample, names)
    rows = [("dae_trim", 3, 0.03, ("mean", 3), "iqr", 0.25, w) for w in INPUT_WEIGHTS]
    rows.append(CLEAN_RECIPE)
    for c in rows:  # the defaults with each input weight, and the README's clean-rows recipe
        method = candidate_name(c)
        out[method] = mean_figures(runs, method, names)
        table.append([method, *(f"{out[method][f'{p}_{k}']:.4f}" for p, k in FIGURES)])
    for baseline in ("knn", "iforest"):
        out[baseline] = mean_figures(runs, baseline, names)
        table.append([baseline, *(f"{out[baseline][f'{p}_{k}']:.4f}" for p, k in FIGURES)])
    headers = ["configuration", "P1 ROC-AUC", "P1 PR-AUC", "P2 ROC-AUC", "P2 PR-AUC"]
    print_table(f"Input term weight, {len(names)} sets", headers, table)
    for label in rules:
        for fold in out[label]["folds"]:
            print(f"{label}: fold {fold['held_out']} picked {fold['picked']}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv-cache", default="benchmarks/results/anomaly_cv_runs")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", default="benchmarks/results/anomaly_input_weight.json")
    args = parser.parse_args(argv)
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    result |= summarize(collect(Path(args.cv_cache), args.seeds))
    write_result(args.out, result)


if __name__ == "__main__":
    main()
