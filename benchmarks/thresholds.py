"""The detector's threshold without a contamination rate: ``threshold="pot"`` (the plain
peaks-over-threshold fit) against ``contamination="auto"`` (``robust_pot_threshold``: the lower
of the plain fit and an exponential tail through the scores' 75th and 90th percentiles,
``thresholds.TAIL_QUANTILES``) and against "auto" with the tail through the 80th and 95th
percentiles ("auto 80/95", the pair used before: it left a cluster of 5% of the rows unflagged).

Three parts, printed as tables and written to ``benchmarks/results/thresholds.json``:

1. **Simulated scores**, ``risk=1e-3``: 10 tail shapes (light: half-normal, normal, uniform,
   gamma(10), chi(5); exponential; heavy: log-normal with sigma 0.5 and 1, Pareto 4 and 2), 300 /
   2,000 / 10,000 training scores, 6 draws each. Clean: the share of 20,000 new scores above the
   threshold (the false alarm rate; the target is ``risk``), per shape and size. Contaminated:
   0.5%, 1%, 3%, 5% or 8% of the training scores planted (their 1st-to-99th-percentile range
   times 1.5-7 above the 1st percentile), the share of them above the threshold (recall),
   averaged over shapes and sizes. The quantile pair was chosen on this part.
2. **Planted rows in small tables** (the README's example): 300 Gaussian rows of 6 columns, the
   first 10, 15 or 20 shifted by +-4 (or +-3) in every column, data seeds 0-9;
   ``AnomalyDetector()`` with each rule: planted rows flagged, other rows flagged.
3. **The 25 shared ADBench sets**, both protocols of ``anomaly.py`` (1: clean training rows, 2:
   contaminated), seed 0, the CV's row caps: ``AnomalyDetector()`` fitted once per rule (the
   members are the same, only the threshold differs); on the test rows, the share of normal
   rows flagged, the recall of the anomalies and F1.

    python benchmarks/thresholds.py --threads 1
"""

from __future__ import annotations

import argparse
import contextlib
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
    "half-normal": lambda rng, n: np.abs(rng.randn(n)),
    "normal": lambda rng, n: rng.randn(n),
    "uniform": lambda rng, n: rng.uniform(size=n),
    "gamma(10)": lambda rng, n: rng.gamma(10, size=n),
    "chi(5)": lambda rng, n: np.sqrt(rng.chisquare(5, n)),
    "exponential": lambda rng, n: rng.exponential(size=n),
    "log-normal(0.5)": lambda rng, n: rng.lognormal(0.0, 0.5, n),
    "log-normal(1)": lambda rng, n: rng.lognormal(0.0, 1.0, n),
    "Pareto(4)": lambda rng, n: rng.pareto(4, n),
    "Pareto(2)": lambda rng, n: rng.pareto(2, n),
}
SIZES = (300, 2000, 10000)
PREVIOUS_PAIR = (0.8, 0.95)  # the exponential tail's quantiles before TAIL_QUANTILES
RULES = {
    "pot": lambda s: thresholds.pot_threshold(s, RISK),
    "auto": lambda s: thresholds.robust_pot_threshold(s, RISK),
    "auto 80/95": lambda s: min(
        thresholds.pot_threshold(s, RISK),
        thresholds.exponential_tail_threshold(s, RISK, *PREVIOUS_PAIR),
    ),
}
# The same rules on a fitted detector: its parameters, and the tail quantiles to use.
DETECTOR_RULES = {
    "pot": ({"threshold": "pot"}, None),
    "auto": ({}, None),
    "auto 80/95": ({}, PREVIOUS_PAIR),
}


@contextlib.contextmanager
def tail_quantiles(pair: tuple[float, float] | None):
    """``contamination="auto"`` drawn through ``pair`` (None: the current default) inside."""
    saved = thresholds.TAIL_QUANTILES
    thresholds.TAIL_QUANTILES = pair or saved
    try:
        yield
    finally:
        thresholds.TAIL_QUANTILES = saved


