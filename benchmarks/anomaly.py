"""Anomaly detection, side by side: aekit's AnomalyDetector (defaults) against PyOD's
AutoEncoder and VAE (defaults), scikit-learn's IsolationForest, PCA reconstruction error and kNN
distance, on the 16 ADBench "classical" sets; then ECG5000 against the TensorFlow tutorial.

Protocols (ADBench sets):
1. normal-only training: half of the normal rows (random, per seed) train; the other normal
   rows plus all anomalies test.
2. unsupervised: stratified 70/30 split; the training part keeps its anomalies, labels unused.
Training sets above ``--max-train`` rows (only shuttle) are subsampled for every method alike.

    python benchmarks/anomaly.py                 # 16 sets x 3 seeds x 2 protocols + ECG5000
    python benchmarks/anomaly.py --quick         # 4 small sets, 1 seed
    python benchmarks/anomaly.py --cv --seeds 0  # defaults by cross-validation over 25 sets
    python benchmarks/anomaly.py --large         # the 9 large sets: AUCs, time, peak memory
    python benchmarks/anomaly.py --large --sets 11_donors --all-rows --threads 2 --methods aekit
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from anomaly_baselines import BASELINES, ecg_tutorial_baseline, require_pyod
from anomaly_cv import CLEAN_TRAINING, CV_BASELINES
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

import aekit

QUICK_SETS = ("4_breastw", "18_Ionosphere", "29_Pima", "42_WBC")


def aekit_detector(X_train: np.ndarray, X_test: np.ndarray, seed: int) -> np.ndarray:
    """The library's defaults, nothing tuned per data set."""
    return aekit.AnomalyDetector(random_state=seed).fit(X_train).anomaly_score(X_test)


ALL_METHODS = {"aekit": aekit_detector, **BASELINES}
METHODS = dict(ALL_METHODS)  # narrowed by --methods


def split(X, y, protocol: int, seed: int, max_train: int):
    rng = np.random.RandomState(seed)
    if protocol == 1:
        normal = rng.permutation(np.flatnonzero(y == 0))
        half = len(normal) // 2
        train, test = normal[:half], np.concatenate([normal[half:], np.flatnonzero(y == 1)])
        X_train, X_test, y_test = X[train], X[test], y[test]
    else:
        X_train, X_test, _, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=seed
        )
    if len(X_train) > max_train:
        X_train = X_train[rng.permutation(len(X_train))[:max_train]]
    return X_train, X_test, y_test


def run_adbench(args, names: list[str], result: dict) -> dict:
    results = result["adbench"] = {}
    for protocol in (1, 2):
        per_set = {}
        for name in names:
            data = np.load(Path(args.data_dir) / "adbench-classical" / f"{name}.npz")
            X, y = data["X"].astype(np.float64), data["y"].astype(int)
            runs = {m: {"roc_auc": [], "pr_auc": [], "fit_s": []} for m in METHODS}
            for seed in args.seeds:
                X_train, X_test, y_test = split(X, y, protocol, seed, args.max_train)
                for method, detect in METHODS.items():
                    started = time.perf_counter()
                    scores = detect(X_train, X_test, seed)
                    runs[method]["fit_s"].append(time.perf_counter() - started)
                    runs[method]["roc_auc"].append(roc_auc_score(y_test, scores))
                    runs[method]["pr_auc"].append(average_precision_score(y_test, scores))
            per_set[name] = {
                m: {k: float(np.mean(v)) for k, v in r.items()} | {"seeds": r}
                for m, r in runs.items()
            }
            line = " ".join(f"{m}={per_set[name][m]['roc_auc']:.3f}" for m in METHODS)
            print(f"protocol {protocol} {name}: {line}", flush=True)
        results[f"protocol_{protocol}"] = per_set
        _print_protocol(protocol, per_set)
        write_result(args.out, result)  # keep what is done should a later part fail
    return results


def _mean(per_set: dict, method: str, key: str) -> float:
    return float(np.mean([r[method][key] for r in per_set.values()]))


def _print_protocol(protocol: int, per_set: dict) -> None:
    title = {1: "normal-only training", 2: "unsupervised, contaminated training"}[protocol]
    cells = [[name, *(f"{r[m]['roc_auc']:.3f}" for m in METHODS)] for name, r in per_set.items()]
    for key, label in (("roc_auc", "mean ROC-AUC"), ("pr_auc", "mean PR-AUC")):
        cells.append([label, *(f"{_mean(per_set, m, key):.3f}" for m in METHODS)])
    cells.append(["total fit s", *(f"{_sum_time(per_set, m):.0f}" for m in METHODS)])
    print_table(f"Protocol {protocol} ({title}): ROC-AUC", ["data set", *METHODS], cells)


