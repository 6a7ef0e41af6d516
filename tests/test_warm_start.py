"""warm_start (MLPRegressor's rule): a fit of a fitted estimator goes on training its network,
on new rows read as the first fit read them; epochs and losses go on counting; what it cannot
continue is refused with the fix."""

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch

import aekit
from aekit.data.datasets import load_digits

SMALL = {"hidden_layer_sizes": (32,), "latent_dim": 4, "max_iter": 4, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    X, y = load_digits()  # in [0, 1]
    return X[:400], y[:400]


def weights(estimator) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in estimator.model_.state_dict().items()}


@pytest.mark.parametrize("cls", [aekit.Autoencoder, aekit.DenoisingAutoencoder, aekit.VAE])
def test_a_warm_fit_starts_from_the_fitted_weights(cls, rows):
    X, _ = rows
    estimator = cls(**SMALL, warm_start=True).fit(X[:200])
    before = weights(estimator)
    # a step too small to move a float32 weight: the network after the fit is the one before
    estimator.set_params(learning_rate_init=1e-20, max_iter=1).fit(X[200:])
    after = weights(estimator)
    assert all(torch.equal(before[k], after[k]) for k in before)
    # without warm_start the same call draws new weights
    estimator.set_params(warm_start=False).fit(X[200:])
    assert not all(torch.equal(before[k], v) for k, v in weights(estimator).items())


def test_a_warm_fit_goes_on_from_the_loss_it_reached(rows):
    X, _ = rows
    fresh = aekit.Autoencoder(**SMALL).fit(X)
    warm = aekit.Autoencoder(**SMALL, warm_start=True).fit(X).fit(X)
    assert warm.n_iter_ == 2 * SMALL["max_iter"] == len(warm.loss_curve_)
    assert warm.loss_curve_[: SMALL["max_iter"]] == fresh.loss_curve_  # the first fit's, kept
    # the second fit's first epoch starts where the first fit ended, not from new weights
    assert warm.loss_curve_[SMALL["max_iter"]] < fresh.loss_curve_[0]
    assert warm.loss_curve_[-1] < fresh.loss_curve_[-1]


def test_a_warm_fit_keeps_the_scale_and_features_of_the_first(rows):
    X, _ = rows
    frame = pd.DataFrame(X * 50 + 3).add_prefix("px")  # Gaussian: standardized
    estimator = aekit.Autoencoder(**SMALL, warm_start=True).fit(frame[:200])
    mean, scale = estimator.data_mean_.copy(), estimator.data_scale_.copy()
    estimator.fit(frame[200:] + 100)  # other rows, another mean: the first fit's scale stays
    np.testing.assert_array_equal(estimator.data_mean_, mean)
    np.testing.assert_array_equal(estimator.data_scale_, scale)
    assert list(estimator.feature_names_in_) == list(frame.columns)
    with pytest.raises(ValueError, match=r"X lacks \['px10'"):
        estimator.fit(frame.iloc[:, :10])
    with pytest.raises(ValueError, match="in another order"):
        estimator.fit(frame[frame.columns[::-1]])


def test_a_warm_bernoulli_fit_refuses_rows_outside_0_1(rows):
    X, _ = rows
    estimator = aekit.Autoencoder(**SMALL, warm_start=True).fit(X)
    assert estimator.likelihood_ == "bernoulli"
    with pytest.raises(ValueError, match=r"needs data in \[0, 1\].*fitted on data in \[0, 1\]"):
        estimator.fit(X * 16)


def test_a_warm_fit_refuses_parameters_that_make_another_network(rows):
    X, _ = rows
    estimator = aekit.Autoencoder(**SMALL, warm_start=True).fit(X)
    estimator.set_params(latent_dim=2)
    with pytest.raises(
        ValueError, match=r"changed latent_dim \(fitted 4, now 2\).*warm_start=False"
    ):
        estimator.fit(X)
    assert estimator.transform(X[:3]).shape == (3, 4)  # the fitted model is still there
    # how it trains may change: another seed, budget, learning rate
    estimator.set_params(latent_dim=4, random_state=7, max_iter=2, learning_rate_init=1e-4)
    assert estimator.fit(X).n_iter_ == SMALL["max_iter"] + 2


