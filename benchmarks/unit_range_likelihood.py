"""Which likelihood fits tables whose values lie in [0, 1]: ``likelihood="auto"`` takes
Bernoulli for any data in [0, 1] (right for pixels and 0/1 columns), so a table scaled to [0, 1]
(MinMaxScaler, or ADBench's own scaling) gets it too. For each of the 25 ADBench sets whose
normal rows lie in [0, 1], a default ``Autoencoder`` and ``VAE`` are fitted with ``"auto"`` and
with ``"gaussian"``, and each network's squared error on its training rows is given over that
of their mean row, both in the data's own units (``fit``'s convergence check measures in the
model's space, standardized for a Gaussian: not comparable across likelihoods), with the share
of the values that are exactly 0 or 1.

    python benchmarks/unit_range_likelihood.py [--data-dir ../shared/data]

Writes ``benchmarks/results/unit_range_likelihood.json`` (``--out``); about 3 minutes, one
thread.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from _common import print_table, write_run
from convergence_margin import sets_of_normal_rows

import aekit

MODELS = {"Autoencoder": aekit.Autoencoder, "VAE": aekit.VAE}
LIKELIHOODS = ("auto", "gaussian")


def error_ratio(model, X: np.ndarray) -> float:
    """``model`` fitted on ``X``: its squared error on X over that of X's mean row, in X's units."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the learned-nothing warnings: the ratio says it
        reconstruction = model.fit(X).reconstruct(X)
    return float(np.mean((reconstruction - X) ** 2) / np.mean((X - X.mean(axis=0)) ** 2))


def main(argv: list[str] | None = None) -> dict:
    started = time.perf_counter()
    args, sets = sets_of_normal_rows("unit_range_likelihood", __doc__, argv)
    per_set, cells = {}, []
    for stem, normal in sets:
        if normal.min() < 0 or normal.max() > 1:
            continue
        ends = float(np.mean((normal == 0) | (normal == 1)))
        figures = {
            f"{name} {likelihood}": error_ratio(make(random_state=0, likelihood=likelihood), normal)
            for name, make in MODELS.items()
            for likelihood in LIKELIHOODS
        }
        per_set[stem] = {"share_of_0_or_1": ends, **figures}
        cells.append([stem, f"{ends:.2f}", *(f"{v:.3f}" for v in figures.values())])
        print(stem, per_set[stem], flush=True)
    headers = ["set", "values 0 or 1"]
    headers += [f"{name} {likelihood}" for name in MODELS for likelihood in LIKELIHOODS]
    print_table(
        "error / mean row's error on the training rows ('auto' is Bernoulli on these sets)",
        headers,
        cells,
    )
    return write_run("unit_range_likelihood", argv, args, started, ratios=per_set)


if __name__ == "__main__":
    main()
