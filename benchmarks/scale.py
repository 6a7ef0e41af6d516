"""Data larger than memory: training and scoring from disk, time and peak memory against n.

What it measures
----------------
1. **Throughput** (``throughput``): the MNIST VAE of ``benchmarks/throughput.py`` (784-512-256-32,
   Bernoulli, Adam) on the first 20,000 MNIST training rows, 2 epochs, batch 128 and 512, fitted
   from an in-memory array and from the same rows memory-mapped (``np.load(mmap_mode="r")``,
   read batch by batch), alternating, best of ``--repeats``. Bar: memmap >= 0.8x in-memory.
2. **Sweep** (``sweep``): one epoch of a smaller VAE (784-128-16, batch 512: cheap compute, so
   reading shows) on MNIST training rows replicated to n rows, from memory, from a memmapped
   ``.npy`` and from a folder of Parquet files (row groups of 20,000 rows), each in its own
   process: ``fit`` seconds (the streaming pass included) and peak RSS (``ru_maxrss`` of that
   process). Bar: the fit on the 2.5 GB memmap (800,000 rows) peaks under 1.2 GB.
3. **Scoring** (``score``): ``aekit score RUN DATA -o scores.parquet`` as a subprocess on a
   synthetic Parquet table (16 float32 columns, ``--score-rows`` rows; an autoencoder 16-32-4,
   trained on its first 50,000 rows), on a 1,000,000-row prefix of it, and on ADBench
   ``donors`` (619,326 rows x 10, converted to Parquet): rows/s and peak RSS. Bar: the 1M-row
   score peaks under 1 GB. And a Parquet file with a corrupt row group must exit with code 2
   and one line on stderr.

Files go to ``--tmp`` (default ``/tmp/aekit-scale``) and are deleted at the end (``--keep`` to
keep them). Reproduce (about 30 minutes on 2 shared CPU cores)::

    python benchmarks/scale.py --data-dir ../shared/data --threads 1

Results go to ``benchmarks/results/scale.json``. ``--quick`` is a smoke run (small sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import (
    command_line,
    machine_info,
    mnist_dir,
    print_table,
    require_images,
    write_result,
)

BIG_VAE = {"latent_dim": 32, "hidden_layer_sizes": (512, 256)}
SMALL_VAE = {"latent_dim": 16, "hidden_layer_sizes": (128,)}
ROW_GROUP = 20_000
PART_ROWS = 100_000  # rows per Parquet file of the sweep's folders
GIB = 2**30


# ---- children: one measurement per process -----------------------------------------------------
def peak_rss() -> int:
    """This process's peak resident memory in bytes: ``VmHWM``, the high-water mark of this
    program's own memory. (``ru_maxrss`` would not do: Linux keeps, across ``exec``, the peak
    of the process that forked us, which the fork shared.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(spec: dict) -> dict:
    import torch

    torch.set_num_threads(spec["threads"])
    import aekit
    from aekit.data import lazy

    lazy.MEMMAP_LAZY_BYTES = 0  # every memmap is read from disk, however small
    n, mode = spec["n"], spec["mode"]
    if mode == "memory":  # read, not mapped (mapped pages would count as well as the copy)
        header = np.load(spec["npy"], mmap_mode="r")
        X = np.fromfile(spec["npy"], np.float32, n * 784, offset=header.offset).reshape(n, 784)
        del header
    elif mode == "memmap":
        X = np.load(spec["npy"], mmap_mode="r")[:n]
    else:
        X = aekit.open_dataset(spec["parquet"])
    assert len(X) == n, (len(X), n)
    vae = aekit.VAE(**SMALL_VAE, batch_size=512, max_iter=1, random_state=0)
    started = time.perf_counter()
    vae.fit(X)
    seconds = time.perf_counter() - started
    peak = peak_rss()
    return {
        "mode": mode,
        "n": n,
        "seconds": seconds,
        "peak_rss_bytes": peak,
        "data_bytes": n * 784 * 4,
        "loss": vae.history_["loss"][-1],
    }


