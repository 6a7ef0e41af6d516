"""Score terms tried beside the detector's defaults, on the cross-validation's cached runs.

Each term below is computed for every (set, protocol) run that ``anomaly.py --cv`` cached (the
same rows, seed 0), put in the detector's units (divided by the interquartile range of its
values on the training rows, each training row scored without itself where it is a neighbour
distance) and added to the default detector's score with a weight of 0.25, 0.5 or 1. The table
gives each term alone, the best weight's in-sample means and, picking among the default and all
"default + w term" candidates by the CV's leave-group-out rule (``anomaly_cv.cross_validate``),
the out-of-fold means. A term that does not raise the out-of-fold figure is not worth a default.

- ``local density ratio``: a row's mean distance to its 10 nearest training rows over the mean
  of the same for those 10 rows (LOF's idea, Breunig et al. 2000, without reachability);
- ``... trimmed reference``: the same against the training rows left after dropping the 10%
  farthest from their 3%-nearest neighbour (the members' density trim), k = 20;
- ``PCA error``, ``IsolationForest``, ``Mahalanobis`` (Ledoit-Wolf covariance): global views;
- ``feature-bagged kNN``: the mean over 3 nearest in 10 random subsets of d/2 to d-1 features
  (Lazarevic & Kumar 2005), each bag in its own IQR units, averaged;
- ``kNN, Manhattan``: the input term with the L1 distance;
- ``subsampled kNN``: the outlier ensemble by variable subsampling of
  ``anomaly_input_scorers.subsampled_knn`` (a row's distance to its nearest row in each of 50
  random subsets of 50-1,000 training rows): added to the default, and in place of one of the
  default's neighbour terms ("default, no input term, + w ...": the input term's 3 nearest rows
  cost protocol 2 what they give protocol 1; "default, no latent term, ...": the latent term,
  k = 3% of the rows, is what protects contaminated training rows, as small subsets do).

    python benchmarks/anomaly.py --cv --seeds 0 --cv-cache C   # makes the cache (once)
    python benchmarks/anomaly_terms.py --cv-cache C
    python benchmarks/anomaly_terms.py --cv-cache C --terms "subsampled kNN"   # some terms only
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.covariance import LedoitWolf
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

import aekit
from aekit.anomaly.ensemble import robust_spread

DEFAULT = ("dae_trim", 3, 0.03, ("mean", 3), "iqr", 0.25)  # AnomalyDetector()'s configuration
# The README's recipe for training rows known to be normal, AnomalyDetector(
# neighbor_space="input", part_scale="tail", n_estimators=1): the grid's protocol-1 choice
CLEAN_RECIPE = ("dae_trim", 1, "off", ("mean", 3), "tail", 0.25)
# The default without one of its neighbour terms: a base a term may replace that term on
WITHOUT = {
    "no input term": DEFAULT[:3] + ("off",) + DEFAULT[4:],
    "no latent term": DEFAULT[:2] + ("off",) + DEFAULT[3:],
}
REPLACES_A_TERM = ("subsampled kNN",)
WEIGHTS = (0.25, 0.5, 1.0)


def _neighbours(reference: np.ndarray, rows: np.ndarray, k: int, skip_self: bool):
    """Distances and indices of each row's k nearest reference rows (itself skipped)."""
    index = NearestNeighbors(n_neighbors=min(k + int(skip_self), len(reference))).fit(reference)
    distances, indices = index.kneighbors(rows)
    if skip_self:
        return distances[:, 1:], indices[:, 1:]
    return distances, indices


def density_ratio(reference, A, B, k: int, in_reference: np.ndarray) -> tuple:
    """Mean k-distance over the reference neighbours' own mean k-distance, for the training rows
    A (``in_reference`` marks those that are reference rows: they skip themselves) and B."""
    own, _ = _neighbours(reference, reference, k, skip_self=True)
    density = own.mean(axis=1)
    out = []
    for rows, inside in ((A, in_reference), (B, np.zeros(len(B), bool))):
        d, i = _neighbours(reference, rows, k + 1, skip_self=False)
        d = np.where(inside[:, None], d[:, 1:], d[:, :-1])
        i = np.where(inside[:, None], i[:, 1:], i[:, :-1])
        out.append(d.mean(axis=1) / (density[i].mean(axis=1) + 1e-12))
    return tuple(out)


