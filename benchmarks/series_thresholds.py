"""SeriesAnomalyDetector's threshold without a contamination rate, on simulated series with
planted spikes: the rule of the tabular detector (``contamination="auto"``, the lower of a
peaks-over-threshold fit and an exponential tail through the 75th and 90th percentiles of the
training points' scores) against rules that know the scores come from a series.

Why a series needs its own rule: a point's score is the mean over the ``window`` windows
covering it, so one anomalous point lifts the scores of the ``2 * window - 1`` points around it,
and the scores are correlated over about a window (a series of ``n`` points holds only about
``n / window`` independent scores). Four one-point spikes in 3,000 training points (window 64)
lift about 16% of the training scores, past the 10% the tail through the 75th and 90th
percentiles tolerates; and a tail fitted to ``n / window`` independent values can end at the
largest training score, which new windows of the same process exceed.

Series (generated here, no data files): ``sine`` (period 100, noise 0.05), ``two sines`` (periods
50 and 173, noise 0.1), ``ar1`` (autoregressive, phi 0.9, no period), ``square`` (a square wave
of period 80, noise 0.05), each standardized. Training series of 600 points with one spike, of
1,000 or 3,000 points, clean or with 4 or 8 one-point spikes (+4 standard deviations, at least
two windows apart); 4,000 new points of the same process with 10 such spikes.
``SeriesAnomalyDetector(window=64)`` fitted once per series and seed (its scores cached under
``--cache``); every rule reads the same training scores. Per rule: the training spikes flagged
(predict on the training series), the new spikes flagged, and the share of new points flagged
more than a window from every new spike (false alarms; the target is ``risk``, 0.1%).

    python benchmarks/series_thresholds.py --threads 1 --cache CACHE
"""

from __future__ import annotations

import argparse
import contextlib
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit
from aekit.anomaly import thresholds
from aekit.timeseries import series_threshold

RISK = 1e-3
PEEL_PAIR = (0.25, 0.5)
WINDOW = 64
NEW_POINTS, NEW_SPIKES, SPIKE = 4000, 10, 4.0
TRAININGS = {  # name: (training points, training spikes)
    "600, 1 spike": (600, 1),
    "1,000 clean": (1000, 0),
    "3,000 clean": (3000, 0),
    "3,000, 4 spikes": (3000, 4),
    "3,000, 8 spikes": (3000, 8),
}


def ar1(rng: np.random.RandomState, n: int) -> np.ndarray:
    out, noise = np.zeros(n), rng.randn(n)
    for i in range(1, n):
        out[i] = 0.9 * out[i - 1] + noise[i]
    return out


KINDS = {
    "sine": lambda rng, t: np.sin(2 * np.pi * t / 100) + 0.05 * rng.randn(len(t)),
    "two sines": lambda rng, t: (
        np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 173) + 0.1 * rng.randn(len(t))
    ),
    "ar1": lambda rng, t: ar1(rng, len(t)),
    "square": lambda rng, t: np.sign(np.sin(2 * np.pi * (t + 0.5) / 80)) + 0.05 * rng.randn(len(t)),
}


def spike_positions(rng: np.random.RandomState, n: int, count: int) -> np.ndarray:
    """``count`` positions at least two windows apart and from the ends."""
    while True:
        positions = np.sort(rng.choice(np.arange(WINDOW, n - WINDOW), count, replace=False))
        if count < 2 or np.diff(positions).min() >= 2 * WINDOW:
            return positions


def scores(kind: str, training: str, seed: int, cache: Path | None) -> dict:
    """Training and new points' scores of one fitted detector, and where the spikes are."""
    path = None if cache is None else cache / f"{kind}-{training}-s{seed}.npz".replace(" ", "_")
    if path is not None and path.exists():
        return dict(np.load(path))
    n_train, n_spikes = TRAININGS[training]
    rng = np.random.RandomState(seed)
    x = KINDS[kind](rng, np.arange(n_train + NEW_POINTS))
    x = (x - x.mean()) / x.std()
    train, new = x[:n_train].copy(), x[n_train:].copy()
    train_spikes = spike_positions(rng, n_train, n_spikes) if n_spikes else np.zeros(0, int)
    new_spikes = spike_positions(rng, NEW_POINTS, NEW_SPIKES)
    train[train_spikes] += SPIKE
    new[new_spikes] += SPIKE
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = aekit.SeriesAnomalyDetector(window=WINDOW, random_state=seed).fit(train)
        out = {
            "train": detector.anomaly_score(train),
            "as_new": detector._scores_as_new(detector._read(train)[0])[0],
            "new": detector.anomaly_score(new),
            "train_spikes": train_spikes,
            "new_spikes": new_spikes,
        }
    out["seconds"] = np.float64(time.perf_counter() - start)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **out)
    return out


