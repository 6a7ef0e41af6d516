"""A KeyboardInterrupt (Ctrl-C, a notebook's "Interrupt kernel") inside training: the estimator
keeps the epochs completed (weights, n_iter_, history, fitted attributes), or, with none
completed, is left as it was before the fit; one warning says which and the interrupt goes on.
The interrupt is raised deterministically by an optimizer hook after a given number of steps."""

import contextlib
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from torch.optim.optimizer import register_optimizer_step_post_hook

import aekit
from aekit.core.interruption import TrainingInterrupted
from aekit.data.datasets import load_digits
from aekit.estimators import interrupted_fits
from aekit.estimators._convergence import ConvergenceCheck
from aekit.estimators.stacked import fit_stacked

STEPS = 4  # steps per epoch: 400 rows in batches of 100
SMALL = {"hidden_layer_sizes": (32,), "latent_dim": 4, "batch_size": 100, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    X, y = load_digits()
    return X[:400], y[:400]


@contextlib.contextmanager
def interrupt_after(steps: int):
    """A KeyboardInterrupt from the optimizer after its ``steps``-th step (of any optimizer)."""
    done = [0]

    def hook(optimizer, args, kwargs):
        done[0] += 1
        if done[0] == steps:
            raise KeyboardInterrupt

    handle = register_optimizer_step_post_hook(hook)
    try:
        yield
    finally:
        handle.remove()


def interrupted_fit(fit, steps: int) -> str:
    """Run ``fit`` interrupted after ``steps`` steps; the warning it gave."""
    with warnings.catch_warnings(record=True) as caught, interrupt_after(steps):
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            fit()
    said = [str(w.message) for w in caught if "interrupted" in str(w.message)]
    assert len(said) == 1, said
    return said[0]


def weights(estimator) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in estimator.model_.state_dict().items()}


def test_an_interrupted_warm_fit_counts_the_epochs_it_trained(rows, tmp_path):
    X, _ = rows
    ae = aekit.Autoencoder(**SMALL, max_iter=5, warm_start=True).fit(X)
    first_curve, before = list(ae.loss_curve_), weights(ae)
    said = interrupted_fit(lambda: ae.set_params(max_iter=50).fit(X), 3 * STEPS + 2)
    assert "training interrupted at epoch 4 of 50" in said and "n_iter_ (now 8)" in said
    assert "fit again to go on" in said
    assert ae.n_iter_ == 8 == len(ae.loss_curve_) == len(ae.history_["reconstruction"])
    assert ae.loss_curve_[:5] == first_curve
    assert not all(torch.equal(before[k], v) for k, v in weights(ae).items())
    ae.save(tmp_path / "ae.safetensors")
    assert aekit.load(tmp_path / "ae.safetensors").n_iter_ == 8
    ae.set_params(max_iter=2).fit(X)  # the next warm fit counts on from there
    assert ae.n_iter_ == 10 == len(ae.loss_curve_)


def test_a_warm_fit_interrupted_in_its_first_epoch_leaves_the_model_as_it_was(rows):
    X, _ = rows
    ae = aekit.VariationalAutoencoder(**SMALL, max_iter=3, warm_start=True).fit(X)
    curve, before, codes = list(ae.loss_curve_), weights(ae), ae.transform(X[:5])
    said = interrupted_fit(lambda: ae.set_params(max_iter=50).fit(X), 2)
    assert "before any epoch completed" in said and "as it was before this fit" in said
    assert ae.n_iter_ == 3 and ae.loss_curve_ == curve
    assert all(torch.equal(before[k], v) for k, v in weights(ae).items())
    np.testing.assert_array_equal(ae.transform(X[:5]), codes)


@pytest.mark.parametrize(
    "cls",
    [
        aekit.Autoencoder,
        aekit.DenoisingAutoencoder,
        aekit.SparseAutoencoder,
        aekit.ContractiveAutoencoder,
        aekit.VariationalAutoencoder,
    ],
)
def test_an_interrupted_refit_keeps_its_completed_epochs(cls, rows):
    X, _ = rows
    ae = cls(**SMALL, max_iter=3).fit(X)
    said = interrupted_fit(lambda: ae.set_params(max_iter=50).fit(X), 2 * STEPS + 1)
    assert "at epoch 3 of 50" in said and "fit again with warm_start=True to go on" in said
    assert ae.n_iter_ == 2 == len(ae.loss_curve_)
    assert ae.transform(X[:3]).shape == (3, 4)  # fitted, as a normal end of fit leaves it
    assert ae._fitted_params["max_iter"] == 50  # what save writes is this fit's


