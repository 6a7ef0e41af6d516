"""The baselines of ``anomaly.py``, each ``detect(X_train, X_test, seed) -> anomaly scores``
(higher = more anomalous), and the TensorFlow tutorial's ECG autoencoder written in torch."""

from __future__ import annotations

import numpy as np
import torch
from _common import require_bench_extra
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler
from torch import nn


def pyod_autoencoder(X_train, X_test, seed):
    from pyod.models.auto_encoder import AutoEncoder

    return (
        AutoEncoder(random_state=seed, verbose=0, device="cpu")
        .fit(X_train)
        .decision_function(X_test)
    )


def pyod_vae(X_train, X_test, seed):
    from pyod.models.vae import VAE

    return VAE(random_state=seed, verbose=0, device="cpu").fit(X_train).decision_function(X_test)


def isolation_forest(X_train, X_test, seed):
    return -IsolationForest(random_state=seed).fit(X_train).score_samples(X_test)


def pca_error(X_train, X_test, seed):
    """Squared reconstruction error of standardized rows from the components keeping 90% of the
    variance."""
    scaler = StandardScaler().fit(X_train)
    A, B = scaler.transform(X_train), scaler.transform(X_test)
    pca = PCA(n_components=0.9, random_state=seed).fit(A)
    return ((B - pca.inverse_transform(pca.transform(B))) ** 2).sum(axis=1)


def knn_distance(X_train, X_test, seed):
    """Distance to the 5th nearest training row on standardized data (PyOD KNN's "largest")."""
    scaler = StandardScaler().fit(X_train)
    nn_ = NearestNeighbors(n_neighbors=5).fit(scaler.transform(X_train))
    return nn_.kneighbors(scaler.transform(X_test))[0][:, -1]


def require_pyod(parser, methods) -> None:
    """Exit with one line, before any work, when ``methods`` name a PyOD baseline and PyOD is
    not installed (a run would fail at its first PyOD fit, after the others' first runs)."""
    wanted = sorted(m for m in methods if m.startswith("pyod"))
    if wanted:
        require_bench_extra(parser, {"pyod": ", ".join(wanted)})


BASELINES = {
    "pyod_ae": pyod_autoencoder,
    "pyod_vae": pyod_vae,
    "iforest": isolation_forest,
    "pca": pca_error,
    "knn": knn_distance,
}


def ecg_tutorial_baseline(X_normal: np.ndarray, X_test: np.ndarray, seed: int):
    """The TensorFlow tutorial's detector ("Intro to Autoencoders", anomaly detection part):
    min-max scaling by the training data's global min and max, a dense 32-16-8 relu encoder and
    16-32-140 decoder with a sigmoid output, MAE loss, Adam, 20 epochs of batch 512; a beat is
    normal when its MAE is below mean + 1 std of the training MAEs. Returns ("is normal",
    the test MAEs)."""
    low, high = X_normal.min(), X_normal.max()
    A = torch.tensor((X_normal - low) / (high - low), dtype=torch.float32)
    B = torch.tensor((X_test - low) / (high - low), dtype=torch.float32)
    torch.manual_seed(seed)
    width = A.shape[1]
    encoder = [nn.Linear(width, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 8)]
    decoder = [nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, width)]
    model = nn.Sequential(*encoder, nn.ReLU(), *decoder, nn.Sigmoid())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # Keras' Adam default
    generator = torch.Generator().manual_seed(seed)
    for _ in range(20):
        for batch in torch.randperm(len(A), generator=generator).split(512):
            loss = (model(A[batch]) - A[batch]).abs().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        train_mae = (model(A) - A).abs().mean(dim=1)
        test_mae = (model(B) - B).abs().mean(dim=1)
    threshold = train_mae.mean() + train_mae.std(unbiased=False)
    return (test_mae < threshold).numpy(), test_mae.numpy()
