"""Input-space scorers tried for issue #16's protocol-1 goal (kNN + 0.01 ROC-AUC), on the rows of
the cross-validation (``anomaly.py --cv``: the 25 shared ADBench sets, the same splits and caps,
the detector's preprocessing), against kNN and the detector's own input term.

With clean training rows (protocol 1) the detector's score is carried by its input term, the mean
distance to the 3 nearest training rows; the question here is whether another view of the input
space, alone or added to that term, beats kNN by the goal's margin. Each added part is put in the
term's units first (divided by the interquartile range of its values on the training rows, a
training row's neighbour distances taken without itself), as the detector adds its parts:

- ``whitened``: the mean over the 3 nearest after whitening the training rows' covariance, each
  principal direction divided by sqrt(eigenvalue + eps * mean eigenvalue) (a local Mahalanobis
  distance: rows off the data's low-variance directions move far, which PCA's error sees);
- ``PCA error``: the squared error of the principal components holding 95% of the variance;
- ``quantile``: the mean over the 3 nearest after mapping each column to normal quantiles
  (scikit-learn's ``QuantileTransformer``: heavy tails and odd units lose their weight);
- ``min-max`` / ``MAD``: the same with each column divided by its range / its median absolute
  deviation instead of its standard deviation;
- ``masked kNN``: NPT-AD's non-parametric baseline (Thimonier et al. 2024): 16 random masks of
  25% of the columns; each masked part predicted by the mean of the row's 5 nearest training
  rows on the other columns; the squared error averaged over the masks;
- ``subsampled kNN``: an outlier ensemble by variable subsampling (Aggarwal and Sathe 2015): 50
  random subsets of the training rows, each of a size drawn log-uniformly from 50 to 1,000; a
  row's distance to its nearest row of each subset (a training row's without itself), over the
  subset's IQR of those distances on the training rows, averaged over the subsets (small
  subsets see the data's coarse shape, large ones its local detail);
- ``mean of k nearest``: the term with k = 1, 2, 5, 10 or 20 instead of 3, and the best k of
  each set (its mean over the seeds) picked with the test labels: no rule for choosing k from
  the data can do better, so that row bounds what a better k could give;
- ``mean over k of the term``: the term with k = 1, 2, 3, 5, 10 and 20, each in its units,
  averaged (an ensemble over k instead of a choice of k);
- ``k chosen on synthetic anomalies (KIND)``: the term with the k (1-20) that best separates
  each run's training rows from synthetic anomalies made of them, a rule that needs no labels
  (``synthetic_k.py``); the kind is then chosen out of fold by the CV's leave-group-out rule,
  over five draws of the folds;
- ``column tails``: each column's two-sided empirical tail probability among the training rows,
  as surprisal summed over the columns (ECOD's idea, Li et al. 2022, without its skewness rule),
  alone and added to the term at 0.1, 0.25 and 0.5;
- ``iNNE``: isolation by nearest-neighbour ensembles (Bandaragoda et al. 2018): 100 random
  subsets of 64 training rows, each row of a subset the centre of a ball reaching its nearest
  other centre; a row scores 1 - (radius of that ball's own nearest centre) / (radius of the
  smallest ball holding the row), 1 outside every ball, averaged over the subsets;
- ``local density ratio (k)``: a row's mean distance to its k nearest training rows over those
  rows' own mean distance to theirs (``anomaly_terms.density_ratio``, LOF's idea), alone and
  added to the term at 0.25;
- ``learned combination``: a logistic regression on the log distances to the 20 nearest training
  rows, fitted to tell the training rows from synthetic anomalies of every kind
  (``synthetic_k.learned_combination``; LUNAR's idea, Goodge et al. 2022, linear here);
- ``trimmed term (SHARE by RULE)``: the term against the training rows without the SHARE of them
  ranked highest by the mean distance to their 3% nearest or by subsampled kNN
  (``trimmed_reference.py``: training anomalies dropped from the reference, for protocol 2).

    python benchmarks/anomaly_input_scorers.py                  # protocol 1, seeds 0 1 2
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --seeds 0
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --only "mean of" \
        --out benchmarks/results/anomaly_input_k.json           # the term's k
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --only "over k" \
        --out benchmarks/results/anomaly_input_k_ensemble.json  # an ensemble over k
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --only "synthetic" \
        --out benchmarks/results/anomaly_input_synthetic_k.json  # k chosen without labels
    python benchmarks/anomaly_input_scorers.py --only "subsampled kNN" "iNNE" \
        --out benchmarks/results/anomaly_input_ensembles.json     # some scorers only
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --only "density ratio" learned \
        --out benchmarks/results/anomaly_input_learned.json
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --only "column tails" \
        --out benchmarks/results/anomaly_input_tails.json
    python benchmarks/anomaly_input_scorers.py --protocols 1 2 --only trimmed "subsampled kNN" \
        --out benchmarks/results/anomaly_input_trimmed.json
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from _common import command_line, machine_info, print_table, write_result
from anomaly import all_sets, split
from anomaly_baselines import knn_distance
from anomaly_cv import cap_test, cross_validate
from anomaly_terms import density_ratio
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import QuantileTransformer
from synthetic_k import KINDS, chosen_k, learned_combination
from trimmed_reference import kth_share_distance, trimmed_term

import aekit
from aekit.anomaly.ensemble import robust_spread

Part = tuple[np.ndarray, np.ndarray]  # (values on the training rows, values on the test rows)


def mean_distance(A: np.ndarray, B: np.ndarray, k: int = 3) -> Part:
    """The detector's input term: the mean distance to the k nearest training rows (a training
    row's without itself)."""
    index = NearestNeighbors(n_neighbors=min(k + 1, len(A))).fit(A)
    own = index.kneighbors(A)[0][:, 1 : k + 1].mean(axis=1)
    return own, index.kneighbors(B, n_neighbors=min(k, len(A)))[0].mean(axis=1)


