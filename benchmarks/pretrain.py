"""Pretraining: does an autoencoder's encoder, fine-tuned, beat the same network from scratch?

What it measures
----------------
For MNIST and Fashion-MNIST, ``n`` of the 60,000 training images are labelled (``n / 10`` per
class, drawn afresh for each of ``--draws`` draws; with all 60,000 the draws differ only in
their seeds). Three autoencoders are pretrained once on all 60,000 training images without
labels (dense ``--hidden`` = 512-256 and a ``--latent`` code, ``--pretrain-epochs``): a plain
``Autoencoder``, a ``DenoisingAutoencoder`` (masking noise, ``--noise-level``) and a ``VAE``.
Then, on the labelled images, scored on the 10,000 test images (accuracy, mean ± std over the
draws):

* **scratch**: ``FineTunedClassifier(init="random")``: the same network (encoder 784-512-256-
  latent and the head, ``--head`` hidden widths), its weights drawn afresh, every layer at the
  head's learning rate.
* **AE / DAE / VAE fine-tuned**: ``FineTunedClassifier(pretrained, fine_tune=...)`` for each
  of ``--fine-tune`` (``"all"``: the pretrained encoder at each of ``--encoder-lr-factors``
  times the head's learning rate; ``"head"``: the encoder frozen), the candidate that did best
  on the labelled rows' own validation split kept.
* **LR on frozen codes**: ``LogisticRegression`` on the standardized codes of each pretrained
  encoder (``transform``), its encoder unchanged.

Early stopping on 10% of the labelled rows for every network, watching their accuracy
(``--early-stopping-metric``; the loss for campaign, see there), the weights that did best on
them kept, so nothing is chosen by the test set. The defaults (a 128-unit code, a 256-unit
head, stopping on accuracy, the candidates) were chosen on the last 5,000 training images
held out (labels drawn from the other 55,000), the same way for scratch and fine-tuned.
``--max-iter`` and ``--patience`` cap the epochs and the patience (the all-labels case costs
most). The ``campaign`` part (``--campaign``) is ADBench's ``5_campaign.npz`` as binary
classification: a stratified 1% of a stratified 70% training split labelled, every training
row unlabelled for pretraining, balanced accuracy on the other 30%.

The bar (issue #17): on MNIST, the best fine-tuned encoder beats scratch by at least 5 points
with 100 labels, 2 points with 1,000, and is at most 0.3 points worse with all labels.

Reproduce (from the repository root)::

    .venv/bin/python benchmarks/pretrain.py --data-dir ../shared/data

runs the issue's whole grid (5 draws, both datasets, campaign). ``--datasets MNIST --labels 100
1000 --draws 2`` runs a reduced grid (``--datasets`` with no name: campaign only); pretrained
models are kept in ``--cache`` (default ``benchmarks/results/pretrain-cache``) so a rerun skips
them. ``--kinds SDAE`` adds greedy layer-wise pretraining (stacked denoising autoencoders,
``_greedy.py``). The README's figures come from the reduced runs it names.
Results go to ``benchmarks/results/pretrain.json`` (``--out``).

``--readme`` runs the five reduced runs behind the README's tables (``README_RUNS``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import command_line, machine_info, print_table, require_images, write_result
from _greedy import stacked_dae
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import aekit
from aekit.data.datasets import load_mnist

DATASETS = {"MNIST": "mnist", "Fashion-MNIST": "fashion-mnist"}
KINDS = ("AE", "DAE", "VAE", "SDAE")  # SDAE: greedy layer-wise, stacked denoising AEs


def pretrained_models(X, args, cache: Path, name: str) -> dict:
    """The three autoencoders on the unlabelled rows X, fitted once (kept in ``cache``)."""
    shared = dict(
        latent_dim=args.latent,
        hidden_layer_sizes=tuple(args.hidden),
        max_iter=args.pretrain_epochs,
        batch_size=256,
        random_state=0,
    )
    makers = {
        "AE": lambda: aekit.Autoencoder(**shared),
        "DAE": lambda: aekit.DenoisingAutoencoder(
            noise="masking", noise_level=args.noise_level, **shared
        ),
        "VAE": lambda: aekit.VAE(**shared),
        "SDAE": lambda: _Greedy(args),
    }
    models = {}
    for kind in args.kinds:
        path = cache / f"{name}-{kind}-{args.latent}-{args.pretrain_epochs}.safetensors"
        if path.exists():
            models[kind] = (aekit.load(path), None)
            continue
        started = time.perf_counter()
        model = makers[kind]().fit(X)
        seconds = time.perf_counter() - started
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        print(f"{name} {kind}: pretrained in {seconds:.0f} s")
        models[kind] = (model, seconds)
    return models


class _Greedy:
    """``fit(X)`` gives the greedily pretrained stack (see ``_greedy.py``) as an autoencoder."""

    def __init__(self, args) -> None:
        self.args = args

    def fit(self, X):
        a = self.args
        return stacked_dae(X, list(a.hidden), a.latent, a.pretrain_epochs, a.noise_level)


def draw_labels(y: np.ndarray, n: int, seed: int, balanced: bool = True) -> np.ndarray:
    """``n`` labelled rows, ``n / n_classes`` of each class (all rows when n >= len(y)); or,
    not ``balanced``, a stratified sample (each class in its share of y, as 1% of a table's
    labels would be)."""
    if n >= len(y):
        return np.arange(len(y))
    if not balanced:
        return train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)[0]
    rng = np.random.RandomState(seed)
    classes = np.unique(y)
    return np.concatenate(
        [rng.choice(np.flatnonzero(y == c), n // len(classes), replace=False) for c in classes]
    )


def methods(models: dict, args) -> dict:
    """name -> fn(X, y, seed) -> fitted estimator with ``predict``."""
    common = dict(
        max_iter=args.max_iter,
        n_iter_no_change=args.patience,
        head_layer_sizes=tuple(args.head),
        early_stopping_metric=args.early_stopping_metric,
    )
    any_model = next(iter(models.values()))[0]
    out = {
        "scratch": lambda X, y, s: aekit.FineTunedClassifier(
            any_model, init="random", random_state=s, **common
        ).fit(X, y)
    }
    for kind, (model, _) in models.items():
        out[f"{kind} fine-tuned"] = lambda X, y, s, m=model: _chosen_on_validation(
            [
                aekit.FineTunedClassifier(
                    m, fine_tune=how, encoder_lr_factor=f, random_state=s, **common
                ).fit(X, y)
                for how, f in _candidates(args)
            ]
        )
    for kind, (model, _) in models.items():
        out[f"LR on {kind} codes"] = lambda X, y, s, m=model: _FrozenCodes(m).fit(X, y)
    return out


def _candidates(args) -> list[tuple[str, float]]:
    """(fine_tune, encoder_lr_factor) pairs to choose among; "head" freezes the encoder, so
    its factor does not matter and it is tried once."""
    pairs = [(how, f) for how in args.fine_tune for f in args.encoder_lr_factors]
    return list(dict.fromkeys((how, 1.0) if how == "head" else (how, f) for how, f in pairs))


def _chosen_on_validation(fitted: list):
    """The candidate that did best on its own validation split (10% of the labelled rows, the
    same for every candidate as they share the seed; ``best_loss_`` is the validation loss, or
    the error rate with ``--early-stopping-metric accuracy``; the first of equals): no test
    rows used."""
    best = min(fitted, key=lambda estimator: estimator.best_loss_)
    best.chosen_factor = f"{best.fine_tune} {best.encoder_lr_factor:g}"
    return best


class _FrozenCodes:
    """Logistic regression on an encoder's standardized codes; the encoder is not trained."""

    def __init__(self, model) -> None:
        self.model = model

    def fit(self, X, y):
        self.lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        self.lr.fit(self.model.transform(X), y)
        return self

    def predict(self, X):
        return self.lr.predict(self.model.transform(X))