def test_a_refit_interrupted_in_its_first_epoch_leaves_no_stale_fitted_attributes(rows):
    X, y = rows
    cvae = aekit.ConditionalVAE(**SMALL, max_iter=2).fit(X, y)
    said = interrupted_fit(lambda: cvae.set_params(max_iter=50).fit(X, y), 1)
    assert "the estimator is left unfitted" in said
    left = [name for name in vars(cvae) if name.endswith("_") or name == "_fitted_params"]
    assert left == []  # no n_iter_, history_, classes_, data_mean_ of the earlier fit
    with pytest.raises(NotFittedError):
        cvae.transform(X[:3])


def test_interrupted_stacked_members_get_their_trained_weights(rows):
    X, _ = rows
    members = [aekit.Autoencoder(**{**SMALL, "random_state": s}, max_iter=50) for s in (0, 1)]
    # the stack takes one step for both members
    interrupted_fit(lambda: fit_stacked(members, [X, X]), 2 * STEPS + 1)
    for member in members:
        assert member.n_iter_ == 2 == len(member.loss_curve_)
        # the networks hold the stack's trained weights, not the seeded ones it started from
        seeded = aekit.Autoencoder(**{**SMALL, "random_state": member.random_state}, max_iter=1)
        seeded.fit(X)
        assert not np.allclose(member.transform(X[:3]), seeded.transform(X[:3]))
        assert member.reconstruction_error(X).mean() < seeded.reconstruction_error(X).mean()


def test_an_interrupted_detector_is_left_unfitted_and_says_so(rows):
    X, _ = rows
    member = aekit.Autoencoder(**SMALL, max_iter=50)
    detector = aekit.AnomalyDetector(estimator=member, n_estimators=2, random_state=0)
    said = interrupted_fit(lambda: detector.fit(X), STEPS + 1)
    assert said.startswith("AnomalyDetector: training interrupted") and "left unfitted" in said
    assert not hasattr(detector, "estimators_")


def test_an_interrupted_fine_tuning_keeps_its_completed_epochs(rows):
    X, y = rows
    ae = aekit.Autoencoder(**SMALL, max_iter=2).fit(X)
    clf = aekit.FineTunedClassifier(
        ae, max_iter=50, batch_size=100, min_rows_per_epoch=400, early_stopping=False
    )
    said = interrupted_fit(lambda: clf.fit(X, y), 2 * STEPS + 1)
    assert "at epoch 3 of 50" in said and "it is fitted with them" in said
    assert clf.n_iter_ == 2 == len(clf.history_["loss"])
    assert clf.predict(X[:3]).shape == (3,)
    interrupted_fit(lambda: clf.fit(X, y), 1)
    assert not hasattr(clf, "network_") and not hasattr(clf, "n_iter_")


def test_the_trainer_raises_a_keyboard_interrupt_with_the_completed_epochs(rows):
    X, _ = rows
    ae = aekit.Autoencoder(**SMALL, max_iter=1).fit(X)
    model = ae.model_.train()
    config = aekit.core.train.TrainConfig(max_iter=9, batch_size=100, learning_rate=1e-3)
    with interrupt_after(STEPS + 2), pytest.raises(TrainingInterrupted) as stop:
        aekit.core.train.train(
            model, torch.from_numpy(X).float(), config=config, generator=torch.Generator()
        )
    assert isinstance(stop.value, KeyboardInterrupt)
    assert stop.value.result.n_iter == 1 and stop.value.max_iter == 9
    assert not model.training  # in eval mode, as at the end of a fit


EARLY = {**SMALL, "early_stopping": True, "validation_fraction": 0.25, "n_iter_no_change": 50}


