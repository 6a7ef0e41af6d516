"""Members trained together (aekit.core.stacked, aekit.estimators.stacked, the detector's
``member_training``) are the members trained one after another, up to float rounding.

Tolerances: a stacked step multiplies each member's rows by its weights in one batched product
(``baddbmm``), which may add in another order than one member's product, so weights differ by
float32 rounding (about 1e-7 of their size) after a step. Measured on the CPU: under 3e-7 after
25 epochs, and a detector's scores within 4e-7 of their range after a few hundred steps per
member. The bounds below (1e-5 on weights, 1e-4 of the range on scores) leave room for other
kernels on other devices and still fail on any difference of random streams or of bookkeeping
(those move weights by 1e-2, scores by percents).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import DEVICE
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import aekit
from aekit.core.stacked import train_stacked
from aekit.core.train import TrainConfig
from aekit.estimators.stacked import fit_stacked, stack_refusal

SEEDS = (11, 22, 33)


def _rows(n=240, d=6, seed=0):
    """A 2-D plane in d dimensions plus noise, float32."""
    rng = np.random.RandomState(seed)
    W = np.random.RandomState(1).normal(size=(2, d))
    return (rng.normal(size=(n, 2)) @ W + 0.1 * rng.normal(size=(n, d))).astype(np.float32)


def _weights(estimator) -> torch.Tensor:
    return torch.cat([p.detach().flatten().cpu() for p in estimator.model_.parameters()])


def _both_ways(base, X, seeds=SEEDS):
    sequential = [clone(base).set_params(random_state=s).fit(X) for s in seeds]
    stacked = fit_stacked([clone(base).set_params(random_state=s) for s in seeds], [X] * len(seeds))
    return sequential, stacked


@pytest.mark.parametrize(
    "base",
    [
        aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(16, 8), max_iter=4, batch_size=32),
        aekit.DenoisingAutoencoder(
            latent_dim=2, hidden_layer_sizes=(16,), max_iter=4, batch_size=50, noise_level=0.5
        ),
        aekit.DenoisingAutoencoder(
            latent_dim=2,
            hidden_layer_sizes=(16,),
            max_iter=4,
            batch_size=50,
            noise_level=1.0,
            noise_schedule="uniform",
        ),  # fmt: skip
    ],
    ids=["plain", "denoising", "noise-level-range"],
)
def test_stacked_members_are_the_sequential_ones(base):
    X = _rows()
    sequential, stacked = _both_ways(base.set_params(device=DEVICE), X)
    for one, together in zip(sequential, stacked, strict=True):
        assert type(together) is type(one)
        assert together.n_iter_ == one.n_iter_ == 4
        assert torch.allclose(_weights(together), _weights(one), rtol=0, atol=1e-5)
        np.testing.assert_allclose(together.loss_curve_, one.loss_curve_, rtol=1e-5)
    # the members differ from each other (own seeds), far more than stacked from sequential
    assert (_weights(stacked[0]) - _weights(stacked[1])).abs().max() > 1e-2


def test_a_member_that_stops_early_is_frozen_while_the_others_train():
    base = aekit.DenoisingAutoencoder(
        latent_dim=2,
        hidden_layer_sizes=(16,),
        max_iter=30,
        batch_size=40,
        noise_level=0.5,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=2,
        tol=0.02,
        device=DEVICE,
    )
    seeds = (1, 2, 3, 4, 5)
    sequential, stacked = _both_ways(base, _rows(), seeds)
    stops = [one.n_iter_ for one in sequential]
    assert len(set(stops)) > 1 and min(stops) < 30  # some stop early, not together
    for one, together in zip(sequential, stacked, strict=True):
        assert together.n_iter_ == one.n_iter_
        # the weights kept are each member's best on its own validation rows
        assert together.best_loss_ == pytest.approx(one.best_loss_, rel=1e-5)
        assert together.best_loss_ == pytest.approx(min(together.history_["val_loss"]))
        assert torch.allclose(_weights(together), _weights(one), rtol=0, atol=1e-5)


@pytest.fixture(scope="module")
def table():
    X = _rows(300, 6, seed=3)
    X[:6] += 4.0  # a few rows off the plane
    return X


def _detector(**params):
    return aekit.AnomalyDetector(**{"n_estimators": 3, "random_state": 0, **params})


@pytest.mark.parametrize("trim", [0.0, 0.1], ids=["plain", "trim_fraction"])
def test_a_stacked_detector_scores_as_a_sequential_one(table, trim):
    """Default members (denoising, density_trim) for 60 steps each (20 epochs of 3 batches: a
    different random stream or bookkeeping shows from the first), with and without the
    trim_fraction refit: the scores rank the rows alike."""
    short = {"max_iter": 20}
    stacked = _detector(member_training="stacked", trim_fraction=trim, member_params=short)
    sequential = _detector(member_training="sequential", trim_fraction=trim, member_params=short)
    stacked, sequential = stacked.fit(table), sequential.fit(table)
    a, b = stacked.anomaly_score(table), sequential.anomaly_score(table)
    assert spearmanr(a, b)[0] > 0.9999
    assert np.abs(a - b).max() < 1e-4 * np.ptp(b)
    assert stacked.threshold_ == pytest.approx(sequential.threshold_, rel=1e-4)
    assert all(type(m) is aekit.DenoisingAutoencoder for m in stacked.estimators_)


@pytest.fixture(scope="module")
def stacked_detector(table):
    return _detector(member_training="stacked", n_neighbors=0).fit(table)


def test_a_stacked_detector_saves_and_loads(stacked_detector, table, tmp_path):
    stacked_detector.save(tmp_path / "detector")
    loaded = aekit.load(tmp_path / "detector", device=DEVICE)
    scores = stacked_detector.anomaly_score(table)
    np.testing.assert_array_equal(loaded.anomaly_score(table), scores)
    assert loaded.get_params()["member_training"] == "stacked"


def test_the_stacked_members_train_on_their_own_device(stacked_detector):
    for member in stacked_detector.estimators_:
        assert next(member.model_.parameters()).device.type == DEVICE


def test_members_that_cannot_be_stacked_train_one_by_one(table):
    vae = aekit.VariationalAutoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=3)
    conv = aekit.Autoencoder(architecture="conv1d", sequence_shape=(1, 6), max_iter=1)
    assert "VariationalAutoencoder" in stack_refusal(vae)
    assert "conv1d" in stack_refusal(conv)
    assert stack_refusal(aekit.Autoencoder(checkpoint_dir="somewhere")) is not None
    assert stack_refusal(aekit.DenoisingAutoencoder()) is None
    params = dict(estimator=vae, n_estimators=2, n_neighbors=0)
    auto = _detector(**params).fit(table)  # "auto" falls back: exactly the sequential fit
    sequential = _detector(member_training="sequential", **params).fit(table)
    np.testing.assert_array_equal(auto.anomaly_score(table), sequential.anomaly_score(table))
    with pytest.raises(ValueError, match="member_training='stacked'.*VariationalAutoencoder"):
        _detector(member_training="stacked", **params).fit(table)


def test_stacking_refuses_members_that_differ():
    X = _rows(40)
    members = [
        aekit.Autoencoder(latent_dim=2, max_iter=1),
        aekit.Autoencoder(latent_dim=2, max_iter=2),
    ]
    with pytest.raises(ValueError, match="training settings differ"):
        fit_stacked(members, [X, X])
    model = aekit.Autoencoder(latent_dim=2, max_iter=1, device="cpu").fit(X).model_
    with pytest.raises(ValueError, match="one shape"):
        train_stacked(
            [model, model],
            [torch.zeros(4, 6), torch.zeros(5, 6)],
            config=TrainConfig(max_iter=1, batch_size=2, learning_rate=1e-3),
            generators=[torch.Generator(), torch.Generator()],
        )


STACKED_DETECTOR = aekit.AnomalyDetector(
    aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=2, batch_size=32),
    n_estimators=2,
    member_training="stacked",
    contamination=0.1,
    random_state=0,
)


@parametrize_with_checks([STACKED_DETECTOR])
def test_a_stacked_detector_passes_scikit_learn_checks(estimator, check):
    check(estimator)
