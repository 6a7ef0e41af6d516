"""Windowed anomaly detection on NAB: aekit's SeriesAnomalyDetector against the simple baselines.

Every series (the 48 of ``<data-dir>/nab``, see its README) is fitted on its first 15% (NAB's
probationary period) and scored on the rest, where a point inside a labelled anomaly window
counts as an anomaly. Per series: point-wise ROC-AUC and PR-AUC (average precision) and VUS-PR
(the volume under the range-PR surface of Paparrizos et al. 2022, from the ``vus`` package, with
its own sliding window ``vus.utils.slidingWindows.find_length`` of each series); the table holds
their means over the series that have anomalies in the scored part, and the seconds each method
spent fitting and scoring all 48.

The window methods share everything but the model: the series standardized with the training
part's mean and standard deviation, windows of ``--window`` points (stride 1), each point scored
by the mean score of the windows covering it (``aekit.timeseries.spread_windows``).

``--cv`` chooses among the variants of :data:`VARIANTS` named in ``--methods`` honestly: the
labelled series are split into two halves (alternately, by name); the variant best on one half
(mean VUS-PR) is measured on the other, and the table reports both (in-fold and out-of-fold).

    python benchmarks/timeseries.py --threads 1
    python benchmarks/timeseries.py --cv --methods aekit ae_only knn_input both_k5 --threads 1

Results are cached per (method, window, series) under ``--cache`` so runs resume and split.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import command_line, machine_info, print_table, require_bench_extra, write_result
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors

import aekit
from aekit.timeseries import flatlines as flatlines_module
from aekit.timeseries import peak_errors as peak_errors_module
from aekit.timeseries import sliding_windows
from aekit.timeseries.detector import default_window_detector
from aekit.timeseries.windows import spread_windows, window_starts

TRAIN_FRACTION = 0.15  # NAB's probationary period


# ---- data ------------------------------------------------------------------------------------
def load_nab(folder: Path) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, values, labels)`` per series; a label is True inside a labelled window."""
    windows = json.loads((folder / "combined_windows.json").read_text())
    series = []
    for name, spans in sorted(windows.items()):
        frame = pd.read_csv(folder / f"{name}.gz")
        stamps = pd.to_datetime(frame["timestamp"]).to_numpy()
        labels = np.zeros(len(frame), dtype=bool)
        for start, end in spans:
            labels |= (stamps >= np.datetime64(pd.Timestamp(start))) & (
                stamps <= np.datetime64(pd.Timestamp(end))
            )
        series.append((name, frame["value"].to_numpy(np.float64), labels))
    return series


# ---- methods: (values, n_train, window, seed) -> an anomaly score per point -------------------
def _standardized(x: np.ndarray, n_train: int) -> np.ndarray:
    scale = x[:n_train].std()
    return (x - x[:n_train].mean()) / (scale if scale > 0 else 1.0)


def _windows(x, n_train, window):
    """Standardized windows of the whole series and how many lie inside the training part."""
    z = _standardized(x, n_train)
    return np.ascontiguousarray(sliding_windows(z, window)), n_train - window + 1


def _on_points(window_scores, n, window):
    return spread_windows(window_scores, window_starts(n, window), window, n)


def rolling_zscore(x, n_train, window, seed):
    """|x_t - mean| / std of the ``window`` points before t."""
    s = pd.Series(x)
    past = s.rolling(window, min_periods=2)
    z = ((s - past.mean().shift(1)) / past.std().shift(1)).abs()
    return np.nan_to_num(z.to_numpy(), nan=0.0, posinf=0.0)


def pca_windows(x, n_train, window, seed):
    """Squared reconstruction error of each window from the components keeping 90% of the
    training windows' variance."""
    W, n_fit = _windows(x, n_train, window)
    pca = PCA(n_components=0.9, random_state=seed).fit(W[:n_fit])
    errors = ((W - pca.inverse_transform(pca.transform(W))) ** 2).sum(axis=1)
    return _on_points(errors, len(x), window)


def iforest_windows(x, n_train, window, seed):
    W, n_fit = _windows(x, n_train, window)
    forest = IsolationForest(random_state=seed).fit(W[:n_fit])
    return _on_points(-forest.score_samples(W), len(x), window)


def knn_windows(x, n_train, window, seed, k=5):
    """Distance to the k-th nearest training window (PyOD KNN's "largest")."""
    W, n_fit = _windows(x, n_train, window)
    distances = NearestNeighbors(n_neighbors=k).fit(W[:n_fit]).kneighbors(W)[0][:, -1]
    return _on_points(distances, len(x), window)