def run_child(spec: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"child {spec} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_command(args: list[str]) -> dict:
    """Run a command; its wall time, exit code, stderr and peak RSS (``wait4``'s rusage)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN only as a maximum over
    # all children, so run it again under /usr/bin/time when the exact figure is needed.
    return {"seconds": seconds, "code": process.returncode, "stderr": stderr, "stdout": stdout}


def measured_command(args: list[str]) -> dict:
    """``/usr/bin/time -v``: wall seconds and maximum resident set size of one command."""
    result = timed_command(["/usr/bin/time", "-v", *args])
    peak_kb = next(
        int(line.split(":")[1])
        for line in result["stderr"].splitlines()
        if "Maximum resident set size" in line
    )
    result["peak_rss_bytes"] = peak_kb * 1024
    return result


# ---- data ------------------------------------------------------------------------------------
def write_replicated_npy(path: Path, source: np.ndarray, n: int) -> None:
    """``n`` rows: MNIST's rows over and over, written a block at a time."""
    header = {"descr": "<f4", "fortran_order": False, "shape": (n, source.shape[1])}
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_2_0(handle, header)
        for start in range(0, n, len(source)):
            handle.write(source[: min(len(source), n - start)].tobytes())


def write_parquet_parts(folder: Path, npy: Path, n: int, part_rows: int) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    X = np.load(npy, mmap_mode="r")
    names = [f"p{i}" for i in range(X.shape[1])]
    parts = []
    for k, start in enumerate(range(0, n, part_rows)):
        block = np.asarray(X[start : start + part_rows])
        table = pa.table(dict(zip(names, block.T, strict=True)))
        parts.append(folder / f"part-{k:04d}.parquet")
        pq.write_table(table, parts[-1], row_group_size=ROW_GROUP)
    return parts


def parquet_view(folder: Path, parts: list[Path], n: int, part_rows: int) -> Path:
    """A folder holding (links to) the first n rows' parts."""
    view = folder / f"n{n}"
    view.mkdir(exist_ok=True)
    for part in parts[: n // part_rows]:
        link = view / part.name
        if not link.exists():
            link.symlink_to(part)
    return view


def write_synthetic_parquet(path: Path, n: int, seed: int = 0) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    names = [f"f{i}" for i in range(16)]
    mixing = rng.normal(size=(4, 16)).astype(np.float32)
    with pq.ParquetWriter(path, pa.schema([(c, pa.float32()) for c in names])) as writer:
        for start in range(0, n, 200_000):
            k = min(200_000, n - start)
            block = rng.normal(size=(k, 4)).astype(np.float32) @ mixing
            block += 0.1 * rng.normal(size=block.shape).astype(np.float32)
            writer.write_table(
                pa.table(dict(zip(names, block.T, strict=True))), row_group_size=100_000
            )


# ---- the parts -------------------------------------------------------------------------------
def throughput(X: np.ndarray, tmp: Path, repeats: int) -> list[dict]:
    import aekit
    from aekit.data import lazy

    npy = tmp / "throughput.npy"
    np.save(npy, X)
    on_disk = np.load(npy, mmap_mode="r")
    lazy.MEMMAP_LAZY_BYTES = 0
    rows = []
    for batch in (128, 512):
        times = {"memory": [], "memmap": []}
        for repeat in range(repeats):
            order = ("memory", "memmap") if repeat % 2 == 0 else ("memmap", "memory")
            for mode in order:
                data = X if mode == "memory" else on_disk
                vae = aekit.VAE(
                    **BIG_VAE, batch_size=batch, max_iter=2, random_state=0, n_iter_no_change=10**6
                )
                started = time.perf_counter()
                vae.fit(data)
                times[mode].append(time.perf_counter() - started)
        best = {mode: 2 * len(X) / min(t) for mode, t in times.items()}
        rows.append(
            {
                "batch": batch,
                "memory_rows_per_s": best["memory"],
                "memmap_rows_per_s": best["memmap"],
                "ratio": best["memmap"] / best["memory"],
                "times": times,
            }
        )
    npy.unlink()
    return rows


def sweep(
    tmp: Path, mnist: np.ndarray, sizes: list[int], big: int, threads: int, only: set[str]
) -> list[dict]:
    largest = max([*sizes, big])
    npy = tmp / "replicated.npy"
    print(f"writing {largest:,} rows ({largest * 784 * 4 / GIB:.1f} GiB) to {npy} ...", flush=True)
    write_replicated_npy(npy, mnist, largest)
    part_rows = min(PART_ROWS, *sizes, big)  # the sizes are multiples of it
    parts = write_parquet_parts(tmp / "parts", npy, largest, part_rows) if "parquet" in only else []
    runs = []
    for n in sorted({*sizes, big}):
        modes = ("memory", "memmap", "parquet") if n in sizes else ("memmap", "parquet")
        for mode in [m for m in modes if m in only]:
            spec = {
                "mode": mode,
                "n": n,
                "npy": str(npy),
                "threads": threads,
                "parquet": str(parquet_view(tmp / "parts", parts, n, part_rows)) if parts else "",
            }
            result = run_child(spec)
            print(
                f"  {mode:8s} n={n:>9,}: {result['seconds']:7.1f} s, "
                f"peak RSS {result['peak_rss_bytes'] / GIB:.2f} GiB",
                flush=True,
            )
            runs.append(result)
    npy.unlink()
    shutil.rmtree(tmp / "parts", ignore_errors=True)
    return runs


def scorer(aekit):
    """The model scored with: a small autoencoder, so that reading and writing, not the
    network, set the pace (a VAE's ELBO averages 16 decoder passes per row)."""
    return aekit.Autoencoder(latent_dim=4, hidden_layer_sizes=(32,), max_iter=5, random_state=0)


def scoring(tmp: Path, data_dir: Path, n_rows: int, threads: int) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import aekit

    aekit_cmd = [sys.executable, "-m", "aekit.cli"]
    env_threads = {"OMP_NUM_THREADS": str(threads)}
    os.environ.update(env_threads)
    synthetic = tmp / "synthetic.parquet"
    print(f"writing {n_rows:,} synthetic rows to {synthetic} ...", flush=True)
    write_synthetic_parquet(synthetic, n_rows)
    prefix = tmp / "synthetic-1m.parquet"
    write_synthetic_parquet(prefix, min(n_rows, 1_000_000))
    train = aekit.open_dataset(synthetic).read(0, 50_000)
    run = tmp / "run-synthetic.safetensors"
    scorer(aekit).fit(train).save(run)
    jobs = [("synthetic", synthetic, run), ("synthetic 1M", prefix, run)]

    donors_npz = data_dir / "adbench-large" / "11_donors.npz"
    if donors_npz.exists():
        donors = np.load(donors_npz)
        X = donors["X"].astype(np.float32)
        donors_pq = tmp / "donors.parquet"
        table = pa.table({f"c{i}": X[:, i] for i in range(X.shape[1])})
        pq.write_table(table, donors_pq, row_group_size=100_000)
        donors_run = tmp / "run-donors.safetensors"
        scorer(aekit).fit(aekit.open_dataset(donors_pq)).save(donors_run)
        jobs.append(("donors", donors_pq, donors_run))

    results = []
    for name, data, model in jobs:
        out = tmp / f"scores-{name.replace(' ', '-')}.parquet"
        result = measured_command([*aekit_cmd, "score", str(model), str(data), "-o", str(out)])
        if result["code"] != 0:
            raise RuntimeError(f"aekit score failed on {name}: {result['stderr'][-2000:]}")
        n = pq.ParquetFile(out).metadata.num_rows
        results.append(
            {
                "data": name,
                "rows": n,
                "seconds": result["seconds"],
                "rows_per_s": n / result["seconds"],
                "peak_rss_bytes": result["peak_rss_bytes"],
            }
        )
        print(
            f"  score {name}: {n:,} rows in {result['seconds']:.1f} s, "
            f"peak RSS {result['peak_rss_bytes'] / GIB:.2f} GiB",
            flush=True,
        )
        out.unlink()

    # A corrupt row group: exit 2 and one line.
    corrupt = tmp / "corrupt.parquet"
    shutil.copy(prefix, corrupt)
    offset = pq.ParquetFile(corrupt).metadata.row_group(1).column(0).data_page_offset
    with open(corrupt, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xff" * 64)
    bad = timed_command(
        [*aekit_cmd, "score", str(run), str(corrupt), "-o", str(tmp / "bad.parquet")]
    )
    results.append(
        {
            "data": "corrupt row group",
            "code": bad["code"],
            "stderr": bad["stderr"],
            "output_left": (tmp / "bad.parquet").exists(),
        }
    )
    print(f"  corrupt: exit {bad['code']}, stderr: {bad['stderr'].strip()}", flush=True)
    return results


def throughput_table(rows: list[dict]) -> None:
    print_table(
        "MNIST VAE, 20,000 rows x 2 epochs: memmap vs in-memory (best of the repeats)",
        ["batch", "in-memory rows/s", "memmap rows/s", "ratio"],
        [
            [
                str(r["batch"]),
                f"{r['memory_rows_per_s']:,.0f}",
                f"{r['memmap_rows_per_s']:,.0f}",
                f"{r['ratio']:.2f}",
            ]
            for r in rows
        ],
    )


def sweep_table(rows: list[dict]) -> None:
    print_table(
        "one epoch, VAE 784-128-16, batch 512 (fit: streaming pass + epoch)",
        ["input", "n", "GiB of data", "fit s", "rows/s", "peak RSS GiB"],
        [
            [
                r["mode"],
                f"{r['n']:,}",
                f"{r['data_bytes'] / GIB:.2f}",
                f"{r['seconds']:.1f}",
                f"{r['n'] / r['seconds']:,.0f}",
                f"{r['peak_rss_bytes'] / GIB:.2f}",
            ]
            for r in rows
        ],
    )


def score_table(rows: list[dict]) -> None:
    print_table(
        "aekit score DATA -o scores.parquet",
        ["data", "rows", "s", "rows/s", "peak RSS GiB"],
        [
            [
                r["data"],
                f"{r['rows']:,}",
                f"{r['seconds']:.1f}",
                f"{r['rows_per_s']:,.0f}",
                f"{r['peak_rss_bytes'] / GIB:.2f}",
            ]
            for r in rows
            if "rows" in r
        ],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--tmp", default="/tmp/aekit-scale")
    parser.add_argument("--sizes", default="100000,400000,800000", help="n of all three inputs")
    parser.add_argument("--big", type=int, default=2_000_000, help="n of the file-backed only")
    parser.add_argument("--score-rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--parts", default="throughput,sweep,score")
    parser.add_argument("--modes", default="memory,memmap,parquet", help="inputs of the sweep")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--out", default="benchmarks/results/scale.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    require_images(parser, mnist_dir(args.data_dir))

    import torch

    from aekit.data.datasets import load_mnist

    torch.set_num_threads(args.threads)
    if args.quick:
        args.sizes, args.big, args.score_rows, args.repeats = "100000", 200_000, 1_100_000, 1
    sizes = [int(v) for v in args.sizes.split(",")]
    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    mnist, _ = load_mnist(mnist_dir(args.data_dir), split="train")
    parts = args.parts.split(",")
    result = {
        "command": command_line(argv),
        "machine": machine_info(),
        "load_before": os.getloadavg(),
    }
    try:
        if "throughput" in parts:
            result["throughput"] = throughput(mnist[:20_000], tmp, args.repeats)
            throughput_table(result["throughput"])
            write_result(args.out, result)  # each part as it ends: a long run keeps its figures
        if "sweep" in parts:
            modes = set(args.modes.split(","))
            result["sweep"] = sweep(tmp, mnist, sizes, args.big, args.threads, modes)
            sweep_table(result["sweep"])
            write_result(args.out, result)
        if "score" in parts:
            result["score"] = scoring(tmp, Path(args.data_dir), args.score_rows, args.threads)
            score_table(result["score"])
    finally:
        result["load_after"] = os.getloadavg()
        write_result(args.out, result)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
