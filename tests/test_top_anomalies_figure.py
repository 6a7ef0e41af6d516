"""aekit.viz.top_anomalies: a detector's highest-scored images, most anomalous first, each
titled with its score (red above the threshold), their reconstructions beneath on the images'
scale; what it accepts is checked."""

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import aekit  # noqa: E402
from aekit.anomaly.images import member_reconstructions  # noqa: E402
from aekit.viz import top_anomalies  # noqa: E402

RNG = np.random.default_rng(0)
IMAGES = RNG.random((30, 1, 6, 6)).astype(np.float32)
SCORES = RNG.normal(size=30)


def _shown(ax) -> np.ndarray:
    return np.asarray(ax.get_images()[0].get_array())


def test_the_highest_scores_first_each_under_its_score():
    axes = top_anomalies(IMAGES, SCORES, n=5, threshold=float(np.sort(SCORES)[-3]))
    order = np.argsort(-SCORES)[:5]
    assert len(axes) == 5
    for ax, index in zip(axes, order):
        np.testing.assert_allclose(_shown(ax), IMAGES[index, 0])
        assert ax.get_title() == f"{SCORES[index]:.3g}"
    red = [matplotlib.colors.same_color(ax.title.get_color(), "C3") for ax in axes]
    assert red == [True, True, False, False, False]  # two above the third-highest score


def test_reconstructions_beneath_their_images_on_the_images_scale():
    images = IMAGES * 255  # 0..255 pixels: drawn from their own range
    rebuilt = np.clip(images + 300, 0, None)  # past the images' range: clipped to it
    axes = top_anomalies(images, SCORES, n=3, reconstructions=rebuilt, n_cols=3)
    assert len(axes) == 6  # a row of 3 images, then their 3 reconstructions
    top = np.argsort(-SCORES)[:3]
    low, high = images[top].min(), images[top].max()  # the drawn images' range
    for col, index in enumerate(top):
        np.testing.assert_allclose(_shown(axes[col]), (images[index, 0] - low) / (high - low))
        assert (_shown(axes[3 + col]) == 1.0).all()
    assert [axes[0].get_ylabel(), axes[3].get_ylabel()] == ["input", "reconstr."]


def test_what_it_refuses():
    with pytest.raises(ValueError, match="30 images and 29 anomaly_scores"):
        top_anomalies(IMAGES, SCORES[:-1])
    with pytest.raises(ValueError, match="reconstructions .* differ"):
        top_anomalies(IMAGES, SCORES, reconstructions=IMAGES[:-1])
    with pytest.raises(ValueError, match="n must be a whole number"):
        top_anomalies(IMAGES, SCORES, n=0)


def test_a_detectors_reconstructions_are_on_the_images_scale():
    X = load_digits().data[:120].astype(np.float64)  # 0..16, standardized inside the detector
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(X)
    rebuilt = member_reconstructions(detector, X[:10])
    assert rebuilt.shape == (10, 64)
    # closer to the digits than their mean image is: reconstructions, not standardized values
    assert np.abs(rebuilt - X[:10]).mean() < np.abs(X.mean(axis=0) - X[:10]).mean()
