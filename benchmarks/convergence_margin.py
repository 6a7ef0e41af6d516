"""How close to the mean row do fitted networks of the defaults come on real tables: the ratio
of a network's squared error on its training rows to that of their mean row, as ``fit``'s
convergence check computes it (``aekit.estimators._convergence``), for each member of a default
``AnomalyDetector`` and a default ``Autoencoder`` and ``VAE``.

The check warns where the ratio is at least ``NEAR_MEAN`` (0.95): a network that removed less
than 5% of the mean row's error has learned next to nothing. This table shows the margin that
leaves to fits of the defaults on the 25 ADBench sets (their normal rows, at most 3,000, seed 0).

    python benchmarks/convergence_margin.py [--data-dir ../shared/data]

Writes ``benchmarks/results/convergence_margin.json`` (``--out``); about 10 minutes, one thread.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import print_table, write_run

import aekit
from aekit.estimators import _convergence

MODELS = {
    "AnomalyDetector members": lambda: aekit.AnomalyDetector(random_state=0),
    "Autoencoder": lambda: aekit.Autoencoder(random_state=0),
    "VAE": lambda: aekit.VAE(random_state=0),
}


def ratios_of_fits(make, X: np.ndarray) -> list[float]:
    """The error ratio of every network the fit of ``make()`` checks (a detector: each member)."""
    checked = _convergence._reconstruction_and_mean_errors
    seen: list[float] = []

    def recording(*args, **kwargs):
        errors = checked(*args, **kwargs)
        if errors is not None:
            seen.append(errors[0] / errors[1])
        return errors

    _convergence._reconstruction_and_mean_errors = recording
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make().fit(X)
    finally:
        _convergence._reconstruction_and_mean_errors = checked
    return seen


def sets_of_normal_rows(name: str, doc: str, argv: list[str] | None):
    """The command line of a benchmark of fits on the 25 ADBench sets' normal rows (``--rows``
    of them at most, seed 0): its arguments, and ``(name, normal rows)`` of each set."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--rows", type=int, default=3000, help="normal rows per set, at most")
    parser.add_argument("--out", default=f"benchmarks/results/{name}.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    root = Path(args.data_dir)
    files = sorted((root / "adbench-classical").glob("*.npz"))
    files += sorted((root / "adbench-large").glob("*.npz"))
    if not files:
        parser.error(f"no ADBench .npz files under {root}; give --data-dir")

    def normal_rows():
        for path in files:
            data = np.load(path)
            normal = data["X"][data["y"] == 0].astype(np.float64)
            yield path.stem, normal[np.random.default_rng(0).permutation(len(normal))[: args.rows]]

    return args, normal_rows()


def main(argv: list[str] | None = None) -> dict:
    started = time.perf_counter()
    args, sets = sets_of_normal_rows("convergence_margin", __doc__, argv)
    per_set = {}
    for stem, normal in sets:
        per_set[stem] = {name: ratios_of_fits(make, normal) for name, make in MODELS.items()}
        print(stem, {k: [round(v, 3) for v in r] for k, r in per_set[stem].items()})
    near = _convergence.NEAR_MEAN
    cells = []
    for name in MODELS:
        values = [v for ratios in per_set.values() for v in ratios[name]]
        warned = [s for s, ratios in per_set.items() if any(v >= near for v in ratios[name])]
        newly = [s for s, ratios in per_set.items() if any(near <= v < 1 for v in ratios[name])]
        largest_below = max((v for v in values if v < near), default=float("nan"))
        cells.append(
            [
                name,
                f"{np.median(values):.3f}",
                f"{largest_below:.3f}",
                ", ".join(warned) or "none",
                ", ".join(newly) or "none",
            ]  # fmt: skip
        )
    print_table(
        f"error / mean row's error on the training rows, {len(per_set)} sets (warns at >= {near})",
        ["networks", "median", "largest below the margin", "warned", "warned only by the margin"],
        cells,
    )
    return write_run("convergence_margin", argv, args, started, ratios=per_set)


if __name__ == "__main__":
    main()
