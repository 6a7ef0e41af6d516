"""``encoder_module()``, ``decoder_module()`` and ``score_module()``: standalone torch modules that
take raw rows and reproduce ``transform``, ``inverse_transform`` and ``score_samples``."""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pytest
import torch
from conftest import CPU

import aekit
from aekit.data.datasets import load_digits
from aekit.estimators import modules

CONV = {**CPU, "architecture": "conv", "hidden_layer_sizes": (4, 8)}
KINDS = {
    "Autoencoder": (aekit.Autoencoder, CPU, "gaussian"),
    "Autoencoder-bernoulli": (aekit.Autoencoder, CPU, "digits"),
    "DenoisingAutoencoder": (aekit.DenoisingAutoencoder, CPU, "gaussian"),
    "SparseAutoencoder": (aekit.SparseAutoencoder, CPU, "gaussian"),
    "ContractiveAutoencoder": (aekit.ContractiveAutoencoder, CPU, "digits"),
    "VariationalAutoencoder": (aekit.VariationalAutoencoder, CPU, "gaussian"),
    "ConditionalVAE": (aekit.ConditionalVAE, CPU, "digits"),
    "Autoencoder-conv": (aekit.Autoencoder, CONV, "images"),
    "VariationalAutoencoder-conv": (aekit.VariationalAutoencoder, CONV, "images"),
    "ConditionalVAE-conv": (aekit.ConditionalVAE, CONV, "images"),
}


def kind_data(which: str) -> tuple[np.ndarray, np.ndarray]:
    """Small data of each type: Gaussian rows far from standardized, the [0, 1] digits flat, or
    as (n, 1, 8, 8) images; with the digits' labels (conditional kinds use them)."""
    X, y = load_digits()
    if which == "gaussian":
        rows = np.random.RandomState(0).normal(size=(120, 6)).astype(np.float32)
        return rows * np.arange(1, 7, dtype=np.float32) + 10.0, y[:120]
    if which == "images":
        return X[:120].reshape(-1, 1, 8, 8), y[:120]
    return X[:120], y[:120]


@pytest.fixture(scope="module", params=sorted(KINDS))
def fitted(request):
    cls, params, which = KINDS[request.param]
    X, y = kind_data(which)
    conditional = cls is aekit.ConditionalVAE
    estimator = cls(**params).fit(X, y if conditional else None)
    return estimator, X, (y if conditional else None)


def _labels(y) -> tuple:
    return () if y is None else (torch.from_numpy(np.asarray(y)).long(),)


def test_modules_reproduce_the_python_api(fitted):
    estimator, X, y = fitted
    given = () if y is None else (y,)
    with torch.no_grad():
        codes = estimator.encoder_module()(torch.from_numpy(X), *_labels(y)).numpy()
        rows = estimator.decoder_module()(torch.from_numpy(codes), *_labels(y)).numpy()
        scores = estimator.score_module()(torch.from_numpy(X), *_labels(y)).numpy()
    np.testing.assert_allclose(codes, estimator.transform(X, *given), rtol=0, atol=1e-5)
    expected = estimator.inverse_transform(codes, *given)
    assert rows.shape == expected.shape == X.shape
    np.testing.assert_allclose(rows, expected, rtol=0, atol=1e-5)
    # a score sums over every feature: float32 rounding grows with the magnitude (~40 nats)
    np.testing.assert_allclose(scores, estimator.score_samples(X, *given), rtol=1e-6, atol=1e-4)


def test_modules_are_float32_cpu_eval_copies(fitted):
    estimator, X, y = fitted
    for module in (estimator.encoder_module(), estimator.decoder_module()):
        assert not module.training
        assert {p.dtype for p in module.parameters()} == {torch.float32}
        assert {p.device.type for p in module.parameters()} == {"cpu"}
        model_params = {id(p) for p in estimator.model_.parameters()}
        assert not model_params & {id(p) for p in module.parameters()}
    given = () if y is None else (y[:5],)
    before = estimator.transform(X[:5], *given)
    encoder = estimator.encoder_module()
    with torch.no_grad():
        for p in encoder.parameters():
            p.add_(1.0)
    np.testing.assert_array_equal(estimator.transform(X[:5], *given), before)


