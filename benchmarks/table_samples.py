"""Synthetic table rows from a default VAE: ``sample()`` (expected values of p(x|z)) against
``sample(draw_x=True)`` (rows drawn from it), on a made-up customer table of 2,000 rows.

Columns: age (normal), income (gamma, always positive, follows age), visits (a Poisson count),
score (normal, unrelated), segment (retail 75% / business 21.7% / vip 3.3%, follows income) and
region (four equally likely, unrelated). The table goes through ``TabularEncoder`` and a
``VAE(categorical_groups=...)`` with its defaults, as ``aekit train`` does; 2,000 rows are
sampled each way and decoded. Printed: each numeric column's standard deviation as a share of the
data's, the largest gap between a category's share in the samples and in the data, and the rare
vip segment's share; mean over the seeds.

    python benchmarks/table_samples.py --threads 1
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import torch
from _common import command_line, machine_info, print_table, write_result

import aekit

NUMBERS = ("age", "income", "visits", "score")
CATEGORIES = ("segment", "region")


def customers(seed: int, n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.normal(45, 12, n)
    income = rng.gamma(4.0, 250 * np.clip(age, 18, None))
    segment = np.where(income > np.quantile(income, 0.967), "vip", "retail")
    segment[(segment == "retail") & (rng.random(n) < 0.225)] = "business"
    return pd.DataFrame(
        {
            "age": age,
            "income": income,
            "visits": rng.poisson(3, n),
            "score": rng.normal(0, 1, n),
            "segment": segment,
            "region": rng.choice(["north", "south", "east", "west"], n),
        }
    )


def figures(data: pd.DataFrame, rows: pd.DataFrame) -> dict[str, float]:
    out = {f"{c} spread": float(rows[c].std() / data[c].std()) for c in NUMBERS}
    for c in CATEGORIES:
        shares = rows[c].value_counts(normalize=True)
        gap = data[c].value_counts(normalize=True).sub(shares, fill_value=0).abs().max()
        out[f"{c} largest share gap"] = float(gap)
    out["vip share (data 0.033)"] = float((rows["segment"] == "vip").mean())
    out["negative incomes"] = float((rows["income"] < 0).mean())
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/table_samples.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    runs: dict[str, list[dict]] = {"sample()": [], "sample(draw_x=True)": []}
    for seed in args.seeds:
        data = customers(seed)
        encoder = aekit.TabularEncoder().fit(data)
        vae = aekit.VAE(categorical_groups=encoder.categorical_groups_, random_state=seed)
        vae.set_params(device="cpu").fit(encoder.transform(data))
        for name, draw in (("sample()", False), ("sample(draw_x=True)", True)):
            rows = encoder.inverse_transform(vae.sample(2000, random_state=seed, draw_x=draw))
            runs[name].append(figures(data, rows))
    means = {
        name: {k: float(np.mean([r[k] for r in rs])) for k in rs[0]} for name, rs in runs.items()
    }
    keys = list(next(iter(means.values())))
    cells = [[k, *(f"{means[name][k]:.3f}" for name in means)] for k in keys]
    print_table(f"Samples of a default VAE, seeds {args.seeds}", ["figure", *means], cells)
    result = {"command": command_line(argv), "machine": machine_info(), "seeds": args.seeds}
    write_result(args.out, result | {"means": means, "runs": runs})
    return result


if __name__ == "__main__":
    main()