def dense_ae_windows(x, n_train, window, seed):
    """Today's aekit without the series detector: a default dense Autoencoder on the windows,
    scored by reconstruction error."""
    W, n_fit = _windows(x, n_train, window)
    ae = aekit.Autoencoder(likelihood="gaussian", random_state=seed).fit(W[:n_fit])
    return _on_points(ae.reconstruction_error(W), len(x), window)


def _series_detector(
    estimator=None, max_iter=None, peak_errors=True, gate_margin=None, flatlines=True, span=None
):
    """``gate_margin``: the peak gate's margin over the training windows' largest peak, in
    place of :data:`aekit.timeseries.peak_errors.GATE_MARGIN`; ``span``: the flat lines' span
    as a fraction of a window, in place of :data:`aekit.timeseries.flatlines.SPAN_FRACTION`
    (None: those)."""

    def detect(x, n_train, window, seed):
        detector = aekit.SeriesAnomalyDetector(
            window=window,
            estimator=estimator,
            max_iter=max_iter,
            random_state=seed,
            peak_errors=peak_errors,
            flatlines=flatlines,
        )
        defaults = peak_errors_module.GATE_MARGIN, flatlines_module.SPAN_FRACTION
        peak_errors_module.GATE_MARGIN = gate_margin or defaults[0]
        flatlines_module.SPAN_FRACTION = span or defaults[1]
        try:
            return detector.fit(x[:n_train]).anomaly_score(x)
        finally:
            peak_errors_module.GATE_MARGIN, flatlines_module.SPAN_FRACTION = defaults

    return detect


def _inner(**params):
    """The default window detector with ``params`` changed."""
    return default_window_detector().set_params(**params)


METHODS = {
    "rolling_zscore": rolling_zscore,
    "pca": pca_windows,
    "iforest": iforest_windows,
    "knn": knn_windows,
    "dense_ae": dense_ae_windows,
    "aekit": _series_detector(),  # the default SeriesAnomalyDetector
}
# The candidates for the default window detector, compared by --cv: the autoencoder alone, and
# with the nearest-window distance in input, latent or both spaces, each scored by the windows
# alone (peak_errors=False, as when they were chosen among), with their peak errors
# (aekit.timeseries.peak_errors; "_peaks") and with the stillness of their channels too
# (aekit.timeseries.flatlines; "_flat").
_NO_PEAKS = {"peak_errors": False, "flatlines": False}
_PEAKS = {"flatlines": False}
VARIANTS = {
    "ae_only": _series_detector(_inner(n_neighbors=0), **_NO_PEAKS),
    "ae_input_k5": _series_detector(_inner(neighbor_space="input"), **_NO_PEAKS),
    "ae_latent_k5": _series_detector(_inner(neighbor_space="latent"), **_NO_PEAKS),
    "ae_both_k5": _series_detector(_inner(neighbor_space="both"), **_NO_PEAKS),
    "ae_both_k3pct": _series_detector(_inner(n_neighbors=0.03), **_NO_PEAKS),
    "ae_only_peaks": _series_detector(_inner(n_neighbors=0), **_PEAKS),
    "ae_input_k5_peaks": _series_detector(**_PEAKS),
    # the peak gate at the training windows' largest peak, or twice it
    "ae_input_k5_peaks_gate1": _series_detector(gate_margin=1.0, **_PEAKS),
    "ae_input_k5_peaks_gate2": _series_detector(gate_margin=2.0, **_PEAKS),
    "ae_both_k5_peaks": _series_detector(_inner(neighbor_space="both"), **_PEAKS),
    "ae_input_k5_peaks_flat": _series_detector(),  # the default
    # the flat lines' span: a quarter of a window, or the whole window (default: half)
    "ae_input_k5_peaks_flat_quarter": _series_detector(span=4),
    "ae_input_k5_peaks_flat_whole": _series_detector(span=1),
    "ae_both_k5_peaks_flat": _series_detector(_inner(neighbor_space="both")),
    # The default with fewer epochs (aekit detect-series --epochs N): what a faster fit costs.
    "aekit_epochs10": _series_detector(max_iter=10),
    "aekit_epochs20": _series_detector(max_iter=20),
}
METHODS.update(VARIANTS)


# ---- measuring -------------------------------------------------------------------------------
def measure(scores: np.ndarray, labels: np.ndarray, values: np.ndarray) -> dict | None:
    """ROC-AUC, PR-AUC and VUS-PR of the scored part; None without anomalies there."""
    from vus.metrics import get_metrics
    from vus.utils.slidingWindows import find_length

    if not labels.any() or labels.all():
        return None
    scores = np.nan_to_num(scores, nan=0.0)
    vus = get_metrics(scores, labels.astype(int), metric="vus", slidingWindow=find_length(values))
    return {
        "roc_auc": float(roc_auc_score(labels, scores)),
        "pr_auc": float(average_precision_score(labels, scores)),
        "vus_pr": float(vus["VUS_PR"]),
    }