def test_an_interrupted_fit_with_early_stopping_keeps_its_best_weights(rows):
    X, _ = rows
    ae = aekit.Autoencoder(**EARLY, max_iter=200, learning_rate_init=0.05)
    # 300 training rows: 3 steps an epoch; epoch 37 scores best on validation, 40 is worse
    said = interrupted_fit(lambda: ae.fit(X), 40 * 3 + 1)
    best = int(np.argmin(ae.history_["val_loss"])) + 1
    assert ae.n_iter_ == 40 and best < 40
    assert f"holds the weights that scored best on validation, epoch {best}" in said
    # the weights an uninterrupted fit of those 40 epochs ends with: the best ones
    whole = aekit.Autoencoder(**EARLY, max_iter=40, learning_rate_init=0.05).fit(X)
    assert whole.best_loss_ == ae.best_loss_ == min(ae.history_["val_loss"])
    assert all(torch.equal(whole.model_.state_dict()[k], v) for k, v in weights(ae).items())


def test_interrupted_stacked_members_with_early_stopping_keep_their_best_weights(rows):
    X, _ = rows

    def members(max_iter):
        return [
            aekit.Autoencoder(
                **{**EARLY, "random_state": s}, max_iter=max_iter, learning_rate_init=0.05
            )
            for s in (0, 1)
        ]

    interrupted = members(200)
    interrupted_fit(lambda: fit_stacked(interrupted, [X, X]), 40 * 3 + 1)
    whole = fit_stacked(members(40), [X, X])
    for member, reference in zip(interrupted, whole):
        assert member.n_iter_ == 40 and np.argmin(member.history_["val_loss"]) < 39
        assert all(
            torch.equal(reference.model_.state_dict()[k], v) for k, v in weights(member).items()
        )


def test_an_interrupted_fit_does_not_say_it_stopped_before_learning(rows):
    X, _ = rows
    ae = aekit.Autoencoder(**SMALL, max_iter=100)
    # one epoch learns nothing yet: the check would say "It stopped before max_iter, its loss
    # improving by less than tol", which the interrupt did, not the loss
    with warnings.catch_warnings(record=True) as caught, interrupt_after(STEPS + 1):
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            ae.fit(X)
    assert ae.n_iter_ == 1
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]


def test_the_networks_of_an_interrupted_detector_take_no_pass_over_their_rows(rows, monkeypatch):
    X, _ = rows
    checked = []
    monkeypatch.setattr(
        ConvergenceCheck, "_warn_if_no_better_than_mean", lambda self, *a: checked.append(self)
    )
    member = aekit.Autoencoder(**SMALL, max_iter=50)
    detector = aekit.AnomalyDetector(estimator=member, n_estimators=2, random_state=0)
    interrupted_fit(lambda: detector.fit(X), 2 * STEPS + 1)  # the stack: both members' epochs
    assert checked == []  # the detector is left unfitted: its networks are dropped unchecked


@pytest.mark.parametrize("kind", ["autoencoder", "detector", "fine-tuned"])
def test_the_interrupt_warning_names_the_line_that_called_fit(kind, rows):
    X, y = rows
    if kind == "autoencoder":
        model = aekit.Autoencoder(**SMALL, max_iter=50)
    elif kind == "detector":
        member = aekit.Autoencoder(**SMALL, max_iter=50)
        model = aekit.AnomalyDetector(estimator=member, n_estimators=2, random_state=0)
    else:
        ae = aekit.Autoencoder(**SMALL, max_iter=1).fit(X)
        model = aekit.FineTunedClassifier(ae, max_iter=50, batch_size=100, early_stopping=False)
    # a @contextmanager's __exit__ (contextlib.py) lies between fit and the warning
    with warnings.catch_warnings(record=True) as caught, interrupt_after(2 * STEPS + 1):
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            model.fit(X, y)
    said = [w for w in caught if "interrupted" in str(w.message)]
    assert [w.filename for w in said] == [__file__]


