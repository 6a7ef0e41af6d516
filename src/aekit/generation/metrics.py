"""Quality measures for generated samples: Fréchet distance, conditional accuracy, diversity.

The Fréchet Inception Distance (FID) of Heusel et al. (2017) compares Gaussians fitted to the
features an Inception-v3 network extracts from real and generated images. Inception weights are
not available offline, so aekit does not compute FID proper: :func:`frechet_distance` is the same
formula applied to whatever features you give it, and :func:`classifier_features` extracts them
from a classifier you train yourself (the last hidden layer of a scikit-learn
:class:`~sklearn.neural_network.MLPClassifier`); ``benchmarks/generative.py`` trains a small CNN
with a fixed seed and uses its penultimate layer. Numbers from different feature extractors are
not comparable with each other, nor with published FIDs.

Example
-------
>>> from sklearn.neural_network import MLPClassifier
>>> from aekit.data.datasets import load_digits
>>> X, y = load_digits()
>>> clf = MLPClassifier((64,), max_iter=300, random_state=0).fit(X[::2], y[::2])
>>> real = classifier_features(clf, X[1::2])
>>> fd = frechet_distance(real, classifier_features(clf, generated))  # doctest: +SKIP
>>> conditional_accuracy(clf, generated, requested_labels)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy import linalg
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist
from scipy.special import expit, softmax
from sklearn.neighbors import NearestNeighbors, radius_neighbors_graph
from sklearn.utils.validation import check_array, check_is_fitted

__all__ = [
    "classifier_features",
    "conditional_accuracy",
    "frechet_distance",
    "sample_diversity",
]


def _rows(X: Any, name: str, min_samples: int = 1) -> np.ndarray:
    """Validate ``X`` as finite float64 rows, flattening images ``(n, C, H, W)`` to ``(n, -1)``."""
    X = np.asarray(X)
    if X.ndim > 2:
        X = X.reshape(X.shape[0], -1)
    return check_array(X, dtype=np.float64, ensure_min_samples=min_samples, input_name=name)


def frechet_distance(features_a: Any, features_b: Any, eps: float = 1e-6) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    With means ``mu`` and covariances ``S`` of the two sets (Heusel et al. 2017, eq. 6)::

        d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})

    This is the formula of the Fréchet Inception Distance (FID), but Inception weights are not
    available offline, so aekit computes it on the features of a classifier the caller trains,
    e.g. the last hidden layer of a scikit-learn ``MLPClassifier`` via
    :func:`classifier_features`. The value depends on that feature extractor: compare models
    only on the same features, and never with published FIDs.

    Parameters
    ----------
    features_a, features_b : array-like of shape (n_a, d) and (n_b, d)
        Feature rows of the two sets (e.g. real and generated data); at least two rows each.
        Higher-dimensional arrays are flattened to rows.
    eps : float, default=1e-6
        Added to both covariances' diagonals when ``S_a S_b`` has no finite square root
        (singular covariances, e.g. fewer rows than features), as reference implementations do.

    Returns
    -------
    float
        The squared Fréchet distance ``d^2`` (>= 0; 0 for identical Gaussians).

    Raises
    ------
    ValueError
        If the sets have different numbers of features, or the matrix square root has a
        non-negligible imaginary part.

    References
    ----------
    Heusel, Ramsauer, Unterthiner, Nessler, Hochreiter (2017). GANs Trained by a Two Time-Scale
    Update Rule Converge to a Local Nash Equilibrium. NeurIPS.
    """
    A = _rows(features_a, "features_a", min_samples=2)
    B = _rows(features_b, "features_b", min_samples=2)
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"features_a has {A.shape[1]} features but features_b has {B.shape[1]}.")
    mu_a, mu_b = A.mean(axis=0), B.mean(axis=0)
    # Unbiased sample covariances; atleast_2d keeps a single feature a 1x1 matrix.
    S_a = np.atleast_2d(np.cov(A, rowvar=False))
    S_b = np.atleast_2d(np.cov(B, rowvar=False))

    # (S_a S_b)^{1/2} of eq. 6. For singular covariances (fewer rows than features, constant
    # features such as dead ReLU units) the square root can come back non-finite or inaccurate
    # (scipy warns), in which case regularise both with eps*I, as pytorch-fid / TTUR do.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(S_a @ S_b)
    singular = False
    for w in caught:
        if issubclass(w.category, linalg.LinAlgWarning):
            singular = True
        else:  # pass on anything else
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if singular or not np.isfinite(covmean).all():
        offset = eps * np.eye(S_a.shape[0])
        with warnings.catch_warnings():
            # Still ill-conditioned after eps*I is expected; the checks below catch bad roots.
            warnings.simplefilter("ignore", linalg.LinAlgWarning)
            covmean = linalg.sqrtm((S_a + offset) @ (S_b + offset))
        if not np.isfinite(covmean).all():
            raise ValueError("The covariances' product has no finite square root, even with eps*I.")
    # S_a S_b is similar to a positive semi-definite matrix, so its principal root is real up to
    # round-off; a large imaginary part means the covariances are broken.
    if np.iscomplexobj(covmean):
        imag = np.abs(covmean.imag).max()
        if imag > 1e-3 * max(1.0, np.abs(covmean.real).max()):
            raise ValueError(f"Matrix square root has a large imaginary component ({imag:.3g}).")
        covmean = covmean.real

    diff = mu_a - mu_b
    # eq. 6: ||mu_a - mu_b||^2 + Tr(S_a) + Tr(S_b) - 2 Tr((S_a S_b)^{1/2})
    d2 = diff @ diff + np.trace(S_a) + np.trace(S_b) - 2.0 * np.trace(covmean)
    # Round-off can leave a tiny negative value for identical sets.
    return float(max(d2, 0.0))


