"""Learned lossy compression on the MNIST and Fashion-MNIST test sets: aekit's Compressor against
JPEG and WebP (Pillow), bits per pixel against PSNR and SSIM, plotted.

aekit: one Compressor per dataset (trained on its training set) swept over quantization steps;
its rate counts every byte of the .aek file, header included, amortized over the test images
(the header is ~50 bytes for the whole set); ``bpp_payload`` is the header-free rate per image.
JPEG and WebP: each 28x28 grey image encoded on its own, qualities swept. ``bpp`` counts whole
files. JPEG's headers (quantization and Huffman tables, ~300 bytes) dwarf a 28x28 image, so
``bpp_payload`` also gives JPEG's entropy-coded scan alone (the tables are identical for every
image at one quality, so they could be sent once) and WebP's VP8 bitstream without the 20-byte
RIFF container; the bar is judged against JPEG's scan-only rate, the harder comparison.
Reconstructions are rounded to 8 bits for every codec; PSNR and SSIM (scikit-image, data range
1) are averaged over images. Bar: aekit's PSNR above JPEG's at every JPEG rate <= 1 bpp.

Two classical lossy codecs, entropy-coded by lzma, are swept too (:mod:`classical_codecs`):
transform coding (PCA fitted on the training images, coefficients rounded to a step) and
quantized pixels; a learned codec that loses to them has not earned its network.

Every dataset also gets two reference points: lzma (lossless, preset 9e) of the test pixels at
the data's own precision (8 bits; the bundled digits' 17 levels 0-16), and aekit at its default
quantization step (``step="auto"``, chosen at fit from the training rows), the rate a user gets
without choosing one. ``--datasets digits`` runs scikit-learn's bundled 8x8 digits (no download;
a 75/25 split, seed 0); ``--hidden`` with no widths uses the Compressor's default networks.

    python benchmarks/compress.py [--data-dir ../shared/data] [--quick]
    python benchmarks/compress.py --datasets digits --hidden \
        --out benchmarks/results/compress_digits.json
"""

from __future__ import annotations

import argparse
import io
import lzma
import time
from pathlib import Path

import numpy as np
import torch
from _common import (
    command_line,
    machine_info,
    print_table,
    require_bench_extra,
    require_images,
    write_result,
)
from classical_codecs import pca_curve, pixel_curve
from PIL import Image

from aekit.compression import Compressor, container
from aekit.data.datasets import load_digits, load_mnist

JPEG_QUALITIES = [1, 3, 5, 8, 10, 15, 20, 30, 40, 50, 60, 75, 90]
WEBP_QUALITIES = [0, 5, 10, 20, 30, 40, 50, 60, 75, 90]
STEPS = [0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]


def quality_metrics(original: np.ndarray, restored: np.ndarray) -> tuple[float, float]:
    """Mean PSNR (dB) and SSIM over images in [0, 1], restored rounded to 8 bits."""
    from skimage.metrics import structural_similarity  # the benchmarks' extra

    restored = np.round(np.clip(restored, 0, 1) * 255) / 255
    mse = ((original - restored) ** 2).reshape(len(original), -1).mean(axis=1)
    psnr = 10 * np.log10(1.0 / np.maximum(mse, 1e-10))
    side = original.shape[-1]
    ssim = [
        structural_similarity(a, b, data_range=1.0, win_size=min(7, side))
        for a, b in zip(original.reshape(-1, side, side), restored.reshape(-1, side, side))
    ]
    return float(psnr.mean()), float(np.mean(ssim))


def jpeg_scan_bytes(data: bytes) -> int:
    """Bytes of the entropy-coded scan: after the start-of-scan segment, up to and with EOI."""
    sos = data.index(b"\xff\xda")
    header_length = int.from_bytes(data[sos + 2 : sos + 4], "big")
    return len(data) - (sos + 2 + header_length)


def pillow_curve(images: np.ndarray, fmt: str, qualities: list[int]) -> list[dict]:
    side = images.shape[-1]
    pixels = np.round(images.reshape(-1, side, side) * 255).astype(np.uint8)
    points = []
    for quality in qualities:
        total, payload, restored = 0, 0, []
        for image in pixels:
            buffer = io.BytesIO()
            Image.fromarray(image, mode="L").save(buffer, format=fmt, quality=quality)
            data = buffer.getvalue()
            total += len(data)
            payload += jpeg_scan_bytes(data) if fmt == "JPEG" else len(data) - 20
            with Image.open(io.BytesIO(data)) as decoded:
                restored.append(np.asarray(decoded.convert("L"), dtype=np.float32) / 255)
        psnr, ssim = quality_metrics(images.reshape(-1, side, side), np.stack(restored))
        n_pixels = pixels.size
        points.append(
            {
                "quality": quality,
                "bpp": 8 * total / n_pixels,
                "bpp_payload": 8 * payload / n_pixels,
                "psnr": psnr,
                "ssim": ssim,
            }
        )
    return points


