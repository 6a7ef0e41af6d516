"""Should ``AnomalyDetector`` leave columns in [0, 1] as they are? On images it helps (a pixel
nearly always 0 in the normal class weighs by its rarity once standardized:
``benchmarks/image_anomaly_scores.py``); this measures it on the shared ADBench tables whose
values all lie in [0, 1].

The sets: those of the 25 (``benchmarks/anomaly.py --cv``) whose values all lie in [0, 1], but
campaign, whose dummies the default's encoder reads as categories (``preprocessing=None``
would not). The CV's splits and caps (training rows 10,000, 5,000 for the large sets; test rows
20,000 / 10,000), both protocols; ``AnomalyDetector()`` against
``AnomalyDetector(preprocessing=None)``. ROC-AUC and PR-AUC per set, their means.

    python benchmarks/anomaly_unit_range.py --seeds 0 --threads 1
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from anomaly import all_sets, split
from anomaly_cv import _run_rows
from sklearn.metrics import average_precision_score, roc_auc_score

import aekit

CONFIGS = {"standardized (default)": {}, "as given": {"preprocessing": None}}
LEFT_OUT = {"5_campaign"}  # dummies: categories to the default's encoder


def unit_range_sets(data_dir: str) -> list[tuple[str, object]]:
    """The shared sets whose values all lie in [0, 1], as ``(name, path)``."""
    found = []
    for name, path in all_sets(data_dir):
        X = np.load(path)["X"]
        if name not in LEFT_OUT and X.min() >= 0 and X.max() <= 1:
            found.append((name, path))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/anomaly_unit_range.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    results: dict = {}
    for name, path in unit_range_sets(args.data_dir):
        data = np.load(path)
        X, y = data["X"].astype(np.float64), data["y"].astype(int)
        caps = (5000, 10000) if path.parent.name == "adbench-large" else (10000, 20000)
        for protocol in (1, 2):
            for seed in args.seeds:
                X_train, X_test, y_test = _run_rows(X, y, protocol, seed, caps, split)
                for config, params in CONFIGS.items():
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        detector = aekit.AnomalyDetector(random_state=seed, **params)
                        scores = detector.fit(X_train).anomaly_score(X_test)
                    runs = results.setdefault(f"protocol {protocol}", {}).setdefault(config, {})
                    runs.setdefault(name, []).append(
                        [roc_auc_score(y_test, scores), average_precision_score(y_test, scores)]
                    )
                print(name, protocol, seed, flush=True)
    cells, summary = [], {}
    for protocol, configs in results.items():
        for config, per_set in configs.items():
            means = np.mean([np.mean(runs, axis=0) for runs in per_set.values()], axis=0)
            summary[f"{protocol}, {config}"] = {"roc_auc": means[0], "pr_auc": means[1]}
            cells.append([protocol, config, f"{means[0]:.3f}", f"{means[1]:.3f}"])
    names = list(next(iter(next(iter(results.values())).values())))
    print_table(
        f"{len(names)} sets in [0, 1] ({', '.join(names)}), seeds {args.seeds}",
        ["protocol", "columns", "ROC-AUC", "PR-AUC"],
        cells,
    )
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "sets": names,
            "summary": summary,
            "per_set": results,
        },
    )


if __name__ == "__main__":
    main()
