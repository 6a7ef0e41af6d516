"""The detector's threshold without a contamination rate: ``threshold="pot"`` (the plain
peaks-over-threshold fit) against ``contamination="auto"`` (``robust_pot_threshold``: the lower
of the plain fit and one with the top 10% of the scores censored).

Two parts, both printed as tables and written to ``benchmarks/results/thresholds.json``:

1. **Simulated scores**: 5 tail shapes (exponential, half-normal, log-normal, chi with 5 degrees
   of freedom, Pareto 4), 300 / 2,000 / 10,000 training scores of which 0%, 1%, 3% or 5% are
   planted anomalies (1.5-7x the normal scores' 99th percentile), 6 draws each, ``risk=1e-3``:
   the share of 20,000 new normal scores above the threshold (the false alarm rate; the target
   is ``risk``) and the share of the planted scores above it (their recall).
2. **The 25 shared ADBench sets**, both protocols of ``anomaly.py`` (1: clean training rows, 2:
   contaminated), seed 0, the CV's row caps: ``AnomalyDetector()`` fitted twice (the members are
   the same, only the threshold differs); on the test rows, the share of normal rows flagged,
   the recall of the anomalies and F1.

    python benchmarks/thresholds.py --threads 1
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit
from aekit.anomaly import thresholds

RISK = 1e-3
SHAPES = {
    "exponential": lambda rng, n: rng.exponential(size=n),
    "half-normal": lambda rng, n: np.abs(rng.randn(n)),
    "log-normal": lambda rng, n: rng.lognormal(0.0, 0.5, n),
    "chi(5)": lambda rng, n: np.sqrt(rng.chisquare(5, n)),
    "Pareto(4)": lambda rng, n: rng.pareto(4, n),
}
RULES = {
    "pot": lambda s: thresholds.pot_threshold(s, RISK),
    "auto": lambda s: thresholds.robust_pot_threshold(s, RISK),
}


def simulate(draws: int = 6) -> dict:
    """``{rule: {contamination: {false_alarm, recall}}}`` averaged over shapes, sizes, draws."""
    rng = np.random.RandomState(0)
    figures: dict = {rule: {} for rule in RULES}
    for rate in (0.0, 0.01, 0.03, 0.05):
        runs: dict = {rule: [] for rule in RULES}
        for draw_shape in SHAPES.values():
            for n in (300, 2000, 10000):
                for _ in range(draws):
                    normal = draw_shape(rng, n - int(round(rate * n)))
                    planted = np.quantile(normal, 0.99) * rng.uniform(1.5, 7, n - len(normal))
                    scores, fresh = np.concatenate([normal, planted]), draw_shape(rng, 20000)
                    for rule, threshold in RULES.items():
                        z = threshold(scores)
                        recall = (planted > z).mean() if len(planted) else np.nan
                        runs[rule].append(((fresh > z).mean(), recall))
        for rule, values in runs.items():
            alarm, recall = np.asarray(values, dtype=float).mean(axis=0)  # recall: NaN when clean
            figures[rule][f"{rate:g}"] = {"false_alarm": float(alarm), "recall": float(recall)}
    return figures


def on_adbench(args) -> dict:
    """``{set: {protocol: {rule: {normal_flagged, recall, f1}}}}`` and the rules' means."""
    from anomaly import all_sets, split
    from anomaly_cv import _run_rows

    out: dict = {}
    for name, path in all_sets(args.data_dir):
        if args.sets and name not in args.sets:
            continue
        loaded = np.load(path)
        X, y = loaded["X"].astype(np.float64), loaded["y"].astype(int)
        caps = (5000, 10000) if path.parent.name == "adbench-large" else (10000, 20000)
        for protocol in (1, 2):
            X_train, X_test, y_test = _run_rows(X, y, protocol, 0, caps, split)
            started = time.perf_counter()
            for rule, params in (("pot", {"threshold": "pot"}), ("auto", {})):
                detector = aekit.AnomalyDetector(random_state=0, **params).fit(X_train)
                flagged = detector.predict(X_test) == -1
                hits = flagged[y_test == 1]
                precision = hits.sum() / max(flagged.sum(), 1)
                recall = hits.mean()
                f1 = 2 * precision * recall / (precision + recall) if hits.any() else 0.0
                out.setdefault(name, {}).setdefault(protocol, {})[rule] = {
                    "normal_flagged": float(flagged[y_test == 0].mean()),
                    "recall": float(recall),
                    "f1": float(f1),
                }
            took = time.perf_counter() - started
            print(f"  {name} p{protocol}: {out[name][protocol]} ({took:.0f} s)", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sets", nargs="+", default=None, help="ADBench file stems to run.")
    parser.add_argument("--no-adbench", action="store_true", help="Only the simulated scores.")
    parser.add_argument("--out", default="benchmarks/results/thresholds.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if not args.no_adbench and not any(Path(args.data_dir).glob("adbench-*/*.npz")):
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir (or --no-adbench)")
    result = {"command": command_line(argv), "machine": machine_info(), "risk": RISK}
    result["simulated"] = simulate()
    cells = [
        [rule, rate, f"{100 * f['false_alarm']:.2f}%", "-" if rate == "0" else f"{f['recall']:.2f}"]
        for rule, by_rate in result["simulated"].items()
        for rate, f in by_rate.items()
    ]
    headers = ["rule", "planted share", "new normal rows flagged", "planted recall"]
    print_table("Simulated scores (risk 1e-3)", headers, cells)
    if not args.no_adbench:
        sys.path.insert(0, str(Path(__file__).parent))
        per_set = result["adbench"] = on_adbench(args)
        cells, means = [], {}
        for protocol in (1, 2):
            for rule in RULES:
                rows = [by_p[protocol][rule] for by_p in per_set.values()]
                mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
                means[f"p{protocol}/{rule}"] = mean
                cells.append(
                    [
                        f"protocol {protocol}",
                        rule,
                        f"{100 * mean['normal_flagged']:.2f}%",
                        f"{mean['recall']:.3f}",
                        f"{mean['f1']:.3f}",
                    ]
                )
        result["adbench_means"] = means
        headers = ["protocol", "rule", "normal rows flagged", "recall", "F1"]
        print_table(f"ADBench, {len(per_set)} sets, seed 0", headers, cells)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
