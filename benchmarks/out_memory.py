"""Peak memory of ``out=`` inference on a memory-mapped ``.npy``: does it stay flat as the file
grows? Each call runs in its own process, which first loads the model and scores a few rows
(the baseline), then runs the call; the figure is the growth of ``VmHWM`` (peak resident set)
over the baseline:

* ``score_samples(np.load(p, mmap_mode="r"), out="s.npy")`` and ``transform(memmap, out=...)``;
* ``score_samples(memmap)`` without ``out=`` (fills one output array in memory);
* ``score_samples(aekit.open_dataset(p), out="s.npy")``.

The data are ``--rows`` x 60 float32 normal rows (1.2M rows = 288 MB) made in ``--tmp``; the
model is an Autoencoder 60-16-4 fitted on 2,000 rows (so reading and writing set the pace, not
arithmetic). ``--baseline-src DIR`` runs each call again with the aekit of that source folder.
No data set is read: ``--data-dir`` is accepted for uniformity and ignored. Reproduce::

    python benchmarks/out_memory.py --threads 1 --baseline-src /path/to/older/aekit/src

Results go to ``benchmarks/results/out_memory.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from _common import command_line, machine_info, print_table, write_result

CALLS = {
    "score_samples(memmap, out=)": 'ae.score_samples(np.load(p, mmap_mode="r"), out=o + ".npy")',
    "transform(memmap, out=)": 'ae.transform(np.load(p, mmap_mode="r"), out=o + ".npy")',
    "score_samples(memmap)": 'ae.score_samples(np.load(p, mmap_mode="r"))',
    "score_samples(open_dataset, out=)": "ae.score_samples(aekit.open_dataset(p), out=o + '.npy')",
}
PROBE = """
import sys, numpy as np, torch, aekit
torch.set_num_threads({threads})
def hwm(): return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) * 1024
p, o = sys.argv[1], sys.argv[2]
ae = aekit.load(sys.argv[3]); ae.score_samples(np.zeros((10, 60), np.float32)); base = hwm()
{call}
print(base, hwm())
"""


def measure(call: str, tmp: Path, source: str | None, threads: int) -> tuple[int, int]:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    if source:
        env["PYTHONPATH"] = source
    code = PROBE.format(threads=threads, call=call)
    args = [sys.executable, "-c", code, str(tmp / "x.npy"), str(tmp / "out"), str(tmp / "ae.st")]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{call} failed ({source or 'this aekit'}): {done.stderr[-2000:]}")
    base, peak = (int(v) for v in done.stdout.split()[-2:])
    return base, peak


def make_data(tmp: Path, rows: int) -> None:
    import torch

    import aekit

    rng = np.random.default_rng(0)
    X = np.lib.format.open_memmap(tmp / "x.npy", mode="w+", dtype=np.float32, shape=(rows, 60))
    for start in range(0, rows, 100_000):
        stop = min(rows, start + 100_000)
        X[start:stop] = rng.normal(size=(stop - start, 60)).astype(np.float32)
    X.flush()
    del X
    torch.manual_seed(0)
    ae = aekit.Autoencoder(latent_dim=4, hidden_layer_sizes=[16], max_iter=2, random_state=0)
    ae.fit(rng.normal(size=(2000, 60)).astype(np.float32)).save(tmp / "ae.st")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--tmp", default="/tmp/aekit-out-memory")
    parser.add_argument("--rows", type=int, default=1_200_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--baseline-src", default=None)
    parser.add_argument("--out", default="benchmarks/results/out_memory.json")
    args = parser.parse_args(argv)

    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    result = {
        "command": command_line(argv),
        "machine": machine_info(),
        "rows": args.rows,
        "data_bytes": args.rows * 60 * 4,
        "load_before": os.getloadavg(),
        "runs": [],
    }
    try:
        make_data(tmp, args.rows)
        for name, call in CALLS.items():
            for source in [None] + ([args.baseline_src] if args.baseline_src else []):
                base, peak = measure(call, tmp, source, args.threads)
                row = {"call": name, "aekit": source or "this checkout", "base_bytes": base,
                       "peak_bytes": peak}  # fmt: skip
                result["runs"].append(row)
                print(f"  {name} ({row['aekit']}): +{(peak - base) / 2**20:.0f} MiB", flush=True)
    finally:
        result["load_after"] = os.getloadavg()
        write_result(args.out, result)
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(
        f"{args.rows:,} x 60 float32 ({args.rows * 240 / 1e6:.0f} MB) memmap: peak RSS",
        ["call", "aekit", "baseline MiB", "peak MiB", "growth MiB"],
        [
            [r["call"], r["aekit"], f"{r['base_bytes'] / 2**20:.0f}",
             f"{r['peak_bytes'] / 2**20:.0f}", f"{(r['peak_bytes'] - r['base_bytes']) / 2**20:.0f}"]
            for r in result["runs"]
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