def test_modules_pickle_with_their_state(fitted):
    # score_module() held its per-row function as a lambda (pickle and torch.save failed) and
    # a VAE's fixed draws of eps in its closure, not in its state_dict
    estimator, X, y = fitted
    x = torch.from_numpy(X[:5])
    given = () if y is None else (torch.as_tensor(np.searchsorted(estimator.classes_, y[:5])),)
    for module in (estimator.encoder_module(), estimator.score_module()):
        copied = pickle.loads(pickle.dumps(module))
        with torch.no_grad():
            torch.testing.assert_close(copied(x, *given), module(x, *given))
    draws = estimator.score_module().state_dict().get("row_log_likelihood.eps")
    assert (draws is not None) == hasattr(estimator, "n_draws")


def test_modules_trace_with_torch_export(fitted):
    estimator, X, y = fitted
    x = torch.from_numpy(X[:3])
    labels = tuple(t[:3] for t in _labels(y))
    program = torch.export.export(estimator.encoder_module(), (x, *labels))
    with torch.no_grad():
        expected = estimator.encoder_module()(x, *labels)
    torch.testing.assert_close(program.module()(x, *labels), expected)
    z = torch.zeros(3, estimator.latent_dim)
    torch.export.export(estimator.decoder_module(), (z, *labels))


def test_images_also_enter_flat(fitted):
    estimator, X, y = fitted
    if X.ndim != 4:
        pytest.skip("vectors")
    with torch.no_grad():
        flat = estimator.encoder_module()(torch.from_numpy(X.reshape(len(X), -1)), *_labels(y))
        images = estimator.encoder_module()(torch.from_numpy(X), *_labels(y))
    torch.testing.assert_close(flat, images)


def test_wrong_dtype_or_width_is_said_in_the_modules_words(fitted):
    # torch said "mat1 and mat2 must have the same dtype, but got Double and Float" (numpy's
    # float64 is the default) and "The size of tensor a (10) must match the size of tensor b"
    estimator, X, y = fitted
    rows = torch.from_numpy(np.asarray(X, dtype=np.float64))
    for module in (estimator.encoder_module(), estimator.score_module()):
        with pytest.raises(
            TypeError, match=r"x is torch\.float64; .* pass x\.to\(torch\.float32\)"
        ):
            module(rows, *_labels(y))
        # a numpy array was told to call .to(torch.float32), which it has not (user review)
        said = r"x is a numpy\.ndarray; the module takes a torch tensor: pass torch\.as_tensor"
        with pytest.raises(TypeError, match=said):
            module(np.asarray(X, dtype=np.float32), *_labels(y))
        fixed = torch.as_tensor(np.asarray(X), dtype=torch.float32)  # the advice, as given
        torch.testing.assert_close(module(fixed, *_labels(y)), module(rows.float(), *_labels(y)))
        with pytest.raises(ValueError, match=r"x has shape \(3, 5\); the module takes rows of "):
            module(torch.zeros(3, 5), *_labels(None if y is None else y[:3]))
    with pytest.raises(ValueError, match=rf"takes codes of {estimator.latent_dim} values each"):
        estimator.decoder_module()(torch.zeros(3, estimator.latent_dim + 1))
    # an empty batch, and a module converted to float64 with its rows, as before the checks
    empty = torch.zeros((0, *estimator.input_shape()))
    assert estimator.encoder_module()(empty, *_labels(None if y is None else y[:0])).shape[0] == 0
    double = estimator.encoder_module().double()
    assert double(rows[:2], *_labels(None if y is None else y[:2])).dtype == torch.float64


