"""ECG5000 anomaly detection: sequence networks against the dense network of today, one protocol.

The protocol of ``benchmarks/anomaly.py``'s ECG5000 part (the TensorFlow autoencoder tutorial's):
the train file's 500 beats (class 1 normal, the other four classes anomalies), an 80/20 split per
seed (``random_state=21 + seed``), training on the normal beats of the 80%, scoring the 20%;
ROC-AUC and PR-AUC with the anomalies positive. Every network has the settings of the detector's
default member (``AnomalyDetector._default_estimator``); only the network and the way its input
is shaped change:

* ``dense, rows``: today's, beats as rows of 140 features, each step standardized on its own.
* ``dense, sequences``: the same network given ``sequence_shape=(1, 140)``, so the beat is
  standardized as one signal (one mean and scale per channel), as every sequence network's is.
* ``conv1d``, ``lstm``, ``gru``: aekit's defaults for them, ``sequence_shape=(1, 140)``.

Two levels: ``autoencoder`` (one network alone, scored by its reconstruction error,
``-score_samples``) and ``detector`` (``AnomalyDetector(threshold="mean_std")`` with such members,
its ensemble and nearest-neighbour terms unchanged), the latter with the detector's own
per-column preprocessing (``"auto"``, today's) and with ``preprocessing=None`` (the beats are
z-normalized already), which leaves the beat's shape to the members.

    python benchmarks/ecg.py                          # 3 seeds, about 25 minutes on 1 thread
    python benchmarks/ecg.py --seeds 0 --runs "autoencoder, conv1d"
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

import aekit

# name -> (level, architecture, beats given as sequences, the detector's preprocessing)
RUNS = {
    "autoencoder, dense, rows (today)": ("autoencoder", "mlp", False, None),
    "autoencoder, dense, sequences": ("autoencoder", "mlp", True, None),
    "autoencoder, conv1d": ("autoencoder", "conv1d", True, None),
    "autoencoder, lstm": ("autoencoder", "lstm", True, None),
    "autoencoder, gru": ("autoencoder", "gru", True, None),
    "detector, dense, rows (today)": ("detector", "mlp", False, "auto"),
    "detector, conv1d": ("detector", "conv1d", True, "auto"),
    "detector (preprocessing=None), dense, sequences": ("detector", "mlp", True, None),
    "detector (preprocessing=None), conv1d": ("detector", "conv1d", True, None),
}
DEFAULT_RUNS = [name for name in RUNS if "gru" not in name]  # gru: 4x lstm's time on a CPU


def member(architecture: str, sequences: bool, n_rows: int, length: int) -> aekit.Autoencoder:
    """The detector's default member for ``n_rows`` training beats (the settings of
    ``AnomalyDetector._default_estimator``: about 3000 steps of batch 128, at most 300 epochs, a
    code of 8, a Gaussian likelihood), with the dense (64, 32) network or another architecture
    at its default widths."""
    batch = min(128, n_rows)
    return aekit.Autoencoder(
        latent_dim=int(np.clip(length // 2, 2, 8)),
        hidden_layer_sizes=(64, 32) if architecture == "mlp" else None,
        architecture=architecture,
        sequence_shape=(1, length) if sequences else None,
        likelihood="gaussian",
        max_iter=int(np.clip(3000 * batch / n_rows, 20, 300)),
        batch_size=batch,
    )


def score(run: str, X_normal: np.ndarray, X_test: np.ndarray, seed: int) -> np.ndarray:
    """Anomaly scores of ``X_test`` (higher = more anomalous) by the run's method."""
    level, architecture, sequences, preprocessing = RUNS[run]
    estimator = member(architecture, sequences, len(X_normal), X_normal.shape[1])
    if level == "detector":
        today = architecture == "mlp" and not sequences
        detector = aekit.AnomalyDetector(
            estimator=None if today else estimator,  # today's: the detector's own default
            threshold="mean_std",
            preprocessing=preprocessing,
            random_state=seed,
        )
        return detector.fit(X_normal).anomaly_score(X_test)
    return -estimator.set_params(random_state=seed).fit(X_normal).score_samples(X_test)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", nargs="+", default=DEFAULT_RUNS, choices=list(RUNS))
    parser.add_argument("--out", default="benchmarks/results/ecg.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    table = np.loadtxt(Path(args.data_dir) / "ecg5000" / "ECG5000_TRAIN.txt")
    X, normal = table[:, 1:].astype(np.float32), table[:, 0] == 1
    started = time.perf_counter()
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    out = result["runs"] = {}
    for run in args.runs:
        seeds = {"roc_auc": [], "pr_auc": [], "fit_s": []}
        for seed in args.seeds:
            X_train, X_test, n_train, n_test = train_test_split(
                X, normal, test_size=0.2, random_state=21 + seed
            )
            began = time.perf_counter()
            scores = score(run, X_train[n_train], X_test, seed)
            seeds["fit_s"].append(time.perf_counter() - began)
            seeds["roc_auc"].append(roc_auc_score(~n_test, scores))
            seeds["pr_auc"].append(average_precision_score(~n_test, scores))
            print(run, seed, f"ROC-AUC {seeds['roc_auc'][-1]:.3f}", flush=True)
        out[run] = {k: float(np.mean(v)) for k, v in seeds.items()} | {
            "std_roc_auc": float(np.std(seeds["roc_auc"])),
            "seeds": seeds,
        }
    cells = [
        [
            name,
            f"{r['roc_auc']:.3f} ± {r['std_roc_auc']:.3f}",
            f"{r['pr_auc']:.3f}",
            f"{r['fit_s']:.1f}",
        ]
        for name, r in out.items()
    ]
    print_table(
        f"ECG5000 (train file, 80/20, seeds {args.seeds}; anomalies positive)",
        ["run", "ROC-AUC (mean ± sd)", "PR-AUC", "fit + score s"],
        cells,
    )
    result["wall_s"] = time.perf_counter() - started
    print(f"wall time {result['wall_s']:.0f} s")
    write_result(args.out, result)


if __name__ == "__main__":
    main()