K_SWEEP = (1, 2, 5, 10, 20)  # the term's k (3) against fewer and more neighbours


def nearest_distances(A: np.ndarray, B: np.ndarray, k: int = max(K_SWEEP)) -> Part:
    """Distances to the k nearest training rows, ``(rows, k)``, a training row's without
    itself: the mean of the first j of them is the term with k = j."""
    index = NearestNeighbors(n_neighbors=min(k + 1, len(A))).fit(A)
    return index.kneighbors(A)[0][:, 1:], index.kneighbors(B, n_neighbors=min(k, len(A)))[0]


def whitened(A: np.ndarray, B: np.ndarray, eps: float) -> Part:
    center = A.mean(axis=0)
    covariance = np.atleast_2d(np.cov(A - center, rowvar=False))
    eigenvalues, vectors = np.linalg.eigh(covariance)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    scale = 1.0 / np.sqrt(eigenvalues + eps * eigenvalues.mean() + 1e-12)
    return mean_distance((A - center) @ vectors * scale, (B - center) @ vectors * scale)


def pca_error(A: np.ndarray, B: np.ndarray, variance: float = 0.95) -> Part:
    center = A.mean(axis=0)
    _, singular, components = np.linalg.svd(A - center, full_matrices=False)
    shares = singular**2 / max((singular**2).sum(), 1e-12)
    kept = components[: int(np.searchsorted(np.cumsum(shares), variance)) + 1]

    def error(X: np.ndarray) -> np.ndarray:
        centered = X - center
        return ((centered - centered @ kept.T @ kept) ** 2).sum(axis=1)

    return error(A), error(B)


def quantile(A: np.ndarray, B: np.ndarray) -> Part:
    mapping = QuantileTransformer(
        output_distribution="normal", n_quantiles=min(1000, len(A)), random_state=0
    ).fit(A)
    return mean_distance(mapping.transform(A), mapping.transform(B))


