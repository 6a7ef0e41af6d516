"""Choosing the detector's defaults by cross-validation across data sets (``anomaly.py --cv``).

A default tuned on the sets a benchmark reports looks better there than on new data. Here every
candidate configuration of :class:`aekit.AnomalyDetector` is scored on the 25 shared ADBench sets
(16 classical + 9 large), both protocols; then, leave-group-out: the sets are split into
``--cv-folds`` groups, a configuration is picked on the other groups' sets (best mean ROC-AUC over
both protocols: one default must serve clean and contaminated data alike), measured on the held-out
group, and the groups rotate. The out-of-fold figure (each set scored by a configuration chosen
without it) is what a user with new data should expect; the in-sample one (one configuration
chosen on all 25) is printed beside it.

The grid is cheap because the expensive part, the members' training, is shared: for each
*training variant* (the member autoencoder and its step budget) three members are fitted once per
run, and each candidate's score is computed from their parts exactly as the detector adds them::

    score = mean_m( w err_m / IQR(err_m) + d_k(code_m) / IQR(d_k(code_m)) ) + D_j(x) / IQR(D_j(x))

(``aekit.anomaly.ensemble``; ``d_k`` the distance to the k-th nearest training row, the IQR over
the training rows, a training row's distance to its k-th nearest *other* row; ``D_j`` the input
term: the distance to the j-th nearest, or the mean distance to the j nearest). A candidate is a
training variant, a member count, the latent term's k (or off), the input term's kind and j (or
off; ``input_neighbors``, ``input_distance``), the scale and the weight w. Its time is the sum of
the parts it uses (its members' fits and scores, its distance queries).

Test sets above ``--max-test`` rows (20,000) are subsampled (per class, so the anomaly rate is
kept) and training rows capped at ``--max-train`` (10,000, as in the main benchmark); for the 9
large sets the caps are ``--cv-large-max-train`` (5,000) and ``--cv-large-max-test`` (10,000),
which keeps the 25 x 2 runs affordable on a shared 2-core CPU (the neighbour queries with k = 3%
of the rows dominate there). ``anomaly.py --large`` measures the large sets without those caps.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from anomaly_baselines import BASELINES
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

import aekit
from aekit.anomaly.ensemble import robust_spread, tail_spread
from aekit.anomaly.members import DEFAULT_NOISE, default_member

N_MEMBERS = 3
TRIM = 0.1
DENOISE = 0.5
DDAE_MAX = 1.0  # "ddae_*": each row's noise level drawn from U(0, DDAE_MAX) at every step
GRID_VARIANTS = ("ae_fast", "dae_fast", "dae_trim")  # the grid the defaults are chosen on
DDAE_VARIANTS = ("ddae_fast", "ddae_trim", "ddae2_trim")  # tried, not adopted (README)
VARIANTS = GRID_VARIANTS  # the training variants of this run (--cv-variants)


def use_variants(names: list[str]) -> None:
    """``--cv-variants``: the training variants this run fits and chooses among (the grid, its
    cache key and its figures follow them; the default grid is ``GRID_VARIANTS``)."""
    unknown = sorted(set(names) - set(GRID_VARIANTS + DDAE_VARIANTS))
    if unknown:
        raise ValueError(
            f"--cv-variants: unknown {unknown}; use some of {list(GRID_VARIANTS + DDAE_VARIANTS)}"
        )
    global VARIANTS
    VARIANTS = tuple(names)


K_CHOICES = ("off", 5, 0.01, 0.03)
INPUT_K_CHOICES = (3, 5, 0.01, 0.03)  # j of the input term (input_neighbors)
INPUT_KINDS = ("kth", "mean")  # input_distance
CV_BASELINES = ("knn", "iforest", "pca", "pyod_ae")
# The README's recipe for training rows known to be normal (protocol 1's choice of the CV grid,
# benchmarks/anomaly_terms.py): no latent term, tail scaling, one member
CLEAN_TRAINING = {"neighbor_space": "input", "part_scale": "tail", "n_estimators": 1}


def training_variants(n: int, d: int, groups: tuple = ()) -> dict:
    """The member autoencoders of the grid, for n training rows of d encoded features (``groups``
    the encoded categorical columns, given to the members as the detector gives them): the
    detector's own default member (``aekit.anomaly.members.default_member``), plain or
    denoising; "dae_trim" is the denoising one trained with ``density_trim=TRIM``; "ddae_fast"
    and "ddae_trim" the same with a noise level per row drawn from ``U(0, DDAE_MAX)``
    (``noise_schedule="uniform"``, DDAE-style: a range of noise levels, not one), "ddae2_trim"
    from ``U(0, 2 DDAE_MAX)``."""
    ddae = default_member(n, d, groups, DDAE_MAX).set_params(noise_schedule="uniform")
    return {
        "ae_fast": default_member(n, d, groups, 0.0),
        "dae_fast": default_member(n, d, groups, DENOISE),
        "dae_trim": default_member(n, d, groups, DENOISE),
        "ddae_fast": ddae,
        "ddae_trim": clone(ddae),
        "ddae2_trim": clone(ddae).set_params(noise_level=2 * DDAE_MAX),
    }


def _kth(
    train: np.ndarray, rows: np.ndarray, ks: list[int], mean: bool = False
) -> tuple[dict, float]:
    """For each k: (the training rows' distance to their k-th nearest *other* row, each of
    ``rows``' distance to its k-th nearest training row); plus the seconds taken. With
    ``mean``, also ``("mean", k)``: the mean distance to the k nearest (others)."""
    started = time.perf_counter()
    k_max = min(max(ks) + 1, len(train))
    index = NearestNeighbors(n_neighbors=k_max).fit(train)
    own = index.kneighbors(train)[0]
    test = index.kneighbors(rows, n_neighbors=min(max(ks), len(train)))[0]
    out = {k: (own[:, min(k, k_max - 1)], test[:, min(k, test.shape[1]) - 1]) for k in ks}
    if mean:
        for k in ks:
            out["mean", k] = own[:, 1 : k + 1].mean(axis=1), test[:, :k].mean(axis=1)
    return out, time.perf_counter() - started


def input_parts(A: np.ndarray, B: np.ndarray) -> dict:
    """The input term's parts of every candidate: ``input/{k}/...`` (k-th distance) and
    ``input/mean/{k}/...`` (mean over the k nearest), for the latent term's k too (the density
    trim uses the 3% one)."""
    parts: dict = {f"k/{k}": _k_value(k, len(A)) for k in K_CHOICES[1:] + INPUT_K_CHOICES}
    ks = sorted({int(v) for v in parts.values()})
    distances, parts["input_s"] = _kth(A, B, ks, mean=True)
    for k in ks:
        parts[f"input/{k}/train"], parts[f"input/{k}/test"] = distances[k]
        parts[f"input/mean/{k}/train"], parts[f"input/mean/{k}/test"] = distances["mean", k]
    return parts


def _k_value(k, n: int) -> int:
    return int(k) if isinstance(k, int) else max(5, int(k * n))


def candidate_parts(X_train: np.ndarray, X_test: np.ndarray, seed: int) -> dict:
    """Every part of every candidate's score, as flat ``{key: array}``: each part's values on the
    training rows (which set its scale) and on X_test, and each part's seconds."""
    started = time.perf_counter()
    shell = aekit.AnomalyDetector(n_neighbors=0, random_state=seed)
    A = shell._fit_preprocessing(X_train)
    B = shell._encode_input(X_test)
    parts: dict = {"prep_s": time.perf_counter() - started}
    parts |= input_parts(A, B)
    member_parts(parts, A, B, seed, shell.categorical_groups_)
    return parts


