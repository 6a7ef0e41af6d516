"""A ConditionalVAE draws each sample's code from its label's own mixture (``sampler="gmm"``, the
default): ex-post density estimation of ``q(z | y)`` (``aekit.estimators._ex_post``)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import DEVICE
from sklearn.linear_model import LogisticRegression

import aekit
from aekit.data.datasets import load_digits
from aekit.estimators import _ex_post
from aekit.generation.metrics import conditional_accuracy


def test_a_label_draws_from_its_own_mixture():
    rng = np.random.default_rng(0)
    label_index = np.repeat(np.arange(3), [200, 200, 3])  # the last label has 3 rows
    codes = 10.0 * label_index[:, None] + rng.normal(size=(403, 2))
    mixture = _ex_post.fit_mixture_per_label(codes, label_index, 3, seed=0)
    assert mixture["weights"].shape == (3, _ex_post.COMPONENTS)
    assert mixture["means"].shape == (3, _ex_post.COMPONENTS, 2)
    # a label with fewer rows than components: that many components, the rest of weight 0
    assert (mixture["weights"][2] > 0).sum() == 3
    np.testing.assert_allclose(mixture["weights"].sum(axis=1), 1.0)

    asked = np.repeat(np.arange(3), 1000)
    z = _ex_post.draw(mixture, len(asked), asked, seed=1)
    for label in range(3):
        # each label's draws sit where that label's codes are (10 * label), never elsewhere
        assert abs(z[asked == label].mean() - 10.0 * label) < 0.5
        assert np.abs(z[asked == label] - 10.0 * label).max() < 6


@pytest.mark.parametrize("rows_of_the_label", [0, 1])
def test_a_label_with_under_two_rows_draws_from_every_row(rows_of_the_label):
    codes = np.random.default_rng(0).normal(size=(50, 2)) + 5.0
    label_index = np.zeros(50, dtype=int)
    label_index[:rows_of_the_label] = 1
    codes[:rows_of_the_label] = -20.0  # its one code, far from the rest
    mixture = _ex_post.fit_mixture_per_label(codes, label_index, 2, seed=0)
    z = _ex_post.draw(mixture, 500, np.ones(500, dtype=int), seed=0)
    assert abs(np.median(z) - 5.0) < 0.5


def test_conditional_samples_follow_their_label_better_than_prior_draws():
    X, y = load_digits()
    judge = LogisticRegression(max_iter=3000).fit(X[1000:], y[1000:])
    params = dict(latent_dim=4, hidden_layer_sizes=(64,), max_iter=30, random_state=0)
    cvae = aekit.ConditionalVAE(device=DEVICE, **params).fit(X[:1000], y[:1000])
    assert cvae.sampler == "gmm" and cvae.sampler_["weights"].shape == (10, _ex_post.COMPONENTS)
    labels = np.repeat(np.arange(10), 100)
    mixture = conditional_accuracy(judge, cvae.sample(1000, y=labels, random_state=0), labels)
    prior = aekit.ConditionalVAE(sampler="prior", device=DEVICE, **params).fit(X[:1000], y[:1000])
    assert prior.sampler_ is None
    from_prior = conditional_accuracy(judge, prior.sample(1000, y=labels, random_state=0), labels)
    assert mixture > from_prior + 0.15, (mixture, from_prior)


@pytest.fixture(scope="module")
def small_cvae() -> aekit.ConditionalVAE:
    X, y = load_digits()
    params = dict(latent_dim=3, hidden_layer_sizes=(32,), max_iter=5, random_state=0)
    return aekit.ConditionalVAE(device=DEVICE, **params).fit(X[:300], y[:300])


def test_the_per_label_mixtures_survive_a_save(small_cvae, tmp_path):
    small_cvae.save(tmp_path / "cvae.safetensors")
    loaded = aekit.load(tmp_path / "cvae.safetensors", device=DEVICE)
    for key, value in small_cvae.sampler_.items():
        np.testing.assert_array_equal(loaded.sampler_[key], value)
    np.testing.assert_array_equal(
        loaded.sample(20, y=7, random_state=3), small_cvae.sample(20, y=7, random_state=3)
    )


def test_a_file_with_one_mixture_for_every_label_still_samples(small_cvae, tmp_path):
    # ConditionalVAE files saved before the per-label mixtures hold one mixture for all labels.
    X, y = load_digits()
    one = _ex_post.fit_mixture(small_cvae.transform(X[:300], y[:300]), seed=0)
    small_cvae.sampler_, kept = one, small_cvae.sampler_
    try:
        small_cvae.save(tmp_path / "old.safetensors")
    finally:
        small_cvae.sampler_ = kept
    loaded = aekit.load(tmp_path / "old.safetensors", device=DEVICE)
    assert loaded.sampler_["weights"].shape == (len(one["weights"]),)
    samples = loaded.sample(10, y=[1, 2] * 5, random_state=0)
    assert samples.shape == (10, X.shape[1]) and np.isfinite(samples).all()


def _mixture(n_labels: int | None, d: int) -> dict:
    """A mixture of random full covariances, one per label (a leading axis) or one for all."""
    rng = np.random.default_rng(0)
    lead = () if n_labels is None else (n_labels,)
    factors = rng.normal(size=(*lead, _ex_post.COMPONENTS, d, d))
    weights = rng.random((*lead, _ex_post.COMPONENTS))
    return {
        "weights": weights / weights.sum(axis=-1, keepdims=True),
        "means": rng.normal(size=(*lead, _ex_post.COMPONENTS, d)),
        "covariances": factors @ np.swapaxes(factors, -1, -2) + np.eye(d),
    }


@pytest.mark.parametrize("n_labels", [None, 3])
def test_drawing_many_codes_takes_no_matrix_per_row(n_labels):
    # The Cholesky factor of each row's covariance, (n, d, d), was 32 GB for 10**6 rows of 64
    # units; the factors are (labels, components, d, d), whatever n.
    import tracemalloc

    n, d = 20_000, 16  # a (n, d, d) array of float64 is 41 MB; the codes are 2.6 MB
    mixture = _mixture(n_labels, d)
    asked = None if n_labels is None else np.arange(n) % n_labels
    tracemalloc.start()
    try:
        z = _ex_post.draw(mixture, n, asked, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert z.shape == (n, d) and np.isfinite(z).all()
    assert peak < 30e6, f"{peak / 1e6:.0f} MB"  # 49 and 86 MB with a factor per row


@pytest.mark.parametrize("n_labels", [None, 3])
def test_codes_drawn_a_chunk_at_a_time_are_those_drawn_at_once(n_labels, monkeypatch):
    # the VAE's draws stay those of the code before the per-label mixtures, bit for bit
    mixture = _mixture(n_labels, 4)
    asked = None if n_labels is None else np.arange(1000) % n_labels
    at_once = _ex_post.draw(mixture, 1000, asked, seed=5)
    monkeypatch.setattr(_ex_post, "_CHUNK_VALUES", 7 * 16)  # 7 rows of 4 x 4
    np.testing.assert_array_equal(_ex_post.draw(mixture, 1000, asked, seed=5), at_once)


def test_a_label_whose_rows_share_few_codes_fits_without_scikit_learns_warning():
    # Duplicate rows of a label (tables often have them) give it duplicate codes: k-means,
    # which starts the mixture's EM, warned that it found fewer distinct clusters than the
    # components asked for. A mixture has at most as many components as distinct codes.
    import warnings

    rng = np.random.default_rng(0)
    codes = np.r_[np.full((30, 3), 2.0), np.repeat(rng.normal(size=(4, 3)), 5, axis=0)]
    label_index = np.repeat([0, 1], [30, 20])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixture = _ex_post.fit_mixture_per_label(codes, label_index, 2, seed=0)
    assert (mixture["weights"] > 0).sum(axis=1).tolist() == [1, 4]
    z = _ex_post.draw(mixture, 200, np.zeros(200, dtype=int), seed=0)
    assert np.abs(z - 2.0).max() < 0.1  # the label's one code, give or take reg_covar


def test_a_model_fitted_on_duplicate_rows_of_a_label_says_nothing_of_k_means():
    import warnings

    X, y = load_digits()
    X, y = X[:200].copy(), y[:200].copy()
    X[y == 3] = X[np.argmax(y == 3)]  # every 3 is the same image
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        aekit.ConditionalVAE(latent_dim=3, hidden_layer_sizes=(16,), max_iter=2, random_state=0,
                             device=DEVICE).fit(X, y)  # fmt: skip
    assert not [w for w in caught if "distinct clusters" in str(w.message)]


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda m: {k: v[:3] for k, v in m.items()}, "3 labels, but the model has 10"),
        (lambda m: {**m, "means": m["means"][..., :2]}, "means of shape"),
        (lambda m: {k: v[0] for k, v in m.items() if k != "covariances"}, "covariances"),
    ],
)
def test_a_file_whose_mixtures_do_not_fit_its_model_is_refused_when_loaded(
    small_cvae, tmp_path, damage, words
):
    # a sampler_ saved for other labels or another latent_dim drew nothing sensible (an
    # IndexError at sample time, or the first labels' mixtures for all)
    small_cvae.sampler_, kept = damage(small_cvae.sampler_), small_cvae.sampler_
    try:
        small_cvae.save(tmp_path / "damaged.safetensors")
    finally:
        small_cvae.sampler_ = kept
    with pytest.raises(
        ValueError, match="does not hold a consistent ConditionalVAE: .*sampler"
    ) as error:
        aekit.load(tmp_path / "damaged.safetensors", device=DEVICE)
    assert words in str(error.value)


@pytest.mark.parametrize("sampler", ["gmm", "prior"])
def test_an_unknown_label_is_refused_before_any_code_is_drawn(small_cvae, sampler, monkeypatch):
    import torch

    from aekit.estimators import _variational

    def drawn(*args, **kwargs):
        raise AssertionError("codes drawn for a label the model does not know")

    monkeypatch.setattr(_variational, "draw", drawn)
    monkeypatch.setattr(torch, "randn", drawn)
    kept = small_cvae.sampler_
    small_cvae.sampler_ = kept if sampler == "gmm" else None
    try:
        for y in (42, [1, 2, 42]):
            with pytest.raises(ValueError, match=r"labels not seen in fit: \[42\]"):
                small_cvae.sample(3, y=y, random_state=0)
    finally:
        small_cvae.sampler_ = kept


def test_a_checkpoint_resumes_whatever_the_sampler(tmp_path):
    # The sampler is fitted after training and changes nothing of it: a run checkpointed with
    # sampler="prior" (ConditionalVAE's default before the per-label mixtures) resumes under
    # today's default, where it was refused as "another run (different parameters or data)".
    X, y = load_digits()
    params = dict(latent_dim=3, hidden_layer_sizes=(16,), random_state=0, device=DEVICE)
    params["checkpoint_dir"] = tmp_path
    aekit.ConditionalVAE(max_iter=2, sampler="prior", **params).fit(X[:200], y[:200])
    resumed = aekit.ConditionalVAE(max_iter=3, **params).fit(X[:200], y[:200])
    whole = aekit.ConditionalVAE(max_iter=3, **{**params, "checkpoint_dir": None})
    whole.fit(X[:200], y[:200])
    assert resumed.sampler_ is not None
    np.testing.assert_allclose(resumed.loss_curve_, whole.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("kind", ["text", "sparse ints", "semi-supervised"])
def test_each_labels_mixture_is_fitted_to_that_labels_codes_in_the_order_of_classes(kind):
    X, y = load_digits()
    X, digits = X[:300], y[:300]
    names = np.array("zero one two three four five six seven eight nine".split())
    y = {"text": names[digits], "sparse ints": 7 * digits + 3}.get(kind, digits)
    if kind == "semi-supervised":
        y = np.where(np.arange(len(y)) % 5 == 0, y, -1)
    params = dict(latent_dim=3, hidden_layer_sizes=(16,), max_iter=3, random_state=0)
    cvae = aekit.ConditionalVAE(device=DEVICE, **params).fit(X, y)
    seen = y  # the rows' labels as the mixtures saw them: the classifier's where unlabelled
    if kind == "semi-supervised":
        seen = np.where(y == -1, cvae.predict(X), y)
    Z = cvae.transform(X, seen)
    mixture = cvae.sampler_
    for i, label in enumerate(cvae.classes_):
        rows = Z[seen == label]
        if len(rows) < 2:
            continue
        mean = (mixture["weights"][i, :, None] * mixture["means"][i]).sum(axis=0)
        np.testing.assert_allclose(mean, rows.mean(axis=0), atol=1e-3)
    asked = cvae.classes_[2]
    assert cvae.sample(4, y=asked, random_state=0).shape == (4, X.shape[1])


def test_sampler_set_after_fit_is_honoured_or_said(small_cvae):
    # set_params(sampler="prior") after fit drew from the mixture all the same, and "gmm" set
    # after a fit with the prior drew from the prior, both silently (user review)
    import warnings

    from sklearn.base import clone

    model = clone(small_cvae).fit(*[a[:300] for a in load_digits()])
    mixture = model.sample(50, y=7, random_state=0)
    model.set_params(sampler="prior")
    assert not np.allclose(model.sample(50, y=7, random_state=0), mixture)
    model.set_params(sampler="gmm")  # back: the fitted mixture again, the same draws
    np.testing.assert_array_equal(model.sample(50, y=7, random_state=0), mixture)
    plain = aekit.VAE(latent_dim=3, hidden_layer_sizes=(32,), max_iter=3, random_state=0)
    plain.fit(load_digits()[0][:300]).set_params(sampler="gmm", beta=0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain.sample(5, random_state=0)
    said = [str(w.message) for w in caught]
    assert any(m.startswith("sampler='gmm' was set after fit") for m in said)
    assert not any(m.startswith("beta=0 trained no KL term") for m in said)  # beta=1 trained


def test_a_sampler_set_after_fit_is_saved(small_cvae, tmp_path):
    # sample() reads the sampler now; the file kept the fitted one, so the loaded model drew
    # from the mixture again (review)
    from sklearn.base import clone

    model = clone(small_cvae).fit(*[a[:300] for a in load_digits()])
    model.set_params(sampler="prior")
    model.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors")
    assert loaded.sampler == "prior"
    np.testing.assert_array_equal(
        loaded.sample(5, y=7, random_state=0), model.sample(5, y=7, random_state=0)
    )
