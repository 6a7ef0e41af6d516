import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from aekit.data.datasets import load_digits
from aekit.generation.metrics import (
    _output_layer,
    classifier_features,
    conditional_accuracy,
    frechet_distance,
    sample_diversity,
)


@pytest.fixture(scope="module")
def gaussian_sets():
    rng = np.random.default_rng(0)
    mu_a, mu_b = np.array([0.0, 1.0, -2.0]), np.array([0.5, 0.0, -1.0])
    var_a, var_b = np.array([1.0, 4.0, 0.25]), np.array([2.0, 1.0, 0.25])
    a = mu_a + np.sqrt(var_a) * rng.standard_normal((20000, 3))
    b = mu_b + np.sqrt(var_b) * rng.standard_normal((20000, 3))
    # Closed form for diagonal covariances: sum (mu_a - mu_b)^2 + sum (sqrt(va) - sqrt(vb))^2.
    exact = np.sum((mu_a - mu_b) ** 2) + np.sum((np.sqrt(var_a) - np.sqrt(var_b)) ** 2)
    return a, b, exact


@pytest.fixture(scope="module")
def digits_classifier():
    X, y = load_digits()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((32, 16), max_iter=200, random_state=0).fit(X[::2], y[::2])
    return clf, X[1::2], y[1::2]


def test_frechet_of_a_set_with_itself_is_zero(gaussian_sets):
    a, _, _ = gaussian_sets
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)


def test_frechet_matches_the_closed_form(gaussian_sets):
    a, b, exact = gaussian_sets
    assert exact == pytest.approx(2.25 + (1 - np.sqrt(2)) ** 2 + 1)
    assert frechet_distance(a, b) == pytest.approx(exact, abs=0.05)


def test_frechet_is_symmetric(gaussian_sets):
    a, b, _ = gaussian_sets
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-8)


def test_translation_adds_squared_shift(gaussian_sets):
    a, _, _ = gaussian_sets
    delta = np.array([1.0, -2.0, 0.5])
    assert frechet_distance(a, a + delta) == pytest.approx(delta @ delta, rel=1e-6)


def test_frechet_handles_singular_covariances_and_rejects_mismatch():
    rng = np.random.default_rng(1)
    # Fewer rows than features: both covariances are singular.
    a, b = rng.standard_normal((5, 20)), rng.standard_normal((5, 20))
    d = frechet_distance(a, b)
    assert np.isfinite(d) and d > 0
    with pytest.raises(ValueError, match="features"):
        frechet_distance(a, b[:, :10])


def test_classifier_features_reproduce_predict_proba(digits_classifier):
    clf, X, _ = digits_classifier
    H = classifier_features(clf, X)
    assert H.shape == (X.shape[0], 16)
    assert (H >= 0).all()  # relu
    np.testing.assert_allclose(_output_layer(clf, H), clf.predict_proba(X), atol=1e-5)
    # Images are flattened.
    np.testing.assert_allclose(classifier_features(clf, X.reshape(-1, 1, 8, 8)), H)


def test_classifier_features_other_activation():
    X, y = load_digits()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((8,), activation="tanh", max_iter=20, random_state=0)
        clf.fit(X[:300], y[:300] % 2)  # binary: a single logistic output unit
    H = classifier_features(clf, X[300:400])
    np.testing.assert_allclose(_output_layer(clf, H), clf.predict_proba(X[300:400]), atol=1e-5)


def test_frechet_on_classifier_features_separates_real_from_noise(digits_classifier):
    clf, X, _ = digits_classifier
    real = classifier_features(clf, X[:400])
    held_out = classifier_features(clf, X[400:])
    noise = classifier_features(clf, np.random.default_rng(0).random((400, 64)))
    assert frechet_distance(real, held_out) < 0.2 * frechet_distance(real, noise)


def test_conditional_accuracy(digits_classifier):
    clf, X, _ = digits_classifier
    predicted = clf.predict(X)
    assert conditional_accuracy(clf, X, predicted) == 1.0
    random_labels = np.random.default_rng(0).integers(0, 10, len(X))
    assert conditional_accuracy(clf, X, random_labels) < 0.2
    sevens = X[predicted == 7]
    assert conditional_accuracy(clf, sevens, 7) == 1.0  # scalar label
    with pytest.raises(ValueError, match="requested labels"):
        conditional_accuracy(clf, X, predicted[:5])


def test_sample_diversity_catches_copies():
    X, _ = load_digits()
    train, real = X[:1000], X[1000:1100]
    copies = np.repeat(train[:3], [34, 33, 33], axis=0)  # 100 copies of 3 prototypes
    collapsed = sample_diversity(copies, reference=train)
    diverse = sample_diversity(real, reference=train)
    assert collapsed["distinct_fraction"] == pytest.approx(0.03)
    assert diverse["distinct_fraction"] == 1.0
    assert collapsed["mean_pairwise_distance"] < diverse["mean_pairwise_distance"]
    assert collapsed["relative_diversity"] < diverse["relative_diversity"]
    assert 0.8 < diverse["relative_diversity"] < 1.2
    # Copies of training rows sit on top of them; unseen digits do not.
    assert collapsed["nearest_real_distance"] == pytest.approx(0.0, abs=1e-6)
    assert diverse["nearest_real_distance"] > 0.5
    assert set(sample_diversity(real)) == {"mean_pairwise_distance", "distinct_fraction"}
