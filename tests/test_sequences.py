"""Sequence networks (``architecture="conv1d"``, ``"lstm"``, ``"gru"``): they reconstruct held-out
sine waves better than the mean does, restore the exact length (odd ones included), work for every
kind, round-trip through a model file, and refuse inputs of another shape with a clear error."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import DEVICE

import aekit
from aekit.core.architectures import make_decoder, make_encoder
from aekit.core.model import join_label

SEQUENCE_ARCHITECTURES = ("conv1d", "lstm", "gru")
KINDS = (
    aekit.Autoencoder,
    aekit.DenoisingAutoencoder,
    aekit.SparseAutoencoder,
    aekit.ContractiveAutoencoder,
    aekit.VariationalAutoencoder,
    aekit.ConditionalVAE,
)


def sines(n: int, length: int, seed: int, channels: int = 1) -> np.ndarray:
    """``(n, channels, length)`` sine waves of random frequency and phase, plus a little noise:
    a family with two degrees of freedom per channel, which a small code can hold."""
    rng = np.random.RandomState(seed)
    t = np.arange(length)
    frequency = rng.uniform(0.15, 0.45, (n, channels, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, channels, 1))
    noise = 0.05 * rng.randn(n, channels, length)
    return (np.sin(frequency * t + phase) + noise).astype(np.float32)


def small(architecture: str, **params) -> dict:
    hidden = (8,) if architecture in ("lstm", "gru") else (4, 8)
    return {
        "architecture": architecture,
        "hidden_layer_sizes": hidden,
        "latent_dim": 3,
        "max_iter": 2,
        "random_state": 0,
        "device": DEVICE,
        **params,
    }


def fit(kind, X, y, **params):
    model = kind(**params)
    return model.fit(X, y) if kind is aekit.ConditionalVAE else model.fit(X)


@pytest.mark.parametrize(("architecture", "bar"), [("conv1d", 0.25), ("lstm", 0.5)])
def test_held_out_sines_are_reconstructed_far_better_than_by_the_mean(architecture, bar):
    # Measured: conv1d 0.06 and lstm 0.22 of the mean's squared error (seed 0); a network that
    # ignored its input could do no better than the mean (ratio 1).
    X_train, X_test = sines(200, 45, seed=0), sines(100, 45, seed=1)
    model = aekit.Autoencoder(
        architecture=architecture,
        hidden_layer_sizes=(32,) if architecture == "lstm" else None,
        latent_dim=4,
        max_iter=20,
        batch_size=20,
        learning_rate_init=3e-3,
        random_state=0,
        device=DEVICE,
    ).fit(X_train)
    error = np.mean((model.reconstruct(X_test) - X_test) ** 2)
    mean_error = np.mean((X_test - X_train.mean(axis=0)) ** 2)
    assert error < bar * mean_error


@pytest.mark.parametrize("length", [1, 2, 5, 37, 140, 141])
@pytest.mark.parametrize("architecture", SEQUENCE_ARCHITECTURES)
def test_decoders_restore_the_exact_length(architecture, length):
    hidden = (4, 6) if architecture != "conv1d" else (4, 6, 8)
    shape = (3, length)
    encoder = make_encoder(architecture, shape, hidden, "relu")
    decoder = make_decoder(architecture, 5, shape, hidden, "relu")
    x = torch.randn(2, *shape)
    assert encoder(x).shape == (2, encoder.out_features)
    assert decoder(torch.randn(2, 5)).shape == (2, *shape)


def test_conv1d_halves_the_length_at_each_layer_rounding_up():
    encoder = make_encoder("conv1d", (1, 37), (4, 6, 8), "relu")
    assert encoder.sizes == [(37,), (19,), (10,), (5,)]
    assert encoder.out_features == 8 * 5


def test_a_label_joins_a_sequence_as_constant_channels():
    x = torch.randn(2, 3, 5)
    joined = join_label(x, torch.tensor([[0.0, 1.0], [1.0, 0.0]]))
    assert joined.shape == (2, 5, 5)
    assert torch.equal(joined[:, :3], x)
    assert torch.equal(joined[0, 3:], torch.tensor([[0.0] * 5, [1.0] * 5]))


@pytest.mark.parametrize("architecture", SEQUENCE_ARCHITECTURES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_every_kind_trains_on_sequences_and_round_trips(kind, architecture, tmp_path):
    X = sines(30, 23, seed=0, channels=2)  # odd length, two channels
    y = np.arange(30) % 3
    model = fit(kind, X, y, **small(architecture))
    given = (y,) if kind is aekit.ConditionalVAE else ()
    reconstruction = model.reconstruct(X, *given)
    assert reconstruction.shape == X.shape
    assert model.transform(X, *given).shape == (30, 3)
    assert model.input_shape() == (2, 23)
    model.save(tmp_path / "model.safetensors")
    loaded = aekit.load(tmp_path / "model.safetensors", device=DEVICE)
    assert loaded.sequence_shape_ == (2, 23)
    np.testing.assert_array_equal(loaded.reconstruct(X, *given), reconstruction)
    np.testing.assert_array_equal(loaded.score_samples(X, *given), model.score_samples(X, *given))


@pytest.mark.parametrize("architecture", ["conv1d", "lstm"])
def test_rows_with_a_sequence_shape_are_the_same_sequences(architecture):
    X = sines(30, 23, seed=0, channels=2)
    rows = X.reshape(30, -1)  # channel 0's steps, then channel 1's
    shaped = aekit.Autoencoder(**small(architecture)).fit(X)
    flat = aekit.Autoencoder(**small(architecture, sequence_shape=(2, 23))).fit(rows)
    np.testing.assert_allclose(flat.transform(rows), shaped.transform(X), rtol=1e-5, atol=1e-6)
    assert flat.reconstruct(rows).shape == rows.shape  # rows in, rows out
    np.testing.assert_allclose(
        flat.reconstruct(rows), shaped.reconstruct(X).reshape(30, -1), rtol=1e-5, atol=1e-5
    )


def test_sequences_are_standardized_per_channel_not_per_step():
    X = sines(30, 23, seed=0, channels=2) * np.array([[1.0], [100.0]], np.float32) + 5.0
    model = aekit.Autoencoder(**small("conv1d")).fit(X)
    mean, scale = model.data_mean_.reshape(2, 23), model.data_scale_.reshape(2, 23)
    np.testing.assert_allclose(mean, X.mean(axis=(0, 2))[:, None].repeat(23, 1), rtol=1e-5)
    np.testing.assert_allclose(scale, X.std(axis=(0, 2))[:, None].repeat(23, 1), rtol=1e-4)


def test_onnxruntime_reproduces_a_conv1d_autoencoders_score(tmp_path):
    # The score's graph holds every layer: scaling, convolutions, code, transposed convolutions.
    ort = pytest.importorskip("onnxruntime")
    X = sines(40, 23, seed=0, channels=2)
    model = aekit.Autoencoder(**small("conv1d")).fit(X)
    path = model.to_onnx(tmp_path / "score.onnx", part="score")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(
        session.run(None, {"x": X})[0], model.score_samples(X), rtol=0, atol=1e-4
    )


def test_a_dense_network_takes_sequences_and_gives_them_back():
    X = sines(30, 23, seed=0, channels=2)
    model = aekit.Autoencoder(**small("mlp")).fit(X)
    assert model.reconstruct(X).shape == X.shape


# --- bad input -----------------------------------------------------------------------------------


def test_rows_without_a_sequence_shape_are_refused():
    rows = sines(10, 23, seed=0).reshape(10, -1)
    with pytest.raises(
        ValueError,
        match=r"architecture='conv1d' needs sequences: pass X as \(n, channels, length\) or set "
        r"sequence_shape=\(channels, length\)\. .*sequence_shape=\(1, n_features\)",
    ):
        aekit.Autoencoder(**small("conv1d")).fit(rows)
    with pytest.raises(ValueError, match="architecture='lstm' needs sequences"):
        aekit.Autoencoder(**small("lstm")).fit(rows.reshape(10, 1, 23, 1))  # an image


def test_a_sequence_shape_that_does_not_fit_X_is_refused():
    X = sines(10, 23, seed=0, channels=2)
    with pytest.raises(
        ValueError,
        match=r"sequence_shape=\(2, 10\) must be \(channels, length\) with channels\*length "
        r"equal to X's 46 features",
    ):
        aekit.Autoencoder(**small("conv1d", sequence_shape=(2, 10))).fit(X.reshape(10, -1))
    with pytest.raises(ValueError, match=r"sequence_shape=\(1, 46\) does not match X's sequences"):
        aekit.Autoencoder(**small("conv1d", sequence_shape=(1, 46))).fit(X)


def test_time_first_windows_are_warned_of_by_the_dense_network():
    # the dense network fits any rows: (200, 64, 3) may be point clouds of xyz triples (a
    # review found them refused); windows that look time-first are said, then fitted
    from aekit.timeseries import sliding_windows

    series = np.c_[np.sin(np.arange(300) / 5), np.cos(np.arange(300) / 7)]
    windows = sliding_windows(series, 64, stride=8)
    with pytest.warns(UserWarning, match=r"looks time-first .* X\.transpose\(0, 2, 1\)"):
        model = aekit.Autoencoder(**small("mlp")).fit(windows)
    assert model.sequence_shape_ == (64, 2)


@pytest.mark.parametrize("architecture", ["conv1d", "lstm"])
def test_time_first_windows_are_refused(architecture):
    # sliding_windows gives (n, length, channels); taken as (n, channels, length) they were
    # 64 channels of 2 steps, for which conv1d and lstm have nothing to run along
    from aekit.timeseries import sliding_windows

    series = np.c_[np.sin(np.arange(300) / 5), np.cos(np.arange(300) / 7)]
    windows = sliding_windows(series, 64, stride=8)
    assert windows.shape[1:] == (64, 2)
    with pytest.raises(ValueError, match=r"looks time-first .* X\.transpose\(0, 2, 1\)"):
        aekit.Autoencoder(**small(architecture)).fit(windows)
    model = aekit.Autoencoder(**small(architecture)).fit(windows.transpose(0, 2, 1))
    assert model.sequence_shape_ == (2, 64)
    meant = aekit.Autoencoder(**small(architecture, sequence_shape=(64, 2))).fit(windows)
    assert meant.sequence_shape_ == (64, 2)  # the escape hatch: the layout is meant
    from aekit.cli.errors import for_the_command_line

    with pytest.raises(ValueError) as refused:
        aekit.Autoencoder(**small(architecture)).fit(windows)
    said = for_the_command_line(str(refused.value), set())
    assert "save DATA with its last two axes swapped" in said and "transpose" not in said
    assert "--param 'sequence_shape=[64,2]' if it really has 64 channels" in said


def test_sequences_of_another_shape_than_in_fit_are_refused():
    X = sines(10, 23, seed=0, channels=2)
    model = aekit.Autoencoder(**small("conv1d")).fit(X)
    with pytest.raises(ValueError, match=r"sequences of shape \(1, 46\) .* fitted on \(2, 23\)"):
        model.transform(X.reshape(10, 1, 46))  # same values, other channels
    with pytest.raises(ValueError, match=r"sequences of shape \(2, 22\) .* fitted on \(2, 23\)"):
        model.transform(X[:, :, :22])  # shorter (said "X has 44 features" before)
    for four_axes in [(10, 1, 2, 23), (10, 2, 23, 1)]:  # as many values a row: scored silently
        with pytest.raises(ValueError, match=r"4 axes.* pass them as \(n, 2, 23\) or as flat"):
            model.transform(X.reshape(four_axes))
    assert np.allclose(model.transform(X.reshape(10, 46)), model.transform(X))


def test_a_model_fitted_on_images_read_as_sequences_takes_images():
    images = np.random.default_rng(0).random((12, 1, 4, 6), dtype=np.float32)
    model = aekit.Autoencoder(**small("conv1d"), sequence_shape=(1, 24)).fit(images)
    assert np.allclose(model.transform(images), model.transform(images.reshape(12, 1, 24)))


def test_a_recurrent_network_needs_a_layer():
    with pytest.raises(ValueError, match=r"'gru' needs at least one recurrent layer"):
        aekit.Autoencoder(**small("gru", hidden_layer_sizes=())).fit(sines(10, 5, seed=0))


def test_hashing_and_compression_take_sequences():
    X = sines(40, 23, seed=0, channels=2)
    network = {"hidden_layer_sizes": (4, 8), "max_iter": 2, "random_state": 0, "device": DEVICE}
    rows = X.reshape(40, -1)
    hasher = aekit.SemanticHasher(
        n_bits=8, architecture="conv1d", sequence_shape=(2, 23), **network
    ).fit(rows)
    assert hasher.transform(rows).shape == (40, 8)
    compressor = aekit.Compressor(latent_dim=4, architecture="conv1d", **network).fit(X)
    assert compressor.decompress(compressor.compress(X)).shape == X.shape


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_flat_rows_of_another_length_are_told_to_be_cropped_or_padded():
    # beats of 139 samples for a model of 140 got scikit-learn's "X has 139 features, but
    # Autoencoder is expecting 140", no word of sequences (ECG review; (n, C, L) of another
    # length: tests/test_bad_params.py)
    X = np.random.default_rng(0).random((60, 20)).astype(np.float32)
    model = aekit.Autoencoder(architecture="conv1d", sequence_shape=(1, 20), max_iter=1).fit(X)
    with pytest.raises(ValueError) as caught:
        model.score_samples(X[:, :19])
    assert str(caught.value) == (
        "X has 19 features, but Autoencoder is expecting 20 features as input. The model reads "
        "sequences of shape (1, 20): crop, pad or resample each to 20 steps."
    )
    two = aekit.Autoencoder(architecture="conv1d", sequence_shape=(2, 10), max_iter=1).fit(X)
    with pytest.raises(ValueError) as caught:  # a channel short, not steps: no resampling
        two.score_samples(X[:, :15])
    assert str(caught.value).endswith(
        "The model reads sequences of shape (2, 10), 20 values a row (each channel's steps in "
        "turn)."
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_interpolate_and_traverse_take_one_multichannel_sequence_as_one_row():
    # a (2, 20) sequence was "x_a must be one row: ... got (2, 20)", read as two rows, and
    # 'aekit interpolate' of such a model failed alike (second review)
    X = np.random.default_rng(0).random((40, 2, 20)).astype(np.float32)
    vae = aekit.VAE(sequence_shape=(2, 20), latent_dim=2, max_iter=1, random_state=0).fit(X)
    path = vae.interpolate(X[0], X[1], 5)
    assert path.shape == (5, 2, 20)
    np.testing.assert_array_equal(vae.interpolate(X[:1], X[1:2], 5), path)  # (1, C, L) alike
    np.testing.assert_array_equal(vae.interpolate(X[0].ravel(), X[1].ravel(), 5), path)
    assert vae.traverse(X[0], [-1.0, 1.0]).shape == (2, 2, 2, 20)
    with pytest.raises(ValueError, match=r"\(2, 20\) or \(1, 2, 20\); got \(2, 2, 20\)\.$"):
        vae.interpolate(X[:2], X[1], 5)
