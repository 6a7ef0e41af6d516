"""AnomalyDetector's fit with its members trained together (``member_training="stacked"``)
against one after another (``"sequential"``, the only way before), on ADBench sets.

Each fit is ``AnomalyDetector(random_state=0)`` with its defaults (three denoising members),
timed end to end, best of ``--repeats``; the table gives the seconds, sequential / stacked, and
the Spearman correlation of the two detectors' scores on the training rows (they should rank
rows alike: stacked training gives the sequential members up to float rounding). On a machine
with a GPU the same fits run on CUDA too (``--devices``). Results go to
``benchmarks/results/detector_training.json``.

    python benchmarks/detector_training.py --threads 1
    python benchmarks/detector_training.py --sets 29_Pima 6_cardio --repeats 1
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from scipy.stats import spearmanr

import aekit
import aekit.devices

# A small, a middling, a wide and a long table (the long one is cut to max_samples=10,000 rows).
SETS = ("29_Pima", "6_cardio", "25_musk", "30_satellite", "23_mammography")
MODES = ("sequential", "stacked")


def fit_seconds(X: np.ndarray, mode: str, device: str, repeats: int):
    """Best fit time of ``repeats`` and the last detector, its members on ``device``."""
    real_auto = aekit.devices.auto_device
    aekit.devices.auto_device = lambda: torch.device(device)  # the members' device="auto"
    try:
        best, detector = float("inf"), None
        for _ in range(repeats):
            detector = aekit.AnomalyDetector(member_training=mode, random_state=0)
            if device == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            detector.fit(X)
            if device == "cuda":
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - started)
        return best, detector
    finally:
        aekit.devices.auto_device = real_auto


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default all)")
    default_devices = ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    parser.add_argument("--devices", nargs="+", default=default_devices)
    parser.add_argument("--out", default="benchmarks/results/detector_training.json")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    rows, results = [], {}
    for name in args.sets:
        data = np.load(Path(args.data_dir) / "adbench-classical" / f"{name}.npz")
        X = data["X"].astype(np.float32)
        for device in args.devices:
            fitted = {mode: fit_seconds(X, mode, device, args.repeats) for mode in MODES}
            seconds = {mode: fitted[mode][0] for mode in MODES}
            scores = [fitted[mode][1].anomaly_score(X) for mode in MODES]
            rho = float(spearmanr(*scores)[0])
            speedup = seconds["sequential"] / seconds["stacked"]
            results.setdefault(name, {})[device] = {
                "shape": list(X.shape),
                "seconds": seconds,
                "sequential_over_stacked": speedup,
                "score_spearman": rho,
            }
            rows.append(
                [
                    name,
                    f"{X.shape[0]}x{X.shape[1]}",
                    device,
                    f"{seconds['sequential']:.2f}",
                    f"{seconds['stacked']:.2f}",
                    f"{speedup:.2f}x",
                    f"{rho:.5f}",
                ]
            )
            print(*rows[-1], flush=True)
    print_table(
        "AnomalyDetector() fit seconds: members one after another vs stacked",
        ["set", "rows x cols", "device", "sequential s", "stacked s", "speed-up", "Spearman"],
        rows,
    )
    if "cuda" in args.devices and "cpu" in args.devices:  # issue 14: the GPU no slower
        for name in args.sets:
            on = results[name]
            ratio = on["cuda"]["seconds"]["stacked"] / min(on["cpu"]["seconds"].values())
            on["cuda"]["stacked_gpu_over_best_cpu"] = ratio
            print(f"{name}: stacked on the GPU / best on the CPU = {ratio:.2f}")
    result = {"command": command_line(argv), "machine": machine_info(), "sets": results}
    write_result(args.out, result)
    return result


if __name__ == "__main__":
    main()