def test_a_warm_fit_refuses_a_checkpoint_folder(rows, tmp_path):
    X, _ = rows
    estimator = aekit.Autoencoder(**SMALL, warm_start=True).fit(X)
    estimator.set_params(checkpoint_dir=tmp_path / "ckpt")
    with pytest.raises(ValueError, match="use one of them"):
        estimator.fit(X)
    # unfitted, warm_start changes nothing: the checkpointed run is an ordinary first fit
    first = aekit.Autoencoder(**SMALL, warm_start=True, checkpoint_dir=tmp_path / "c2").fit(X)
    assert first.n_iter_ == SMALL["max_iter"]


def test_a_warm_conditional_fit_keeps_its_classes(rows):
    X, y = rows
    cvae = aekit.ConditionalVAE(**SMALL, warm_start=True).fit(X[:200], y[:200])
    classes = cvae.classes_.copy()
    cvae.fit(X[200:300][y[200:300] < 3], y[200:300][y[200:300] < 3])  # a few classes only
    np.testing.assert_array_equal(cvae.classes_, classes)
    assert cvae.n_iter_ == 2 * SMALL["max_iter"]
    assert cvae.sample(4, y=9, random_state=0).shape == (4, 64)  # a class the 2nd fit lacked
    with pytest.raises(ValueError, match=r"labels not seen in fit: \[11\]"):
        cvae.fit(X[:10], np.full(10, 11))
    partly = y[:20].copy()
    partly[:5] = -1
    with pytest.raises(ValueError, match="5 rows unlabelled.*no classifier"):
        cvae.fit(X[:20], partly)


def test_a_warm_fit_reads_rows_on_disk(rows, tmp_path):
    X, _ = rows
    path = tmp_path / "d.parquet"
    frame = pd.DataFrame(X * 50 + 3, columns=[f"p{i}" for i in range(64)])
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=100)
    estimator = aekit.Autoencoder(**SMALL, warm_start=True).fit(frame[:100] + 500)
    mean = estimator.data_mean_.copy()
    estimator.fit(aekit.open_dataset(path))
    np.testing.assert_array_equal(estimator.data_mean_, mean)
    assert estimator.n_iter_ == 2 * SMALL["max_iter"]


def test_a_saved_warm_model_goes_on_training_after_load(rows, tmp_path):
    X, _ = rows
    estimator = aekit.Autoencoder(**SMALL, warm_start=True).fit(X)
    estimator.save(tmp_path / "m.aekit")
    loaded = aekit.load(tmp_path / "m.aekit")
    assert loaded.warm_start and loaded.n_iter_ == SMALL["max_iter"]
    before = weights(loaded)
    loaded.fit(X)
    assert loaded.n_iter_ == 2 * SMALL["max_iter"]
    assert not all(torch.equal(before[k], v) for k, v in weights(loaded).items())


def test_the_command_line_says_why_it_takes_no_warm_start(tmp_path):
    from cli_helpers import invoke, refused

    said = refused(invoke("train", "digits", "--param", "warm_start=true", "--out", tmp_path / "R"))
    assert said.startswith("--param warm_start: each command fits a new network"), said
    assert "--checkpoint DIR and --resume" in said
    assert not (tmp_path / "R").exists()
    # typed as an option: tests/test_cli_help.py::test_warm_start_as_an_option_says_why_not