def rescaled(A: np.ndarray, B: np.ndarray, how: str) -> Part:
    """A's standardized columns divided again, by their range or their MAD (0: left as they are)."""
    if how == "min-max":
        scale = A.max(axis=0) - A.min(axis=0)
    else:
        scale = 1.4826 * np.median(np.abs(A - np.median(A, axis=0)), axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    return mean_distance(A / scale, B / scale)


def masked_knn(A: np.ndarray, B: np.ndarray, seed: int, masks: int = 16, k: int = 5) -> Part:
    rng = np.random.RandomState(seed)
    d = A.shape[1]
    hidden_count = max(1, int(round(0.25 * d)))
    own, new = np.zeros(len(A)), np.zeros(len(B))
    for _ in range(masks):
        hidden = np.zeros(d, dtype=bool)
        hidden[rng.choice(d, size=hidden_count, replace=False)] = True
        if hidden.all():
            continue
        index = NearestNeighbors(n_neighbors=min(k + 1, len(A))).fit(A[:, ~hidden])
        near_own = index.kneighbors(A[:, ~hidden])[1][:, 1:]
        near_new = index.kneighbors(B[:, ~hidden], n_neighbors=min(k, len(A)))[1]
        own += ((A[:, hidden] - A[near_own][:, :, hidden].mean(axis=1)) ** 2).sum(axis=1)
        new += ((B[:, hidden] - A[near_new][:, :, hidden].mean(axis=1)) ** 2).sum(axis=1)
    return own / masks, new / masks


def subsampled_knn(A: np.ndarray, B: np.ndarray, seed: int, subsets: int = 50) -> Part:
    rng = np.random.RandomState(seed)
    n = len(A)
    own, new = np.zeros(n), np.zeros(len(B))
    for _ in range(subsets):
        low, high = np.log(min(50, n)), np.log(min(1000, n))
        chosen = rng.choice(n, size=max(2, int(np.exp(rng.uniform(low, high)))), replace=False)
        index = NearestNeighbors(n_neighbors=2).fit(A[chosen])
        nearest_two = index.kneighbors(A)[0]
        in_subset = np.zeros(n, dtype=bool)
        in_subset[chosen] = True
        # A subset's own rows are measured to their nearest other row (their first is themselves).
        subset_own = np.where(in_subset, nearest_two[:, 1], nearest_two[:, 0])
        spread = max(robust_spread(subset_own), 1e-12)
        own += subset_own / spread
        new += index.kneighbors(B, n_neighbors=1)[0][:, 0] / spread
    return own / subsets, new / subsets


def inne(A: np.ndarray, B: np.ndarray, seed: int, subsets: int = 100, size: int = 64) -> Part:
    rng = np.random.RandomState(seed)
    size = min(size, len(A))
    own, new = np.zeros(len(A)), np.zeros(len(B))
    for _ in range(subsets):
        centres = A[rng.choice(len(A), size=size, replace=False)]
        index = NearestNeighbors(n_neighbors=min(2, size)).fit(centres)
        distance, nearest = index.kneighbors(centres)
        radius = distance[:, -1]
        isolation = 1.0 - radius[nearest[:, -1]] / np.maximum(radius, 1e-12)
        for rows, total in ((A, own), (B, new)):
            to_centre, centre = index.kneighbors(rows, n_neighbors=size)
            covering = np.where(to_centre <= radius[centre], radius[centre], np.inf)
            smallest = np.take_along_axis(centre, covering.argmin(axis=1)[:, None], 1)[:, 0]
            total += np.where(np.isfinite(covering).any(axis=1), isolation[smallest], 1.0)
    return own / subsets, new / subsets


def column_tails(A: np.ndarray, B: np.ndarray) -> Part:
    """Each column's two-sided empirical tail probability among the training rows, as surprisal
    summed over the columns (ECOD's idea, Li et al. 2022, without its skewness rule): a row far
    out in one column scores high whatever its neighbours."""
    ordered = np.sort(A, axis=0)
    n = len(A)

    def surprisal(X: np.ndarray) -> np.ndarray:
        total = np.zeros(len(X))
        for j in range(A.shape[1]):
            below = np.searchsorted(ordered[:, j], X[:, j], side="right")
            above = n - np.searchsorted(ordered[:, j], X[:, j], side="left")
            tail = (np.minimum(below, above) + 1) / (n + 1)
            total -= np.log(tail)
        return total

    return surprisal(A), surprisal(B)


def in_units(part: Part) -> np.ndarray:
    """The test rows' values over the IQR of the training rows' (the detector's part units)."""
    return part[1] / max(robust_spread(part[0]), 1e-12)


def scorers(A: np.ndarray, B: np.ndarray, seed: int) -> dict[str, Callable[[], np.ndarray]]:
    """Each scorer's test scores, computed on demand from parts shared between scorers."""
    cache: dict[str, Part] = {}

    def part(name: str, make: Callable[[], Part]) -> Part:
        if name not in cache:
            cache[name] = make()
        return cache[name]

    term = lambda: part("term", lambda: mean_distance(A, B))  # noqa: E731
    white = lambda eps: part(f"w{eps}", lambda: whitened(A, B, eps))  # noqa: E731
    pca = lambda: part("pca", lambda: pca_error(A, B))  # noqa: E731
    quant = lambda: part("quantile", lambda: quantile(A, B))  # noqa: E731
    minmax = lambda: part("min-max", lambda: rescaled(A, B, "min-max"))  # noqa: E731
    masked = lambda: part("masked", lambda: masked_knn(A, B, seed))  # noqa: E731
    subsampled = lambda: part("subsampled", lambda: subsampled_knn(A, B, seed))  # noqa: E731
    isolation = lambda: part("inne", lambda: inne(A, B, seed))  # noqa: E731
    near = lambda: part("nearest", lambda: nearest_distances(A, B))  # noqa: E731
    tails = lambda: part("tails", lambda: column_tails(A, B))  # noqa: E731
    sweep = {  # k of the term: one value for every set
        f"mean of {k} nearest": (lambda k=k: near()[1][:, :k].mean(axis=1)) for k in K_SWEEP
    }
    sweep[ENSEMBLE_OVER_K] = lambda: np.mean(
        [
            in_units((near()[0][:, :k].mean(axis=1), near()[1][:, :k].mean(axis=1)))
            for k in (1, 2, 3, 5, 10, 20)
        ],
        axis=0,
    )
    synthetic = {  # k of the term: chosen for each run from synthetic anomalies
        f"{SYNTHETIC} ({kind})": (
            lambda kind=kind: near()[1][:, : chosen_k(A, near()[0], kind, seed)].mean(axis=1)
        )
        for kind in KINDS
    }
    views = {
        "input term (mean of 3 nearest)": lambda: term()[1],
        "whitened, eps 0.1": lambda: white(0.1)[1],
        "whitened, eps 1": lambda: white(1.0)[1],
        "input term + 0.25 whitened (eps 1)": lambda: (
            in_units(term()) + 0.25 * in_units(white(1.0))
        ),
        "input term + 0.1 PCA error": lambda: in_units(term()) + 0.1 * in_units(pca()),
        "quantile": lambda: quant()[1],
        "input term + quantile": lambda: in_units(term()) + in_units(quant()),
        "min-max": lambda: minmax()[1],
        "MAD": lambda: rescaled(A, B, "MAD")[1],
        "input term + min-max": lambda: in_units(term()) + in_units(minmax()),
        "masked kNN": lambda: masked()[1],
        "input term + 0.25 masked kNN": lambda: in_units(term()) + 0.25 * in_units(masked()),
        "subsampled kNN": lambda: subsampled()[1],
        "input term + 0.5 subsampled kNN": lambda: in_units(term()) + 0.5 * in_units(subsampled()),
        "column tails": lambda: tails()[1],
        "input term + 0.1 column tails": lambda: in_units(term()) + 0.1 * in_units(tails()),
        "input term + 0.25 column tails": lambda: in_units(term()) + 0.25 * in_units(tails()),
        "input term + 0.5 column tails": lambda: in_units(term()) + 0.5 * in_units(tails()),
        "iNNE": lambda: isolation()[1],
        "input term + 0.5 iNNE": lambda: in_units(term()) + 0.5 * in_units(isolation()),
        "learned combination of the 20 nearest distances": lambda: learned_combination(
            A, near()[0], near()[1], seed
        ),
    }
    everyone = np.ones(len(A), dtype=bool)
    for k in (10, 20):  # LOF's idea added to the term (anomaly_terms.py: added to the detector)

        def ratio(k: int = k) -> Part:
            return part(f"lof{k}", lambda: density_ratio(A, A, B, k, everyone))

        views[f"local density ratio (k {k})"] = lambda ratio=ratio: ratio()[1]
        views[f"input term + 0.25 local density ratio (k {k})"] = lambda ratio=ratio: (
            in_units(term()) + 0.25 * in_units(ratio())
        )
    robust = {  # the training rows' robust scores the reference is trimmed by
        "the 3% distance": lambda: part("kth3", lambda: (kth_share_distance(A), None))[0],
        "subsampled kNN": lambda: subsampled()[0],
    }
    for share in TRIM_SHARES:
        for rule, ranks in robust.items():
            trimmed = lambda ranks=ranks, share=share: trimmed_term(A, B, ranks(), share)[1]  # noqa: E731
            views[f"trimmed term ({share:.0%} by {rule})"] = trimmed
    return sweep | synthetic | views


TRIM_SHARES = (0.01, 0.03, 0.05, 0.1)  # the reference rows trimmed (trimmed_reference.py)


def run_rows(path, protocol: int, seed: int, large: bool):
    """The CV's rows of one run (``anomaly_cv.collect``'s caps), through the detector's
    preprocessing, and the kNN baseline's scores on them."""
    data = np.load(path)
    X, y = data["X"].astype(np.float64), data["y"].astype(int)
    max_train, max_test = (5000, 10000) if large else (10000, 20000)
    X_train, X_test, y_test = split(X, y, protocol, seed, max_train)
    X_test, y_test = cap_test(X_test, y_test, max_test, seed)
    shell = aekit.AnomalyDetector(n_neighbors=0, random_state=seed)
    A, B = shell._fit_preprocessing(X_train), shell._encode_input(X_test)
    return A, B, y_test, knn_distance(X_train, X_test, seed)


def wanted(name: str, only: list[str] | None) -> bool:
    """Whether ``--only`` asks for the scorer ``name`` (the input term always runs)."""
    return not only or name.startswith("input term (") or any(part in name for part in only)


ENSEMBLE_OVER_K = "mean over k of the term (k = 1, 2, 3, 5, 10, 20, each in its units)"
BEST_K = "best k per set (an oracle: chosen with the test labels)"
SYNTHETIC = "k chosen on synthetic anomalies"
SYNTHETIC_OOF = f"{SYNTHETIC}, kind picked out of fold (mean of 5 fold draws)"


def best_per_set(per_method: dict[str, dict[str, list]]) -> dict:
    """The mean ROC-AUC and PR-AUC of the best of ``per_method`` on each set (its mean over the
    seeds; each figure maxed on its own): how far any rule for choosing k could go."""
    sets = next(iter(per_method.values()))
    per_set_means = [  # (method, set) -> (ROC-AUC, PR-AUC) over the seeds
        {name: np.mean(runs[name], axis=0) for name in sets} for runs in per_method.values()
    ]
    best = [np.max([means[name] for means in per_set_means], axis=0) for name in sets]
    return {
        "roc_auc": float(np.mean([b[0] for b in best])),
        "pr_auc": float(np.mean([b[1] for b in best])),
        "of": sorted(per_method),
    }


def kind_out_of_fold(per_method: dict[str, dict[str, list]]) -> dict:
    """The synthetic-anomaly rule with its kind picked by the CV's leave-group-out rule (5 groups
    of sets; each group scored by the kind with the best mean ROC-AUC on the others), for fold
    draws 0-4: mean ROC-AUC and PR-AUC, and each draw's figures and picks."""
    set_means = {
        name: {kind: np.mean(runs, axis=0) for kind, runs in per_set.items()}
        for name, per_set in transpose(per_method).items()
    }
    rule = lambda runs, kind, sets: np.mean([runs[s][kind][0] for s in sets])  # noqa: E731
    draws = []
    for draw in range(5):
        held = cross_validate(set_means, sorted(per_method), 5, draw, rule)["held_out_pick"]
        figures = np.mean([set_means[name][kind] for name, kind in held.items()], axis=0)
        draws.append({"roc_auc": float(figures[0]), "pr_auc": float(figures[1]), "picks": held})
    return {
        "roc_auc": float(np.mean([d["roc_auc"] for d in draws])),
        "pr_auc": float(np.mean([d["pr_auc"] for d in draws])),
        "draws": draws,
    }


def transpose(per_method: dict[str, dict[str, list]]) -> dict[str, dict[str, list]]:
    """``{method: {set: runs}}`` as ``{set: {method: runs}}``."""
    sets = next(iter(per_method.values()))
    return {name: {method: per_method[method][name] for method in per_method} for name in sets}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--protocols", type=int, nargs="+", default=[1], choices=[1, 2])
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="the scorers whose name contains one of these (kNN and the input term always run)",
    )
    parser.add_argument("--out", default="benchmarks/results/anomaly_input_scorers.json")
    args = parser.parse_args(argv)
    sets = all_sets(args.data_dir)
    if not sets:
        parser.error(f"no ADBench sets under {args.data_dir}; pass --data-dir")
    result = {"command": command_line(argv), "machine": machine_info(), "protocols": {}}

    def scores_of(A, B, knn, seed):
        chosen = {n: f for n, f in scorers(A, B, seed).items() if wanted(n, args.only)}
        return {"kNN (k = 5)": knn} | {n: f() for n, f in chosen.items()}

    for protocol in args.protocols:
        means = mean_figures(figures_of(sets, protocol, args.seeds, scores_of))
        sweep = [m for m in means if m.startswith(("mean of ", "input term ("))]
        if len(sweep) > 1:
            means[BEST_K] = best_per_set({m: means[m]["per_set"] for m in sweep})
        kinds = [m for m in means if m.startswith(SYNTHETIC)]
        if len(kinds) > 1:
            means[SYNTHETIC_OOF] = kind_out_of_fold({m: means[m]["per_set"] for m in kinds})
        result["protocols"][str(protocol)] = means
        print_means(
            f"Protocol {protocol}, mean over {len(sets)} sets x {len(args.seeds)} seeds", means
        )
    write_result(args.out, result)