def owners(X):
    """Estimators whose networks an interrupt leaves unfitted, each with its rows to fit and
    the attributes its fit sets only after training."""
    member = aekit.Autoencoder(**SMALL, max_iter=2)
    holes = X.copy()
    holes[::7, 3] = np.nan
    series = np.sin(np.arange(1500) / 10.0)
    return [
        (aekit.AnomalyDetector(estimator=member, n_estimators=2), X, {"threshold_", "codes_"}),
        (aekit.AutoencoderImputer(max_iter=2, random_state=0), holes, {"autoencoders_"}),
        (aekit.Compressor(max_iter=2, latent_dim=8), X, {"quantiles_", "step_", "n_features_in_"}),
        (aekit.SemanticHasher(max_iter=2), X, {"autoencoder_", "n_features_in_"}),
        (aekit.SeriesAnomalyDetector(max_iter=2), series, {"threshold_", "detector_"}),
    ]


@pytest.mark.parametrize(
    "index", range(5), ids=["detector", "imputer", "compressor", "hasher", "series"]
)
def test_an_interrupted_refit_leaves_no_attribute_of_either_fit(index, rows):
    owner, data, after_training = owners(rows[0])[index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        owner.fit(data)
    assert after_training <= set(vars(owner))
    said = interrupted_fit(lambda: owner.fit(data), 2)
    assert "left unfitted" in said
    # none of the earlier fit's, nor of this one's set before its networks trained (the
    # imputer's encoder_ and n_features_in_, the series detector's mean_ and scale_ were left)
    left = [name for name in vars(owner) if name.endswith("_") or name == "_fitted_params"]
    assert left == []
    use = getattr(owner, "predict", None) or getattr(owner, "transform", None) or owner.compress
    with pytest.raises(NotFittedError):
        use(data[:3])


@pytest.mark.parametrize("given", [False, True])
def test_an_interrupted_series_detector_names_itself(given):
    series = np.sin(np.arange(1500) / 10.0)
    window = aekit.AnomalyDetector(estimator=aekit.Autoencoder(**SMALL, max_iter=30))
    detector = aekit.SeriesAnomalyDetector(estimator=window if given else None)
    said = interrupted_fit(lambda: detector.fit(series), 2)
    assert said.startswith("SeriesAnomalyDetector: training interrupted") and "unfitted" in said


@pytest.mark.skipif(not torch.cuda.is_available(), reason="the copy's device matters on a GPU")
def test_a_warm_fit_keeps_the_weights_to_undo_its_first_epoch_off_the_gpu(rows, monkeypatch):
    X, _ = rows
    ae = aekit.Autoencoder(**SMALL, max_iter=2, warm_start=True, device="cuda").fit(X)
    before, kept = weights(ae), []

    def kept_copy(model, take=interrupted_fits._weights):
        kept.append(take(model))
        return kept[-1]

    monkeypatch.setattr(interrupted_fits, "_weights", kept_copy)
    interrupted_fit(lambda: ae.set_params(max_iter=50).fit(X), 2)
    assert [t.device.type for t in kept[0].values()] == ["cpu"] * len(before)
    assert all(torch.equal(before[k], v) for k, v in weights(ae).items())  # on the GPU again


def test_a_vae_interrupted_in_its_kl_warmup_says_so_in_one_warning(rows):
    X, _ = rows
    vae = aekit.VariationalAutoencoder(**SMALL, max_iter=50, kl_warmup=10, beta=2.0)
    with warnings.catch_warnings(record=True) as caught, interrupt_after(3 * STEPS + 1):
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            vae.fit(X)
    said = [str(w.message) for w in caught]
    # one warning: the warm-up's own advice ("Train at least kl_warmup epochs (max_iter >=
    # 10)") was false of max_iter=50, and the interrupt's said nothing of the warm-up
    assert len(said) == 1 and "training interrupted at epoch 4 of 50" in said[0]
    assert "KL warm-up had not ended" in said[0] and "0.3 of beta=2" in said[0]
    assert vae.n_iter_ == 3
    # past the warm-up, nothing of it is said
    vae = aekit.VariationalAutoencoder(**SMALL, max_iter=50, kl_warmup=2)
    assert "warm-up" not in interrupted_fit(lambda: vae.fit(X), 3 * STEPS + 1)


def test_a_vae_fitted_whole_still_warns_of_a_warmup_longer_than_its_epochs(rows):
    X, _ = rows
    with pytest.warns(ConvergenceWarning, match=r"kl_warmup=10 is longer than the 3 epochs"):
        aekit.VariationalAutoencoder(**SMALL, max_iter=3, kl_warmup=10).fit(X)