def test_the_kl_warm_up_goes_on_instead_of_starting_again(rows):
    # the loss of an epoch is reconstruction + w * KL, w the warm-up's weight of that epoch
    # (beta * epoch / kl_warmup): a continued fit is past the warm-up, at w = beta
    X, _ = rows
    vae = aekit.VAE(**SMALL, kl_warmup=4, beta=2.0, warm_start=True).fit(X)
    vae.set_params(max_iter=2).fit(X)
    history = vae.history_
    weights_seen = [
        (loss - reconstruction) / kl
        for loss, reconstruction, kl in zip(
            history["loss"], history["reconstruction"], history["kl"], strict=True
        )
    ]
    # float32 epoch means of a few batches each: a weight read back from them is exact to 1e-3
    np.testing.assert_allclose(weights_seen, [0.5, 1.0, 1.5, 2.0, 2.0, 2.0], rtol=1e-3)


def test_a_kl_warm_up_longer_than_the_training_is_said(rows):
    # kl_warmup=50 with max_iter=2 trained with a KL weight of at most beta / 25, silently
    from sklearn.exceptions import ConvergenceWarning

    from aekit.cli.errors import for_the_command_line

    X, _ = rows
    with pytest.warns(ConvergenceWarning, match=r"kl_warmup=50 is longer than the 4 epochs") as w:
        vae = aekit.VAE(**SMALL, kl_warmup=50, warm_start=True).fit(X)
    said = str(next(x.message for x in w if "kl_warmup" in str(x.message)))
    assert "reached 0.08 of beta" in said and said.endswith("go on with warm_start=True.")
    line = for_the_command_line(said, set())
    assert line.endswith("Train at least as many epochs (--epochs 50 or more)."), line
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        aekit.VAE(**SMALL, kl_warmup=4).fit(X)  # as long as the training: not said
    assert not [w for w in seen if "kl_warmup=4 is longer" in str(w.message)]
    with pytest.warns(ConvergenceWarning, match=r"longer than the 8 epochs"):
        vae.fit(X)  # a warm fit counts the epochs before it


def test_outputs_follow_the_network_whatever_changed_it(rows):
    # inference keeps its float64 copy of the network between calls (a copy per call made one
    # row cost 25 times its module); the copy must follow every change of the weights: a
    # warm_start fit (whose optimizer steps leave the tensors' versions as they were), an
    # in-place edit, a load_state_dict
    from aekit.core import inference_copies

    X = rows[0]
    ae = aekit.Autoencoder(**SMALL).fit(X)
    assert ae.model_ not in inference_copies._COPIES  # none kept by fit's own check
    fresh = ae.__dict__.copy()
    codes = ae.transform(X[:5])
    assert ae.__dict__.keys() == fresh.keys()  # kept outside the estimator (scikit-learn's rule)

    def uncached():
        inference_copies.forget(ae.model_)
        return ae.transform(X[:5])

    ae.set_params(warm_start=True, max_iter=1).fit(X)
    after = ae.transform(X[:5])
    assert not np.allclose(after, codes) and np.array_equal(after, uncached())
    with torch.no_grad():
        next(ae.model_.parameters()).mul_(2.0)
    assert np.array_equal(ae.transform(X[:5]), uncached())
    ae.model_.load_state_dict(aekit.Autoencoder(**SMALL).fit(X).model_.state_dict())
    np.testing.assert_array_equal(ae.transform(X[:5]), codes)  # the first fit's weights again
    # a layer swapped, with no tensor changed: followed too
    ae.model_.encoder.body[1] = torch.nn.Tanh()
    assert np.array_equal(ae.transform(X[:5]), uncached()) and not np.allclose(uncached(), codes)


def test_a_fine_tuned_model_keeps_its_inference_copy(rows):
    # FineTunedClassifier copied its network at every call, as the autoencoders did
    from aekit.core import inference_copies

    X, y = rows
    clf = aekit.FineTunedClassifier(aekit.Autoencoder(**SMALL), max_iter=2, random_state=0)
    clf.fit(X, y)
    first = clf.predict_proba(X[:5])
    kept = inference_copies._COPIES[clf.network_][1]
    np.testing.assert_array_equal(clf.predict_proba(X[:5]), first)
    assert inference_copies._COPIES[clf.network_][1] is kept  # the same copy, not a new one
