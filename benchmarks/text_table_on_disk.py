"""A run applied to a Parquet table with a text column: time and peak memory of ``aekit encode``
and ``aekit score``, this aekit against another's source (``--baseline-src``).

DATA is ``--rows`` rows of 30 Gaussian numbers (float64) and one text column of four cities,
in row groups of 100,000 (made here; no data set needed). The RUN is ``aekit train`` of a
small autoencoder (``--model ae``, hidden layer of 32, 2 epochs) on 1,000 rows of the same
kind, so that reading and encoding, not arithmetic, are what the figures show. Each command
runs as a subprocess under ``/usr/bin/time -v``; ``encode``'s codes are compared between the
two. Reproduce::

    python benchmarks/text_table_on_disk.py --threads 1 --baseline-src /path/to/older/aekit/src

Results go to ``benchmarks/results/text_table_on_disk.json``.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import numpy as np
from _common import command_line, machine_info, write_result
from commands_on_disk import print_runs, run
from scale import GIB

CITIES = np.array(["paris", "rome", "oslo", "lima"])


def write_table(path: Path, rows: int, seed: int) -> None:
    """``rows`` rows written a row group at a time (the writer never holds the table)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, rows, 100_000):
        n = min(100_000, rows - start)
        columns = {f"f{i}": rng.normal(size=n) for i in range(30)}
        columns["city"] = CITIES[rng.integers(len(CITIES), size=n)]
        table = pa.table(columns)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tmp", default="/tmp/aekit-text-table")
    parser.add_argument("--baseline-src", default=None)
    parser.add_argument("--out", default="benchmarks/results/text_table_on_disk.json")
    args = parser.parse_args(argv)

    import pandas as pd

    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    write_table(tmp / "train.parquet", 1_000, seed=0)
    write_table(tmp / "data.parquet", args.rows, seed=1)
    train = ["train", str(tmp / "train.parquet"), "--model", "ae", "--out", str(tmp / "run"),
             "--param", "hidden_layer_sizes=[32]", "--param", "max_iter=2",
             "--quiet", "--force"]  # fmt: skip
    run("train", train, None, args.threads)
    result = {
        "command": command_line(argv),
        "machine": machine_info(),
        "rows": args.rows,
        "load_before": os.getloadavg(),
        "runs": [],
    }
    sources = [None] + ([args.baseline_src] if args.baseline_src else [])
    codes = {}
    try:
        for name in ("encode", "score"):
            for source in sources:
                output = tmp / f"{name}-{len(result['runs'])}.parquet"
                command = [name, str(tmp / "run"), str(tmp / "data.parquet"), "-o", str(output)]
                row = run(name, command, source, args.threads)
                result["runs"].append(row)
                if name == "encode":
                    codes[row["aekit"]] = pd.read_parquet(output).to_numpy()
                output.unlink()
                print(f"  {name} ({row['aekit']}): {row['seconds']:.1f} s, "
                      f"peak RSS {row['peak_rss_bytes'] / GIB:.2f} GiB", flush=True)  # fmt: skip
        if len(codes) == 2:
            first, second = codes.values()
            result["encode_largest_difference"] = float(np.abs(first - second).max())
    finally:
        result["load_after"] = os.getloadavg()
        write_result(args.out, result)
        shutil.rmtree(tmp, ignore_errors=True)
    print_runs(f"{args.rows:,} rows x (30 numbers + 1 text column), Parquet", result["runs"])
    if "encode_largest_difference" in result:
        print(f"codes, largest difference: {result['encode_largest_difference']:.2e}")


if __name__ == "__main__":
    main()