def simulate(draws: int = 6) -> dict:
    """``{"false_alarm": {rule: {shape: {size: share}}}, "recall": {rule: {rate: share}}}``."""
    rng = np.random.RandomState(0)
    alarms: dict = {rule: {shape: {} for shape in SHAPES} for rule in RULES}
    recalls: dict = {rule: {} for rule in RULES}
    for shape, draw_shape in SHAPES.items():
        for n in SIZES:
            for rate in (0.0, 0.005, 0.01, 0.03, 0.05, 0.08):
                for _ in range(draws):
                    normal = draw_shape(rng, n - int(round(rate * n)))
                    low, high = np.quantile(normal, [0.01, 0.99])
                    planted = low + (high - low) * rng.uniform(1.5, 7, n - len(normal))
                    scores = np.concatenate([normal, planted])
                    fresh = draw_shape(rng, 20000) if rate == 0 else None
                    for rule, threshold in RULES.items():
                        z = threshold(scores)
                        if rate == 0:
                            alarms[rule][shape].setdefault(n, []).append((fresh > z).mean())
                        else:
                            recalls[rule].setdefault(f"{rate:g}", []).append((planted > z).mean())
    return {
        "false_alarm": {
            rule: {
                shape: {n: float(np.mean(v)) for n, v in by_n.items()} for shape, by_n in f.items()
            }
            for rule, f in alarms.items()
        },
        "recall": {
            rule: {k: float(np.mean(v)) for k, v in r.items()} for rule, r in recalls.items()
        },
    }


TABLES = ((10, 4.0), (10, 3.0), (15, 4.0), (20, 4.0))  # (planted rows, shift per column)


def planted_tables(seeds: int = 10) -> dict:
    """``{"10 at +-4": {rule: {"planted": flagged, "others": flagged, "of": planted}}}``."""
    out: dict = {}
    for n_planted, shift in TABLES:
        counts = {rule: {"planted": 0, "others": 0, "of": n_planted * seeds} for rule in RULES}
        for seed in range(seeds):
            rng = np.random.RandomState(seed)
            X = rng.randn(300, 6)
            X[:n_planted] += rng.choice([-1, 1], (n_planted, 6)) * shift
            for rule, (params, pair) in DETECTOR_RULES.items():
                with tail_quantiles(pair):
                    detector = aekit.AnomalyDetector(random_state=0, **params)
                    flagged = detector.fit_predict(X) == -1
                counts[rule]["planted"] += int(flagged[:n_planted].sum())
                counts[rule]["others"] += int(flagged[n_planted:].sum())
        out[f"{n_planted} at +-{shift:g}"] = counts
    return out


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
            for rule, (params, pair) in DETECTOR_RULES.items():
                with tail_quantiles(pair):
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
    result["simulated"] = simulated = simulate()
    cells = [
        [shape]
        + [
            f"{100 * simulated['false_alarm'][rule][shape][n]:.2f}%"
            for rule in RULES
            for n in SIZES
        ]
        for shape in SHAPES
    ]
    headers = ["shape"] + [f"{rule}, n={n}" for rule in RULES for n in SIZES]
    print_table("Clean simulated scores: new normal scores flagged (risk 0.1%)", headers, cells)
    rates = list(simulated["recall"]["pot"])
    cells = [[rule] + [f"{simulated['recall'][rule][r]:.2f}" for r in rates] for rule in RULES]
    print_table("Planted anomalies recalled, by their share of the rows", ["rule", *rates], cells)
    result["tables"] = tables = planted_tables()
    cells = [
        [name] + [f"{c[rule]['planted']}/{c[rule]['of']} (+{c[rule]['others']})" for rule in RULES]
        for name, c in tables.items()
    ]
    headers = ["300 rows, planted", *(f"{rule}: planted flagged (+ others)" for rule in RULES)]
    print_table("Planted rows flagged, data seeds 0-9", headers, cells)
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
