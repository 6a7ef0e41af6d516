"""The trainer: determinism, resumption, early stopping, divergence, the epoch it hands the
module, and the learning-rate schedule."""

import math
import re

import numpy as np
import pytest
import torch
from forged import resign

import aekit
from aekit.core.divergence import TrainingDivergedError
from aekit.core.latent import GaussianLatent
from aekit.core.model import AutoencoderModel
from aekit.core.nets import MLPDecoder, MLPEncoder, reset_parameters
from aekit.core.objectives import BernoulliLikelihood, KLDivergence
from aekit.core.train import TrainConfig, train
from aekit.io.tensors import load_tree, save_tree


@pytest.fixture(scope="module")
def X():
    return aekit.data.datasets.load_digits()[0][:400]


def weights(est):
    return {k: v.clone() for k, v in est.model_.state_dict().items()}


def assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0)


SMALL = dict(hidden_layer_sizes=(32,), latent_dim=4, batch_size=64)


def test_same_seed_gives_the_same_weights_and_another_seed_does_not(X):
    a = aekit.DenoisingAutoencoder(max_iter=3, random_state=7, **SMALL).fit(X)
    b = aekit.DenoisingAutoencoder(max_iter=3, random_state=7, **SMALL).fit(X)
    c = aekit.DenoisingAutoencoder(max_iter=3, random_state=8, **SMALL).fit(X)
    assert_same_weights(weights(a), weights(b))
    assert a.loss_curve_ == b.loss_curve_
    assert not torch.equal(weights(a)["latent.head.weight"], weights(c)["latent.head.weight"])


def test_fitting_does_not_touch_the_global_random_state(X):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    aekit.VAE(max_iter=1, random_state=0, **SMALL).fit(X)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("kind", [aekit.VAE, aekit.DenoisingAutoencoder])
def test_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(X, tmp_path, kind):
    params = dict(random_state=0, early_stopping=True, **SMALL)
    uninterrupted = kind(max_iter=6, **params).fit(X)
    kind(max_iter=3, checkpoint_dir=tmp_path, **params).fit(X)  # "killed" after 3 epochs
    resumed = kind(max_iter=6, checkpoint_dir=tmp_path, **params).fit(X)
    assert_same_weights(weights(resumed), weights(uninterrupted))
    assert resumed.history_ == uninterrupted.history_
    assert resumed.n_iter_ == 6


def fresh_vae_model():
    model = AutoencoderModel(
        MLPEncoder(64, (32,), "relu"),
        GaussianLatent(32, 4),
        MLPDecoder(4, (32,), 64, "relu"),
        BernoulliLikelihood(),
        [KLDivergence(beta=1.0, warmup_epochs=0)],
    )
    reset_parameters(model, torch.Generator().manual_seed(11))
    return model


def test_interrupt_inside_training_resumes_from_the_last_checkpoint(X, tmp_path):
    data = torch.from_numpy(X)
    config = TrainConfig(
        max_iter=5,
        batch_size=64,
        learning_rate=1e-3,
        checkpoint_path=tmp_path / "ckpt.safetensors",
        fingerprint="run",
    )

    def crash_after_two(report):
        if report.epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(
            fresh_vae_model(),
            data,
            config=config,
            generator=torch.Generator().manual_seed(1),
            callbacks=[crash_after_two],
        )
    resumed_model = fresh_vae_model()
    resumed = train(resumed_model, data, config=config, generator=torch.Generator().manual_seed(1))

    config.checkpoint_path = None
    straight_model = fresh_vae_model()
    straight = train(
        straight_model, data, config=config, generator=torch.Generator().manual_seed(1)
    )
    assert resumed.history == straight.history
    assert_same_weights(resumed_model.state_dict(), straight_model.state_dict())


def test_checkpoint_of_another_run_is_refused(X, tmp_path):
    aekit.Autoencoder(max_iter=1, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X)
    with pytest.raises(ValueError, match=r"another run \(random_state 0, now 1\); remove ") as err:
        aekit.Autoencoder(max_iter=2, random_state=1, checkpoint_dir=tmp_path, **SMALL).fit(X)
    assert str(err.value).endswith("; or, to go on with it, set random_state=0 as it was.")
    with pytest.raises(ValueError, match=r"another run \(other training data\)") as err:
        aekit.Autoencoder(max_iter=2, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X[:200])
    assert "to go on with it" not in str(err.value)  # other data: nothing to set


