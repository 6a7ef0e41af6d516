"""How long ``AutoencoderImputer`` takes to fit and fill a small table, one thread: the figures
the README's "Imputation" paragraph quotes, beside scikit-learn's ``IterativeImputer`` on the
same holes (its default, the baseline a user compares with).

Tables: scikit-learn's bundled breast-cancer data (569 x 30) and 5,000 rows of 7 Gaussian
columns; 10% of the cells removed at random (seed 0). No data is downloaded.

    python benchmarks/impute_time.py
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.datasets import load_breast_cancer
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from threadpoolctl import threadpool_limits

import aekit


def tables() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    gaussian = rng.normal(size=(5000, 7))
    return {"breast-cancer 569 x 30": load_breast_cancer().data, "Gaussian 5,000 x 7": gaussian}


def with_holes(X: np.ndarray, share: float = 0.1) -> np.ndarray:
    holes = X.astype(np.float64)
    holes[np.random.default_rng(0).random(X.shape) < share] = np.nan
    return holes


def seconds(imputer, X: np.ndarray) -> float:
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IterativeImputer's convergence notice
        imputer.fit(X).transform(X)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/impute_time.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    imputers = {
        "AutoencoderImputer()": lambda: aekit.AutoencoderImputer(random_state=0),
        "AutoencoderImputer(n_estimators=1)": lambda: aekit.AutoencoderImputer(
            n_estimators=1, random_state=0
        ),
        "IterativeImputer()": lambda: IterativeImputer(random_state=0),
    }
    rows, result = [], {}
    with threadpool_limits(1):
        for table, X in tables().items():
            holes = with_holes(X)
            times = {name: seconds(make(), holes) for name, make in imputers.items()}
            result[table] = times
            rows.append([table, *(f"{s:.2f}" for s in times.values())])
    print_table("fit + transform, seconds (one thread)", ["table", *imputers], rows)
    write_result(
        args.out, {"command": command_line(argv), "machine": machine_info(), "seconds": result}
    )


if __name__ == "__main__":
    main()
