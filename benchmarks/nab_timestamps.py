"""Which NAB series ``SeriesAnomalyDetector`` reads with their own timestamps, and why the others
are refused: every one of the 48 series of ``<data-dir>/nab`` fitted whole with
``time_column="timestamp"``, by default and with ``handle_missing="interpolate"``.

The refusals and warnings come from reading the time axis, before any training, so the detector
is a tiny one (one 1-epoch member, windows of 8) to keep the run short. Per series and mode:
"ok" or the reason it was refused (gaps, one time with different values, a step back in time),
and the share of grid points interpolation made up when it warns of them.

    python benchmarks/nab_timestamps.py
"""

from __future__ import annotations

import argparse
import re
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import torch
from _common import command_line, machine_info, print_table, write_result

from aekit import AnomalyDetector, SeriesAnomalyDetector
from aekit.estimators import Autoencoder

MODES = ("error", "interpolate")
REASONS = {  # a piece of the refusal's message -> its reason
    "evenly spaced": "gaps",
    "different values": "one time, different values",
    "back in time": "step back",
}


def read(path: Path, handle_missing: str) -> tuple[str, str | None]:
    """``(outcome, made-up share)`` of reading and fitting one series."""
    member = Autoencoder(hidden_layer_sizes=(8,), latent_dim=2, max_iter=1)
    detector = SeriesAnomalyDetector(
        window=8,
        stride=8,
        estimator=AnomalyDetector(estimator=member, n_estimators=1, n_neighbors=0),
        time_column="timestamp",
        handle_missing=handle_missing,
        random_state=0,
    )
    frame = pd.read_csv(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            detector.fit(frame)
        except ValueError as error:
            reason = next((r for key, r in REASONS.items() if key in str(error)), "other")
            return "refused: " + reason, None
    made_up = next(
        (
            re.search(r"\(([\d.]+%)\)", str(w.message))
            for w in caught
            if "made up" in str(w.message)
        ),
        None,
    )
    return "ok", made_up.group(1) if made_up else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", default="benchmarks/results/nab_timestamps.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    files = sorted((Path(args.data_dir) / "nab").glob("*/*.csv*"))
    if not files:
        parser.error(f"no NAB series under {args.data_dir}/nab; pass --data-dir")
    per_series = {}
    for path in files:
        name = f"{path.parent.name}/{path.name.split('.csv')[0]}"
        per_series[name] = {mode: read(path, mode) for mode in MODES}
    counts = {mode: Counter(r[mode][0] for r in per_series.values()) for mode in MODES}
    outcomes = sorted({o for c in counts.values() for o in c})
    cells = [[o, *(str(counts[m][o]) for m in MODES)] for o in outcomes]
    print_table(f"NAB, {len(files)} series read with their timestamps", ["outcome", *MODES], cells)
    warned = {n: r["interpolate"][1] for n, r in per_series.items() if r["interpolate"][1]}
    print(f"interpolated series warned of made-up points: {len(warned)} {sorted(warned.values())}")
    result = {"command": command_line(argv), "machine": machine_info(), "counts": counts}
    result["series"] = per_series
    write_result(args.out, result)


if __name__ == "__main__":
    main()