def figures_of(sets, protocol: int, seeds, scores_of, shown=()) -> dict[str, dict[str, list]]:
    """``{method: {set: [(ROC-AUC, PR-AUC) per run]}}`` of the scores ``scores_of(A, B, knn,
    seed)`` gives each run of ``sets`` under ``protocol`` (kNN's scores given), a line printed
    a set with the time so far and the mean ROC-AUC of the methods ``shown``."""
    figures: dict[str, dict[str, list]] = {}
    started = time.perf_counter()
    for name, path in sets:
        for seed in seeds:
            A, B, y, knn = run_rows(path, protocol, seed, path.parent.name == "adbench-large")
            for method, score in scores_of(A, B, knn, seed).items():
                runs = figures.setdefault(method, {}).setdefault(name, [])
                runs.append((roc_auc_score(y, score), average_precision_score(y, score)))
        row = {m: np.mean(figures[m][name], axis=0)[0] for m in shown}
        said = f" {row}" if row else ""
        print(
            f"protocol {protocol} {name}: {time.perf_counter() - started:.0f} s{said}", flush=True
        )
    return figures


def mean_figures(figures: dict[str, dict[str, list]]) -> dict:
    """``{method: {set: [(ROC-AUC, PR-AUC) per run]}}`` as each method's mean over the sets of
    its mean over the runs, beside the runs themselves."""
    return {
        method: {
            "roc_auc": float(np.mean([np.mean([r for r, _ in v]) for v in per_set.values()])),
            "pr_auc": float(np.mean([np.mean([p for _, p in v]) for v in per_set.values()])),
            "per_set": per_set,
        }
        for method, per_set in figures.items()
    }


def print_means(title: str, means: dict) -> None:
    """The table of :func:`mean_figures`, each ROC-AUC beside its margin over kNN's."""
    knn = means["kNN (k = 5)"]["roc_auc"]
    cells = [
        [m, f"{v['roc_auc']:.4f}", f"{v['pr_auc']:.4f}", f"{v['roc_auc'] - knn:+.4f}"]
        for m, v in means.items()
    ]
    print_table(title, ["scorer", "ROC-AUC", "PR-AUC", "ROC-AUC - kNN"], cells)


if __name__ == "__main__":
    main()
