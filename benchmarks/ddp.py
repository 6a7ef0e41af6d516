"""Training on several processes (DDP through torchrun): speed, the weights-equal check, and a
``kill -9`` of one rank followed by a rerun that resumes from the checkpoint.

What it measures
----------------
An MLP VAE 784-512-256-(2x32) (``aekit.VAE(latent_dim=32, hidden_layer_sizes=(512, 256))``,
Adam, global batch ``--batch-size``, default 256) on the first ``--n-rows`` (default 10,000)
MNIST training rows for ``--epochs`` (default 3) epochs, trained

* by one process with 1 torch thread, and with 2 threads (one process using both cores);
* by 2 processes of 1 thread each, ``torchrun --nproc_per_node=2`` (gloo on the CPU), each
  taking half of every global batch;
* by 2 processes again with a checkpoint folder, one rank killed with ``SIGKILL`` in the middle
  of the third epoch, then the same torchrun command run again, which resumes from the
  checkpoint of epoch 2.

Reported: seconds per epoch (median and fastest epoch, from the trainer's own epoch times on
rank 0, the process group already joined) and samples/s, the largest difference of the codes
of the first 2,000 MNIST test rows and of any weight between each run and the 1-process
1-thread run, and for the kill: the exit status of the killed launch, the epoch the rerun
resumed from and its difference from the uninterrupted 2-process run.

On 2 cores the gain of 2 processes is small: the one process with 2 threads already uses both
cores for its matrix products, and 2 processes add an all-reduce of the gradients (1.3 M
parameters, 5 MB) every step. The point here is that the processes follow the one-process
optimisation; DDP pays off with one process per GPU or per machine.

The bar, ``--digits``: ``aekit train digits`` (the default VAE, 100 epochs of the 1,797
bundled digits as 1x8x8 images, batch 200) by one process and by 2 gloo processes under
torchrun, the codes of all digits compared after 3, 10, 30 and 100 epochs (one run each,
resuming its own checkpoint). Float rounding differs between the two (the gradient of a batch
is summed in another order), and training amplifies any difference over the epochs; as the
yardstick of that amplification, a third run is one process whose initial weights were
multiplied by ``1 + 2**-23`` (about one unit in the last place of float32). ``--tabular``: the
same three runs on a table (an ``Autoencoder`` 60-16-4 on ``--n-rows`` rows of 60 Gaussian
columns, global batch ``--batch-size``, after 1, 3, 10 and 30 epochs): how far the processes
drift apart depends on the data, the model, the batch and the number of steps.

Reproduce (from the repository root; a few minutes on 2 idle CPU cores)::

    .venv/bin/python benchmarks/ddp.py --data-dir ../shared/data
    .venv/bin/python benchmarks/ddp.py --digits   # the bar: results/ddp-digits.json
    .venv/bin/python benchmarks/ddp.py --tabular --n-rows 4000   # results/ddp-tabular.json

Results go to ``benchmarks/results/ddp.json`` (``--out``). ``--quick``: 2,000 rows, 3 epochs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()


# ---- one training process (run by this script, alone or under torchrun) --------------------
def worker(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads)
    from _common import mnist_dir

    import aekit
    import aekit.estimators._base as base
    from aekit.core import distributed
    from aekit.data.datasets import load_mnist

    work = Path(args.work)
    if distributed.launched():
        (work / f"pid{os.environ['RANK']}").write_text(str(os.getpid()))
        distributed.join(torch.device("cpu"))  # before the clock: startup skew is not training
        torch.distributed.barrier()
    X, _ = load_mnist(mnist_dir(args.data_dir), "train")
    X_test, _ = load_mnist(mnist_dir(args.data_dir), "test")
    X = X.reshape(len(X), -1)[: args.n_rows]
    X_test = X_test.reshape(len(X_test), -1)[:2000]

    epochs: list[float] = []
    real_train = base.train

    def timed_train(*a, **k):  # the trainer's own epoch times (callbacks run on rank 0)
        k["callbacks"] = [*k.get("callbacks", ()), lambda report: epochs.append(report.seconds)]
        return real_train(*a, **k)

    base.train = timed_train
    vae = aekit.VAE(
        latent_dim=32,
        hidden_layer_sizes=(512, 256),
        batch_size=args.batch_size,
        max_iter=args.epochs,
        n_iter_no_change=10**6,
        random_state=0,
        device="cpu",
        checkpoint_dir=args.checkpoint_dir,
    )
    started = time.perf_counter()
    vae.fit(X)
    seconds = time.perf_counter() - started
    if distributed.rank() != 0:
        return
    np.save(work / f"{args.name}-codes.npy", vae.transform(X_test))
    weights = {k: v.detach().numpy() for k, v in vae.model_.state_dict().items()}
    np.savez(work / f"{args.name}-weights.npz", **weights)
    (work / f"{args.name}.json").write_text(
        json.dumps({"fit_s": seconds, "epoch_s": epochs, "n_iter": vae.n_iter_})
    )


DIGITS_EPOCHS = (3, 10, 30, 100)


# --tabular: the same bar on a table of rows that are not images: --n-rows rows x 60 columns of
# independent Gaussians with standard deviations 1..60 (the rows of the reviewer's 300k-row file),
# an Autoencoder 60-16-4, global batch --batch-size.
TABULAR_EPOCHS = (1, 3, 10, 30)
TABULAR_COLUMNS = 60


def tabular_rows(n_rows: int) -> np.ndarray:
    rows = np.random.RandomState(0).normal(size=(n_rows, TABULAR_COLUMNS))
    return (rows * np.arange(1, TABULAR_COLUMNS + 1)).astype(np.float32)


def digits_worker(args: argparse.Namespace) -> None:
    """What ``aekit train digits`` fits (``--tabular``: the table above), stopped after each of
    its epoch counts to save codes."""
    import torch

    torch.set_num_threads(1)
    import aekit
    import aekit.estimators._base as base
    from aekit.cli.common import read_data
    from aekit.core import distributed

    if args.nudge:  # every initial weight times 1 + 2**-23: the float yardstick
        real_reset = base.reset_parameters

        def nudged(module, generator):
            real_reset(module, generator)
            with torch.no_grad():
                for parameter in module.parameters():
                    parameter.mul_(1 + 2**-23)

        base.reset_parameters = nudged
    checkpoints = Path(args.work) / f"{args.name}-ckpt"
    if args.tabular:
        X, y = tabular_rows(args.n_rows), None
        vae = aekit.Autoencoder(
            latent_dim=4,
            hidden_layer_sizes=(16,),
            batch_size=args.batch_size,
            n_iter_no_change=10**6,
            random_state=0,
            checkpoint_dir=checkpoints,
        )
    else:
        X, y = read_data("digits", None, None, None, False)
        vae = aekit.VAE(random_state=0, checkpoint_dir=checkpoints)
    for epochs in TABULAR_EPOCHS if args.tabular else DIGITS_EPOCHS:
        vae.set_params(max_iter=epochs).fit(X, y)  # resumes the last stop
        if distributed.rank() == 0:
            np.save(Path(args.work) / f"{args.name}-{epochs}.npy", vae.transform(X))


def digits_bar(args) -> None:
    from _common import command_line, machine_info, print_table, write_result

    epoch_counts = TABULAR_EPOCHS if args.tabular else DIGITS_EPOCHS

    with tempfile.TemporaryDirectory() as work:
        args.work = work
        for name, processes, nudge in [("one", 1, False), ("two", 2, False), ("nudged", 1, True)]:
            command = _command(args, name, processes, 1, None) + ["--digits"]
            command += ["--nudge"] if nudge else []
            command += ["--tabular"] if args.tabular else []
            subprocess.run(command, env=_environment(), check=True)
        codes = {
            (name, e): np.load(Path(work) / f"{name}-{e}.npy")
            for name in ("one", "two", "nudged")
            for e in epoch_counts
        }
    rows, result = [], {}
    for e in epoch_counts:
        two = float(np.abs(codes["two", e] - codes["one", e]).max())
        nudged = float(np.abs(codes["nudged", e] - codes["one", e]).max())
        scale = float(np.abs(codes["one", e]).max())
        result[e] = {"two_processes": two, "nudged_one_process": nudged, "largest_code": scale}
        rows.append([str(e), f"{two:.1e}", f"{nudged:.1e}", f"{scale:.2f}"])
    title = (
        f"Autoencoder 60-16-4 on {args.n_rows:,} x {TABULAR_COLUMNS} Gaussian rows, batch "
        f"{args.batch_size} ({-(-args.n_rows // args.batch_size)} steps an epoch)"
        if args.tabular
        else "aekit train digits (VAE)"
    )
    print_table(
        f"{title}: largest code difference from 1 process",
        ["epochs", "2 processes (torchrun)", "1 process, weights x (1 + 2^-23)", "largest code"],
        rows,
    )
    name = "ddp-tabular.json" if args.tabular else "ddp-digits.json"
    out = Path(args.out).with_name(name) if args.out_default else Path(args.out)
    settings = {"n_rows": args.n_rows, "batch_size": args.batch_size} if args.tabular else {}
    write_result(
        out,
        {"command": command_line(None), "machine": machine_info(), **settings, "epochs": result},
    )


# ---- the launches -----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command(args, name: str, processes: int, threads: int, checkpoint: Path | None) -> list:
    script = [str(HERE), "--worker", "--name", name, "--work", str(args.work)]
    script += ["--threads", str(threads), "--data-dir", args.data_dir]
    script += ["--n-rows", str(args.n_rows), "--epochs", str(args.epochs)]
    script += ["--batch-size", str(args.batch_size)]
    if checkpoint is not None:
        script += ["--checkpoint-dir", str(checkpoint)]
    if processes == 1:
        return [sys.executable, *script]
    launcher = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={processes}"]
    return [*launcher, f"--master_port={_free_port()}", *script]


def _environment() -> dict:
    src = str(HERE.parent.parent / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, str(HERE.parent)])}


def run(args, name: str, processes: int, threads: int) -> dict:
    subprocess.run(_command(args, name, processes, threads, None), env=_environment(), check=True)
    return json.loads((Path(args.work) / f"{name}.json").read_text())


def killed_and_resumed(args) -> dict:
    """2 processes with a checkpoint; rank 1 killed in epoch 3; the same command again."""
    from aekit.core.checkpoint import CHECKPOINT
    from aekit.io.files import read_file

    work, checkpoint = Path(args.work), Path(args.work) / "ckpt"
    command = _command(args, "resumed", 2, 1, checkpoint)
    launch = subprocess.Popen(command, env=_environment(), stderr=subprocess.PIPE, text=True)
    path = checkpoint / "checkpoint.safetensors"
    epoch_s = None
    while launch.poll() is None:
        if path.exists():
            n_iter = read_file(path, CHECKPOINT)[0]["n_iter"]
            if n_iter == 1 and epoch_s is None:
                epoch_s = time.monotonic()
            elif n_iter == 2:  # in the middle of epoch 3: half an epoch after the checkpoint
                one_epoch = time.monotonic() - epoch_s if epoch_s else 1.0
                time.sleep(one_epoch / 2)
                os.kill(int((work / "pid1").read_text()), signal.SIGKILL)
                break
        time.sleep(0.02)
    _, stderr = launch.communicate(timeout=600)
    killed_status = launch.returncode
    resumed_from = read_file(path, CHECKPOINT)[0]["n_iter"]
    rank0_said = [line for line in stderr.splitlines() if "ProcessLostError" in line][:1]
    rerun = subprocess.run(command, env=_environment(), check=True)
    return {
        "killed_launch_exit_status": killed_status,
        "rank0_error": rank0_said[0].strip() if rank0_said else None,
        "resumed_from_epoch": resumed_from,
        "rerun_exit_status": rerun.returncode,
    }


def difference(work: Path, a: str, b: str) -> dict:
    codes = np.abs(np.load(work / f"{a}-codes.npy") - np.load(work / f"{b}-codes.npy")).max()
    wa, wb = np.load(work / f"{a}-weights.npz"), np.load(work / f"{b}-weights.npz")
    weights = max(float(np.abs(wa[k] - wb[k]).max()) for k in wa.files)
    return {"codes_max_abs": float(codes), "weights_max_abs": weights}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--n-rows", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--out", default=str(HERE.parent / "results" / "ddp.json"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--checkpoint-dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--digits", action="store_true", help="the digits bar (see above)")
    parser.add_argument("--tabular", action="store_true", help="the bar on a table (see above)")
    parser.add_argument("--nudge", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.digits = args.digits or args.tabular  # the same comparison, on other data
    args.out_default = args.out == parser.get_default("out")
    if args.worker:
        return digits_worker(args) if args.digits else worker(args)
    if args.digits:
        return digits_bar(args)
    from _common import mnist_dir, require_images

    require_images(parser, mnist_dir(args.data_dir))
    if args.quick:
        args.n_rows, args.epochs = 2000, 3
    from _common import command_line, machine_info, print_table, write_result

    with tempfile.TemporaryDirectory() as work:
        args.work = work
        runs = {
            "1 process, 1 thread": ("one", 1, 1),
            "1 process, 2 threads": ("one2", 1, 2),
            "2 processes (gloo), 1 thread each": ("two", 2, 1),
        }
        rows, results = [], {}
        for label, (name, processes, threads) in runs.items():
            load = os.getloadavg()[0]
            timing = run(args, name, processes, threads)
            median, best = statistics.median(timing["epoch_s"]), min(timing["epoch_s"])
            diff = difference(Path(work), "one", name)
            results[label] = {**timing, **diff, "load_before": load}
            rows.append([
                label, f"{median:.2f}", f"{best:.2f}", f"{args.n_rows / median:,.0f}",
                f"{diff['codes_max_abs']:.1e}", f"{diff['weights_max_abs']:.1e}", f"{load:.1f}",
            ])  # fmt: skip
        kill = killed_and_resumed(args)
        kill.update(difference(Path(work), "two", "resumed"))
    print_table(
        f"VAE 784-512-256-32 on {args.n_rows:,} MNIST rows, batch {args.batch_size}, "
        f"{args.epochs} epochs (differences: against 1 process, 1 thread)",
        ["run", "epoch s (median)", "epoch s (best)", "samples/s", "codes", "weights", "load"],
        rows,
    )
    print(
        f"kill -9 of rank 1 in epoch 3: launch exit {kill['killed_launch_exit_status']}, "
        f"rerun resumed from epoch {kill['resumed_from_epoch']}, exit "
        f"{kill['rerun_exit_status']}; against the uninterrupted 2-process run: codes "
        f"{kill['codes_max_abs']:.1e}, weights {kill['weights_max_abs']:.1e}"
    )
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "settings": {k: getattr(args, k) for k in ("n_rows", "epochs", "batch_size")},
            "runs": results,
            "kill_and_resume": kill,
        },
    )


if __name__ == "__main__":
    main()