def run_grid(name, X_train, y_train, X_test, y_test, models, args, metric) -> list[dict]:
    rows = []
    for n in args.labels:
        draws = 1 if n >= len(y_train) and args.one_draw_at_all else args.draws
        for draw in range(draws):
            index = draw_labels(y_train, n, seed=draw, balanced=name != "campaign")
            for method, fit in methods(models, args).items():
                started = time.perf_counter()
                estimator = fit(X_train[index], y_train[index], draw)
                seconds = time.perf_counter() - started
                score = metric(y_test, estimator.predict(X_test))
                epochs = getattr(estimator, "n_iter_", None)
                rows.append(
                    dict(
                        factor=getattr(estimator, "chosen_factor", None),
                        dataset=name,
                        labels=n,
                        draw=draw,
                        method=method,
                        score=score,
                        seconds=seconds,
                        epochs=epochs,
                    )
                )
                factor = rows[-1]["factor"]
                print(
                    f"{name} {n} labels draw {draw}: {method} {score:.4f} ({seconds:.0f} s"
                    f"{'' if epochs is None else f', {epochs} epochs'}"
                    f"{'' if factor is None else f', factor {factor}'})",
                    flush=True,
                )
    return rows


def summary(rows: list[dict]) -> list[dict]:
    keys = list(dict.fromkeys((r["dataset"], r["labels"], r["method"]) for r in rows))
    out = []
    for dataset, labels, method in keys:
        picked = [
            r for r in rows if (r["dataset"], r["labels"], r["method"]) == (dataset, labels, method)
        ]
        scores = np.array([r["score"] for r in picked])
        out.append(
            dict(
                dataset=dataset,
                labels=labels,
                method=method,
                draws=len(picked),
                mean=float(scores.mean()),
                std=float(scores.std()),
                seconds=float(np.mean([r["seconds"] for r in picked])),
            )
        )
    return out


