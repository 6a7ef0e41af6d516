"""Options for fast training: compiled steps (``compile``), bfloat16 autocast (``precision``) and
the data's one move to the device. Their speed shows on a GPU only (``benchmarks/gpu.py``);
here: that they train the same model, and that compilation falls back where it is missing."""

import warnings

import numpy as np
import pytest
import torch
from conftest import DEVICE, ON_GPU

import aekit
from aekit.data.datasets import load_digits
from aekit.devices import to_device

TINY = dict(hidden_layer_sizes=(16,), latent_dim=3, max_iter=3, batch_size=50, random_state=0)


@pytest.fixture(scope="module")
def X():
    return load_digits()[0][:230]  # 230 rows: the last batch of an epoch is shorter


def _fit(kind, X, **params):
    return kind(**TINY, device=DEVICE, **params).fit(X)


@pytest.fixture(scope="module")
def eager(X):
    """The eager fit of a kind, made once for the tests that compare with it (read only)."""
    fits = {}
    return lambda kind: fits[kind] if kind in fits else fits.setdefault(kind, _fit(kind, X))


@pytest.fixture
def cheap_compile(monkeypatch):
    """torch.compile through dynamo and AOT autograd, without generating code: the CPU's code
    generation needs a C++ compiler and about a minute for these steps."""
    real = torch.compile

    def compile_(module, mode=None):
        return real(module, backend="aot_eager" if DEVICE == "cpu" else "inductor", mode=mode)

    monkeypatch.setattr(torch, "compile", compile_)


@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.VAE, aekit.DenoisingAutoencoder])
def test_compiled_steps_follow_the_eager_loss_curve(kind, X, cheap_compile, eager):
    """Noise draws included: the compiled forward takes the same generator."""
    eager = eager(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no fallback: it really compiled
        compiled = _fit(kind, X, compile=True)
    # Inductor's fused GPU kernels sum in other orders than eager ones: float32 rounding, grown
    # over three epochs of updates. The CPU's aot_eager runs eager's kernels.
    rtol = 1e-3 if ON_GPU else 1e-4
    np.testing.assert_allclose(compiled.loss_curve_, eager.loss_curve_, rtol=rtol)
    np.testing.assert_allclose(compiled.transform(X), eager.transform(X), rtol=10 * rtol, atol=1e-3)


def _no_compiler(module, mode=None):
    def fails(*args, **kwargs):
        raise RuntimeError("InvalidCxxCompiler: No working C++ compiler found\nmore")

    return fails


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda patch: patch.setattr(torch, "compile", _no_compiler), id="first-call"),
        pytest.param(lambda patch: patch.delattr(torch, "compile"), id="old-pytorch"),
        pytest.param(
            lambda patch: patch.setattr(
                torch, "compile", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("3.14"))
            ),
            id="unsupported-python",
        ),
    ],
)
def test_without_a_compiler_training_warns_and_runs_eagerly(breakage, X, monkeypatch, eager):
    eager = eager(aekit.VAE)
    breakage(monkeypatch)
    with pytest.warns(RuntimeWarning, match="compile=True: compilation is unavailable"):
        fallback = _fit(aekit.VAE, X, compile=True)
    assert fallback.loss_curve_ == eager.loss_curve_  # the random stream was not shifted
    np.testing.assert_array_equal(fallback.transform(X), eager.transform(X))


def test_bf16_trains_a_conv_vae_to_about_the_float32_loss():
    images = load_digits(as_images=True)[0][:256]
    params = dict(
        architecture="conv", hidden_layer_sizes=(8, 16), latent_dim=4, max_iter=8,
        batch_size=32, learning_rate_init=3e-3, random_state=0, device=DEVICE,
    )  # fmt: skip
    full = aekit.VAE(**params).fit(images)
    half = aekit.VAE(precision="bf16", **params).fit(images)
    assert np.isfinite(half.loss_curve_).all()
    assert half.loss_curve_[-1] < 0.8 * half.loss_curve_[0]  # it learns
    assert half.loss_curve_[-1] == pytest.approx(full.loss_curve_[-1], rel=0.02)
    codes = half.transform(images)  # inference stays float64 inside, float32 out
    assert codes.dtype == np.float32 and np.isfinite(codes).all()


def test_bf16_saves_and_loads_like_any_model(tmp_path, X):
    model = _fit(aekit.Autoencoder, X, precision="bf16")
    model.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors", device=DEVICE)
    assert loaded.precision == "bf16"
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))


def test_precision_is_checked():
    with pytest.raises(ValueError, match="precision"):
        aekit.Autoencoder(precision="fp16").fit(np.zeros((4, 3)))


def test_to_device_keeps_cpu_tensors_and_their_values():
    t = torch.arange(6.0).view(2, 3)
    assert to_device(t, torch.device("cpu")) is t or torch.equal(
        to_device(t, torch.device("cpu")), t
    )


@pytest.mark.skipif(not ON_GPU, reason="pinned memory and non-blocking copies need CUDA")
def test_to_device_copies_through_pinned_memory_to_cuda():
    t = torch.arange(6.0).view(2, 3)
    moved = to_device(t, torch.device("cuda"))
    assert moved.device.type == "cuda" and torch.equal(moved.cpu(), t)


@pytest.mark.skipif(not ON_GPU, reason="CUDA graphs (mode='reduce-overhead') need CUDA")
def test_compiled_steps_with_cuda_graphs_follow_the_eager_loss_curve(X, eager):
    eager = eager(aekit.VAE)
    compiled = _fit(aekit.VAE, X, compile=True)  # real inductor and CUDA graphs
    np.testing.assert_allclose(compiled.loss_curve_, eager.loss_curve_, rtol=1e-3)


@pytest.mark.skipif(not ON_GPU, reason="host synchronisation is a CUDA matter")
def test_the_training_loop_does_not_synchronise_with_the_host_per_step(X):
    """CUDA's sync debug mode warns at every operation that waits for the GPU: a few per epoch
    (the epoch's loss read once), never one per step (here 40 steps in 2 epochs)."""
    from aekit.core.train import TrainConfig, train

    est = aekit.VAE(**{**TINY, "max_iter": 1}, device="cuda").fit(X)  # a model to train on
    data = torch.from_numpy(X).cuda()
    config = TrainConfig(max_iter=2, batch_size=12, learning_rate=1e-3)
    generator = torch.Generator("cuda").manual_seed(0)
    torch.cuda.set_sync_debug_mode("warn")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            train(est.model_, data, config=config, generator=generator)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    syncs = [w for w in caught if "synchroniz" in str(w.message)]
    assert len(syncs) <= 10, [str(w.message) for w in syncs[:3]]


def test_the_kl_term_is_summed_in_float32_at_least():
    # under bf16 autocast the code's layers give bfloat16, and the KL stayed bfloat16 (its sum
    # over the units too) beside float32 reconstruction terms
    from aekit.core.latent import Code, GaussianLatent

    mean, log_var = torch.randn(5, 16).bfloat16(), torch.randn(5, 16).bfloat16()
    kl = GaussianLatent.kl(Code(mean, log_var))
    assert kl.dtype == torch.float32
    torch.testing.assert_close(kl, GaussianLatent.kl(Code(mean.float(), log_var.float())))
    assert GaussianLatent.kl(Code(mean.double(), log_var.double())).dtype == torch.float64