def member_parts(parts: dict, A: np.ndarray, B: np.ndarray, seed: int, groups: tuple) -> bool:
    """Fit the members of every training variant not yet in ``parts`` and add their parts
    (errors, latent distances, seconds); True if any was added. A variant added to the grid is
    fitted into an older cache this way, the cached variants untouched."""
    ks = sorted({_k_value(k, len(A)) for k in K_CHOICES[1:]})
    rng = np.random.RandomState(seed)
    seeds = [int(rng.randint(0, 2**31 - 1)) for _ in range(N_MEMBERS)]
    shell = aekit.AnomalyDetector(n_neighbors=0, random_state=seed)
    # Density trimming (robust training under contamination): the members of the "_trim"
    # variants train without the TRIM rows farthest from their k-th (3%) nearest neighbour.
    far = parts[f"input/{_k_value(0.03, len(A))}/train"]
    kept = A[far <= np.quantile(far, 1 - TRIM)]
    missing = {
        name: base
        for name, base in training_variants(*A.shape, groups).items()
        if name in VARIANTS and f"{name}/0/fit_s" not in parts
    }
    for name, base in missing.items():
        for m, member_seed in enumerate(seeds):
            key = f"{name}/{m}"
            t0 = time.perf_counter()
            member = base.set_params(random_state=member_seed).fit(
                kept if name.endswith("trim") else A
            )
            parts[f"{key}/fit_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            parts[f"{key}/error/train"] = shell._member_errors(member, A)
            parts[f"{key}/error/test"] = shell._member_errors(member, B)
            parts[f"{key}/score_s"] = time.perf_counter() - t0
            latent, parts[f"{key}/latent_s"] = _kth(member.transform(A), member.transform(B), ks)
            for k, (own, test) in latent.items():
                parts[f"{key}/latent/{k}/train"], parts[f"{key}/latent/{k}/test"] = own, test
    return bool(missing)


SCALERS = {
    # how a part is put in common units before the parts are added (robust_spread is the
    # detector's: the interquartile range of the part's values on the training rows)
    "iqr": robust_spread,
    "tail": tail_spread,  # part_scale="tail": 99th percentile minus median
}
WEIGHTS = (0.25, 0.5, 1.0, 2.0)  # of the reconstruction errors against the distances


# (latent k, input term) as the detector can have them: n_neighbors with neighbor_space
# "latent", "input" or "both" (or 0 for none), the input term (input_neighbors, input_distance)
INPUT_TERMS = ["off"] + [(kind, k) for kind in INPUT_KINDS for k in INPUT_K_CHOICES]
NEIGHBOURS = [(k_latent, term) for k_latent in K_CHOICES for term in INPUT_TERMS]


def candidates() -> list[tuple]:
    out = []
    for variant in VARIANTS:
        for m in (1, N_MEMBERS):
            for k_latent, k_input in NEIGHBOURS:
                for scaler in SCALERS:
                    for weight in WEIGHTS:
                        out.append((variant, m, k_latent, k_input, scaler, weight))
    return out


def candidate_name(c: tuple) -> str:
    variant, m, k_latent, term, scaler, weight, *input_weight = c
    k_input = "off" if term == "off" else f"{term[1]}" + ("mean" if term[0] == "mean" else "")
    name = f"{variant}/m{m}/lat{k_latent}/in{k_input}/{scaler}/w{weight:g}"
    return name + "".join(f"/iw{w:g}" for w in input_weight if w != 1)


def candidate_score(parts: dict, c: tuple) -> tuple[np.ndarray, float]:
    """The candidate's score of the test rows, as the detector adds its parts, and its seconds.
    A 7th element is the input term's weight (``input_weight``; 1 when absent, as in the grid)."""
    variant, m, k_latent, term, scaler, weight, *rest = c
    input_weight = rest[0] if rest else 1.0
    spreads = parts.setdefault(f"spread/{scaler}", {})  # each part's unit, computed once

    def spread(values: np.ndarray) -> float:
        key = id(values)
        if key not in spreads:
            spreads[key] = SCALERS[scaler](values)
        return spreads[key]

    seconds = float(parts["prep_s"])
    score = 0.0
    for i in range(m):
        key = f"{variant}/{i}"
        error = parts[f"{key}/error/test"] / spread(parts[f"{key}/error/train"])
        score = score + weight * error / m
        seconds += float(parts[f"{key}/fit_s"] + parts[f"{key}/score_s"])
        if k_latent != "off":
            k = int(parts[f"k/{k_latent}"])
            latent = parts[f"{key}/latent/{k}/test"] / spread(parts[f"{key}/latent/{k}/train"])
            score = score + latent / m
            seconds += float(parts[f"{key}/latent_s"])
    if term != "off":
        kind, k_input = term
        key = f"input/{'mean/' if kind == 'mean' else ''}{int(parts[f'k/{k_input}'])}"
        score = score + input_weight * parts[f"{key}/test"] / spread(parts[f"{key}/train"])
        seconds += float(parts["input_s"])
    return score, seconds


def cap_test(X_test, y_test, max_test: int, seed: int):
    if len(y_test) <= max_test:
        return X_test, y_test
    rng = np.random.RandomState(seed + 1)
    keep = []
    for label in (0, 1):
        rows = np.flatnonzero(y_test == label)
        n = max(1, int(round(max_test * len(rows) / len(y_test))))
        keep.append(rng.choice(rows, size=min(n, len(rows)), replace=False))
    keep = np.sort(np.concatenate(keep))
    return X_test[keep], y_test[keep]


def _run_rows(X, y, protocol: int, seed: int, caps: tuple[int, int], split):
    X_train, X_test, y_test = split(X, y, protocol, seed, caps[0])
    return (X_train, *cap_test(X_test, y_test, caps[1], seed))


def run_one(X, y, protocol: int, seed: int, caps: tuple[int, int], split) -> dict:
    """The parts of every candidate and every baseline's figures on one (set, protocol, seed)."""
    X_train, X_test, y_test = _run_rows(X, y, protocol, seed, caps, split)
    parts = candidate_parts(X_train, X_test, seed)
    parts["y_test"] = y_test
    for method in CV_BASELINES:
        started = time.perf_counter()
        score = BASELINES[method](X_train, X_test, seed)
        parts[f"baseline/{method}"] = score
        parts[f"baseline/{method}/s"] = time.perf_counter() - started
    return parts


def add_new_parts(parts: dict, X, y, protocol: int, seed: int, caps, split) -> bool:
    """Add to a run's cached parts what a newer grid has: input terms (they need no member, so
    seconds) and training variants (only their members are fitted); True if it changed."""
    needed = [f"input/mean/{_k_value(k, 2)}/test" for k in INPUT_K_CHOICES if isinstance(k, int)]
    needed += [f"{name}/0/fit_s" for name in VARIANTS]
    if all(key in parts for key in needed):
        return False
    X_train, X_test, y_test = _run_rows(X, y, protocol, seed, caps, split)
    if not np.array_equal(y_test, parts["y_test"]):
        raise ValueError("the cached run was made on other rows; delete the cache and rerun")
    shell = aekit.AnomalyDetector(n_neighbors=0, random_state=seed)
    A, B = shell._fit_preprocessing(X_train), shell._encode_input(X_test)
    parts |= input_parts(A, B)
    member_parts(parts, A, B, seed, shell.categorical_groups_)
    return True


def _grid_key() -> str:
    """A short fingerprint of the grid, naming the cached figures of a run."""
    import hashlib

    text = repr((candidates(), CV_BASELINES, sorted(SCALERS)))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def evaluate(parts: dict) -> dict:
    """``{method: {roc_auc, pr_auc, s}}`` for every candidate and baseline of one run."""
    y = parts["y_test"]
    out = {}
    for c in candidates():
        score, seconds = candidate_score(parts, c)
        out[candidate_name(c)] = _metrics(y, score, seconds)
    for method in CV_BASELINES:
        out[method] = _metrics(y, parts[f"baseline/{method}"], parts[f"baseline/{method}/s"])
    return out


def _metrics(y, score, seconds) -> dict:
    roc, ap = _roc_ap(np.asarray(y), np.asarray(score, dtype=np.float64))
    return {"roc_auc": roc, "pr_auc": ap, "s": float(seconds)}


def _roc_ap(y: np.ndarray, score: np.ndarray) -> tuple[float, float]:
    """scikit-learn's ``roc_auc_score`` and ``average_precision_score`` (ties as they treat
    them), from one sort: the grid asks for thousands of them."""
    order = np.argsort(-score, kind="mergesort")
    s, hit = score[order], y[order].astype(np.float64)
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # the end of each run of equal scores
    tp, fp = np.cumsum(hit)[last], np.cumsum(1 - hit)[last]
    n_pos, n_neg = tp[-1], fp[-1]
    tpr, fpr = np.r_[0, tp] / n_pos, np.r_[0, fp] / n_neg
    roc = float(np.trapezoid(tpr, fpr))
    ap = float(np.sum(np.diff(np.r_[0, tp]) / n_pos * tp / (tp + fp)))
    return roc, ap


# The encoding the cached parts were made with, in their file names: a cache from an older
# encoding is not reused ("oh": numeric dummies found and modelled as categorical columns).
ENCODING = "oh"


def cache_file(cache: Path, name: str, protocol: int, seed: int, caps: tuple[int, int]) -> Path:
    """Where a run's parts are cached."""
    return Path(cache) / f"{name}_p{protocol}_s{seed}_t{caps[0]}_{caps[1]}_{ENCODING}.npz"


def collect(args, sets: list[tuple[str, Path]], split) -> dict:
    """``runs[set][protocol][seed] = {method: metrics}``; each run's parts cached (``.npz``) in
    ``--cv-cache``, so a changed grid of combinations needs no refit."""
    cache = Path(args.cv_cache)
    cache.mkdir(parents=True, exist_ok=True)
    runs: dict = {}
    for name, path in sets:
        data = None
        caps = (args.max_train, args.max_test)
        if path.parent.name == "adbench-large":
            caps = (args.cv_large_max_train, args.cv_large_max_test)
        for protocol in args.cv_protocols:
            for seed in args.seeds:
                file = cache_file(cache, name, protocol, seed, caps)
                figures = file.with_suffix(f".{_grid_key()}.json")
                if figures.exists():  # this run already evaluated on this grid
                    runs.setdefault(name, {}).setdefault(protocol, {})[seed] = json.loads(
                        figures.read_text()
                    )
                    continue
                if data is None:
                    loaded = np.load(path)
                    data = loaded["X"].astype(np.float64), loaded["y"].astype(int)
                if file.exists():
                    with np.load(file) as stored:
                        parts = {k: stored[k] for k in stored.files}
                    started = time.perf_counter()
                    if add_new_parts(parts, *data, protocol, seed, caps, split):
                        np.savez(file, **{k: np.asarray(v) for k, v in parts.items()})
                        took = time.perf_counter() - started
                        print(f"  {name} p{protocol} s{seed}: new parts, {took:.0f} s", flush=True)
                else:
                    started = time.perf_counter()
                    parts = run_one(*data, protocol, seed, caps, split)
                    np.savez(file, **{k: np.asarray(v) for k, v in parts.items()})
                    took = time.perf_counter() - started
                    print(f"  {name} p{protocol} s{seed}: {took:.0f} s", flush=True)
                result = evaluate(parts)
                figures.write_text(json.dumps(result))
                runs.setdefault(name, {}).setdefault(protocol, {})[seed] = result
    return runs


def per_set_means(runs: dict, method: str, protocol: int, key: str) -> dict:
    return {
        name: float(np.mean([r[method][key] for r in by_p[protocol].values()]))
        for name, by_p in runs.items()
    }


def protocols(runs: dict) -> list[int]:
    """The protocols the runs hold: both, or the one ``--cv-protocols`` asked for."""
    return sorted(next(iter(runs.values())))


def objective(runs: dict, method: str, names) -> float:
    """What a default is chosen by: mean ROC-AUC over the sets and the protocols run (both
    unless ``--cv-protocols`` says otherwise)."""
    return float(
        np.mean(
            [per_set_means(runs, method, p, "roc_auc")[n] for p in protocols(runs) for n in names]
        )
    )


def cross_validate(runs: dict, pool: list[str], n_folds: int, seed: int, rule=objective) -> dict:
    """Leave-group-out: which candidate each fold picks by ``rule(runs, candidate, sets)``
    (default: :func:`objective`), and the out-of-fold figures."""
    names = sorted(runs)
    order = np.random.RandomState(seed).permutation(len(names))
    folds = [sorted(names[i] for i in order[f::n_folds]) for f in range(n_folds)]
    picks, held = [], {}
    for fold in folds:
        train = [n for n in names if n not in fold]
        best = max(pool, key=lambda c: rule(runs, c, train))
        picks.append({"held_out": fold, "picked": best})
        for n in fold:
            held[n] = best
    return {"folds": picks, "held_out_pick": held}


def out_of_fold(runs: dict, held: dict, protocol: int, key: str) -> dict:
    return {n: per_set_means(runs, held[n], protocol, key)[n] for n in runs}


def library_candidate(**params) -> tuple | None:
    """The grid candidate an ``AnomalyDetector(**params)`` computes (its default member kind,
    untrimmed or trimmed as the grid's), read from the detector's own parameters so that the
    summary's "defaults" row follows the library; None if the grid has no such candidate."""
    p = aekit.AnomalyDetector(**params).get_params()
    assert DENOISE == DEFAULT_NOISE, "the grid's denoising members must be the detector's"
    variant = {0.0: "dae_fast", TRIM: "dae_trim"}.get(p["density_trim"])
    if variant is None:
        return None
    latent = "off"
    if p["neighbor_space"] in ("latent", "both") and p["n_neighbors"]:
        latent = p["n_neighbors"]
    term = "off"
    if p["neighbor_space"] in ("input", "both") and p["n_neighbors"]:  # 0: no neighbour term
        term = (p["input_distance"], p["input_neighbors"] or p["n_neighbors"])
    weight = p["reconstruction_weight"]
    return (variant, p["n_estimators"], latent, term, p["part_scale"], weight, p["input_weight"])


def summarize(runs: dict, args) -> dict:
    """In-sample and out-of-fold means against the baselines, printed and returned."""
    from _common import print_table

    pool = [candidate_name(c) for c in candidates()]
    today = candidate_name(("ae_fast", 3, 0.03, ("kth", 0.03), "iqr", 1.0))
    previous = candidate_name(("dae_trim", 3, 0.03, ("kth", 0.03), "iqr", 0.5))
    names = sorted(runs)
    in_sample = max(pool, key=lambda c: objective(runs, c, names))
    cv = cross_validate(runs, pool, args.cv_folds, seed=0)
    rows, table = {}, []
    columns = {"out-of-fold pick": None, f"in-sample pick ({in_sample})": in_sample}
    for label, params in (("defaults", {}), ("recipe for clean rows", CLEAN_TRAINING)):
        candidate = library_candidate(**params)
        name = candidate and candidate_name(candidate)
        if name in pool:  # (a run of other --cv-variants has neither)
            columns[f"{label} ({name})"] = name
    if previous in pool:  # (a run of other --cv-variants has neither)
        columns |= {f"previous defaults ({previous})": previous}
    if today in pool:
        columns |= {f"0.x scoring, fast members ({today})": today}
    columns |= {b: b for b in CV_BASELINES}
    for label, method in columns.items():
        figures = {}
        for protocol in protocols(runs):
            for key in ("roc_auc", "pr_auc"):
                if method is None:
                    values = out_of_fold(runs, cv["held_out_pick"], protocol, key)
                else:
                    values = per_set_means(runs, method, protocol, key)
                figures[f"p{protocol}_{key}"] = float(np.mean(list(values.values())))
        if method is None:
            seconds = sum(
                r[cv["held_out_pick"][n]]["s"]
                for n, by_p in runs.items()
                for p in protocols(runs)
                for r in by_p[p].values()
            )
        else:
            seconds = sum(
                r[method]["s"]
                for by_p in runs.values()
                for p in protocols(runs)
                for r in by_p[p].values()
            )
        figures["seconds"] = float(seconds)
        rows[label] = figures
        table.append(
            [label]
            + [f"{figures.get(k, np.nan):.3f}" for k in sorted(FIGURES)]
            + [f"{seconds:.0f}"]
        )
    headers = ["method", "P1 PR-AUC", "P1 ROC-AUC", "P2 PR-AUC", "P2 ROC-AUC", "seconds"]
    chosen_on = " and ".join(f"protocol {p}" for p in protocols(runs))
    print_table(f"Cross-validated defaults, {len(names)} sets, {chosen_on}", headers, table)
    for fold in cv["folds"]:
        print(f"fold {fold['held_out']}: picked {fold['picked']}")
    ranking = sorted(pool, key=lambda c: -objective(runs, c, names))[:10]
    print("top candidates in sample:", *(f"{c} {objective(runs, c, names):.4f}" for c in ranking))
    return {"figures": rows, "cv": cv, "in_sample_pick": in_sample, "top_in_sample": ranking}


FIGURES = ("p1_pr_auc", "p1_roc_auc", "p2_pr_auc", "p2_roc_auc")


def check_defaults(args, runs: dict, sets: list[tuple[str, Path]], split, pick: str) -> dict:
    """``--cv-check SET ...``: a real ``AnomalyDetector()`` (the library's defaults) fitted and
    scored on those sets' runs, its ROC-AUC beside the cache-computed one of ``pick`` (the
    in-sample pick, which the defaults should be): equal when the defaults are the pick and the
    recombination is the detector's own arithmetic."""
    out = {}
    for name, path in sets:
        if name not in args.cv_check:
            continue
        loaded = np.load(path)
        X, y = loaded["X"].astype(np.float64), loaded["y"].astype(int)
        caps = (args.max_train, args.max_test)
        if path.parent.name == "adbench-large":
            caps = (args.cv_large_max_train, args.cv_large_max_test)
        for protocol in args.cv_protocols:
            for seed in args.seeds:
                X_train, X_test, y_test = _run_rows(X, y, protocol, seed, caps, split)
                detector = aekit.AnomalyDetector(random_state=seed).fit(X_train)
                roc = _roc_ap(y_test, detector.anomaly_score(X_test))[0]
                cached = runs[name][protocol][seed][pick]["roc_auc"]
                out[f"{name}/p{protocol}/s{seed}"] = {"detector": roc, "cache": cached}
                label = f"check {name} p{protocol} s{seed}"
                print(f"{label}: AnomalyDetector() {roc:.6f}, {pick} {cached:.6f}")
    return out