def test_a_checkpoint_with_nan_weights_is_refused_as_damaged(X, tmp_path):
    # resumed, it 'diverged' at once: "Try a smaller learning_rate_init", the wrong cure
    aekit.Autoencoder(max_iter=1, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X)
    path = tmp_path / "checkpoint.safetensors"
    resign(path, path, tensors=lambda t: t["t.model.latent.head.bias"].fill_(float("nan")))
    with pytest.raises(
        ValueError, match=r"holds NaN weights \(t\.model\.latent\.head\.bias\)"
    ) as err:
        aekit.Autoencoder(max_iter=2, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X)
    assert f"remove {path} to train afresh" in str(err.value)
    assert "learning_rate" not in str(err.value)


def test_a_checkpoint_past_max_iter_is_refused_not_returned(X, tmp_path):
    # a fit of max_iter=4 resumed a 6-epoch checkpoint and returned its weights, n_iter_ 6
    aekit.Autoencoder(max_iter=3, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X)
    with pytest.raises(ValueError, match=r"at epoch 3, beyond max_iter=2: pass max_iter >= 3"):
        aekit.Autoencoder(max_iter=2, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X)
    again = aekit.Autoencoder(max_iter=3, random_state=0, checkpoint_dir=tmp_path, **SMALL)
    assert again.fit(X).n_iter_ == 3  # the same budget: the finished run, as before
    (tmp_path / "a_file").touch()
    with pytest.raises(ValueError, match="is a file, not a folder; give a folder"):
        aekit.Autoencoder(max_iter=1, random_state=0, checkpoint_dir=tmp_path / "a_file").fit(X)


def test_a_verbose_fit_says_when_it_resumed_a_checkpoint(X, tmp_path, capsys):
    # a rerun with checkpoint_dir set continued the old run without a word
    aekit.Autoencoder(max_iter=2, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(X)
    assert "resumed" not in capsys.readouterr().err
    params = dict(max_iter=3, random_state=0, checkpoint_dir=tmp_path, verbose=True, **SMALL)
    aekit.Autoencoder(**params).fit(X)
    assert f"resumed from epoch 2 ({tmp_path})" in capsys.readouterr().err


def test_early_stopping_stops_and_keeps_the_best_validation_weights(X):
    est = aekit.Autoencoder(
        max_iter=500,
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.02,
        random_state=0,
        **SMALL,
    ).fit(X)
    assert est.n_iter_ < 500
    best_epoch = int(np.argmax(est.validation_scores_))
    assert est.n_iter_ - best_epoch - 1 >= 3  # it waited n_iter_no_change epochs
    assert est.best_loss_ == pytest.approx(-max(est.validation_scores_))


def test_a_diverging_run_stops_with_an_error_that_names_the_epoch(X):
    wild = np.random.default_rng(0).normal(size=(200, 5)) * 1e30
    with pytest.raises(ValueError, match=r"epoch \d+.*learning_rate_init"):
        aekit.Autoencoder(
            max_iter=5, likelihood="gaussian", random_state=0, learning_rate_init=1e12, **SMALL
        ).fit(wild)
    with pytest.raises(TrainingDivergedError):
        aekit.VAE(max_iter=5, random_state=0, learning_rate_init=1e12, **SMALL).fit(X)


def test_nan_rows_trained_directly_are_named_not_blamed_on_the_learning_rate(X):
    data = torch.from_numpy(X).clone()
    data[7, 3] = float("nan")
    config = TrainConfig(max_iter=2, batch_size=64, learning_rate=1e-3)
    with pytest.raises(ValueError, match=r"X holds 1 NaN.*index \(7, 3\)") as caught:
        train(fresh_vae_model(), data, config=config, generator=torch.Generator().manual_seed(0))
    assert not isinstance(caught.value, TrainingDivergedError)


def test_checkpoints_need_a_fixed_seed_and_the_same_data_shape(X, tmp_path):
    with pytest.raises(ValueError, match="needs an int random_state"):
        aekit.Autoencoder(max_iter=1, checkpoint_dir=tmp_path, **SMALL).fit(X)
    data = X[:48, :60]
    aekit.Autoencoder(max_iter=1, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(data)
    same_bytes_other_shape = data.reshape(72, 40)
    with pytest.raises(ValueError, match="another run"):
        aekit.Autoencoder(max_iter=2, random_state=0, checkpoint_dir=tmp_path, **SMALL).fit(
            same_bytes_other_shape
        )


class EpochRecorder(torch.nn.Module):
    """A least-squares module that records (training?, epoch) for every batch it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(64))
        self.seen: list[tuple[bool, int]] = []

    def forward(self, x, y=None, generator=None, epoch=0):
        self.seen.append((self.training, epoch))
        return {"loss": (x @ self.weight - 1).pow(2).mean()}


def test_the_trainer_hands_forward_the_epoch_in_training_and_validation(X):
    module = EpochRecorder()
    config = TrainConfig(max_iter=3, batch_size=100, learning_rate=1e-3, early_stopping=True)
    train(module, torch.from_numpy(X), config=config, generator=torch.Generator().manual_seed(0))
    # 360 training rows: four batches per epoch, then one validation batch of 40 rows.
    assert module.seen == [pair for e in range(3) for pair in [(True, e)] * 4 + [(False, e)]]


class ScriptedError(torch.nn.Module):
    """A loss that falls every epoch (so stopping on it never stops) and an "error" term that
    follows a script by epoch; it records its weight at each validation, i.e. each epoch's."""

    def __init__(self, errors: list[float]) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))
        self.errors, self.validated = errors, []

    def forward(self, x, y=None, generator=None, epoch=0):
        if not self.training:
            self.validated.append(self.weight.item())
        loss = (self.weight - 1e3).pow(2).sum() + 0 * x.sum()
        return {"loss": loss, "error": torch.tensor(self.errors[epoch])}