def lzma_point(images: np.ndarray, levels: int) -> dict:
    """Lossless: lzma of the pixels at the data's own precision (``levels`` - 1 = the maximum)."""
    pixels = np.round(images * (levels - 1)).astype(np.uint8)
    data = lzma.compress(pixels.tobytes(), preset=9 | lzma.PRESET_EXTREME)
    bpp = 8 * len(data) / pixels.size
    return {"bpp": bpp, "bytes": len(data)}


def aekit_curve(
    compressor: Compressor, images: np.ndarray, steps: list[float | None]
) -> list[dict]:
    """Rate and quality at each step; None is the compressor's default (its ``step_``)."""
    points = []
    for step in steps:
        data = compressor.compress(images, step=step)
        restored = compressor.decompress(data)
        psnr, ssim = quality_metrics(images, restored)
        n_pixels = images[0].size * len(images)
        points.append(
            {
                "step": compressor.step_ if step is None else step,
                "default": step is None,
                "bpp": 8 * len(data) / n_pixels,
                "bpp_payload": 8 * (len(data) - HEADER_BYTES) / n_pixels,
                "psnr": psnr,
                "ssim": ssim,
            }
        )
    return points


# .aek header and CRC for rows of shape (1, 28, 28): the file of an empty payload
HEADER_BYTES = len(container.pack(container.Container(bytes(16), 0, (1, 28, 28), 1.0, 1, b"")))


def bar_against(ours: list[dict], theirs: list[dict], key: str) -> tuple[bool, list]:
    """aekit's PSNR (interpolated in rate) above theirs at each of their rates <= 1 bpp."""
    ours = sorted(ours, key=lambda p: p["bpp"])
    rates = np.array([p["bpp"] for p in ours])
    psnrs = np.array([p["psnr"] for p in ours])
    checks = []
    for point in theirs:
        rate = point[key]
        if rate > 1.0:
            continue
        if not rates[0] <= rate <= rates[-1]:
            checks.append({"rate": rate, "theirs": point["psnr"], "ours": None, "above": False})
            continue
        at = float(np.interp(rate, rates, psnrs))
        checks.append(
            {"rate": rate, "theirs": point["psnr"], "ours": at, "above": at > point["psnr"]}
        )
    return bool(checks) and all(c["above"] for c in checks), checks


def plot(curves: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(curves), 2, figsize=(10, 4 * len(curves)), squeeze=False)
    for row, (dataset, methods) in enumerate(curves.items()):
        for col, metric in enumerate(["psnr", "ssim"]):
            ax = axes[row, col]
            for name, points in methods.items():
                points = sorted(points, key=lambda p: p[name_rate(name)])
                ax.plot(
                    [p[name_rate(name)] for p in points],
                    [p[metric] for p in points],
                    "o-",
                    label=name,
                    markersize=3,
                )
            ax.set_xscale("log")  # whole JPEG files of 28x28 images sit near 4 bpp
            ax.set_xlabel("bits per pixel (log scale)")
            ax.set_ylabel("PSNR (dB)" if metric == "psnr" else "SSIM")
            ax.set_title(f"{dataset}: {metric.upper()}")
            ax.axvline(1.0, color="grey", lw=0.5)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def name_rate(name: str) -> str:
    return "bpp_payload" if "payload" in name else "bpp"


