"""aekit on a GPU: every figure of issue 14 from one script (under 5 minutes on one H200).

What it measures
----------------
1. **Training throughput**: the MLP VAE 784-512-256-32 of ``throughput.py`` on MNIST (60,000
   rows), aekit's end-to-end ``fit`` against a minimal hand-written loop on the same device
   (same network and objective, fused Adam, the data moved to the device inside the timing as
   ``fit`` must do), at batch 128, 512 and 4096 for 10 epochs and batch 512 for 2 epochs; best
   of ``--repeats``. aekit runs eagerly, with ``compile=True`` and with ``precision="bf16"``.
   A compiled fit is timed warm (the process has compiled the step once already; the first,
   compiling fit's time is reported apart). Bars: fit / minimal >= 0.95 in every row; compiled
   at batch 512 >= 1.5x the eager minimal loop.
2. **Conv VAE at 3x64x64** (``architecture="conv"``, synthetic smooth images, 8,192 rows,
   batch 256): float32 against ``precision="bf16"``, seconds and final loss. Bar: bf16 >= 1.3x
   faster, final loss within 1%.
3. **AnomalyDetector()** (defaults, three members) on 10,000 MNIST rows: fit seconds on the GPU
   against the CPU. Bar: the GPU no slower.
4. **Inference**: rows/s of ``transform`` and ``score_samples`` of the fitted VAE on 60,000 rows.

Without MNIST under ``--data-dir`` it uses random binary images of the same shape (and says
so). ``--quick``: a smoke run of every part on a few hundred rows, which also runs on a CPU-only
machine (there ``compile`` uses the ``aot_eager`` backend: the CPU's code generation takes
minutes). Results go to ``benchmarks/results/gpu.json`` (``--out``).

Reproduce on a GPU machine, from the repository root::

    python benchmarks/gpu.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from _common import command_line, machine_info, mnist_dir, print_table, write_result
from throughput import LATENT, MinimalVAE

import aekit
import aekit.devices
from aekit.data.datasets import load_mnist


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, device: torch.device) -> tuple[float, object]:
    sync(device)
    started = time.perf_counter()
    out = fn()
    sync(device)
    return time.perf_counter() - started, out


# ---- 1. throughput -----------------------------------------------------------------------------
def minimal_fit(X: np.ndarray, batch_size: int, epochs: int, device: torch.device) -> float:
    """The hand-written loop on ``device``: data moved once, fused Adam, no accounting."""

    def run():
        torch.manual_seed(0)
        model = MinimalVAE().to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
        generator = torch.Generator(device).manual_seed(1)
        data = torch.from_numpy(X).to(device)
        n = len(data)
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator, device=device)
            for start in range(0, n, batch_size):
                xb = data[order[start : start + batch_size]]
                mu, log_var = model.encoder(xb).chunk(2, dim=1)
                eps = torch.randn(mu.shape, generator=generator, device=device)
                logits = model.decoder(mu + torch.exp(0.5 * log_var) * eps)
                bce = F.binary_cross_entropy_with_logits(logits, xb, reduction="none").sum(1)
                kl = -0.5 * (1 + log_var - mu.pow(2) - log_var.exp()).sum(1)
                loss = (bce + kl).mean()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()

    return timed(run, device)[0]


def vae(batch_size: int, epochs: int, device: torch.device, **options) -> aekit.VAE:
    return aekit.VAE(
        latent_dim=LATENT,
        hidden_layer_sizes=(512, 256),
        batch_size=batch_size,
        max_iter=epochs,
        n_iter_no_change=10**6,
        random_state=0,
        device=device.type,
        **options,
    )


def fit_seconds(X, batch_size, epochs, device, **options) -> tuple[float, aekit.VAE]:
    est = vae(batch_size, epochs, device, **options)
    return timed(lambda: est.fit(X), device)


def throughput(X, runs, repeats, device) -> list[dict]:
    rows = []
    for batch_size, epochs in runs:
        best = {"minimal": [], "eager": [], "compiled": [], "bf16": []}
        # The first compiled fit compiles (once per batch size: the shapes are the graphs').
        first_compiled, _ = fit_seconds(X, batch_size, epochs, device, compile=True)
        for _ in range(repeats):
            best["minimal"].append(minimal_fit(X, batch_size, epochs, device))
            best["eager"].append(fit_seconds(X, batch_size, epochs, device)[0])
            best["compiled"].append(fit_seconds(X, batch_size, epochs, device, compile=True)[0])
            best["bf16"].append(fit_seconds(X, batch_size, epochs, device, precision="bf16")[0])
        t = {name: min(times) for name, times in best.items()}
        rows.append(
            {
                "batch_size": batch_size,
                "epochs": epochs,
                "seconds": t,
                "all_seconds": best,
                "first_compiled_fit_seconds": first_compiled,
                "fit_over_minimal": t["minimal"] / t["eager"],
                "compiled_over_minimal": t["minimal"] / t["compiled"],
                "bf16_over_minimal": t["minimal"] / t["bf16"],
                "minimal_rows_per_s": len(X) * epochs / t["minimal"],
            }
        )
        print(f"  batch {batch_size} x {epochs} epochs: {t}", flush=True)
    return rows


# ---- 2. conv VAE ---------------------------------------------------------------------------------
def smooth_images(n: int, size: int, seed: int = 0) -> np.ndarray:
    """(n, 3, size, size) in [0, 1]: a few random Gaussian blobs per channel."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(-1, 1, size, dtype=np.float32)
    yy, xx = np.meshgrid(grid, grid, indexing="ij")
    images = np.zeros((n, 3, size, size), np.float32)
    for _ in range(3):
        cx, cy = rng.uniform(-0.7, 0.7, (2, n, 3, 1, 1)).astype(np.float32)
        width = rng.uniform(0.1, 0.4, (n, 3, 1, 1)).astype(np.float32)
        images += np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * width**2))
    return np.clip(images, 0, 1)


