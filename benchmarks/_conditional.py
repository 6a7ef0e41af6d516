"""The ``conditional`` part of ``benchmarks/generative.py``: generation quality on MNIST and
Fashion-MNIST, judged by a classifier the benchmark trains itself.

For each dataset (grey levels in [0, 1], no binarization):

* **Classifier**: a small CNN (two 5x5 convolutions with max pooling, 16 and 32 channels, then
  128 hidden units), Adam 1e-3 with a cosine decay, batch 128, ``--classifier-epochs`` epochs on
  the training set, weights and shuffling seeded with ``CLASSIFIER_SEED``. Its test accuracy is
  reported; its 128 penultimate activations are the features of the Fréchet distance (Inception
  weights are not available offline, so this is not FID and its values are not comparable to
  FID's).
* **Floor**: the Fréchet distance between ``--n-samples`` real training images and as many test
  images: what a perfect generator would score at this sample size.
* **VAE**: ``aekit.VAE(latent_dim=16, sampler="gmm")``, samples with the GMM sampler
  (``sample``) and with the prior (``inverse_transform`` of ``z ~ N(0, I)``, which is what
  ``sampler="prior"`` draws) from the same network.
* **ConditionalVAE**: ``aekit.ConditionalVAE(latent_dim=--cvae-latent)`` (default 4: a small
  code leaves the digit's class to the label and only its style to z); ``--n-samples`` samples,
  the same number for every label, with its default sampler (codes from each label's mixture
  fitted to that label's training codes) and with the prior ``N(0, I)`` (``inverse_transform``
  of prior draws, what ``sampler="prior"`` draws) from the same network; conditional accuracy =
  the classifier's agreement with the requested label
  (``aekit.generation.metrics.conditional_accuracy``). Bar on MNIST: >= 0.98 with a classifier
  of >= 0.99 test accuracy.
* **Diversity**: ``aekit.generation.metrics.sample_diversity`` of 2,000 samples against 2,000
  training images (relative diversity about 1 for samples as spread as real data).

Samples are the decoders' expected values (pixel probabilities). Sampling seeds: ``--seeds``
(values are averaged over them).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from _common import print_table
from torch import nn

import aekit
from aekit.data.datasets import load_mnist
from aekit.generation.metrics import conditional_accuracy, frechet_distance, sample_diversity

CLASSIFIER_SEED = 0
BAR_ACCURACY, BAR_CLASSIFIER = 0.98, 0.99
DATASETS = {"MNIST": "mnist", "Fashion-MNIST": "fashion-mnist"}
MODEL = {
    "hidden_layer_sizes": (500, 500),
    "batch_size": 100,
    "learning_rate_schedule": "cosine",  # the last epochs at a small step settle the weights
    "random_state": 0,
    "device": "cpu",
}


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 12 x 12
            nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 4 x 4
            nn.Flatten(), nn.Linear(512, 128), nn.ReLU(),
        )  # fmt: skip
        self.out = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.features(x))


class Classifier:
    """The trained CNN with ``predict`` and ``features`` on flat or image rows."""

    def __init__(self, X: np.ndarray, y: np.ndarray, epochs: int) -> None:
        torch.manual_seed(CLASSIFIER_SEED)  # the benchmark's own process: seeds the weights
        self.net = SmallCNN()
        optimizer = torch.optim.Adam(self.net.parameters(), lr=1e-3)
        generator = torch.Generator().manual_seed(CLASSIFIER_SEED)
        images, labels = self._images(X), torch.from_numpy(y.astype(np.int64))
        # Cosine decay of the learning rate over the epochs: the last epochs settle the weights.
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
        for _ in range(epochs):
            self.net.train()
            for index in torch.randperm(len(images), generator=generator).split(128):
                loss = nn.functional.cross_entropy(self.net(images[index]), labels[index])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            schedule.step()
        self.net.eval()

    @staticmethod
    def _images(X: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)).view(-1, 1, 28, 28)

    @torch.no_grad()
    def _map(self, fn, X: np.ndarray) -> np.ndarray:
        return torch.cat([fn(b) for b in self._images(X).split(1000)]).numpy()

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self._map(lambda b: self.net(b).argmax(dim=1), X)

    def features(self, X: np.ndarray) -> np.ndarray:
        return self._map(self.net.features, X).astype(np.float64)


def _average(values: list[dict]) -> dict:
    return {k: float(np.mean([v[k] for v in values])) for k in values[0]}


def run_dataset(name: str, folder: Path, args) -> dict:
    X, y = load_mnist(folder, "train")
    X_test, y_test = load_mnist(folder, "test")
    n = args.n_samples
    if args.quick:
        X, y = X[:5000], y[:5000]
    rng = np.random.default_rng(0)
    real = X[rng.choice(len(X), size=min(n, len(X)), replace=False)]
    started = time.perf_counter()
    classifier = Classifier(X, y, args.classifier_epochs)
    result = {"classifier_seconds": time.perf_counter() - started}
    result["classifier_accuracy"] = float(np.mean(classifier.predict(X_test) == y_test))
    real_features = classifier.features(real)
    result["fd_train_vs_test"] = frechet_distance(real_features, classifier.features(X_test[:n]))
    print(f"  {name}: classifier {result['classifier_accuracy']:.4f}", flush=True)

    budget = {"max_iter": args.cvae_epochs, "n_iter_no_change": args.cvae_epochs}  # all epochs
    vae = aekit.VAE(latent_dim=16, sampler="gmm", **budget, **MODEL)
    cvae = aekit.ConditionalVAE(latent_dim=args.cvae_latent, **budget, **MODEL)
    started = time.perf_counter()
    vae.fit(X)
    result["vae_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    cvae.fit(X, y)
    result["cvae_seconds"] = time.perf_counter() - started
    per_seed = []
    for seed in args.seeds:
        prior_z = np.random.default_rng(seed).standard_normal((n, vae.latent_dim))
        samples = {
            "vae_prior": vae.inverse_transform(prior_z.astype(np.float32)),
            "vae_gmm": vae.sample(n, random_state=seed),
        }
        requested = np.arange(n) % 10
        samples["cvae"] = cvae.sample(n, y=requested, random_state=seed)
        # the VAE's prior draws, or draws of their own for a CVAE code wider than the VAE's
        cvae_z = (
            prior_z[:, : cvae.latent_dim]
            if cvae.latent_dim <= vae.latent_dim
            else np.random.default_rng(seed).standard_normal((n, cvae.latent_dim))
        )
        samples["cvae_prior"] = cvae.inverse_transform(cvae_z.astype(np.float32), y=requested)
        row = {
            "conditional_accuracy": conditional_accuracy(classifier, samples["cvae"], requested),
            "conditional_accuracy_prior": conditional_accuracy(
                classifier, samples["cvae_prior"], requested
            ),
        }
        for key, rows in samples.items():
            row[f"fd_{key}"] = frechet_distance(classifier.features(rows), real_features)
            diversity = sample_diversity(rows[:2000], reference=real[:2000])
            row[f"relative_diversity_{key}"] = diversity["relative_diversity"]
            row[f"nearest_real_distance_{key}"] = diversity["nearest_real_distance"]
        per_seed.append(row)
    result.update(_average(per_seed))
    result["per_seed"] = per_seed
    real_diversity = sample_diversity(X_test[:2000], reference=real[:2000])
    result["relative_diversity_test"] = real_diversity["relative_diversity"]
    result["nearest_real_distance_test"] = real_diversity["nearest_real_distance"]
    return result


def run_conditional(args) -> dict:
    results = {}
    for name, sub in DATASETS.items():
        results[name] = run_dataset(name, Path(args.data_dir) / sub, args)
    mnist = results["MNIST"]
    results["bar"] = (
        f"MNIST conditional accuracy >= {BAR_ACCURACY} with a classifier >= {BAR_CLASSIFIER}"
    )
    results["passed"] = bool(
        mnist["conditional_accuracy"] >= BAR_ACCURACY
        and mnist["classifier_accuracy"] >= BAR_CLASSIFIER
    )
    results["config"] = {
        "n_samples": args.n_samples,
        "seeds": args.seeds,
        "vae_cvae_epochs": args.cvae_epochs,
        "cvae_latent_dim": args.cvae_latent,
        "classifier_epochs": args.classifier_epochs,
        "models": {k: repr(v) for k, v in MODEL.items()},
        "quick": args.quick,
    }
    return results


def print_conditional(results: dict) -> None:
    headers = [
        "dataset",
        "classifier acc.",
        "CVAE cond. acc. (prior)",
        "FD train-test (floor)",
        "FD VAE prior",
        "FD VAE gmm",
        "FD CVAE (prior)",
        "rel. diversity prior / gmm / CVAE / CVAE prior / test",
        "fit s VAE / CVAE",
    ]
    cells = []
    for name in DATASETS:
        r = results[name]
        diversity = " / ".join(
            f"{r[f'relative_diversity_{k}']:.2f}"
            for k in ("vae_prior", "vae_gmm", "cvae", "cvae_prior", "test")
        )
        cells.append(
            [
                name,
                f"{r['classifier_accuracy']:.4f}",
                f"{r['conditional_accuracy']:.4f} ({r['conditional_accuracy_prior']:.4f})",
                f"{r['fd_train_vs_test']:.3f}",
                f"{r['fd_vae_prior']:.2f}",
                f"{r['fd_vae_gmm']:.2f}",
                f"{r['fd_cvae']:.2f} ({r['fd_cvae_prior']:.2f})",
                diversity,
                f"{r['vae_seconds']:.0f} / {r['cvae_seconds']:.0f}",
            ]
        )
    print_table("Generated samples, judged by the benchmark's own CNN", headers, cells)
    status = "PASS" if results["passed"] else "FAIL"
    print(f"{status}: {results['bar']}")
