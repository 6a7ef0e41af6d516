"""Rules for combining the detector's parts, on the cross-validation's cached runs.

``AnomalyDetector()`` adds its parts (each member's reconstruction error at weight 0.25 / m and
latent-neighbour term at 1 / m, and the input term at 1) after dividing each by the
interquartile range of its training values. Other ways to put scores of different units on one
scale (Aggarwal, *Outlier Analysis*, 2017, ch. 6: normalization before combination) are
scored here on the same parts and weights, seed 0, the 25 sets:

- ``mean of training percentiles``: each part as the share of training values at or below it;
- ``mean surprisal``: each part as ``-log`` of its tail probability among the training values
  (empirical, with an exponential tail fitted above their 90th percentile, so a test value
  beyond every training one keeps its distance), the weighted sum; Fisher's method for
  combining p-values, which counts a part's rare values far more than a sum of spreads does;
- ``max surprisal``: the largest surprisal of a row's parts (the most extreme part decides).

Each rule alone and, picked among the defaults and the rules by the CV's leave-group-out rule
(``anomaly_cv.cross_validate``), out of fold. A rule that does not raise the out-of-fold figure
is not worth a default.

    python benchmarks/anomaly.py --cv --seeds 0 --cv-cache C   # makes the cache (once)
    python benchmarks/anomaly_combination.py --cv-cache C
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from _common import command_line, machine_info, write_result
from anomaly_terms import DEFAULT, cached_parts, summarize

MEMBER_KIND, N_MEMBERS, LATENT_K, _, _, ERROR_WEIGHT = DEFAULT


def default_parts(parts: dict) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """``(training values, test values, weight)`` of each part of the default's score."""
    k, m = int(parts[f"k/{LATENT_K}"]), N_MEMBERS
    named = []
    for i in range(m):
        named += [(f"{MEMBER_KIND}/{i}/error", ERROR_WEIGHT / m)]
        named += [(f"{MEMBER_KIND}/{i}/latent/{k}", 1 / m)]
    named += [("input/mean/3", 1.0)]
    return [(parts[f"{key}/train"], parts[f"{key}/test"], weight) for key, weight in named]


def percentile(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """The share of training values at or below each test value."""
    return np.searchsorted(np.sort(train), test, side="right") / (len(train) + 1)


def surprisal(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """``-log P(T >= t)`` of each test value t among the training values: empirical, and above
    their 90th percentile the lower of that and an exponential tail through it, whose mean
    excess is the training values' (so values beyond every training one keep growing)."""
    ordered = np.sort(train)
    tail = 1.0 - np.searchsorted(ordered, test, side="right") / (len(ordered) + 1)
    q90 = np.quantile(ordered, 0.9)
    above = ordered[ordered > q90] - q90
    excess = max(float(above.mean()) if above.size else 0.0, 1e-12)
    fitted = 0.1 * np.exp(-(test - q90) / excess)
    tail = np.where(test > q90, np.minimum(tail, fitted), tail)
    return -np.log(np.maximum(tail, 1e-300))


RULES = {
    "mean of training percentiles": lambda P: sum(w * percentile(a, b) for a, b, w in P),
    "mean surprisal": lambda P: sum(w * surprisal(a, b) for a, b, w in P),
    "max surprisal": lambda P: np.max([surprisal(a, b) for a, b, _ in P], axis=0),
}


def run_rules(args) -> dict:
    """``runs[set][protocol][0] = {rule: metrics}`` as ``anomaly_cv`` keeps them."""
    from anomaly import all_sets
    from anomaly_cv import _metrics, candidate_score

    runs: dict = {}
    for name, path in all_sets(args.data_dir):
        caps = (5000, 10000) if path.parent.name == "adbench-large" else (10000, 20000)
        for protocol in (1, 2):
            parts = cached_parts(args.cv_cache, name, protocol, caps)
            y = parts["y_test"]
            figures = {
                "default": _metrics(y, candidate_score(parts, DEFAULT)[0], 0.0),
                "kNN": _metrics(y, parts["baseline/knn"], 0.0),
            }
            for rule, combine in RULES.items():
                figures[f"default, {rule}"] = _metrics(y, combine(default_parts(parts)), 0.0)
            runs.setdefault(name, {}).setdefault(protocol, {})[0] = figures
            print(f"  {name} p{protocol}", flush=True)
    return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--cv-cache", default="benchmarks/results/anomaly_cv_runs")
    parser.add_argument("--out", default="benchmarks/results/anomaly_combination.json")
    args = parser.parse_args(argv)
    if not any(Path(args.data_dir).glob("adbench-*/*.npz")):
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    result = {"command": command_line(argv), "machine": machine_info()}
    result |= summarize(run_rules(args), "Rules for combining the parts")
    write_result(args.out, result)


if __name__ == "__main__":
    main()
