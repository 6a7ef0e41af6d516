"""The processes of tests/test_distributed.py: what each rank runs, and how they are launched.
A module of its own, importing only torch and aekit's core, because every spawned process imports
it: a test module would make each of them import pytest and scikit-learn as well."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from aekit.core import sharding
from aekit.core.train import TrainConfig, train

JOIN_TIMEOUT_S = 120  # per launch; a healthy launch takes a few seconds
VAE = {
    "latent_dim": 4,
    "hidden_layer_sizes": (32,),
    "batch_size": 64,
    "early_stopping": True,  # validation sums reduced across processes
    "n_iter_no_change": 100,
    "random_state": 0,
    "device": "cpu",
}
# A sparse autoencoder whose dead code units are revived after epochs 1 to 3 (4 of its 8 units
# are dead after the first epoch on these rows).
SPARSE = {**VAE, "latent_dim": 8, "max_iter": 4, "early_stopping": False}
HANG_S = 30  # the longest the stuck rank of stuck_in_round_3 stays stuck
HANG_TIMEOUT_S = 3  # the collective timeout of that launch
# 641 rows: 64 for validation, 577 = 9 * 64 + 1 for training, so each epoch ends with a batch of
# one row, which leaves rank 0 without a row of its own.
N_ROWS = 641


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _entry(target, rank: int, world_size: int, port: int, timeout_s: float, args: tuple) -> None:
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(world_size),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        AEKIT_DISTRIBUTED_TIMEOUT=str(timeout_s),
    )
    torch.set_num_threads(1)
    try:
        target(rank, *args)
    except BaseException:  # as multiprocessing reports it: the traceback, exit code 1
        traceback.print_exc()
        _exit(1)
    _exit(0)


def _exit(code: int) -> None:
    """End the worker with ``code`` once its work is done, skipping the interpreter's teardown:
    torch's C++ teardown of a process group at exit aborted a worker now and then ("terminate
    called without an active exception", exit -6; twice in two sessions of full-suite runs,
    never when run alone) after every file the test reads was written."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def launch(target, *args, world_size: int = 2, timeout_s: float = 60) -> list[int]:
    """Run ``target(rank, *args)`` in ``world_size`` spawned processes, as torchrun would, with
    a collective timeout (AEKIT_DISTRIBUTED_TIMEOUT) of ``timeout_s``; their exit codes.
    Processes still running at JOIN_TIMEOUT_S are killed and the test fails."""
    context = multiprocessing.get_context("spawn")
    port = _free_port()
    processes = [
        context.Process(target=_entry, args=(target, rank, world_size, port, timeout_s, args))
        for rank in range(world_size)
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + JOIN_TIMEOUT_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    hung = [rank for rank, process in enumerate(processes) if process.is_alive()]
    for process in processes:
        if process.is_alive():
            process.kill()
    assert not hung, f"ranks {hung} still running after {JOIN_TIMEOUT_S} s: a hang"
    return [process.exitcode for process in processes]


class TinyDenoiser(nn.Module):
    """A module as the trainer wants it, with noise drawn per row; it can be told to fail."""

    def __init__(self, fail: str = "", rank: int = 0, out: Path | None = None) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):  # the same weights in every process
            torch.manual_seed(0)
            self.net = nn.Sequential(nn.Linear(8, 3), nn.Tanh(), nn.Linear(3, 8))
        self.fail, self.rank, self.steps, self.out = fail, rank, 0, out

    def forward(self, x, y, generator, epoch=0):
        if self.training:
            self.steps += 1
            if self.rank == 1 and self.fail == "raise" and self.steps == 3:
                (self.out / "failed_at").write_text(str(time.time()))
                raise ValueError("row 7 of the shard is bad")
            if self.rank == 1 and self.fail == "kill" and self.steps == 12:  # 2nd of epoch 3
                (self.out / "failed_at").write_text(str(time.time()))
                os.kill(os.getpid(), signal.SIGKILL)
            if self.rank == 1 and self.fail == "interrupt" and self.steps == 12:  # Ctrl-C
                (self.out / "failed_at").write_text(str(time.time()))
                raise KeyboardInterrupt
            x_in = x + 0.1 * sharding.randn(x.shape, generator=generator, dtype=x.dtype)
        else:
            x_in = x
        return {"loss": (self.net(x_in) - x).pow(2).sum(dim=1).mean()}


def tiny_rows() -> torch.Tensor:
    return torch.randn(300, 8, generator=torch.Generator().manual_seed(1))


def tiny_config(checkpoint: Path | None, distributed: bool, max_iter: int = 4) -> TrainConfig:
    return TrainConfig(
        max_iter=max_iter,
        batch_size=64,  # 300 = 4 * 64 + 44: an uneven last batch
        learning_rate=1e-2,
        checkpoint_path=checkpoint,
        fingerprint="tiny",
        distributed=distributed,
    )


