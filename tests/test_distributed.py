"""Training on several processes (DDP): 2 gloo processes on localhost reach the weights of one
process, resume each other's checkpoints, and stop together, with the root cause, when one
raises or is killed. The processes (tests/ddp_workers.py) are started with ``spawn`` and joined
with a hard timeout, so a broken collective fails the test instead of hanging CI."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import numpy as np
import pytest
import torch
from ddp_workers import (
    HANG_TIMEOUT_S,
    N_ROWS,
    SPARSE,
    VAE,
    TinyDenoiser,
    interrupted_in_epoch_3,
    killed_in_epoch_3,
    launch,
    stuck_in_round_3,
    tiny_config,
    tiny_fit,
    vae_then_raise,
)
from sklearn.utils._param_validation import InvalidParameterError

import aekit
from aekit.core import distributed, sharding
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp")
    assert launch(vae_then_raise, out) == [0, 0]
    return out


def test_two_processes_reach_the_weights_of_one(two_ranks):
    X, _ = load_digits()
    one = aekit.VAE(max_iter=3, distributed=False, **VAE).fit(X[:N_ROWS])
    codes = [np.load(two_ranks / f"codes{rank}.npy") for rank in (0, 1)]
    np.testing.assert_array_equal(codes[0], codes[1])  # DDP keeps the ranks identical
    np.testing.assert_allclose(codes[0], one.transform(X[:N_ROWS]), atol=1e-5)
    history = json.loads((two_ranks / "history0.json").read_text())
    assert history == json.loads((two_ranks / "history1.json").read_text())
    np.testing.assert_allclose(history["val_loss"], one.history_["val_loss"], rtol=1e-5)
    # the checkpoint both resumed from: one file, by rank 0
    assert [p.name for p in (two_ranks / "ckpt").iterdir()] == ["checkpoint.safetensors"]


def test_rank_zero_alone_gives_the_warnings_of_a_fit(two_ranks):
    # every process fits alike: 2 processes said each warning twice (the bar was rank 0's)
    said = [json.loads((two_ranks / f"warnings{rank}.json").read_text()) for rank in (0, 1)]
    assert said[0] and said[1] == [], said


def test_two_processes_revive_the_same_dead_units_as_one(two_ranks):
    # core.dead_units rewrites weights between epochs: every rank must take the same ones
    X, _ = load_digits()
    plain = aekit.SparseAutoencoder(**SPARSE, revive_dead_units=False).fit(X[:N_ROWS])
    one = aekit.SparseAutoencoder(**SPARSE, distributed=False).fit(X[:N_ROWS])
    codes = [np.load(two_ranks / f"sparse{rank}.npy") for rank in (0, 1)]
    np.testing.assert_array_equal(codes[0], codes[1])
    np.testing.assert_allclose(codes[0], one.transform(X[:N_ROWS]), atol=1e-5)

    def dead(Z):
        return int((~(Z > 0).any(axis=0)).sum())

    assert dead(plain.transform(X[:N_ROWS])) >= 3 > dead(codes[0])  # there were some to revive


def test_every_rank_fits_the_per_label_mixtures_of_one_process(two_ranks):
    # A ConditionalVAE's sampler: each rank encodes all the rows (not its shard of the batches)
    # with the same weights, so every rank holds the mixtures one process fits.
    X, y = load_digits()
    one = aekit.ConditionalVAE(max_iter=2, distributed=False, **VAE).fit(X[:N_ROWS], y[:N_ROWS])
    ranks = [dict(np.load(two_ranks / f"cvae{rank}.npz")) for rank in (0, 1)]
    for key, value in one.sampler_.items():
        assert ranks[0][key].shape == value.shape == ranks[1][key].shape
        np.testing.assert_array_equal(ranks[0][key], ranks[1][key])
        np.testing.assert_allclose(ranks[0][key], value, atol=1e-3)


def test_processes_given_other_data_or_options_are_refused_before_training(two_ranks):
    for rank in (0, 1):
        said = json.loads((two_ranks / f"disagree{rank}.json").read_text())
        for case, what in [("rows", "the data"), ("width", "the data"), ("batch", "settings")]:
            assert said[case].startswith("ValueError: the processes of this training differ "), said
            assert what in said[case], (case, said[case])
        assert "the network" in said["width"]  # 40 inputs on one, 64 on the other


def test_a_rank_that_raises_stops_every_rank_with_its_message(two_ranks):
    failed_at = float((two_ranks / "failed_at").read_text())
    for rank in (0, 1):
        error = json.loads((two_ranks / f"raise{rank}.json").read_text())
        assert error["type"] == "ValueError", error
        assert "row 7 of the shard is bad" in error["message"]
        assert error["at"] - failed_at < 15, error  # the grace period, not the 60 s timeout
    assert "raised by rank 1 of 2" in json.loads((two_ranks / "raise0.json").read_text())["message"]


def test_a_killed_rank_stops_the_others_and_the_checkpoint_resumes(tmp_path):
    assert launch(killed_in_epoch_3, tmp_path) == [0, -signal.SIGKILL]
    error = json.loads((tmp_path / "kill0.json").read_text())
    assert error["type"] == "ProcessLostError", error
    assert error["at"] - float((tmp_path / "failed_at").read_text()) < 15, error
    # The state of a checkpoint is the same on every rank: the rerun here is one process.
    resumed = tiny_fit(TinyDenoiser(), tiny_config(tmp_path / "tiny.safetensors", False))
    uninterrupted = tiny_fit(TinyDenoiser(), tiny_config(None, False))
    for name, value in uninterrupted.items():
        np.testing.assert_allclose(resumed[name], value, atol=1e-6)


def test_an_interrupted_rank_stops_the_others_saying_so(tmp_path):
    # rank 1 exits on its KeyboardInterrupt (exit code 1): rank 0 stopped within seconds, but
    # said "another process ... stopped without a message (killed, its machine lost, ...)"
    assert launch(interrupted_in_epoch_3, tmp_path) == [0, 1]
    error = json.loads((tmp_path / "interrupt0.json").read_text())
    assert "its training was interrupted (Ctrl-C or a signal)" in error["message"], error
    assert "raised by rank 1 of 2" in error["message"]
    assert error["at"] - float((tmp_path / "failed_at").read_text()) < 15, error


def test_a_stuck_rank_stops_the_others_at_the_collective_timeout(tmp_path):
    # Rank 1 stops answering without dying: rank 0 cannot tell, and waits for the collective
    # timeout (AEKIT_DISTRIBUTED_TIMEOUT, 3 s here), then stops with an error that names it
    # instead of hanging; rank 1, woken later, finds rank 0 gone and stops too.
    assert launch(stuck_in_round_3, tmp_path, timeout_s=HANG_TIMEOUT_S) == [0, 0]
    failed_at = float((tmp_path / "failed_at").read_text())
    first = json.loads((tmp_path / "hang0.json").read_text())
    assert first["type"] == "ProcessLostError", first
    assert "stuck past AEKIT_DISTRIBUTED_TIMEOUT" in first["message"]
    assert HANG_TIMEOUT_S - 0.5 < first["at"] - failed_at < HANG_TIMEOUT_S + 10, first
    second = json.loads((tmp_path / "hang1.json").read_text())
    assert second["type"] == "ProcessLostError" and second["at"] >= first["at"], second


# ---- in one process -----------------------------------------------------------------------
@pytest.mark.parametrize("row_dim", [0, 1])
def test_sharded_draws_are_the_rows_of_the_global_draw(row_dim):
    shape = (5, 3) if row_dim == 0 else (2, 5, 3)
    whole = torch.Generator().manual_seed(0)
    expected = {
        "randn": sharding.randn(shape, generator=whole, row_dim=row_dim),
        "rand": sharding.rand(shape, generator=whole, row_dim=row_dim),
    }
    for start, stop in [(0, 2), (2, 5)]:
        part = torch.Generator().manual_seed(0)
        local = (*shape[:row_dim], stop - start, *shape[row_dim + 1 :])
        with sharding.holding(sharding.Shard(start, stop, 5)):
            got = {
                "randn": sharding.randn(local, generator=part, row_dim=row_dim),
                "rand": sharding.rand(local, generator=part, row_dim=row_dim),
            }
        for name, value in got.items():
            assert torch.equal(value, expected[name].narrow(row_dim, start, stop - start))
        assert torch.equal(part.get_state(), whole.get_state())  # generators stay in step


def test_sharded_bernoulli_is_the_rows_of_the_global_draw():
    p = torch.rand(7, 4, generator=torch.Generator().manual_seed(3))
    expected = sharding.bernoulli(p, generator=torch.Generator().manual_seed(0))
    with sharding.holding(sharding.Shard(3, 7, 7)):
        got = sharding.bernoulli(p[3:], generator=torch.Generator().manual_seed(0))
    assert torch.equal(got, expected[3:])


@pytest.mark.parametrize("world_size", [1, 2, 3])
def test_batch_shards_split_every_batch_among_the_ranks(world_size):
    for size in range(8):
        parts = [distributed.batch_shard(size, r, world_size) for r in range(world_size)]
        assert parts[0][0] == 0 and parts[-1][1] == size
        assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))
        assert max(b - a for a, b in parts) - min(b - a for a, b in parts) <= 1


def test_distributed_parameter_is_checked(monkeypatch):
    X = np.random.default_rng(0).random((20, 4))
    with pytest.raises(InvalidParameterError, match="distributed"):
        aekit.Autoencoder(distributed="yes", max_iter=1).fit(X)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with pytest.raises(ValueError, match="torchrun"):
        aekit.Autoencoder(distributed=True, max_iter=1).fit(X)
    monkeypatch.setenv("WORLD_SIZE", "1")  # torchrun with one process: trains alone
    assert aekit.Autoencoder(max_iter=1, latent_dim=2).fit(X).n_iter_ == 1
    for raw in ("soon", "inf", "1e30"):  # inf and 1e30: OverflowError tracebacks before
        monkeypatch.setenv(distributed.TIMEOUT_ENV, raw)
        with pytest.raises(ValueError, match="AEKIT_DISTRIBUTED_TIMEOUT=.* at most 604800"):
            distributed.timeout()
    monkeypatch.setenv(distributed.TIMEOUT_ENV, "604800")
    assert distributed.timeout().days == 7


def test_the_run_parts_processes_compare_tell_runs_apart_and_agree_on_one():
    from aekit.core.same_run import _checksum, run_parts

    X = torch.from_numpy(load_digits()[0][:300]).float()
    module = torch.nn.Linear(64, 4)
    config = tiny_config(None, distributed=True)
    same = run_parts(module, X, None, config)
    assert same == run_parts(module, X.clone(), None, config)
    one_cell = X.clone()
    one_cell[138, 5] += 1.0  # a row no sample reads (137 and 142 are): every value counts
    assert run_parts(module, one_cell, None, config)["the data"] != same["the data"]
    wider = run_parts(torch.nn.Linear(64, 5), X, None, config)
    assert wider["the network"] != same["the network"] and wider["the data"] == same["the data"]
    config.batch_size += 1
    assert (
        run_parts(module, X, None, config)["the training settings"] != same["the training settings"]
    )
    # exact whatever the order of the additions (a float sum's last bits are not)
    torch.testing.assert_close(_checksum(X), _checksum(X.flip(0)), rtol=0, atol=0)
    labels = torch.arange(300)
    assert (
        run_parts(module, X, labels, config)["the data"]
        != run_parts(module, X, labels.flip(0), config)["the data"]
    )
