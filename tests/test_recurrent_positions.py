"""The recurrent decoder's position inputs (``aekit.core.recurrent``): fed the same code at every
step, a decoder without them had to count steps in its state to place a peak, and at 140 steps
reconstructed worse than the mean sequence; model files written before them still load and
compute what they computed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import DEVICE

import aekit
from aekit.core.recurrent import RecurrentDecoder, add_position_inputs, step_positions
from aekit.estimators.persistence import export_estimator
from aekit.io.model_file import write_model


def beats(n: int, seed: int, length: int = 140) -> np.ndarray:
    """``(n, 1, length)``: one narrow peak at 60% of the sequence, of random height, plus noise."""
    rng = np.random.RandomState(seed)
    peak = np.exp(-0.5 * ((np.arange(length) - 0.6 * length) / 3.0) ** 2)
    height = rng.uniform(0.5, 1.5, (n, 1, 1))
    return (height * peak + 0.03 * rng.randn(n, 1, length)).astype(np.float32)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_peak_140_steps_long_is_placed_where_the_mean_has_it_not_smeared(seed):
    # Measured (seeds 0-2, these settings): 1.00-1.02 of the mean's squared error; without the
    # position inputs 8.2-8.4: the peak smeared over the sequence. The bar, 1.5, is far from
    # both. (In this budget the decoder learns the mean sequence, not each peak's height: 600
    # steps gave 1.00-1.01 too; what the test asks is the place.)
    X_train, X_test = beats(100, seed=0), beats(50, seed=1)
    model = aekit.Autoencoder(
        architecture="lstm",
        hidden_layer_sizes=(16,),
        latent_dim=2,
        max_iter=20,
        batch_size=10,
        learning_rate_init=3e-3,
        random_state=seed,
        device=DEVICE,
    ).fit(X_train)
    error = np.mean((model.reconstruct(X_test) - X_test) ** 2)
    assert error < 1.5 * np.mean((X_test - X_train.mean(axis=0)) ** 2)


def test_positions_tell_every_step_apart_in_emission_order():
    positions = step_positions(140, 8)
    assert positions.shape == (140, 8)
    assert len(torch.unique(positions, dim=0)) == 140
    # Emitted last step first: row 0 is step L - 1, whose angle is pi * (L - 1) / L.
    assert torch.isclose(positions[0, 0], torch.sin(torch.tensor(np.pi * 139 / 140)))
    assert torch.equal(positions[-1], torch.tensor([0.0] * 4 + [1.0] * 4))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_weights_without_position_inputs_compute_what_they_computed(cell):
    before = RecurrentDecoder(5, (2, 11), (6, 4), cell, position_features=0)
    now = RecurrentDecoder(5, (2, 11), (6, 4), cell)
    now.load_state_dict(add_position_inputs(now, before.state_dict()))
    z = torch.randn(3, 5)
    torch.testing.assert_close(now(z), before(z))


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_a_model_file_written_before_the_positions_loads_and_scores_alike(architecture, tmp_path):
    X = beats(30, seed=0, length=23)
    y = np.arange(30) % 3
    model = aekit.ConditionalVAE(  # the decoder's code has the one-hot label beside it
        architecture=architecture,
        hidden_layer_sizes=(8,),
        latent_dim=3,
        max_iter=2,
        random_state=0,
        device=DEVICE,
    ).fit(X, y)
    key = "decoder.stack.layers.0.weight_ih_l0"
    with torch.no_grad():  # a decoder that reads no position: what an older file held
        model.model_.state_dict()[key][:, -8:] = 0.0
    document, tree = export_estimator(model)
    tree["model"][key] = tree["model"][key][:, :-8].clone()  # the older file's layout
    write_model(tmp_path / "older.safetensors", document, tree)
    loaded = aekit.load(tmp_path / "older.safetensors", device=DEVICE)
    np.testing.assert_array_equal(loaded.reconstruct(X, y), model.reconstruct(X, y))
    np.testing.assert_array_equal(loaded.score_samples(X, y), model.score_samples(X, y))
    loaded.save(tmp_path / "now.safetensors")  # saved again: the layout of today
    again = aekit.load(tmp_path / "now.safetensors", device=DEVICE)
    assert again.model_.state_dict()[key].shape[1] == 3 + 3 + 8  # code, label, positions


def test_onnxruntime_reproduces_an_lstm_decoder_at_any_batch_size(tmp_path):
    # The positions join each row's code: exported with the batch size traced as a constant,
    # the graph refused every other number of rows.
    ort = pytest.importorskip("onnxruntime")
    X = beats(40, seed=0, length=23)
    model = aekit.Autoencoder(
        architecture="lstm", hidden_layer_sizes=(8,), latent_dim=3, max_iter=2, random_state=0
    ).fit(X)
    path = model.to_onnx(tmp_path / "decoder.onnx", part="decoder")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    codes = model.transform(X[:7])
    np.testing.assert_allclose(
        session.run(None, {session.get_inputs()[0].name: codes})[0],
        model.inverse_transform(codes),
        rtol=0,
        atol=1e-5,
    )


def test_a_checkpoint_of_the_older_layout_is_refused_naming_the_fix(tmp_path):
    # Its optimizer state has the older shapes too, so it cannot resume; torch's size mismatch
    # was all it said.
    from aekit.core.checkpoint import CHECKPOINT, read
    from aekit.io.files import write_file

    X = beats(30, seed=0, length=23)
    params = {"architecture": "lstm", "hidden_layer_sizes": (8,), "latent_dim": 3}
    params |= {"random_state": 0, "device": DEVICE, "checkpoint_dir": tmp_path}
    aekit.Autoencoder(max_iter=1, **params).fit(X)
    (path,) = tmp_path.iterdir()
    header, state = read(path)
    key = "decoder.stack.layers.0.weight_ih_l0"
    state["model"][key] = state["model"][key][:, :-8].clone()
    write_file(path, CHECKPOINT, header, state)
    with pytest.raises(ValueError, match=r"another layout .* remove .* to train afresh"):
        aekit.Autoencoder(max_iter=2, **params).fit(X)