def test_conditional_modules_take_indices_or_one_hot_and_need_a_label():
    X, y = kind_data("digits")
    cvae = aekit.ConditionalVAE(**CPU).fit(X, y)
    index = torch.from_numpy(y).long()
    # numpy labels failed inside torch ("'numpy.ndarray' object has no attribute ...")
    with pytest.raises(TypeError, match=r"y is a numpy\.ndarray; .*np\.searchsorted"):
        cvae.encoder_module()(torch.from_numpy(X), y)
    fixed = torch.as_tensor(np.searchsorted(cvae.classes_, y))  # the advice, as given
    torch.testing.assert_close(
        cvae.encoder_module()(torch.from_numpy(X), fixed),
        cvae.encoder_module()(torch.from_numpy(X), index),
    )
    one_hot = torch.nn.functional.one_hot(index, len(cvae.classes_)).float()
    encoder = cvae.encoder_module()
    with torch.no_grad():
        x = torch.from_numpy(X)
        torch.testing.assert_close(encoder(x, one_hot), encoder(x, index))
    with pytest.raises(ValueError, match="this module is conditional: pass the labels"):
        encoder(torch.from_numpy(X))
    with pytest.raises(ValueError, match="this module is conditional"):
        cvae.decoder_module()(torch.zeros(2, CPU["latent_dim"]))
    # torch's one_hot gives int64 rows, taken for indices ("Tensors must have same number of
    # dimensions: got 2 and 3"); bool rows and (n, 1) indices failed the same way
    with torch.no_grad():
        for given in (one_hot.long(), one_hot.bool(), index[:, None]):
            torch.testing.assert_close(encoder(x, given), encoder(x, index))
    # wrong labels in words, not torch's ("mat1 and mat2 shapes cannot be multiplied")
    k = len(cvae.classes_)
    for wrong, said in [
        (index.float(), r"y has shape \(\d+,\) \(floats\).* pass y\.long\(\)"),
        (torch.tensor(3), r"y has shape \(\) \(torch\.int64\)"),
        (index[:3], rf"y has 3 labels for {len(X)} rows"),
        (torch.zeros(len(X), k + 1), rf"one-hot rows of shape \(n, {k}\)"),
        (index.bool(), r"booleans as indices: pass y\.long\(\)"),
        # integer rows that are not one-hot ran as a blend of every class (user review)
        (torch.full((len(X), k), 5), r"y's rows \[0, 1, 2, 3, 4\] are not one-hot"),
        (torch.ones(len(X), k, dtype=torch.long), r"are not one-hot .* \[1, 1, 1"),
        (torch.zeros(len(X), k, dtype=torch.bool), r"are not one-hot"),
    ]:
        with pytest.raises(ValueError, match=said):
            encoder(x, wrong)
    soft = torch.full((len(X), k), 1.0 / k)  # soft float rows are taken as given
    assert encoder(x, soft).shape == (len(X), CPU["latent_dim"])


def test_rows_of_another_shape_with_as_many_values_are_refused():
    # an LSTM's (batch, length, channels), PyTorch's batch_first layout, was read as (batch,
    # channels, length) without a word, where transform refuses it
    rows = np.random.default_rng(0).normal(size=(40, 30)).astype(np.float32)
    params = {**CPU, "architecture": "lstm", "sequence_shape": (2, 15)}
    encoder = aekit.Autoencoder(**params).fit(rows).encoder_module()
    x = torch.from_numpy(rows)
    torch.testing.assert_close(encoder(x.reshape(40, 2, 15)), encoder(x))
    with pytest.raises(ValueError, match=r"shaped \(batch, 30\) or \(batch, 2, 15\)"):
        encoder(x.reshape(40, 2, 15).transpose(1, 2).contiguous())


