"""Wide tables: ``aekit train`` of a CSV of 50 rows x 20,000 columns of whole numbers (gene
expression counts), and the Python API's fit of a ``TabularEncoder`` and of an ``Autoencoder``
(``max_iter=1``) on it, this aekit against another's source (``--baseline-src``).

DATA is made here: Poisson counts (mean 20) under a header ``gene_0, gene_1, ...``
(``--rows``, ``--columns``). ``aekit train DATA --epochs 1 --quiet`` (a VAE, figures drawn, as
typed by a user) runs as a subprocess, once a source; so does a script that reads DATA with
``pd.read_csv`` and times the two fits alone (imports and reading excluded). Each figure is
``[wall, cpu]`` seconds: CPU time (user + system) is what a loaded, shared machine leaves
comparable. The same command
on a table of 20 columns (``--narrow``) gives what a run costs whatever its width (imports,
the network, the figures), so the rest is what the width costs. Reproduce::

    python benchmarks/wide_tables.py --threads 1 --baseline-src /path/to/older/aekit/src

Results go to ``benchmarks/results/wide_tables.json``.
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
from _common import command_line, machine_info, print_table, write_result

OWN_PYTHONPATH = os.environ.get("PYTHONPATH", "")

# The Python API's fits, timed in a process of the aekit measured (imports and reading left out)
API_SCRIPT = """
import json, sys, time, warnings
import pandas as pd
import aekit
from aekit.data.tabular import TabularEncoder
aekit.Autoencoder  # imported before the clock starts
frame = pd.read_csv(sys.argv[1])
warnings.simplefilter("ignore")
times = {}
model = aekit.Autoencoder(max_iter=1, random_state=0)
for name, fit in [
    ("TabularEncoder().fit", lambda: TabularEncoder().fit(frame)),
    ("Autoencoder(max_iter=1).fit", lambda: model.fit(frame)),
]:
    wall, cpu = time.perf_counter(), time.process_time()
    fit()
    times[name] = [time.perf_counter() - wall, time.process_time() - cpu]
print(json.dumps(times))
"""


def write_counts(path: Path, rows: int, columns: int, seed: int = 0) -> None:
    """A CSV of Poisson counts, ``rows`` x ``columns``, under a header of gene names."""
    counts = np.random.default_rng(seed).poisson(20, size=(rows, columns))
    header = ",".join(f"gene_{i}" for i in range(columns))
    np.savetxt(path, counts, fmt="%d", delimiter=",", header=header, comments="")


def _run(args: list[str], source: str | None, threads: int) -> tuple[list[float], str]:
    """``[wall, cpu]`` seconds (CPU: user + system, which a shared machine's load leaves as
    they are) and stdout of ``python ARGS`` with the aekit of ``source`` (else this one)."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "PYTHONPATH": source or OWN_PYTHONPATH}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed ({source or 'this aekit'}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return [seconds, cpu], done.stdout


def measure(data: Path, narrow: Path | None, tmp: Path, source: str | None, threads: int) -> dict:
    """The ``[wall, cpu]`` seconds of each measure of one aekit (``source``, or this one's)."""
    train = ["-m", "aekit", "train", str(data), "--out", str(tmp / "run"), "--epochs", "1"]
    train += ["--quiet", "--force"]
    figures = {"aekit train --epochs 1": _run(train, source, threads)[0]}
    if narrow is not None:
        train[3] = str(narrow)
        figures["aekit train --epochs 1 (20 columns)"] = _run(train, source, threads)[0]
    figures.update(json.loads(_run(["-c", API_SCRIPT, str(data)], source, threads)[1]))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--columns", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--narrow", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--tmp", default="/tmp/aekit-wide-tables")
    parser.add_argument("--baseline-src", default=None)
    parser.add_argument("--out", default="benchmarks/results/wide_tables.json")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    data, narrow = tmp / "wide.csv", (tmp / "narrow.csv" if args.narrow else None)
    write_counts(data, args.rows, args.columns)
    if narrow is not None:
        write_counts(narrow, args.rows, 20)
    result = {
        "benchmark": "wide_tables",
        "command": command_line(argv),
        "settings": vars(args),
        "load_before": os.getloadavg(),
        "seconds": {},
    }
    try:
        sources = {"this checkout": None}
        if args.baseline_src:
            sources["baseline"] = args.baseline_src
        for name, source in sources.items():
            result["seconds"][name] = measure(data, narrow, tmp, source, args.threads)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["load_after"] = os.getloadavg()
    result["wall_seconds"] = time.perf_counter() - started
    result["machine"] = machine_info()
    after = result["seconds"]["this checkout"]
    before = result["seconds"].get("baseline")
    headers = ["measure", "this checkout: wall / CPU s"]
    if before:
        headers += ["baseline: wall / CPU s", "CPU speed-up"]
    cells = []
    for measure_name, (wall, cpu) in after.items():
        row = [measure_name, f"{wall:.1f} / {cpu:.1f}"]
        if before:
            old_wall, old_cpu = before[measure_name]
            row += [f"{old_wall:.1f} / {old_cpu:.1f}", f"{old_cpu / cpu:.1f}x"]
        cells.append(row)
    title = f"{args.rows} x {args.columns} CSV of counts, {args.threads} thread(s)"
    print_table(title, headers, cells)
    write_result(args.out, result)


if __name__ == "__main__":
    main()