def _activate(H: np.ndarray, activation: str) -> np.ndarray:
    """The hidden-layer activations that MLPClassifier supports."""
    if activation == "relu":
        return np.maximum(H, 0.0)
    if activation == "tanh":
        return np.tanh(H)
    if activation == "logistic":
        return expit(H)
    if activation == "identity":
        return H
    raise ValueError(f"Unknown activation {activation!r}.")


def classifier_features(classifier: Any, X: Any) -> np.ndarray:
    """Last hidden layer activations of a fitted scikit-learn ``MLPClassifier``.

    Forwards ``X`` through every layer but the output one,
    ``h_{l+1} = activation(h_l W_l + b_l)`` with ``W_l, b_l`` from ``coefs_`` and
    ``intercepts_``, giving features for :func:`frechet_distance` (a stand-in for the Inception
    pool features of FID, which are not available offline).

    Parameters
    ----------
    classifier : sklearn.neural_network.MLPClassifier
        Fitted, with at least one hidden layer (``MLPRegressor`` works too).
    X : array-like of shape (n_samples, n_features)
        Rows as the classifier was trained on; images ``(n, C, H, W)`` are flattened.

    Returns
    -------
    ndarray of shape (n_samples, hidden_layer_sizes[-1])
        The last hidden layer's activations.
    """
    check_is_fitted(classifier, ["coefs_", "intercepts_"])
    if len(classifier.coefs_) < 2:
        raise ValueError("The classifier has no hidden layer to take features from.")
    H = _rows(X, "X")
    if H.shape[1] != classifier.coefs_[0].shape[0]:
        raise ValueError(
            f"X has {H.shape[1]} features, but the classifier expects "
            f"{classifier.coefs_[0].shape[0]}."
        )
    for W, b in zip(classifier.coefs_[:-1], classifier.intercepts_[:-1]):
        H = _activate(H @ W + b, classifier.activation)
    return H


def _output_layer(classifier: Any, features: np.ndarray) -> np.ndarray:
    """Class probabilities from last-hidden-layer features (the layer classifier_features skips)."""
    logits = features @ classifier.coefs_[-1] + classifier.intercepts_[-1]
    if classifier.out_activation_ == "softmax":
        return softmax(logits, axis=1)
    p = expit(logits)  # "logistic": binary problems have a single output unit
    return np.hstack([1.0 - p, p]) if p.shape[1] == 1 else p


