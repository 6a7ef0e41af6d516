"""Can the training rows alone tell clean ones (protocol 1) from contaminated ones (protocol 2)?

The detector's defaults trade the protocols against each other: the scorer that serves clean
training rows best (the input term, the mean distance to the 3 nearest training rows) is far
below kNN when anomalies are among them, and the one that survives contamination (the mean
distance to the k = 3% nearest, which the latent term uses in the code's space) costs clean
rows. A detector that could tell which case it is in from its training rows could switch
between them. This script measures whether it can: on the CV's rows (``anomaly.py --cv``: the
25 shared sets, both protocols, the same splits and caps, the detector's preprocessing; no
network trained), each run's training rows give a few statistics a switch could read, with
no labels:

- ``top agree (subsampled)`` / ``top agree (3%)``: the share of the 5% of training rows that
  score highest by the term (each row measured without itself) that also score in the top 5%
  by subsampled kNN / by the k = 3% distance (clusters of training anomalies vouch for
  themselves at k = 3, not over larger neighbourhoods or small subsets);
- ``rank corr. (3%)`` / ``rank corr. (subsampled)``: Spearman's correlation of those scores;
- ``far by 3% (3 IQR)`` / ``far by term (3 IQR)``: the share of training rows beyond the median
  plus 3 interquartile ranges of their own k = 3% distances / term (a contamination estimate);
- ``tail (3%)``: the 99th percentile's distance from the median over the upper quartile's;
- ``3% over term, top``: the k = 3% distance over the term's, on the 5% of rows highest by the
  first, against all rows (anomaly clusters: close at k = 3, far at k = 3%);
- ``rows``, ``columns``: the table's shape.

For each statistic: how well it tells the protocols apart (ROC-AUC of the statistic between the
runs of protocol 1 and 2, 0.5 = not at all), and a switch between the term and the k = 3%
distance (``subsampled``: and subsampled kNN) at a threshold chosen leave-one-set-out (on the
runs of the other 24 sets, both protocols, the threshold and side with the best mean ROC-AUC),
scored on the held-out set's runs: mean ROC-AUC per protocol, beside each scorer alone and each
in the protocol it serves, as if the protocol were known.

    python benchmarks/anomaly_contamination_switch.py             # 3 seeds, about 5 minutes
    python benchmarks/anomaly_contamination_switch.py --seeds 0
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import command_line, machine_info, print_table, write_result
from anomaly import all_sets
from anomaly_input_scorers import run_rows, subsampled_knn
from scipy.stats import spearmanr
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors

SCORERS = ("term (3 nearest)", "3% nearest", "subsampled kNN", "kNN (k = 5)")
TOP = 0.05  # the share of training rows whose agreement is measured


def top_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the TOP rows highest by ``a`` that are also among the TOP highest by ``b``."""
    count = max(1, int(TOP * len(a)))
    return len(set(np.argsort(-a)[:count]) & set(np.argsort(-b)[:count])) / count


def far_share(values: np.ndarray) -> float:
    """The share of ``values`` beyond their median plus 3 interquartile ranges."""
    q25, q50, q75 = np.quantile(values, [0.25, 0.5, 0.75])
    return float(np.mean(values > q50 + 3 * (q75 - q25)))


def one_run(A: np.ndarray, B: np.ndarray, seed: int) -> tuple[dict, dict]:
    """The statistics of the training rows ``A`` and each scorer's scores of the test rows."""
    n = len(A)
    k = int(min(max(10, 0.03 * n), 200))  # the latent term's 3%, bounded as the detector's
    index = NearestNeighbors(n_neighbors=min(k + 1, n)).fit(A)
    own = index.kneighbors(A)[0][:, 1:]  # a training row's without itself
    new = index.kneighbors(B, n_neighbors=min(k, n))[0]
    term, wide = own[:, :3].mean(axis=1), own.mean(axis=1)
    sub_own, sub_new = subsampled_knn(A, B, seed)
    ratio = wide / np.maximum(term, 1e-12)
    top = np.argsort(-wide)[: max(1, int(TOP * n))]
    q50, q75, q99 = np.quantile(wide, [0.5, 0.75, 0.99])
    stats = {
        "top agree (subsampled)": top_agreement(term, sub_own),
        "top agree (3%)": top_agreement(term, wide),
        "rank corr. (3%)": float(spearmanr(term, wide).correlation),
        "rank corr. (subsampled)": float(spearmanr(term, sub_own).correlation),
        "far by 3% (3 IQR)": far_share(wide),
        "far by term (3 IQR)": far_share(term),
        "tail (3%)": float((q99 - q50) / max(q75 - q50, 1e-12)),
        "3% over term, top": float(ratio[top].mean() / ratio.mean()),
        "rows": float(n),
        "columns": float(A.shape[1]),
    }
    scores = {"term (3 nearest)": new[:, :3].mean(axis=1), "3% nearest": new.mean(axis=1)}
    return stats, scores | {"subsampled kNN": sub_new}