def test_a_dense_network_fitted_on_images_takes_them():
    # the module took flat rows alone, where transform and its ONNX graph take the images
    X, y = kind_data("images")
    cvae = aekit.ConditionalVAE(**CPU).fit(X, y)
    labels = torch.from_numpy(y).long()
    with torch.no_grad():
        images = cvae.encoder_module()(torch.from_numpy(X), labels)
        flat = cvae.encoder_module()(torch.from_numpy(X.reshape(len(X), -1)), labels)
        scores = cvae.score_module()(torch.from_numpy(X), labels)
    torch.testing.assert_close(images, flat)
    np.testing.assert_allclose(images.numpy(), cvae.transform(X, y), atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), cvae.score_samples(X, y), rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError, match=r"shaped \(batch, 64\) or \(batch, 1, 8, 8\)\."):
        cvae.encoder_module()(torch.from_numpy(X.reshape(-1, 8, 8, 1)), labels)


def test_unfitted_estimators_have_no_modules():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        aekit.Autoencoder().encoder_module()


def test_the_fine_tuning_example_runs():
    """The docstring's example (doctest), which trains the encoder in plain PyTorch."""
    finder = doctest.DocTestFinder()
    (test,) = finder.find(modules.ExportsModules.encoder_module, "encoder_module", globs={})
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert result.failed == 0 and result.attempted > 5


@pytest.mark.skipif(
    not hasattr(torch.compiler, "is_exporting"), reason="torch < 2.7 tells no export from compile"
)
def test_the_checks_hold_under_torch_compile():
    # they were skipped while torch.compiler.is_compiling(), meant for torch.export, so a
    # compiled module read a transposed batch in the wrong order without a word
    rows = np.random.default_rng(0).normal(size=(40, 30)).astype(np.float32)
    params = {**CPU, "architecture": "lstm", "sequence_shape": (2, 15)}
    encoder = aekit.Autoencoder(**params).fit(rows).encoder_module()
    compiled = torch.compile(encoder, backend="eager")  # dynamo alone: no code generated
    x = torch.from_numpy(rows).reshape(40, 2, 15)
    torch.testing.assert_close(compiled(x), encoder(x))
    with pytest.raises(ValueError, match=r"shaped \(batch, 30\) or \(batch, 2, 15\)"):
        compiled(x.transpose(1, 2).contiguous())
    # one graph, as fullgraph=True asks (numpy's prod in the checks broke it); a label's range
    # is a value no graph branches on: out of range, its row is NaN, as in an exported graph
    X, y = kind_data("digits")
    cvae = aekit.ConditionalVAE(**CPU).fit(X, y).encoder_module()
    whole = torch.compile(cvae, backend="eager", fullgraph=True)
    codes = whole(torch.from_numpy(X[:3]), torch.tensor([0, 1, 10]))
    torch.testing.assert_close(codes[:2], cvae(torch.from_numpy(X[:2]), torch.tensor([0, 1])))
    assert torch.isnan(codes[2]).all()
    with pytest.raises(ValueError, match=r"label indices must lie in 0\.\.9"):
        cvae(torch.from_numpy(X[:3]), torch.tensor([0, 1, 10]))  # eager: refused


def test_a_fixed_gaussian_scale_stays_fixed_when_a_module_is_unfrozen():
    # sigma = 1 of the deterministic kinds was a frozen parameter: the usual unfreezing idiom,
    # module.requires_grad_(True), trained it (0 -> -0.49 in 50 steps), unsaid
    X = np.random.default_rng(0).normal(size=(200, 6)).astype(np.float32)
    fitted = aekit.Autoencoder(**CPU, likelihood="gaussian").fit(X)
    module = fitted.score_module().train().requires_grad_(True)
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-2)
    for _ in range(10):
        optimizer.zero_grad()
        (-module(torch.from_numpy(X)).mean()).backward()
        optimizer.step()
    assert float(module.model.likelihood.log_scale) == 0.0
    vae = aekit.VAE(**CPU, likelihood="gaussian").fit(X)  # a VAE learns its sigma
    assert vae.model_.likelihood.log_scale.requires_grad
