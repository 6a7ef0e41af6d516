"""How many points SeriesAnomalyDetector flags on NAB series that drift, by flag rule: today's
fixed threshold against the anomaly likelihood (``threshold="likelihood"``) and a trailing quantile.

Every series (the 48 of ``<data-dir>/nab``) is fitted once on its first 15% (NAB's probationary
period), as in ``benchmarks/timeseries.py``; the raw scores of the whole series are kept (cached
per series under ``--cache``), and every rule flags from them:

- ``default``: today's "auto" threshold (:mod:`aekit.timeseries.series_threshold`) on
  :meth:`anomaly_score` (the mean over the windows covering a point);
- ``before``: the tabular "auto" (robust POT at ``risk``) fitted to the training points' own
  scores, the default until the series rule;
- ``causal score, fixed``: the same rule on :meth:`causal_score` (the window ending at a point),
  fitted to the training part's causal scores: what reading only the past costs, without
  adapting;
- ``likelihood W risk``: ``threshold="likelihood"`` with ``likelihood_window=W``;
- ``trailing quantile W q``: flagged when the causal score exceeds the q-quantile of the W causal
  scores before it (an alternative; benchmark only).

Per rule, over the scored part (after the first 15%): the share of points flagged (median and
mean over the 48 series, and how many series above 10%); NAB's labelled anomaly windows found (a
window counts as found when any of its points is flagged; windows wholly inside the training
part are left out); the share of flagged points outside every window (false alarms, pooled over
the series); and the mean VUS-PR (Paparrizos et al. 2022) of the raw score the rule reads, over
the series with a labelled window in the scored part; and on how many series the rule found
fewer (more) windows than the default. Beside the table, the VUS-PR of a score that reads only the
past yet averages as the default does: the mean of the ``window`` windows ending at the last
``window`` points (the default score, ``window - 1`` points later).

    python benchmarks/timeseries_drift.py --threads 1 --cache CACHE
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import command_line, machine_info, print_table, write_result
from timeseries import TRAIN_FRACTION, measure

import aekit
from aekit.anomaly.thresholds import new_row_threshold
from aekit.timeseries.likelihood import detector_tail_probability


def load_nab(folder: Path) -> list[tuple[str, np.ndarray, list[tuple[int, int]]]]:
    """``(name, values, windows)`` per series; a window is its first and last point index."""
    spans = json.loads((folder / "combined_windows.json").read_text())
    series = []
    for name, pairs in sorted(spans.items()):
        frame = pd.read_csv(folder / f"{name}.gz")
        stamps = pd.to_datetime(frame["timestamp"]).to_numpy()
        windows = [
            (
                int(np.searchsorted(stamps, np.datetime64(pd.Timestamp(start)))),
                int(np.searchsorted(stamps, np.datetime64(pd.Timestamp(end)), side="right")) - 1,
            )
            for start, end in pairs
        ]
        series.append((name, frame["value"].to_numpy(np.float64), windows))
    return series


def raw_scores(name: str, x: np.ndarray, window: int, seed: int, cache: Path | None) -> dict:
    """Fit once on the first 15%; both raw scores of the whole series, the fixed threshold and
    the likelihood's training Gaussian."""
    path = None if cache is None else cache / (name.replace("/", "__") + f"-w{window}-s{seed}.npz")
    if path is not None and path.exists():
        return dict(np.load(path))
    n_train = int(TRAIN_FRACTION * len(x))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = aekit.SeriesAnomalyDetector(
            window=window, threshold="likelihood", random_state=seed
        ).fit(x[:n_train])
        out = {
            "centred": detector.anomaly_score(x),
            "causal": detector.causal_score(x),
            "centred_threshold": np.float64(detector.threshold_),  # "auto": the default rule's
            "prior": detector.likelihood_prior_,
        }
    # The rule before the series rule (series_threshold): the tabular "auto" on the training
    # points' own scores, which count each window's overlapping neighbours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        own = detector.anomaly_score(x[:n_train])
    out["previous_threshold"] = np.float64(new_row_threshold(own, "contamination", 3.0, 1e-3))
    train = out["causal"][window - 1 : n_train]  # the training points that end a window
    out["causal_threshold"] = np.float64(
        new_row_threshold(train, "contamination", 3.0, detector.risk)
    )
    out["seconds"] = np.float64(time.perf_counter() - start)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **out)
    return out


# ---- flag rules: (raw scores of one series) -> (flags, the name of the raw score they read) ---
def fixed(score: str):
    return lambda r: (r[score] > r[f"{score}_threshold"], score)


def likelihood_rule(window: int, risk: float):
    return lambda r: (detector_tail_probability(r["causal"], window, r["prior"]) < risk, "causal")


def trailing_quantile(window: int, q: float):
    def rule(r):
        causal = pd.Series(r["causal"])
        limit = causal.rolling(window, min_periods=100).quantile(q).shift(1).to_numpy()
        return r["causal"] > np.nan_to_num(limit, nan=np.inf), "causal"

    return rule


def rules(likelihood_windows: list[int], risks: list[float], quantile_window: int) -> dict:
    out = {
        "default (auto threshold)": fixed("centred"),
        "before: tabular auto on the training scores": lambda r: (
            r["centred"] > r["previous_threshold"],
            "centred",
        ),
        "causal score, fixed": fixed("causal"),
    }
    for w in likelihood_windows:
        for risk in risks:
            out[f"likelihood {w} {risk:g}"] = likelihood_rule(w, risk)
    for q in (0.99, 0.999):
        out[f"trailing quantile {quantile_window} {q:g}"] = trailing_quantile(quantile_window, q)
    return out


