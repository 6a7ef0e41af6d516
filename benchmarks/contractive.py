"""Contractive benchmark: what ``ContractiveAutoencoder``'s penalty measures and what it shrinks.

Two parts, on sklearn's digits (1,797 rows, all used to train and to measure; the Jacobians on
the first 300 rows):

* **Units.** On the raw digits (0..16, so the Gaussian likelihood standardizes them) a default
  model (20 epochs): the mean penalty ``||dh/dx~||_F^2`` (x~ the standardized input the
  penalty is taken on) against ``||dh/dx||_F^2`` in the data's units, and the largest
  difference between the model-space Jacobian and the raw one times ``s_j`` (0 up to
  rounding: ``dh/dx~_j = s_j dh/dx_j``). On the digits / 16 ([0, 1], used as is) the two are
  the same.
* **Scale.** On the digits / 16, 60 epochs: the plain ``Autoencoder`` and the contractive one at
  weights 0.1 (the default) and 10. Columns: mean ``||J||_F^2``, the code's total variance
  ``sum_j Var(h_j)``, their ratio (a sensitivity free of the code's scale, which a linear code
  can shrink), and the mean squared reconstruction error.

    python benchmarks/contractive.py --threads 1
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from _common import command_line, machine_info, print_table, write_result
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

import aekit
from aekit.core.objectives.regularizers import jacobian_frobenius_sq

MEASURED_ROWS = 300


def jacobians(model, X: np.ndarray) -> tuple[float, float, float]:
    """Mean ``||dh/dx~||^2`` (model space), mean ``||dh/dx||^2`` (data space) and the largest
    ``|J_model - J_raw * s|`` of row 0."""
    net = model.model_.double().eval()
    raw = torch.tensor(X[:MEASURED_ROWS], dtype=torch.float64)
    if model.data_scale_ is None:  # [0, 1] data: the model's input is the data
        mean, scale = torch.zeros(X.shape[1], dtype=torch.float64), torch.ones(X.shape[1])
    else:
        mean = torch.tensor(model.data_mean_, dtype=torch.float64)
        scale = torch.tensor(model.data_scale_, dtype=torch.float64)

    def from_raw(v: torch.Tensor) -> torch.Tensor:
        return net.encode_code((v - mean) / scale)

    in_model = jacobian_frobenius_sq(net.encode_code, (raw - mean) / scale).mean().item()
    in_data = jacobian_frobenius_sq(from_raw, raw).mean().item()
    j_raw = torch.autograd.functional.jacobian(lambda v: from_raw(v[None])[0], raw[0])
    j_model = torch.autograd.functional.jacobian(
        lambda v: net.encode_code(v[None])[0], (raw[0] - mean) / scale
    )
    return in_model, in_data, (j_model - j_raw * scale).abs().max().item()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="benchmarks/results/contractive.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)
    raw = load_digits().data.astype(np.float64)
    scaled = raw / 16.0

    units = {}
    for name, X in (("raw digits (Gaussian)", raw), ("digits / 16 (Bernoulli)", scaled)):
        model = aekit.ContractiveAutoencoder(max_iter=20, random_state=args.seed).fit(X)
        in_model, in_data, gap = jacobians(model, X)
        units[name] = {"penalty": in_model, "raw_frobenius_sq": in_data, "column_gap": gap}
    print_table(
        "Contractive penalty: model-space vs data-space Jacobian (20 epochs)",
        ["data", "mean ||dh/dx~||^2", "mean ||dh/dx||^2", "max |J~ - J s|"],
        [[k, f"{v['penalty']:.3f}", f"{v['raw_frobenius_sq']:.3f}", f"{v['column_gap']:.1e}"]
         for k, v in units.items()],
    )  # fmt: skip

    scale = {}
    models = {
        "plain Autoencoder": aekit.Autoencoder(max_iter=60, random_state=args.seed),
        "contractive 0.1 (default)": aekit.ContractiveAutoencoder(
            max_iter=60, random_state=args.seed
        ),
        "contractive 10": aekit.ContractiveAutoencoder(
            contractive_weight=10.0, max_iter=60, random_state=args.seed
        ),
    }
    for name, model in models.items():
        model.fit(scaled)
        frobenius = jacobians(model, scaled)[0]
        variance = float(model.transform(scaled).var(axis=0).sum())
        scale[name] = {
            "frobenius_sq": frobenius,
            "code_variance": variance,
            "ratio": frobenius / variance,
            "reconstruction": float(model.reconstruction_error(scaled).mean()),
        }
    print_table(
        "What the penalty shrinks: digits / 16, 60 epochs",
        ["model", "mean ||J||^2", "sum Var(h)", "ratio", "recon err"],
        [[k, f"{v['frobenius_sq']:.3f}", f"{v['code_variance']:.3f}", f"{v['ratio']:.2f}",
          f"{v['reconstruction']:.3f}"] for k, v in scale.items()],
    )  # fmt: skip
    write_result(
        args.out,
        {
            "command": command_line(argv),
            "machine": machine_info(),
            "units": units,
            "scale": scale,
        },
    )


if __name__ == "__main__":
    main()