def test_early_stopping_watches_the_term_named_by_monitor(X):
    errors = [0.5, 0.2, 0.3, 0.2, 0.4, 0.1, 0.0, 0.0]
    data = torch.from_numpy(X)

    def fit(module, **settings):
        config = TrainConfig(max_iter=8, batch_size=100, learning_rate=1.0, early_stopping=True,
                             n_iter_no_change=3, **settings)  # fmt: skip
        return train(module, data, config=config, generator=torch.Generator().manual_seed(0))

    by_error = ScriptedError(errors)
    result = fit(by_error, monitor="error")
    # best error 0.2 at epoch 2; epochs 3-5 do not beat it: stop after 5, keep epoch 2's weights
    assert result.n_iter == 5 and result.best_loss == pytest.approx(0.2)
    assert by_error.weight.item() == by_error.validated[1] != by_error.validated[-1]
    by_loss = ScriptedError(errors)
    fit(by_loss)
    assert len(by_loss.validated) == 8  # the loss improves every epoch: no stop
    with pytest.raises(ValueError, match="watches 'accuracy', which the module does not output"):
        fit(ScriptedError(errors), monitor="accuracy")


def crash_after_two(report):
    """A callback that "kills" the run after its second epoch (once it is checkpointed)."""
    if report.epoch == 2:
        raise KeyboardInterrupt


def cosine_config(tmp_path, max_iter):
    return TrainConfig(
        max_iter=max_iter,
        batch_size=64,
        learning_rate=1e-2,
        learning_rate_schedule="cosine",
        checkpoint_path=tmp_path / "ckpt.safetensors",
        fingerprint="run",
    )


def test_cosine_schedule_is_checkpointed_and_a_resumed_run_is_exact(X, tmp_path):
    data, config = torch.from_numpy(X), cosine_config(tmp_path, 5)
    with pytest.raises(KeyboardInterrupt):
        train(fresh_vae_model(), data, config=config, generator=torch.Generator().manual_seed(1),
              callbacks=[crash_after_two])  # fmt: skip
    _, state = load_tree(config.checkpoint_path)
    assert state["scheduler"]["last_epoch"] == 2  # the next epoch's, and its rate:
    assert state["optimizer"]["param_groups"][0]["lr"] == 1e-2 * 0.5 * (
        1 + math.cos(math.pi * 2 / 5)
    )

    resumed_model = fresh_vae_model()
    resumed = train(resumed_model, data, config=config, generator=torch.Generator().manual_seed(1))
    config.checkpoint_path = None
    straight_model = fresh_vae_model()
    straight = train(
        straight_model, data, config=config, generator=torch.Generator().manual_seed(1)
    )
    assert resumed.history == straight.history
    assert_same_weights(resumed_model.state_dict(), straight_model.state_dict())


def test_resuming_with_a_larger_max_iter_follows_the_new_cosine_schedule(X, tmp_path, monkeypatch):
    """max_iter may change on resumption: the epochs after it take their rates from the new
    schedule (not the old run's last rate, 0 at its end)."""
    data = torch.from_numpy(X)
    train(fresh_vae_model(), data, config=cosine_config(tmp_path, 2),
          generator=torch.Generator().manual_seed(1))  # fmt: skip
    rates = []
    step = torch.optim.Adam.step

    def recording_step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", recording_step)
    train(fresh_vae_model(), data, config=cosine_config(tmp_path, 4),
          generator=torch.Generator().manual_seed(1))  # fmt: skip
    per_epoch = sorted(set(rates), reverse=True)
    assert per_epoch == [1e-2 * 0.5 * (1 + math.cos(math.pi * e / 4)) for e in (2, 3)]