def tiny_fit(module: nn.Module, config: TrainConfig) -> dict[str, np.ndarray]:
    train(module, tiny_rows(), config=config, generator=torch.Generator().manual_seed(2))
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def _record(path: Path, error: BaseException) -> None:
    """The error a rank stopped with, and when (to compare with ``failed_at``)."""
    caught = time.time()
    path.write_text(json.dumps({"type": type(error).__name__, "message": str(error), "at": caught}))


def vae_then_raise(rank: int, out: Path) -> None:
    """The VAE twice (the second fit resumes the 2 ranks' checkpoint), then a rank that raises."""
    import aekit
    from aekit.data.datasets import load_digits

    X, y = load_digits()
    with warnings.catch_warnings(record=True) as said:  # the fits' warnings, rank 0's alone
        warnings.simplefilter("always")
        vae = aekit.VAE(max_iter=2, checkpoint_dir=out / "ckpt", **VAE).fit(X[:N_ROWS])
    vae.set_params(max_iter=3).fit(X[:N_ROWS])  # resumes epoch 3 from the 2 ranks' checkpoint
    np.save(out / f"codes{rank}.npy", vae.transform(X[:N_ROWS]))
    (out / f"history{rank}.json").write_text(json.dumps(vae.history_))
    (out / f"warnings{rank}.json").write_text(json.dumps([str(w.message) for w in said]))
    sparse = aekit.SparseAutoencoder(**SPARSE).fit(X[:N_ROWS])  # revives dead units
    np.save(out / f"sparse{rank}.npy", sparse.transform(X[:N_ROWS]))
    cvae = aekit.ConditionalVAE(max_iter=2, **VAE).fit(X[:N_ROWS], y[:N_ROWS])  # sampler="gmm"
    np.savez(out / f"cvae{rank}.npz", **cvae.sampler_)
    _disagreeing_fits(rank, out, X[:N_ROWS])
    _tiny_fails("raise", rank, out, None)


def _disagreeing_fits(rank: int, out: Path, X: np.ndarray) -> None:
    """Fits whose processes were given other rows, another width or another batch size: they
    trained on a mix of both files and exited 0, failed in DDP's words, or aborted in gloo."""
    import aekit

    params = {**VAE, "max_iter": 1}
    cases = {
        "rows": (X[::-1] if rank else X, params),
        "width": (X[:, : 40 if rank else 64], params),
        "batch": (X, {**params, "batch_size": 32 if rank else 64}),
    }
    said = {}
    for case, (rows, kwargs) in cases.items():
        try:
            aekit.Autoencoder(**kwargs).fit(rows)
            said[case] = "fitted"
        except Exception as error:
            said[case] = f"{type(error).__name__}: {error}"
    (out / f"disagree{rank}.json").write_text(json.dumps(said))


def killed_in_epoch_3(rank: int, out: Path) -> None:
    _tiny_fails("kill", rank, out, out / "tiny.safetensors")


def interrupted_in_epoch_3(rank: int, out: Path) -> None:
    """Rank 1 gets a KeyboardInterrupt (its process alone: a signal sent to it) and exits."""
    _tiny_fails("interrupt", rank, out, None)


def stuck_in_round_3(rank: int, out: Path) -> None:
    """The trainer's collectives (Group.sum, as for epoch and validation sums; DDP's gradient
    all-reduce runs on the same process group and timeout) under ``Group.failures``; rank 1
    stops answering before round 3 until rank 0 has given up. (The trainer itself is not used:
    building DDP imports torch._dynamo, 5 s a process here, which the other tests pay.) The
    ranks start together (a file barrier), so the short timeout cannot fire while one of them
    is still importing."""
    from aekit.core.distributed import Group

    (out / f"ready{rank}").touch()
    while not all((out / f"ready{r}").exists() for r in (0, 1)):
        time.sleep(0.02)
    try:
        group = Group(True, torch.device("cpu"))
        with group.failures():
            for round_ in range(6):
                if rank == 1 and round_ == 3:  # stuck, silent, until rank 0 gave up
                    (out / "failed_at").write_text(str(time.time()))
                    deadline = time.monotonic() + HANG_S
                    while not (out / "hang0.json").exists() and time.monotonic() < deadline:
                        time.sleep(0.05)
                group.sum(torch.ones(3))
    except Exception as error:
        _record(out / f"hang{rank}.json", error)
    os._exit(0)  # skip the interpreter's teardown (2 s of this test otherwise): all is written


def _tiny_fails(fail: str, rank: int, out: Path, checkpoint: Path | None) -> None:
    try:
        tiny_fit(TinyDenoiser(fail, rank, out), tiny_config(checkpoint, True))
    except Exception as error:
        _record(out / f"{fail}{rank}.json", error)