def flag_figures(flags: np.ndarray, windows: list[tuple[int, int]], n_train: int) -> dict:
    """Share flagged, windows found, flags outside every window, over the scored part."""
    inside = np.zeros(len(flags), dtype=bool)
    scored = [(max(a, n_train), b) for a, b in windows if b >= n_train]
    for a, b in scored:
        inside[a : b + 1] = True
    part, inside = flags[n_train:], inside[n_train:]
    return {
        "share": float(part.mean()),
        "flagged": int(part.sum()),
        "outside": int((part & ~inside).sum()),
        "windows": len(scored),
        "found": sum(bool(flags[a : b + 1].any()) for a, b in scored),
    }


def summarize(per_series: dict, default: dict) -> dict:
    rows = list(per_series.values())
    found, base = ([d[n]["found"] for n in per_series] for d in (per_series, default))
    shares = np.array([r["share"] for r in rows])
    flagged = sum(r["flagged"] for r in rows)
    vus = [r["vus_pr"] for r in rows if r["vus_pr"] is not None]
    return {
        "median_share": float(np.median(shares)),
        "mean_share": float(shares.mean()),
        "series_above_10pct": int((shares > 0.10).sum()),
        "windows_found": sum(r["found"] for r in rows),
        "windows": sum(r["windows"] for r in rows),
        "false_alarm_share": sum(r["outside"] for r in rows) / flagged if flagged else None,
        "vus_pr": float(np.mean(vus)) if vus else None,
        "n_labelled": len(vus),
        "series_fewer_found_than_default": sum(f < b for f, b in zip(found, base)),
        "series_more_found_than_default": sum(f > b for f, b in zip(found, base)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N series.")
    parser.add_argument("--cache", default=None, help="Folder for per-series raw scores.")
    parser.add_argument("--likelihood-windows", type=int, nargs="+", default=[250, 1000, 4000])
    parser.add_argument("--risks", type=float, nargs="+", default=[1e-3, 1e-4, 1e-5])
    parser.add_argument("--quantile-window", type=int, default=1000)
    parser.add_argument("--out", default="benchmarks/results/timeseries_drift.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    cache = Path(args.cache) if args.cache else None
    series = load_nab(Path(args.data_dir) / "nab")[: args.limit]
    flag_rules = rules(args.likelihood_windows, args.risks, args.quantile_window)
    per_rule: dict[str, dict] = {name: {} for name in flag_rules}
    seconds, past_mean_vus = 0.0, []
    for name, x, windows in series:
        raw = raw_scores(name, x, args.window, args.seed, cache)
        seconds += float(raw["seconds"])
        n_train = int(TRAIN_FRACTION * len(x))
        labels = np.zeros(len(x), dtype=bool)
        for a, b in windows:
            labels[a : b + 1] = True
        vus = {}  # one VUS-PR per raw score, shared by the rules that read it
        for rule, flag in flag_rules.items():
            flags, score = flag(raw)
            if score not in vus:
                metrics = measure(raw[score][n_train:], labels[n_train:], x)
                vus[score] = None if metrics is None else metrics["vus_pr"]
            per_rule[rule][name] = {**flag_figures(flags, windows, n_train), "vus_pr": vus[score]}
        past_mean = np.concatenate([np.full(args.window - 1, np.nan), raw["centred"]])[: len(x)]
        metrics = measure(past_mean[n_train:], labels[n_train:], x)
        if metrics is not None:
            past_mean_vus.append(metrics["vus_pr"])
        shares = "  ".join(f"{per_rule[r][name]['share']:6.1%}" for r in list(flag_rules)[:3])
        print(f"{name:60} flagged {shares}", flush=True)
    default = per_rule[next(iter(flag_rules))]
    summary = {rule: summarize(per_rule[rule], default) for rule in flag_rules}
    cells = [
        [
            rule,
            f"{s['median_share']:.1%}",
            f"{s['mean_share']:.1%}",
            str(s["series_above_10pct"]),
            f"{s['windows_found']}/{s['windows']}",
            "-" if s["false_alarm_share"] is None else f"{s['false_alarm_share']:.2f}",
            "-" if s["vus_pr"] is None else f"{s['vus_pr']:.3f}",
            f"{s['series_fewer_found_than_default']}/{s['series_more_found_than_default']}",
        ]
        for rule, s in summary.items()
    ]
    print_table(
        f"NAB, {len(series)} series, window {args.window}: points flagged after the first 15%",
        [
            "rule",
            "median",
            "mean",
            "series >10%",
            "windows found",
            "false alarms",
            "VUS-PR",
            "series found fewer/more",
        ],
        cells,
    )
    past_only = float(np.mean(past_mean_vus)) if past_mean_vus else None
    print(f"VUS-PR of the mean of the windows ending at the last {args.window} points: {past_only}")
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "window": args.window,
            "n_series": len(series),
            "fit_and_score_seconds": seconds,
            "summary": summary,
            "vus_pr_past_windows_mean": past_only,
            "per_series": per_rule,
        },
    )


if __name__ == "__main__":
    main()