def collect(data_dir: str, seeds: list[int]) -> list[dict]:
    runs, started = [], time.perf_counter()
    for name, path in all_sets(data_dir):
        for protocol in (1, 2):
            for seed in seeds:
                A, B, y, knn = run_rows(path, protocol, seed, path.parent.name == "adbench-large")
                stats, scores = one_run(A, B, seed)
                scores["kNN (k = 5)"] = knn
                figures = {
                    m: (roc_auc_score(y, s), average_precision_score(y, s))
                    for m, s in scores.items()
                }
                runs.append(dict(set=name, protocol=protocol, seed=seed, stats=stats, fig=figures))
        print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    return runs


def protocol_means(runs: list[dict], pick) -> dict[int, float]:
    """Mean ROC-AUC per protocol (over the sets, of each set's mean over its seeds) of the
    scorer ``pick(run)`` chooses for each run."""
    sets = sorted({r["set"] for r in runs})
    return {
        p: float(np.mean([
            np.mean([r["fig"][pick(r)][0] for r in runs if r["set"] == s and r["protocol"] == p])
            for s in sets
        ]))
        for p in (1, 2)
    }  # fmt: skip


def switch_out_of_fold(runs: list[dict], stat: str, clean: str, dirty: str) -> dict[int, float]:
    """The switch on ``stat`` (``dirty`` scorer on one side of a threshold, ``clean`` on the
    other), its threshold and side chosen on the other sets' runs, for each held-out set."""
    picks = {}
    for held in sorted({r["set"] for r in runs}):
        train = [r for r in runs if r["set"] != held]
        values = np.unique([r["stats"][stat] for r in train])  # the held-out set's unseen
        best = max(
            (
                np.mean(
                    [
                        r["fig"][dirty if side * r["stats"][stat] >= side * t else clean][0]
                        for r in train
                    ]
                ),
                t,
                side,
            )  # fmt: skip
            for t in values
            for side in (1, -1)
        )
        _, t, side = best
        for r in runs:
            if r["set"] == held:
                picks[id(r)] = dirty if side * r["stats"][stat] >= side * t else clean
    return protocol_means(runs, lambda r: picks[id(r)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", default="benchmarks/results/anomaly_contamination_switch.json")
    args = parser.parse_args(argv)
    if not all_sets(args.data_dir):
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    runs = collect(args.data_dir, args.seeds)
    alone = {m: protocol_means(runs, lambda r, m=m: m) for m in SCORERS}
    # each scorer in the protocol it serves, as if the protocol were known (not a bound: a
    # switch may pick per set better than per protocol)
    by_protocol = protocol_means(runs, lambda r: SCORERS[0] if r["protocol"] == 1 else SCORERS[1])
    is_two = [r["protocol"] == 2 for r in runs]
    switches = {}
    for stat in runs[0]["stats"]:
        switches[stat] = {
            "protocol_auc": float(roc_auc_score(is_two, [r["stats"][stat] for r in runs])),
            "term or 3%": switch_out_of_fold(runs, stat, SCORERS[0], SCORERS[1]),
            "term or subsampled": switch_out_of_fold(runs, stat, SCORERS[0], SCORERS[2]),
        }
    cells = [[m, f"{v[1]:.3f}", f"{v[2]:.3f}", ""] for m, v in alone.items()]
    cells.append(
        [
            "term in P1, 3% in P2 (protocol known)",
            f"{by_protocol[1]:.3f}",
            f"{by_protocol[2]:.3f}",
            "",
        ]
    )
    for stat, s in switches.items():
        a, b = s["term or 3%"], s["term or subsampled"]
        cells.append([f"switch on {stat}", f"{a[1]:.3f} / {b[1]:.3f}", f"{a[2]:.3f} / {b[2]:.3f}",
                      f"{s['protocol_auc']:.3f}"])  # fmt: skip
    print_table(
        f"Mean ROC-AUC, {len({r['set'] for r in runs})} sets x {len(args.seeds)} seeds "
        "(a switch: term or 3% / term or subsampled, out of fold)",
        ["scorer", "P1", "P2", "stat tells P2 (ROC-AUC)"],
        cells,
    )
    result = {"command": command_line(argv), "machine": machine_info(), "alone": alone}
    result |= {"protocol_known": by_protocol, "switches": switches, "runs": runs}
    write_result(args.out, result)


if __name__ == "__main__":
    main()