def campaign(args) -> list[dict]:
    data = np.load(Path(args.data_dir) / "adbench-large" / "5_campaign.npz")
    X, y = data["X"].astype(np.float32), data["y"].astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    models = pretrained_models(
        X_train,
        argparse.Namespace(**{**vars(args), "hidden": [64, 32], "latent": 8}),
        Path(args.cache),
        "campaign",
    )
    # Early stopping on the validation loss: with 11% positives, accuracy is best for the
    # network that says "no" to every row (balanced accuracy 0.5), so it would stop at once.
    grid = argparse.Namespace(
        **{
            **vars(args),
            "labels": [len(y_train) // 100],
            "one_draw_at_all": False,
            "early_stopping_metric": "loss",
        }
    )
    return run_grid(
        "campaign", X_train, y_train, X_test, y_test, models, grid, balanced_accuracy_score
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--labels", nargs="+", type=int, default=[100, 1000, 10000, 60000])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument(
        "--one-draw-at-all",
        action="store_true",
        help="one draw only where every training image is labelled",
    )
    parser.add_argument("--kinds", nargs="+", default=["AE", "DAE", "VAE"], choices=list(KINDS))
    parser.add_argument("--hidden", nargs="+", type=int, default=[512, 256])
    parser.add_argument("--latent", type=int, default=128)
    parser.add_argument("--pretrain-epochs", type=int, default=20)
    parser.add_argument("--noise-level", type=float, default=0.25)
    parser.add_argument(
        "--fine-tune",
        nargs="+",
        default=["all", "head"],
        choices=["all", "gradual", "head"],
        help="fine-tune with each (and each factor), keep the best on validation",
    )
    parser.add_argument(
        "--encoder-lr-factors",
        nargs="+",
        type=float,
        default=[0.1, 0.01],
        help="fine-tune with each, keep the one that does best on validation",
    )
    parser.add_argument(
        "--head", nargs="*", type=int, default=[256], help="the head's hidden widths"
    )
    parser.add_argument("--early-stopping-metric", default="accuracy", choices=["accuracy", "loss"])
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--campaign", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", default="benchmarks/results/pretrain-cache")
    parser.add_argument("--out", default="benchmarks/results/pretrain.json")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="run the five runs behind the README's pretraining tables, one after another "
        "(the other options given, e.g. --data-dir, --threads, are passed to each)",
    )
    args = parser.parse_args(argv)
    if args.readme:
        readme([a for a in (sys.argv[1:] if argv is None else argv) if a != "--readme"])
        return
    require_images(parser, *(Path(args.data_dir) / DATASETS[name] for name in args.datasets))
    torch.set_num_threads(args.threads)

    rows, pretrain_seconds = [], {}
    for name in args.datasets:
        folder = Path(args.data_dir) / DATASETS[name]
        X_train, y_train = load_mnist(folder, split="train")
        X_test, y_test = load_mnist(folder, split="test")
        models = pretrained_models(X_train, args, Path(args.cache), name)
        pretrain_seconds[name] = {k: s for k, (_, s) in models.items()}
        rows += run_grid(
            name,
            X_train,
            y_train,
            X_test,
            y_test,
            models,
            args,
            lambda a, b: float(np.mean(a == b)),
        )
    if args.campaign:
        rows += campaign(args)

    table = summary(rows)
    cells = [
        [
            t["dataset"],
            str(t["labels"]),
            t["method"],
            str(t["draws"]),
            f"{t['mean']:.4f} ± {t['std']:.4f}",
            f"{t['seconds']:.0f}",
        ]
        for t in table
    ]
    print_table("pretraining", ["data", "labels", "method", "draws", "accuracy", "fit s"], cells)
    write_result(
        args.out,
        dict(
            command=command_line(argv),
            machine=machine_info(),
            settings=vars(args),
            pretrain_seconds=pretrain_seconds,
            summary=table,
            rows=rows,
        ),
    )


# The README's tables, as run (reduced from the grid for CPU time; the README says how).
README_RUNS = (
    [
        f"--datasets {data} --labels 100 1000 --draws 5 --encoder-lr-factors 0.1 --no-campaign "
        f"--out benchmarks/results/pretrain-{stem}.json"
        for data, stem in (("MNIST", "mnist-few"), ("Fashion-MNIST", "fashion"))
    ]
    + [
        f"--datasets {data} --labels 10000 60000 --draws 1 --kinds DAE --fine-tune all "
        "--encoder-lr-factors 0.1 --max-iter 30 --patience 5 --no-campaign "
        f"--out benchmarks/results/pretrain-{stem}.json"
        for data, stem in (("MNIST", "mnist-many"), ("Fashion-MNIST", "fashion-many"))
    ]
    + ["--datasets --campaign --draws 5 --out benchmarks/results/pretrain-campaign.json"]
)


def readme(argv: list[str]) -> None:
    """``--readme``: the five runs behind the README's pretraining tables, one after another
    (other options given, e.g. ``--data-dir``, ``--threads``, are passed to each)."""
    for run in README_RUNS:
        main(run.split() + argv)


if __name__ == "__main__":
    main()