def conv_vae(images, epochs, device) -> dict:
    params = dict(
        architecture="conv", hidden_layer_sizes=(32, 64, 128), latent_dim=32,
        batch_size=256, max_iter=epochs, n_iter_no_change=10**6, random_state=0,
        device=device.type,
    )  # fmt: skip
    aekit.VAE(**{**params, "max_iter": 1}).fit(images[:512])  # warm-up: cuDNN's autotuning
    aekit.VAE(**{**params, "max_iter": 1}, precision="bf16").fit(images[:512])
    out = {}
    for precision in ("float32", "bf16"):
        seconds, est = fit_seconds_any(aekit.VAE(**params, precision=precision), images, device)
        out[precision] = {"seconds": seconds, "final_loss": est.loss_curve_[-1]}
    out["speedup"] = out["float32"]["seconds"] / out["bf16"]["seconds"]
    out["loss_change"] = out["bf16"]["final_loss"] / out["float32"]["final_loss"] - 1
    return out


def fit_seconds_any(est, X, device):
    return timed(lambda: est.fit(X), device)


# ---- 3. the detector -----------------------------------------------------------------------------
def detector(X, device, quick) -> dict:
    """``AnomalyDetector()`` as a user gets it: its members' ``device="auto"`` is pinned to
    each device in turn (quick: tiny members)."""
    out = {}
    for name in dict.fromkeys((device.type, "cpu")):
        member = aekit.Autoencoder(hidden_layer_sizes=(16,), max_iter=2) if quick else None
        est = aekit.AnomalyDetector(estimator=member, random_state=0)
        real_auto = aekit.devices.auto_device
        aekit.devices.auto_device = lambda name=name: torch.device(name)
        try:
            out[name] = timed(lambda est=est: est.fit(X), torch.device(name))[0]
        finally:
            aekit.devices.auto_device = real_auto
    if device.type == "cuda":
        out["gpu_over_cpu"] = out["cuda"] / out["cpu"]
    return out


# ---- 4. inference --------------------------------------------------------------------------------
def inference(est, X, device) -> dict:
    est.transform(X[:256])  # warm-up
    t_transform, _ = timed(lambda: est.transform(X), device)
    t_score, _ = timed(lambda: est.score_samples(X), device)
    return {"transform_rows_per_s": len(X) / t_transform, "score_rows_per_s": len(X) / t_score}