def _sum_time(per_set: dict, method: str) -> float:
    return float(sum(sum(r[method]["seeds"]["fit_s"]) for r in per_set.values()))


def run_ecg(args) -> dict:
    """The TensorFlow autoencoder tutorial's protocol on ECG5000 (train file; class 1 normal):
    80/20 split per seed, train on the normal training beats, threshold = mean + 1 std of the
    training errors (for "aekit_holdout": of the errors of 20% of the normal training beats held
    out of training, ``threshold_holdout=0.2``; "aekit_clean" is the recipe for clean training
    rows, :data:`CLEAN_TRAINING`); accuracy, precision and recall with *normal* as
    the positive class, as the tutorial reports them, and the threshold-free ROC-AUC (anomaly
    positive)."""
    from sklearn.metrics import accuracy_score, precision_score, recall_score

    table = np.loadtxt(Path(args.data_dir) / "ecg5000" / "ECG5000_TRAIN.txt")
    X, normal = table[:, 1:], table[:, 0] == 1
    out = {}
    for method in ("aekit", "aekit_holdout", "aekit_clean", "tf_tutorial"):
        scores = {"accuracy": [], "precision": [], "recall": [], "roc_auc": [], "fit_s": []}
        for seed in args.seeds:
            X_train, X_test, n_train, n_test = train_test_split(
                X, normal, test_size=0.2, random_state=21 + seed
            )
            started = time.perf_counter()
            if method.startswith("aekit"):
                detector = aekit.AnomalyDetector(
                    threshold="mean_std",
                    n_std=1.0,
                    threshold_holdout=0.2 if method == "aekit_holdout" else 0.0,
                    random_state=seed,
                    **(CLEAN_TRAINING if method == "aekit_clean" else {}),
                )
                predicted_normal = detector.fit(X_train[n_train]).predict(X_test) == 1
                anomaly_scores = detector.anomaly_score(X_test)
            else:
                predicted_normal, anomaly_scores = ecg_tutorial_baseline(
                    X_train[n_train], X_test, seed
                )
            scores["fit_s"].append(time.perf_counter() - started)
            scores["accuracy"].append(accuracy_score(n_test, predicted_normal))
            scores["precision"].append(precision_score(n_test, predicted_normal))
            scores["recall"].append(recall_score(n_test, predicted_normal))
            scores["roc_auc"].append(roc_auc_score(~n_test, anomaly_scores))
        out[method] = {k: float(np.mean(v)) for k, v in scores.items()} | {"seeds": scores}
    cells = [
        [
            m,
            *(f"{out[m][k]:.3f}" for k in ("accuracy", "precision", "recall", "roc_auc")),
            f"{out[m]['fit_s']:.1f}",
        ]
        for m in out
    ]
    print_table(
        "ECG5000 (TF tutorial protocol, normal = positive)",
        ["method", "accuracy", "precision", "recall", "ROC-AUC", "fit s"],
        cells,
    )
    return out


def all_sets(data_dir: str) -> list[tuple[str, Path]]:
    """The 16 classical and 9 large shared ADBench sets, as (stem, path)."""
    files = [*(Path(data_dir) / "adbench-classical").glob("*.npz")]
    files += (Path(data_dir) / "adbench-large").glob("*.npz")
    return sorted(((p.stem, p) for p in files), key=lambda s: int(s[0].split("_")[0]))


def check_data(parser, args) -> None:
    """Exit with one line when the sets a run needs are not under ``--data-dir`` (run from another
    folder, the default ``../shared/data`` points elsewhere, and an empty table says nothing) or
    ``--sets`` names one that is not there."""
    needed = []
    if args.cv or args.large:
        needed.append("adbench-large")
    if args.cv or not (args.large or args.no_adbench):
        needed.append("adbench-classical")
    if not (args.cv or args.large):
        needed.append("ecg5000")
    for folder in needed:
        if not any(
            (Path(args.data_dir) / folder).glob(
                "*.npz" if folder.startswith("adbench") else "*.txt"
            )
        ):
            parser.error(
                f"nothing in {Path(args.data_dir) / folder}; pass --data-dir, the folder that "
                "holds adbench-classical/, adbench-large/ and ecg5000/ (default ../shared/data, "
                "relative to where you run)"
            )
    known = {name for name, _ in all_sets(args.data_dir)}
    unknown = sorted(set(args.sets or ()) - known)
    if unknown:
        parser.error(f"--sets: {unknown} not under {args.data_dir}; known: {sorted(known)}")