def test_a_checkpoint_without_scheduler_state_still_resumes_exactly(X, tmp_path):
    """Checkpoints written before the scheduler was saved hold the epoch, which is enough."""
    data, config = torch.from_numpy(X), cosine_config(tmp_path, 4)
    with pytest.raises(KeyboardInterrupt):
        train(fresh_vae_model(), data, config=config, generator=torch.Generator().manual_seed(1),
              callbacks=[crash_after_two])  # fmt: skip
    header, state = load_tree(config.checkpoint_path)
    del state["scheduler"]
    save_tree(config.checkpoint_path, header, state)
    resumed_model = fresh_vae_model()
    resumed = train(resumed_model, data, config=config, generator=torch.Generator().manual_seed(1))
    config.checkpoint_path = None
    straight_model = fresh_vae_model()
    generator = torch.Generator().manual_seed(1)
    straight = train(straight_model, data, config=config, generator=generator)
    assert resumed.history == straight.history
    assert_same_weights(resumed_model.state_dict(), straight_model.state_dict())


def test_ties_on_the_monitored_term_go_to_the_lower_tie_break_term():
    # An error rate on ten validation rows ties on most epochs; the first tied epoch used to be
    # kept (digits, 100 labels: test accuracy 0.68 against 0.76, benchmarks/early_stopping.py).
    from aekit.core.config import TrainConfig
    from aekit.core.train import TrainResult, record_epoch

    config = TrainConfig(
        max_iter=10, batch_size=8, learning_rate=1e-3, monitor="error", tie_break="loss"
    )
    result, no_improve, kept = TrainResult(n_iter=0), 0, []
    epochs = [(0.5, 2.0), (0.2, 1.0), (0.2, 0.5), (0.2, 0.7), (0.1, 0.9)]
    for epoch, (error, loss) in enumerate(epochs):
        val = {"error": error, "loss": loss}
        no_improve, new_best = record_epoch(result, val, val, epoch, config, no_improve)
        kept.append((new_best, no_improve))
    # epoch 2 ties epoch 1 on the error with a lower loss: kept, but the patience still runs
    assert kept == [(True, 0), (True, 0), (True, 1), (False, 2), (True, 0)]
    assert (result.best_loss, result.best_tie) == (0.1, 0.9)


def test_within_epoch_reports_the_epochs_done_so_far(X, monkeypatch):
    # the bar moved once an epoch, so a long first epoch showed nothing and no time left
    monkeypatch.setattr("aekit.core.train.WITHIN_EPOCH_SECONDS", 0.0)  # every batch reports
    heard, epochs = [], []
    config = TrainConfig(max_iter=2, batch_size=64, learning_rate=1e-3)
    train(fresh_vae_model(), torch.from_numpy(X), config=config,
          generator=torch.Generator().manual_seed(1), within_epoch=heard.append,
          callbacks=[lambda report: epochs.append((report.epoch, len(heard)))])  # fmt: skip
    batches = math.ceil(400 / 64)  # 400 rows of 64: 7 batches, the last of 16 rows
    assert heard == [epoch + done / batches for epoch in range(2) for done in range(1, 8)]
    assert epochs == [(1, batches), (2, 2 * batches)]  # each epoch's report after its batches


def test_a_verbose_fit_moves_its_bar_within_the_epoch(X, monkeypatch):
    monkeypatch.setattr("aekit.core.train.WITHIN_EPOCH_SECONDS", 0.0)
    seen = []
    original = aekit.estimators.ProgressBar.within_epoch
    monkeypatch.setattr(aekit.estimators.ProgressBar, "within_epoch",
                        lambda bar, done: (seen.append(done), original(bar, done)))  # fmt: skip
    aekit.Autoencoder(max_iter=1, random_state=0, verbose=True, **SMALL).fit(X)
    assert seen and 0 < seen[0] < 1 and seen[-1] == 1.0


@pytest.mark.parametrize("width", [50, 80, 120])
def test_the_progress_bar_keeps_the_epoch_count_and_time_left_on_a_narrow_terminal(
    width, monkeypatch
):
    # at 50 columns the bar read "epoch  loss 41.4 … left …": rich cut the count and the times
    from aekit.core.train import EpochReport

    monkeypatch.setenv("COLUMNS", str(width))
    bar = aekit.estimators.ProgressBar("VariationalAutoencoder", 100)
    bar(EpochReport(50, 100, {"loss": 41.77}, {"loss": 36.94}, 1.0))
    console = bar.progress.console
    with console.capture() as captured:
        console.print(bar.progress.get_renderable())
    line = captured.get().strip()
    assert re.search(r"epoch +50/100", line) and "left " in line and "…" not in line, line
    assert "loss 41.77  val 36.94" in line, line
    # the name and the bar go first: they say least
    assert ("VariationalAutoencoder" in line) == ("━" in line) == (width >= 80), line