# ---- main ----------------------------------------------------------------------------------------
def load_data(data_dir: str, n_rows: int) -> tuple[np.ndarray, str]:
    try:
        X, _ = load_mnist(mnist_dir(data_dir), "train")
        return np.ascontiguousarray(X[:n_rows]), "MNIST"
    except (FileNotFoundError, OSError, ValueError):
        rng = np.random.default_rng(0)
        return (rng.random((n_rows, 784)) < 0.13).astype(np.float32), "random binary (no MNIST)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", default="benchmarks/results/gpu.json")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="smoke run of every part")
    args = parser.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    quick = args.quick
    if device.type == "cpu" and not quick:
        print("no GPU here: the figures of a CPU run are not the issue's; use --quick to smoke")
    if quick and device.type == "cpu":  # inductor's C++ compile of each step takes minutes
        real_compile = torch.compile
        torch.compile = lambda module, mode=None: real_compile(module, backend="aot_eager")
    warnings.filterwarnings("ignore", message="latent_dim=")
    X, source = load_data(args.data_dir, 600 if quick else 60_000)
    runs = [(128, 1), (512, 1)] if quick else [(128, 10), (512, 10), (4096, 10), (512, 2)]
    repeats = 1 if quick else args.repeats
    name = torch.cuda.get_device_name() if device.type == "cuda" else "CPU"
    print(f"{name}, torch {torch.__version__}, data {source} {X.shape}", flush=True)
    started = time.perf_counter()

    print("1. training throughput", flush=True)
    rows = throughput(X, runs, repeats, device)
    print("2. conv VAE 3x64x64", flush=True)
    images = smooth_images(64 if quick else 8192, 64)
    conv = conv_vae(images, 1 if quick else 3, device)
    print("3. anomaly detector", flush=True)
    detect = detector(X[: 300 if quick else 10_000], device, quick)
    print("4. inference", flush=True)
    fitted = vae(512, 1, device).fit(X)
    infer = inference(fitted, X, device)

    print_table(
        f"VAE 784-512-256-32 on {source}, {len(X):,} rows, {name}: fit / minimal loop "
        f"(best of {repeats}; > 1 is faster than the minimal loop)",
        ["batch", "epochs", "minimal s", "fit eager", "fit compiled", "fit bf16", "1st compiled s"],
        [
            [
                str(r["batch_size"]),
                str(r["epochs"]),
                f"{r['seconds']['minimal']:.3f}",
                f"{r['fit_over_minimal']:.2f}",
                f"{r['compiled_over_minimal']:.2f}",
                f"{r['bf16_over_minimal']:.2f}",
                f"{r['first_compiled_fit_seconds']:.1f}",
            ]
            for r in rows
        ],
    )
    print_table(
        f"conv VAE 3x64x64, {len(images):,} images",
        ["float32 s", "bf16 s", "speedup", "float32 loss", "bf16 loss", "loss change"],
        [
            [
                f"{conv['float32']['seconds']:.2f}",
                f"{conv['bf16']['seconds']:.2f}",
                f"{conv['speedup']:.2f}",
                f"{conv['float32']['final_loss']:.2f}",
                f"{conv['bf16']['final_loss']:.2f}",
                f"{100 * conv['loss_change']:+.2f}%",
            ]
        ],
    )
    print_table(
        "AnomalyDetector fit seconds, and inference",
        ["device", "detector fit s", "transform rows/s", "score_samples rows/s"],
        [
            [
                device.type,
                f"{detect[device.type]:.2f}",
                f"{infer['transform_rows_per_s']:,.0f}",
                f"{infer['score_rows_per_s']:,.0f}",
            ],
            *([["cpu", f"{detect['cpu']:.2f}", "", ""]] if device.type == "cuda" else []),
        ],
    )
    by_batch = {(r["batch_size"], r["epochs"]): r for r in rows}
    bars = {
        "fit_over_minimal >= 0.95 everywhere": all(r["fit_over_minimal"] >= 0.95 for r in rows),
        "compiled >= 1.5x minimal at batch 512": by_batch.get((512, 10), rows[-1])[
            "compiled_over_minimal"
        ]
        >= 1.5,
        "bf16 conv >= 1.3x float32, loss within 1%": conv["speedup"] >= 1.3
        and abs(conv["loss_change"]) <= 0.01,
        "detector on the GPU no slower than on the CPU": detect["gpu_over_cpu"] <= 1.0
        if "gpu_over_cpu" in detect
        else None,
    }
    for bar, ok in bars.items():
        print(f"{'n/a (no GPU)' if ok is None else 'PASS' if ok else 'FAIL'}: {bar}")
    seconds = time.perf_counter() - started
    print(f"total {seconds:.0f} s")
    write_result(
        args.out,
        {
            "benchmark": "gpu",
            "device": name,
            "data": source,
            "quick": quick,
            "throughput": rows,
            "conv_vae": conv,
            "detector_seconds": detect,
            "inference": infer,
            "bars": bars,
            "seconds": seconds,
            "command": command_line(argv),
            "machine": machine_info(),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