def run_one(method: str, name: str, x, labels, window: int, seed: int, cache: Path | None):
    path = None
    if cache is not None:
        path = cache / f"{method}-w{window}-s{seed}" / (name.replace("/", "__") + ".json")
        if path.exists():
            return json.loads(path.read_text())
    n_train = int(TRAIN_FRACTION * len(x))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = METHODS[method](x, n_train, window, seed)
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "metrics": measure(scores[n_train:], labels[n_train:], x)}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result))
    return result


def summarize(results: dict, names: list[str]) -> dict:
    rows = [results[n]["metrics"] for n in names if results[n]["metrics"] is not None]
    out = {k: float(np.mean([r[k] for r in rows])) for k in ("roc_auc", "pr_auc", "vus_pr")}
    out["n_series"] = len(rows)
    return out


def cross_validate(per_method: dict, candidates: list[str], labelled: list[str]) -> dict:
    """Pick the candidate with the best mean VUS-PR on one half, measure it on the other."""
    halves = [labelled[0::2], labelled[1::2]]
    folds = []
    for pick_on, test_on in (halves, halves[::-1]):
        scores = {m: summarize(per_method[m], pick_on)["vus_pr"] for m in candidates}
        best = max(scores, key=scores.get)
        folds.append(
            {
                "picked": best,
                "in_fold": summarize(per_method[best], pick_on),
                "out_of_fold": summarize(per_method[best], test_on),
            }
        )
    return {"folds": folds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument(
        "--methods",
        nargs="+",
        default=["rolling_zscore", "pca", "iforest", "knn", "dense_ae", "aekit"],
    )
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N series.")
    parser.add_argument("--cache", default=None, help="Folder for per-series results.")
    parser.add_argument("--cv", action="store_true", help="Choose among the methods by halves.")
    parser.add_argument("--out", default="benchmarks/results/timeseries.json")
    args = parser.parse_args(argv)
    require_bench_extra(parser, {"vus": "the VUS-PR column"})
    torch.set_num_threads(args.threads)
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown methods {unknown}; choose from {sorted(METHODS)}")
    cache = Path(args.cache) if args.cache else None
    series = load_nab(Path(args.data_dir) / "nab")[: args.limit]
    per_method: dict[str, dict] = {m: {} for m in args.methods}
    for name, x, labels in series:
        for method in args.methods:
            result = run_one(method, name, x, labels, args.window, args.seed, cache)
            per_method[method][name] = result
            vus = result["metrics"]["vus_pr"] if result["metrics"] else float("nan")
            print(f"{method:>15} {name:60} {result['seconds']:7.1f}s  VUS-PR {vus:.3f}", flush=True)
    names = [n for n, _, _ in series]
    labelled = [n for n in names if per_method[args.methods[0]][n]["metrics"] is not None]
    summary = {}
    for method in args.methods:
        summary[method] = summarize(per_method[method], names)
        summary[method]["seconds"] = float(sum(r["seconds"] for r in per_method[method].values()))
    cells = [
        [
            m,
            f"{s['vus_pr']:.3f}",
            f"{s['pr_auc']:.3f}",
            f"{s['roc_auc']:.3f}",
            f"{s['seconds']:.0f}",
        ]
        for m, s in summary.items()
    ]
    print_table(
        f"NAB, {len(names)} series ({len(labelled)} with anomalies), window {args.window}",
        ["method", "VUS-PR", "PR-AUC", "ROC-AUC", "fit+score s"],
        cells,
    )
    result = {
        "command": command_line(argv),
        "machine": machine_info(),
        "window": args.window,
        "n_series": len(names),
        "summary": summary,
        "per_series": {m: per_method[m] for m in args.methods},
    }
    if args.cv:
        candidates = [m for m in args.methods if m in VARIANTS]
        if not candidates:
            parser.error(f"--cv chooses among the variants; name some of {sorted(VARIANTS)}")
        result["cv"] = cross_validate(per_method, candidates, labelled)
        for fold in result["cv"]["folds"]:
            print(
                f"picked {fold['picked']}: VUS-PR in-fold {fold['in_fold']['vus_pr']:.3f}, "
                f"out-of-fold {fold['out_of_fold']['vus_pr']:.3f}"
            )
    write_result(args.out, result)


if __name__ == "__main__":
    main()
