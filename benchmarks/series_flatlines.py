"""A stuck sensor: SeriesAnomalyDetector with and without ``flatlines`` on simulated series whose
new part holds a stretch where one channel repeats its last value.

Series (generated here, no data files): the four processes of ``benchmarks/series_thresholds.py``
(sine, two sines, ar1, square), plain noise, and a table of three noise channels (one of them
stuck), each standardized. 3,000 training points, then 4,000 new points of the same process
with the channel stuck for ``--stuck`` points (300, and 36: shorter than a window) from point
2,000. ``SeriesAnomalyDetector(window=64)`` fitted once per series, seed, stretch and setting.
Per series, stretch and setting: the share of the stuck points flagged (``predict``) and the
share of the new points flagged more than a window from them (false alarms).

    python benchmarks/series_flatlines.py --threads 1
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from series_thresholds import KINDS

import aekit

WINDOW, N_TRAIN, N_NEW, STUCK_AT = 64, 3000, 4000, 2000
SERIES = {
    **{kind: lambda rng, t, make=make: make(rng, t)[:, None] for kind, make in KINDS.items()},
    "noise": lambda rng, t: rng.randn(len(t), 1),
    "three noise channels": lambda rng, t: rng.randn(len(t), 3),
}


def flags(kind: str, seed: int, stuck: int, flatlines: bool) -> tuple[float, float]:
    """``(stuck points flagged, other new points flagged)``, as shares."""
    rng = np.random.RandomState(seed)
    x = SERIES[kind](rng, np.arange(N_TRAIN + N_NEW))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    start = N_TRAIN + STUCK_AT
    x[start : start + stuck, 0] = x[start - 1, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = aekit.SeriesAnomalyDetector(
            window=WINDOW, random_state=seed, flatlines=flatlines
        ).fit(x[:N_TRAIN])
        flagged = detector.predict(x[N_TRAIN:]) == -1
    inside = slice(STUCK_AT, STUCK_AT + stuck)
    away = np.ones(N_NEW, dtype=bool)
    away[STUCK_AT - WINDOW : STUCK_AT + stuck + WINDOW] = False
    return float(flagged[inside].mean()), float(flagged[away].mean())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--stuck", type=int, nargs="+", default=[300, 36])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/series_flatlines.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = {}
    for kind in SERIES:
        for stuck in args.stuck:
            for flatlines in (False, True):
                runs = [flags(kind, seed, stuck, flatlines) for seed in args.seeds]
                results[f"{kind}, {stuck} points, flatlines={flatlines}"] = {
                    "stuck_flagged": float(np.mean([r[0] for r in runs])),
                    "others_flagged": float(np.mean([r[1] for r in runs])),
                }
                print(kind, stuck, flatlines, runs, flush=True)
    cells = [
        [name, f"{r['stuck_flagged']:.1%}", f"{r['others_flagged']:.2%}"]
        for name, r in results.items()
    ]
    print_table(
        f"A channel stuck, seeds {args.seeds}",
        ["series, stretch, setting", "stuck points flagged", "other new points flagged"],
        cells,
    )
    write_result(
        args.out,
        {"command": command_line(argv), "machine": machine_info(), "results": results},
    )


if __name__ == "__main__":
    main()