def mean_knn(A, B, k: int = 3, metric: str = "euclidean") -> tuple:
    index = NearestNeighbors(n_neighbors=k + 1, metric=metric).fit(A)
    return index.kneighbors(A)[0][:, 1:].mean(axis=1), index.kneighbors(B, k)[0].mean(axis=1)


def feature_bagged_knn(A, B, bags: int = 10, seed: int = 0) -> tuple:
    rng, width = np.random.RandomState(seed), A.shape[1]
    train, test = np.zeros(len(A)), np.zeros(len(B))
    for _ in range(bags):
        columns = rng.choice(width, rng.randint(max(1, width // 2), max(2, width)), replace=False)
        own, new = mean_knn(A[:, columns], B[:, columns])
        spread = robust_spread(own)
        train, test = train + own / spread / bags, test + new / spread / bags
    return train, test


def terms(A: np.ndarray, B: np.ndarray, far: np.ndarray, only: list[str] | None = None) -> dict:
    """``{name: (values on the training rows, values on the test rows)}`` (``only``: those
    names)."""
    from anomaly_input_scorers import subsampled_knn  # it imports this module

    if only:
        makers = {"subsampled kNN": lambda: subsampled_knn(A, B, seed=0)}
        unknown = sorted(set(only) - set(makers))
        if unknown:
            raise SystemExit(f"--terms: {unknown} is not one of {sorted(makers)}")
        return {name: makers[name]() for name in only}
    out = {}
    everyone = np.ones(len(A), bool)
    out["local density ratio"] = density_ratio(A, A, B, 10, everyone)
    kept = far <= np.quantile(far, 0.9)
    out["local density ratio, trimmed reference"] = density_ratio(A[kept], A, B, 20, kept)
    pca = PCA(n_components=0.9, random_state=0).fit(A)
    error = [((M - pca.inverse_transform(pca.transform(M))) ** 2).sum(axis=1) for M in (A, B)]
    out["PCA error"] = tuple(error)
    forest = IsolationForest(random_state=0).fit(A)
    out["IsolationForest"] = (-forest.score_samples(A), -forest.score_samples(B))
    covariance = LedoitWolf().fit(A)
    out["Mahalanobis"] = tuple(np.sqrt(covariance.mahalanobis(M)) for M in (A, B))
    out["feature-bagged kNN"] = feature_bagged_knn(A, B)
    out["kNN, Manhattan"] = mean_knn(A, B, metric="manhattan")
    out["subsampled kNN"] = subsampled_knn(A, B, seed=0)
    return out


def cached_parts(cache: str, name: str, protocol: int, caps: tuple[int, int]) -> dict:
    """The parts ``anomaly.py --cv`` cached for a set's run of seed 0, as arrays."""
    from anomaly_cv import cache_file

    file = cache_file(cache, name, protocol, 0, caps)
    if not file.exists():
        raise SystemExit(f"{file} missing: run anomaly.py --cv --seeds 0 --cv-cache first")
    with np.load(file) as stored:
        return {k: stored[k] for k in stored.files}


def run_terms(args) -> dict:
    """``runs[set][protocol][0] = {candidate: metrics}`` as ``anomaly_cv`` keeps them."""
    from anomaly import all_sets, split
    from anomaly_cv import _k_value, _metrics, _run_rows, candidate_score

    runs: dict = {}
    for name, path in all_sets(args.data_dir):
        large = path.parent.name == "adbench-large"
        caps = (5000, 10000) if large else (10000, 20000)
        loaded = np.load(path)
        X, y = loaded["X"].astype(np.float64), loaded["y"].astype(int)
        for protocol in (1, 2):
            parts = cached_parts(args.cv_cache, name, protocol, caps)
            X_train, X_test, y_test = _run_rows(X, y, protocol, 0, caps, split)
            if not np.array_equal(y_test, parts["y_test"]):
                raise SystemExit(f"the cache of {name} p{protocol} holds other rows; rerun --cv")
            shell = aekit.AnomalyDetector(n_neighbors=0, random_state=0)
            A, B = shell._fit_preprocessing(X_train), shell._encode_input(X_test)
            base = candidate_score(parts, DEFAULT)[0]
            bases = {name: candidate_score(parts, c)[0] for name, c in WITHOUT.items()}
            figures = {
                "default": _metrics(y_test, base, 0.0),
                "kNN": _metrics(y_test, parts["baseline/knn"], 0.0),
                "recipe for clean training rows": _metrics(
                    y_test, candidate_score(parts, CLEAN_RECIPE)[0], 0.0
                ),
            }
            far = parts[f"input/{_k_value(0.03, len(A))}/train"]
            for term, (train, test) in terms(A, B, far, args.terms).items():
                figures[term] = _metrics(y_test, test, 0.0)
                for w in WEIGHTS:
                    score = base + w * test / robust_spread(train)
                    figures[f"default + {w:g} {term}"] = _metrics(y_test, score, 0.0)
                    for left_out, without in bases.items() if term in REPLACES_A_TERM else ():
                        score = without + w * test / robust_spread(train)
                        replaced = f"default, {left_out}, + {w:g} {term}"
                        figures[replaced] = _metrics(y_test, score, 0.0)
            runs.setdefault(name, {}).setdefault(protocol, {})[0] = figures
            print(f"  {name} p{protocol}", flush=True)
    return runs


def summarize(runs: dict, title: str = "Extra score terms") -> dict:
    from anomaly_cv import cross_validate, objective, out_of_fold, per_set_means

    names = sorted(runs)
    methods = list(next(iter(runs.values()))[1][0])

    def means(method: str) -> list[float]:
        return [
            float(np.mean(list(per_set_means(runs, method, p, key).values())))
            for p in (1, 2)
            for key in ("roc_auc", "pr_auc")
        ]

    table, out = [], {}
    for method in methods:
        out[method] = means(method)
        table.append([method, *(f"{v:.4f}" for v in out[method])])
    pool = [m for m in methods if m.startswith("default")]  # not the recipe, not a term alone
    cv = cross_validate(runs, pool, 5, seed=0)
    oof = [
        float(np.mean(list(out_of_fold(runs, cv["held_out_pick"], p, key).values())))
        for p in (1, 2)
        for key in ("roc_auc", "pr_auc")
    ]
    in_sample = max(pool, key=lambda m: objective(runs, m, names))
    table.append(["out-of-fold pick among default (+ term)", *(f"{v:.4f}" for v in oof)])
    headers = ["score", "P1 ROC-AUC", "P1 PR-AUC", "P2 ROC-AUC", "P2 PR-AUC"]
    print_table(f"{title}, {len(names)} sets, seed 0", headers, table)
    for fold in cv["folds"]:
        print(f"fold {fold['held_out']}: picked {fold['picked']}")
    print(f"in-sample pick: {in_sample}")
    return {"means": out, "out_of_fold": oof, "cv": cv, "in_sample_pick": in_sample}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--cv-cache", default="benchmarks/results/anomaly_cv_runs")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--terms", nargs="+", metavar="NAME", help="only these terms (default: all of them)"
    )
    parser.add_argument("--out", default="benchmarks/results/anomaly_terms.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if not any(Path(args.data_dir).glob("adbench-*/*.npz")):
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    result = {"command": command_line(argv), "machine": machine_info()}
    result |= summarize(run_terms(args))
    write_result(args.out, result)


if __name__ == "__main__":
    main()
