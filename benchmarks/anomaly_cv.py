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

    score = mean_m( err_m / IQR(err_m) + d_k(code_m) / IQR(d_k(code_m)) ) + d_k(x) / IQR(d_k(x))

(``aekit.anomaly.ensemble``; ``d_k`` the distance to the k-th nearest training row, the IQR over
the training rows, a training row's distance to its k-th nearest *other* row). A candidate is a
training variant, a member count, the latent term's k (or off) and the input term's k (or off).
Its time is the sum of the parts it uses (its members' fits and scores, its distance queries).

Test sets above ``--max-test`` rows are subsampled (per class, so the anomaly rate is kept) to
keep the 25 x 2 runs affordable on a shared CPU; training rows are capped at ``--max-train`` as
in the main benchmark.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from anomaly_baselines import BASELINES
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors

import aekit
from aekit.anomaly.ensemble import robust_spread

N_MEMBERS = 3
TRIM = 0.1
K_CHOICES = ("off", 5, 0.01, 0.03)
CV_BASELINES = ("knn", "iforest", "pca", "pyod_ae")


def _budget_epochs(n: int, batch: int, epochs: int, min_steps: int, max_steps: int) -> int:
    steps_per_epoch = int(np.ceil(n / batch))
    return int(np.clip(epochs, np.ceil(min_steps / steps_per_epoch), max_steps // steps_per_epoch))


def training_variants(n: int, d: int) -> dict:
    """The member autoencoders of the grid, for n training rows of d encoded features."""
    latent = int(np.clip(d // 2, 2, 8))
    batch = min(128, n)
    today = int(np.clip(3000 * batch / n, 20, 300))  # the 0.x default: ~3000 steps per member
    fast = _budget_epochs(n, batch, 30, 200, 1000)
    common = dict(latent_dim=latent, hidden_layer_sizes=(64, 32), likelihood="gaussian")
    common |= dict(batch_size=batch, device="cpu")
    return {
        "ae3000": aekit.Autoencoder(max_iter=today, **common),
        "ae_fast": aekit.Autoencoder(max_iter=fast, **common),
        "dae_fast": aekit.DenoisingAutoencoder(max_iter=fast, noise_level=0.5, **common),
        "dae_trim": aekit.DenoisingAutoencoder(max_iter=fast, noise_level=0.5, **common),
    }


def _kth(train: np.ndarray, rows_sets: list[np.ndarray], ks: list[int], own: bool):
    """For each k: the training rows' distance to their k-th nearest other row (``own``) and
    each of ``rows_sets``' distance to its k-th nearest training row; plus the seconds taken."""
    started = time.perf_counter()
    k_max = min(max(ks) + 1, len(train))
    index = NearestNeighbors(n_neighbors=k_max).fit(train)
    out = {}
    own_d = index.kneighbors(train)[0] if own else None
    test_d = [index.kneighbors(r, n_neighbors=min(max(ks), len(train)))[0] for r in rows_sets]
    for k in ks:
        scale = robust_spread(own_d[:, min(k, k_max - 1)])
        out[k] = [d[:, min(k, d.shape[1]) - 1] / scale for d in test_d]
    return out, time.perf_counter() - started


def _own_kth(A: np.ndarray, k: int) -> np.ndarray:
    k = min(k + 1, len(A))
    return NearestNeighbors(n_neighbors=k).fit(A).kneighbors(A)[0][:, -1]


def _k_value(k, n: int) -> int:
    return int(k) if isinstance(k, int) else max(5, int(k * n))


def candidate_parts(X_train: np.ndarray, X_test: np.ndarray, seed: int) -> dict:
    """Every part of every candidate's score on X_test, and each part's seconds."""
    started = time.perf_counter()
    shell = aekit.AnomalyDetector(n_neighbors=0, random_state=seed)
    A = shell._fit_preprocessing(X_train)
    B = shell._encode_input(X_test)
    prep_s = time.perf_counter() - started
    ks = sorted({_k_value(k, len(A)) for k in K_CHOICES if k != "off"})
    parts: dict = {"prep_s": prep_s, "k": {str(k): _k_value(k, len(A)) for k in K_CHOICES[1:]}}
    inputs, parts["input_s"] = _kth(A, [B], ks, own=True)
    parts["input"] = {k: v[0] for k, v in inputs.items()}
    rng = np.random.RandomState(seed)
    seeds = [int(rng.randint(0, 2**31 - 1)) for _ in range(N_MEMBERS)]
    # Density trimming (robust training under contamination): the members of "dae_trim" train
    # without the TRIM rows farthest from their k-th (3%) nearest neighbour.
    trim_s = time.perf_counter()
    far = _own_kth(A, _k_value(0.03, len(A)))
    kept = A[far <= np.quantile(far, 1 - TRIM)]
    trim_s = time.perf_counter() - trim_s
    for name, base in training_variants(*A.shape).items():
        members = []
        for member_seed in seeds:
            t0 = time.perf_counter()
            member = base.set_params(random_state=member_seed).fit(
                kept if name.endswith("trim") else A
            )
            fit_s = time.perf_counter() - t0 + (trim_s if name.endswith("trim") else 0)
            t0 = time.perf_counter()
            err_train = shell._member_errors(member, A)
            error = shell._member_errors(member, B) / robust_spread(err_train)
            score_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            latent, _ = _kth(member.transform(A), [member.transform(B)], ks, own=True)
            members.append(
                {
                    "error": error,
                    "latent": {k: v[0] for k, v in latent.items()},
                    "fit_s": fit_s,
                    "score_s": score_s,
                    "latent_s": time.perf_counter() - t0,
                }
            )
        parts[name] = members
    return parts


def candidates() -> list[tuple]:
    out = []
    for variant in ("ae3000", "ae_fast", "dae_fast", "dae_trim"):
        for m in (1, N_MEMBERS):
            for k_latent in K_CHOICES:
                for k_input in K_CHOICES:
                    out.append((variant, m, k_latent, k_input))
    return out


def candidate_name(c: tuple) -> str:
    variant, m, k_latent, k_input = c
    return f"{variant}/m{m}/lat{k_latent}/in{k_input}"


def candidate_score(parts: dict, c: tuple) -> tuple[np.ndarray, float]:
    variant, m, k_latent, k_input = c
    members = parts[variant][:m]
    seconds = parts["prep_s"]
    score = 0.0
    for member in members:
        score = score + member["error"] / m
        seconds += member["fit_s"] + member["score_s"]
        if k_latent != "off":
            score = score + member["latent"][parts["k"][str(k_latent)]] / m
            seconds += member["latent_s"]
    if k_input != "off":
        score = score + parts["input"][parts["k"][str(k_input)]]
        seconds += parts["input_s"]
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


def run_one(X, y, protocol: int, seed: int, args, split) -> dict:
    """Every candidate and every baseline on one (set, protocol, seed): ROC-AUC, PR-AUC, seconds."""
    X_train, X_test, y_test = split(X, y, protocol, seed, args.max_train)
    X_test, y_test = cap_test(X_test, y_test, args.max_test, seed)
    out = {}
    parts = candidate_parts(X_train, X_test, seed)
    for c in candidates():
        score, seconds = candidate_score(parts, c)
        out[candidate_name(c)] = _metrics(y_test, score, seconds)
    for method in CV_BASELINES:
        started = time.perf_counter()
        score = BASELINES[method](X_train, X_test, seed)
        out[method] = _metrics(y_test, score, time.perf_counter() - started)
    return out


def _metrics(y, score, seconds) -> dict:
    return {
        "roc_auc": float(roc_auc_score(y, score)),
        "pr_auc": float(average_precision_score(y, score)),
        "s": float(seconds),
    }


def collect(args, sets: list[tuple[str, Path]], split) -> dict:
    """``runs[set][protocol][seed] = {method: metrics}``, cached per run in ``--cv-cache``."""
    cache = Path(args.cv_cache)
    cache.mkdir(parents=True, exist_ok=True)
    runs: dict = {}
    for name, path in sets:
        data = None
        for protocol in (1, 2):
            for seed in args.seeds:
                file = cache / f"{name}_p{protocol}_s{seed}_t{args.max_train}_{args.max_test}.json"
                if file.exists():
                    result = json.loads(file.read_text())
                else:
                    if data is None:
                        loaded = np.load(path)
                        data = loaded["X"].astype(np.float64), loaded["y"].astype(int)
                    started = time.perf_counter()
                    result = run_one(*data, protocol, seed, args, split)
                    file.write_text(json.dumps(result))
                    print(
                        f"  {name} p{protocol} s{seed}: {time.perf_counter() - started:.0f} s",
                        flush=True,
                    )
                runs.setdefault(name, {}).setdefault(protocol, {})[seed] = result
    return runs


def per_set_means(runs: dict, method: str, protocol: int, key: str) -> dict:
    return {
        name: float(np.mean([r[method][key] for r in by_p[protocol].values()]))
        for name, by_p in runs.items()
    }


def objective(runs: dict, method: str, names) -> float:
    """What a default is chosen by: mean ROC-AUC over the sets and both protocols."""
    return float(
        np.mean([per_set_means(runs, method, p, "roc_auc")[n] for p in (1, 2) for n in names])
    )


def cross_validate(runs: dict, pool: list[str], n_folds: int, seed: int) -> dict:
    """Leave-group-out: which candidate each fold picks, and the out-of-fold figures."""
    names = sorted(runs)
    order = np.random.RandomState(seed).permutation(len(names))
    folds = [sorted(names[i] for i in order[f::n_folds]) for f in range(n_folds)]
    picks, held = [], {}
    for fold in folds:
        train = [n for n in names if n not in fold]
        best = max(pool, key=lambda c: objective(runs, c, train))
        picks.append({"held_out": fold, "picked": best})
        for n in fold:
            held[n] = best
    return {"folds": picks, "held_out_pick": held}


def out_of_fold(runs: dict, held: dict, protocol: int, key: str) -> dict:
    return {n: per_set_means(runs, held[n], protocol, key)[n] for n in runs}


def summarize(runs: dict, args) -> dict:
    """In-sample and out-of-fold means against the baselines, printed and returned."""
    from _common import print_table

    pool = [candidate_name(c) for c in candidates() if c[0] != "ae3000"]
    today = candidate_name(("ae3000", 3, 0.03, 0.03))
    names = sorted(runs)
    in_sample = max(pool, key=lambda c: objective(runs, c, names))
    cv = cross_validate(runs, pool, args.cv_folds, seed=0)
    rows, table = {}, []
    columns = {"out-of-fold pick": None, f"in-sample pick ({in_sample})": in_sample}
    columns |= {f"0.x default ({today})": today} | {b: b for b in CV_BASELINES}
    for label, method in columns.items():
        figures = {}
        for protocol in (1, 2):
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
                for p in (1, 2)
                for r in by_p[p].values()
            )
        else:
            seconds = sum(
                r[method]["s"] for by_p in runs.values() for p in (1, 2) for r in by_p[p].values()
            )
        figures["seconds"] = float(seconds)
        rows[label] = figures
        table.append(
            [label, *(f"{figures[k]:.3f}" for k in sorted(figures) if k != "seconds")]
            + [f"{seconds:.0f}"]
        )
    headers = ["method", "P1 PR-AUC", "P1 ROC-AUC", "P2 PR-AUC", "P2 ROC-AUC", "seconds"]
    print_table(f"Cross-validated defaults, {len(names)} sets, both protocols", headers, table)
    for fold in cv["folds"]:
        print(f"fold {fold['held_out']}: picked {fold['picked']}")
    ranking = sorted(pool, key=lambda c: -objective(runs, c, names))[:10]
    print("top candidates in sample:", *(f"{c} {objective(runs, c, names):.4f}" for c in ranking))
    return {"figures": rows, "cv": cv, "in_sample_pick": in_sample, "top_in_sample": ranking}