def near(points: np.ndarray, n: int) -> np.ndarray:
    """The points within ``WINDOW - 1`` of any of ``points`` (a boolean mask of ``n``)."""
    mask = np.zeros(n, dtype=bool)
    for p in points:
        mask[max(0, p - WINDOW + 1) : p + WINDOW] = True
    return mask


@contextlib.contextmanager
def series_rule_with(**settings):
    """The series rule with some of its module's settings changed, inside."""
    saved = {name: getattr(series_threshold, name) for name in settings}
    for name, value in settings.items():
        setattr(series_threshold, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(series_threshold, name, value)


def series_rule(**settings):
    def rule(s: np.ndarray) -> float:
        with series_rule_with(**settings):
            return series_threshold.auto_threshold([s], WINDOW, RISK)

    return rule


def tabular(s: np.ndarray) -> float:
    return thresholds.robust_pot_threshold(s, RISK)


RULES = {  # name: (the training scores it reads: their own or as new points', rule)
    "before: tabular auto, own scores": ("train", tabular),
    "tabular auto, as new": ("as_new", tabular),
    "exp. tail, as new, no peel": ("as_new", series_rule(MAX_PEELED=0.0)),
    "peel up to half": ("as_new", series_rule(MAX_PEELED=0.5)),
    "peel by a tail through 50/75": ("as_new", series_rule(PEEL_QUANTILES=(0.5, 0.75))),
    "peel, then tabular auto": (
        "as_new",
        lambda s: tabular(series_threshold.peeled([s], WINDOW, RISK)),
    ),
    "peel taking a window either side too": ("as_new", series_rule(PEEL_REACH=1.0)),
    "peel taking half a window either side too": ("as_new", series_rule(PEEL_REACH=0.5)),
    "now: peel up to a third, exp. tail": ("as_new", series_rule()),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", default=None, help="Folder for the fitted detectors' scores.")
    parser.add_argument("--out", default="benchmarks/results/series_thresholds.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    cache = Path(args.cache) if args.cache else None
    figures: dict = {rule: {t: [] for t in TRAININGS} for rule in RULES}
    seconds = 0.0
    for kind in args.kinds:
        for training in TRAININGS:
            for seed in args.seeds:
                r = scores(kind, training, seed, cache)
                seconds += float(r["seconds"])
                quiet = ~near(r["new_spikes"], len(r["new"]))
                for rule, (reads, threshold) in RULES.items():
                    z = threshold(r[reads])
                    figures[rule][training].append(
                        {
                            "kind": kind,
                            "seed": seed,
                            "threshold": z,
                            "train_spikes_flagged": int((r["train"][r["train_spikes"]] > z).sum()),
                            "train_spikes": len(r["train_spikes"]),
                            "new_spikes_flagged": int((r["new"][r["new_spikes"]] > z).sum()),
                            "new_spikes": len(r["new_spikes"]),
                            "false_alarm": float((r["new"][quiet] > z).mean()),
                        }
                    )
                print(
                    f"{kind:10} {training:16} seed {seed}: {float(r['seconds']):5.1f} s", flush=True
                )
    summary = {
        rule: {
            training: {
                "train_spikes_flagged": f"{sum(c['train_spikes_flagged'] for c in cs)}"
                f"/{sum(c['train_spikes'] for c in cs)}",
                "new_spikes_flagged": f"{sum(c['new_spikes_flagged'] for c in cs)}"
                f"/{sum(c['new_spikes'] for c in cs)}",
                "false_alarm_mean": float(np.mean([c["false_alarm"] for c in cs])),
                "false_alarm_max": float(np.max([c["false_alarm"] for c in cs])),
            }
            for training, cs in by_training.items()
        }
        for rule, by_training in figures.items()
    }
    cells = [
        [
            rule,
            training,
            s["train_spikes_flagged"] if TRAININGS[training][1] else "-",
            s["new_spikes_flagged"],
            f"{s['false_alarm_mean']:.2%}",
            f"{s['false_alarm_max']:.2%}",
        ]
        for rule, by_training in summary.items()
        for training, s in by_training.items()
    ]
    print_table(
        f"Simulated series ({', '.join(args.kinds)}; seeds {args.seeds}), window {WINDOW}, "
        f"risk {RISK:g}",
        [
            "rule",
            "training",
            "training spikes flagged",
            "new spikes flagged",
            "false alarms (mean)",
            "false alarms (worst)",
        ],
        cells,
    )
    print(f"fit + score: {seconds:.0f} s")
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "risk": RISK,
            "window": WINDOW,
            "summary": summary,
            "runs": figures,
            "fit_score_seconds": seconds,
        },
    )


if __name__ == "__main__":
    main()
