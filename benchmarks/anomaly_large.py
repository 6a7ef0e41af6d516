"""The 9 large ADBench sets (``anomaly.py --large``): every method's ROC-AUC, PR-AUC, fit + score
seconds and peak memory.

Protocol: the unsupervised one (protocol 2): a stratified 70/30 split, the training part keeps its
anomalies; training rows capped at ``--max-train`` for every method alike (0: no cap, each method
then sees every training row; aekit's detector still subsamples to its ``max_samples``); the
whole test part is scored. ``--all-rows`` instead fits on every row of the set and scores every
row (the "fit and score donors" check).

Each (set, method) runs in a fresh process (``spawn``), so its peak resident memory
(``ru_maxrss``) is its own: Python, the libraries, the data and the method, nothing left over
from an earlier method.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
from pathlib import Path

import numpy as np


def _cpu_seconds() -> float:
    """This process's user + system CPU seconds: on a machine shared with other jobs, wall time
    says more about the neighbours than about the method."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(queue, path: str, method: str, seed: int, max_train: int, threads: int, all_rows: bool):
    import torch
    from anomaly import ALL_METHODS, split
    from sklearn.metrics import average_precision_score, roc_auc_score

    torch.set_num_threads(threads)
    data = np.load(path)
    X, y = data["X"].astype(np.float64), data["y"].astype(int)
    if all_rows:
        X_train, X_test, y_test = X, X, y
    else:
        X_train, X_test, y_test = split(X, y, 2, seed, max_train or len(X))
    del X, y, data
    started, cpu = time.perf_counter(), _cpu_seconds()
    scores = ALL_METHODS[method](X_train, X_test, seed)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    queue.put(
        {
            "roc_auc": float(roc_auc_score(y_test, scores)),
            "pr_auc": float(average_precision_score(y_test, scores)),
            "s": seconds,
            "cpu_s": cpu,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "n_train": len(X_train),
            "n_test": len(X_test),
        }
    )


def run_large(args, methods: list[str], names: list[str] | None) -> dict:
    """``{set: {method: figures}}``, printed as a table as each set completes."""
    from _common import print_table

    folder = Path(args.data_dir) / "adbench-large"
    files = sorted(folder.glob("*.npz"), key=lambda p: int(p.stem.split("_")[0]))
    if names:
        files = [f for f in files if f.stem in names]
    context = mp.get_context("spawn")
    out = {}
    for file in files:
        out[file.stem] = {}
        for method in methods:
            queue = context.Queue()
            child = context.Process(
                target=_child,
                args=(
                    queue,
                    str(file),
                    method,
                    args.seeds[0],
                    args.max_train,
                    args.threads,
                    args.all_rows,
                ),
            )
            child.start()
            try:
                result = queue.get(timeout=args.large_timeout)
            except Exception:  # too slow or crashed: say so, go on with the next method
                result = {"error": f"no result within {args.large_timeout} s"}
                child.kill()
            child.join()
            out[file.stem][method] = result
            print(f"  {file.stem} {method}: {result}", flush=True)
    cells = []
    for name, by_method in out.items():
        for method, r in by_method.items():
            if "error" in r:
                cells.append([name, method, "-", "-", "-", "-", "-", r["error"]])
                continue
            cells.append(
                [
                    name,
                    method,
                    f"{r['roc_auc']:.3f}",
                    f"{r['pr_auc']:.3f}",
                    f"{r['s']:.1f}",
                    f"{r['cpu_s']:.1f}",
                    f"{r['peak_rss_mib']:.0f}",
                    f"{r['n_train']}/{r['n_test']}",
                ]
            )
    headers = ["set", "method", "ROC-AUC", "PR-AUC", "fit+score s", "CPU s", "peak RSS MiB"]
    headers.append("train/test")
    print_table("Large ADBench sets", headers, cells)
    return out