def run_cv(args, argv) -> None:
    import anomaly_cv

    started = time.perf_counter()
    sets = all_sets(args.data_dir)
    if args.sets:
        sets = [s for s in sets if s[0] in args.sets]
    if args.cv_variants:
        anomaly_cv.use_variants(args.cv_variants)
    runs = anomaly_cv.collect(args, sets, split)
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    result |= {"max_train": args.max_train, "max_test": args.max_test}
    result |= anomaly_cv.summarize(runs, args)
    if args.cv_check:
        pick = result["in_sample_pick"]
        result["check"] = anomaly_cv.check_defaults(args, runs, sets, split, pick)
    result["wall_s"] = time.perf_counter() - started
    write_result(args.out.replace("anomaly.json", "anomaly_cv.json"), result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-train", type=int, default=10000)
    parser.add_argument("--sets", nargs="+", default=None, help="ADBench file stems to run.")
    parser.add_argument("--quick", action="store_true", help="4 small sets, 1 seed.")
    parser.add_argument(
        "--methods", nargs="+", default=list(ALL_METHODS), choices=list(ALL_METHODS),
        help="ADBench methods to run (default all).",
    )  # fmt: skip
    parser.add_argument("--no-adbench", action="store_true", help="Only the ECG5000 part.")
    parser.add_argument(
        "--cv", action="store_true",
        help="Choose the detector's defaults by leave-group-out cross-validation over the 16 + 9 "
        "shared sets (anomaly_cv.py) instead of the usual comparison.",
    )  # fmt: skip
    parser.add_argument(
        "--large", action="store_true",
        help="The 9 large sets (anomaly_large.py): every method's ROC-AUC, PR-AUC, time and "
        "peak memory, each in its own process.",
    )  # fmt: skip
    parser.add_argument("--all-rows", action="store_true", help="--large: fit and score all rows.")
    parser.add_argument("--large-timeout", type=float, default=1800.0)
    parser.add_argument("--cv-folds", type=int, default=5)
    parser.add_argument(
        "--cv-check", nargs="*", default=[],
        help="--cv: sets on which a real AnomalyDetector() is compared with the cached figure "
        "of the in-sample pick.",
    )  # fmt: skip
    parser.add_argument("--cv-cache", default="benchmarks/results/anomaly_cv_runs")
    parser.add_argument(
        "--cv-protocols", type=int, nargs="+", default=[1, 2], choices=[1, 2],
        help="--cv: run and choose on these protocols only (a new member kind: protocol 1 first).",
    )  # fmt: skip
    parser.add_argument(
        "--cv-variants", nargs="+", default=None,
        help="--cv: the member kinds of the grid (default ae_fast dae_fast dae_trim; the DDAE "
        "kinds ddae_fast ddae_trim ddae2_trim on request).",
    )  # fmt: skip
    parser.add_argument("--max-test", type=int, default=20000, help="--cv: test rows cap.")
    parser.add_argument("--cv-large-max-train", type=int, default=5000)
    parser.add_argument("--cv-large-max-test", type=int, default=10000)
    parser.add_argument("--out", default="benchmarks/results/anomaly.json")
    args = parser.parse_args(argv)
    require_pyod(parser, [*args.methods, *(CV_BASELINES if args.cv else ())])
    torch.set_num_threads(args.threads)
    METHODS.clear()
    METHODS.update({m: ALL_METHODS[m] for m in args.methods})
    if args.quick:
        args.seeds = args.seeds[:1]
    folder = Path(args.data_dir) / "adbench-classical"
    names = args.sets or sorted(
        (p.stem for p in folder.glob("*.npz")), key=lambda s: int(s.split("_")[0])
    )
    if args.quick:
        names = [n for n in names if n in QUICK_SETS]
    check_data(parser, args)
    if args.cv:
        run_cv(args, argv)
        return
    if args.large:
        from anomaly_large import run_large

        started = time.perf_counter()
        result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
        result |= {"max_train": args.max_train, "all_rows": args.all_rows}
        result["large"] = run_large(args, list(METHODS), args.sets)
        result["wall_s"] = time.perf_counter() - started
        write_result(args.out.replace("anomaly.json", "anomaly_large.json"), result)
        return
    started = time.perf_counter()
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    result["max_train"] = args.max_train
    if not args.no_adbench:
        run_adbench(args, names, result)
        result["means"] = {
            protocol: {m: {k: _mean(per_set, m, k) for k in ("roc_auc", "pr_auc")} for m in METHODS}
            for protocol, per_set in result["adbench"].items()
        }
    result["ecg5000"] = run_ecg(args)
    result["wall_s"] = time.perf_counter() - started
    print(f"wall time {result['wall_s']:.0f} s")
    write_result(args.out, result)


if __name__ == "__main__":
    main()