def conditional_accuracy(classifier: Any, samples: Any, requested_labels: Any) -> float:
    """Fraction of generated samples that a held-out classifier labels as requested.

    For a conditional generator (e.g. ``ConditionalVAE.sample(n, y=...)``): the classifier,
    trained on real data the generator did not see, checks whether each sample looks like the
    class it was asked for.

    Parameters
    ----------
    classifier : fitted scikit-learn classifier
        Anything with ``predict`` taking rows like ``samples``.
    samples : array-like of shape (n_samples, n_features)
        Generated rows; images ``(n, C, H, W)`` are flattened.
    requested_labels : array-like of shape (n_samples,) or scalar
        The label each sample was generated for; a scalar applies to all.

    Returns
    -------
    float
        Accuracy in ``[0, 1]``.
    """
    X = _rows(samples, "samples")
    requested = np.asarray(requested_labels)
    if requested.ndim == 0:
        requested = np.full(X.shape[0], requested.item())
    requested = requested.ravel()
    if requested.shape[0] != X.shape[0]:
        raise ValueError(f"Got {X.shape[0]} samples but {requested.shape[0]} requested labels.")
    return float(np.mean(classifier.predict(X) == requested))


def sample_diversity(samples: Any, reference: Any = None, tol: float = 1e-6) -> dict[str, float]:
    """Diversity of generated samples: what a model that memorises its training set cannot fake.

    Parameters
    ----------
    samples : array-like of shape (n_samples, n_features)
        Generated rows (at least two); images ``(n, C, H, W)`` are flattened.
    reference : array-like of shape (n_reference, n_features), optional
        Real data, ideally the generator's training set, to put the numbers on a scale and to
        detect copies.
    tol : float, default=1e-6
        Euclidean distance at or below which two rows count as the same.

    Returns
    -------
    dict
        ``mean_pairwise_distance``
            Mean Euclidean distance over all pairs of samples.
        ``distinct_fraction``
            Number of groups of (near-)identical samples, chained within ``tol``, over the
            number of samples: 1 when no two coincide, ``k / n`` for copies of ``k`` rows.
        With ``reference`` also:

        ``reference_mean_pairwise_distance``
            The same mean on the reference rows.
        ``relative_diversity``
            ``mean_pairwise_distance / reference_mean_pairwise_distance``: about 1 for samples
            as spread out as real data, well below 1 for mode collapse.
        ``nearest_real_distance``
            Mean distance from each sample to its nearest reference row; near 0 means the
            samples are copies of training data.

    Notes
    -----
    Pairwise distances cost ``O(n^2)``; pass a few thousand rows at most.
    """
    X = _rows(samples, "samples", min_samples=2)
    # Mean over the n(n-1)/2 pairs i < j of ||x_i - x_j||_2.
    result = {"mean_pairwise_distance": float(pdist(X).mean())}
    # Connected components of the graph linking rows within tol: each is one distinct sample.
    graph = radius_neighbors_graph(X, radius=tol, mode="connectivity", include_self=False)
    n_groups, _ = connected_components(graph, directed=False)
    result["distinct_fraction"] = n_groups / X.shape[0]
    if reference is not None:
        R = _rows(reference, "reference", min_samples=2)
        if R.shape[1] != X.shape[1]:
            raise ValueError(f"samples have {X.shape[1]} features but reference {R.shape[1]}.")
        ref_mean = float(pdist(R).mean())
        result["reference_mean_pairwise_distance"] = ref_mean
        result["relative_diversity"] = (
            result["mean_pairwise_distance"] / ref_mean if ref_mean > 0 else float("inf")
        )
        distances, _ = NearestNeighbors(n_neighbors=1).fit(R).kneighbors(X)
        result["nearest_real_distance"] = float(distances.mean())
    return result