def load(dataset: str, data_dir: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Training and test images (n, 1, H, W) in [0, 1], and the data's number of levels."""
    if dataset == "digits":
        X, _ = load_digits(as_images=True)
        order = np.random.default_rng(0).permutation(len(X))
        cut = int(0.75 * len(X))
        return X[order[:cut]], X[order[cut:]], 17
    folder = Path(data_dir) / dataset
    X_train, _ = load_mnist(folder, "train", as_images=True)
    X_test, _ = load_mnist(folder, "test", as_images=True)
    return X_train, X_test, 256


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--datasets", nargs="+", default=["mnist", "fashion-mnist"])
    parser.add_argument("--latent-dim", type=int, default=128)
    parser.add_argument("--rate-weight", type=float, default=0.001)
    parser.add_argument(
        "--epochs",
        type=lambda v: v if v == "auto" else int(v),
        default="auto",
        help="max_iter; 'auto' (the default): 30, more on small data (1,000 gradient steps)",
    )
    parser.add_argument("--hidden", type=int, nargs="*", default=[512, 256])
    parser.add_argument("--steps", type=float, nargs="+", default=STEPS)
    parser.add_argument("--n-train", type=int, default=None, help="first N training images")
    parser.add_argument("--n-test", type=int, default=None, help="first N test images")
    parser.add_argument("--quick", action="store_true", help="5k training, 1k test, 3 epochs")
    parser.add_argument("--out", default="benchmarks/results/compress.json")
    args = parser.parse_args(argv)
    require_bench_extra(parser, {"skimage": "the SSIM column"})
    require_images(parser, *(Path(args.data_dir) / d for d in args.datasets if d != "digits"))
    torch.set_num_threads(args.threads)
    started = time.perf_counter()

    curves, results, rows = {}, {}, []
    for dataset in args.datasets:
        X_train, X_test, levels = load(dataset, args.data_dir)
        epochs = args.epochs
        X_train, X_test = X_train[: args.n_train], X_test[: args.n_test]
        if args.quick:
            X_train, X_test, epochs = X_train[:5000], X_test[:1000], 3
        methods = {}
        for seed in args.seeds:
            fit_started = time.perf_counter()
            compressor = Compressor(
                args.latent_dim,
                rate_weight=args.rate_weight,
                hidden_layer_sizes=tuple(args.hidden) or None,
                max_iter=epochs,
                random_state=seed,
                device="cpu",
            ).fit(X_train)
            print(
                f"{dataset} seed {seed}: fit {time.perf_counter() - fit_started:.0f} s", flush=True
            )
            methods[f"aekit (seed {seed})"] = aekit_curve(compressor, X_test, args.steps)
            methods[f"aekit default step (seed {seed})"] = aekit_curve(compressor, X_test, [None])
        lossless = lzma_point(X_test, levels)
        methods["JPEG"] = pillow_curve(X_test, "JPEG", JPEG_QUALITIES)
        methods["WebP"] = pillow_curve(X_test, "WEBP", WEBP_QUALITIES)
        methods["PCA, rounded coefficients + lzma"] = pca_curve(X_train, X_test, quality_metrics)
        methods["quantized pixels + lzma"] = pixel_curve(X_test, quality_metrics)
        methods["JPEG scan only (payload)"] = methods["JPEG"]
        methods["WebP bitstream (payload)"] = methods["WebP"]
        curves[dataset] = methods
        ours = methods[f"aekit (seed {args.seeds[0]})"]
        default = methods[f"aekit default step (seed {args.seeds[0]})"][0]
        print(
            f"{dataset}: default step {default['step']}: {default['bpp']:.3f} bpp at "
            f"{default['psnr']:.2f} dB; lzma lossless {lossless['bpp']:.3f} bpp",
            flush=True,
        )
        met_scan, checks_scan = bar_against(ours, methods["JPEG"], "bpp_payload")
        met_full, checks_full = bar_against(ours, methods["JPEG"], "bpp")
        results[dataset] = {
            "curves": {k: v for k, v in methods.items() if "payload" not in k},
            "bar_vs_jpeg_scan_only": {"met": met_scan, "checks": checks_scan},
            "lzma_lossless": lossless,
            "default_step_below_lossless": default["bpp"] < lossless["bpp"],
            "bar_vs_jpeg_full_file": {
                "met": met_full,
                "checks": checks_full,
                "note": "no JPEG file of a 28x28 image is <= 1 bpp" if not checks_full else "",
            },
        }
        for name, points in methods.items():
            if "payload" in name:
                continue
            for p in points:
                knob = (
                    f"step {p['step']}" if "step" in p
                    else f"{p['levels']} levels" if "levels" in p
                    else f"q {p['quality']}"
                )  # fmt: skip
                knob += " (default)" if p.get("default") else ""
                rows.append(
                    [
                        dataset,
                        name,
                        knob,
                        f"{p['bpp']:.3f}",
                        f"{p['bpp_payload']:.3f}",
                        f"{p['psnr']:.2f}",
                        f"{p['ssim']:.3f}",
                    ]
                )
        smallest = min(p["bpp"] for p in methods["JPEG"])
        full = (
            f"met={met_full}" if checks_full else f"vacuous: no JPEG file <= 1 bpp ({smallest:.2f})"
        )
        print(f"{dataset}: bar vs JPEG scan-only met={met_scan}; vs whole JPEG files {full}")

    print_table(
        "bits per pixel vs quality (test sets)",
        ["dataset", "method", "setting", "bpp (file)", "bpp (payload)", "PSNR dB", "SSIM"],
        rows,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    plot(curves, out.with_suffix(".png"))
    wall = time.perf_counter() - started
    print(f"plot {out.with_suffix('.png')}; wall time {wall:.0f} s")
    result = {
        "benchmark": "compress",
        "command": command_line(argv),
        "settings": vars(args),
        "rates": "bpp: whole files (aekit: one file for the test set, header amortized); "
        "bpp_payload: aekit without header, JPEG scan only, WebP without RIFF container",
        "results": results,
        "wall_seconds": wall,
        "machine": machine_info(),
    }
    write_result(out, result)
    return result


if __name__ == "__main__":
    main()
