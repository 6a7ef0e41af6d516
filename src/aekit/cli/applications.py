"""Application commands: ``aekit denoise`` (clean images with a trained denoiser) and
``aekit impute`` (fill the missing values of a table)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    Output,
    Run,
    app,
    load_run,
    read_data,
    write_rows,
)


def _noise_spec(text: str) -> tuple[str, float]:
    name, _, level = text.partition(":")
    try:
        return name, float(level)
    except ValueError:
        raise ValueError(
            f"--add-noise takes NOISE:LEVEL, e.g. gaussian:0.3, masking:0.5 or salt_pepper:0.1; "
            f"got {text!r}."
        ) from None


@app.command()
def denoise(
    run: Run,
    data: Data,
    output: Output,
    add_noise: Annotated[
        str | None,
        typer.Option(help="Corrupt DATA first (NOISE:LEVEL, e.g. gaussian:0.3): a demo."),
    ] = None,
    figure: Annotated[
        Path | None, typer.Option(help="PNG of noisy / denoised (/ clean) rows, 8 images.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of --add-noise.")] = 0,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = False,
) -> None:
    """Clean DATA with the DenoisingAutoencoder in RUN; write -o (.npy/.csv/.parquet, or .png
    for a grid of the cleaned images)."""
    import numpy as np

    from aekit.denoising import corrupt
    from aekit.viz.denoising import denoising_grid

    estimator = load_run(run)
    if not hasattr(estimator, "denoise"):
        raise ValueError(
            f"{run} holds a {type(estimator).__name__}, not a DenoisingAutoencoder; train one "
            "with 'aekit train DATA --model dae'."
        )
    X, _ = read_data(data, None, image_shape, image_size, grayscale)
    X = np.asarray(X, dtype=np.float32)
    clean = None
    if add_noise:
        name, level = _noise_spec(add_noise)
        clean, X = X, corrupt(X, name, level, random_state=seed, low=X.min(), high=X.max())
    denoised = np.asarray(estimator.denoise(X))
    write_rows(estimator, denoised.reshape(len(denoised), -1), output)
    if figure is not None:
        _write_figure(figure, estimator, X, denoised, clean, denoising_grid)
    typer.echo(f"denoised {len(denoised)} rows: {output}")


def _write_figure(path: Path, estimator, noisy, denoised, clean, draw) -> None:
    from aekit.viz.figures import save_figure

    if estimator.image_shape_ is None:
        raise ValueError("--figure needs an image model.")
    title = "noisy / denoised / clean"
    save_figure(draw(noisy, denoised, clean, image_shape=estimator.image_shape_, title=title), path)


@app.command()
def impute(
    data: Annotated[str, typer.Argument(help="A .csv/.parquet table or .npy array with gaps.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Filled table to write (.csv, .parquet, .npy).")
    ],
    model: Annotated[
        Path | None, typer.Option(help="A saved AutoencoderImputer: fill without fitting.")
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option(help="Save the fitted imputer here (.safetensors).")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(help="An AutoencoderImputer parameter, name=value; repeatable."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Also a RUN folder: the imputer, config.toml, metrics.csv, command.txt."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing RUN folder.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Fill the missing values (empty cells, NaN) of DATA: fit an AutoencoderImputer on DATA
    itself (or load one with --model) and write the table with only its gaps filled. A large
    .npy or Parquet DATA stays on disk: the imputer fits from it a batch at a time and the
    table is filled and written a chunk at a time. Under torchrun every process fits (DDP) and
    rank 0 alone writes."""
    import aekit
    from aekit.cli import runs
    from aekit.cli.common import LAZY_BYTES, open_data
    from aekit.cli.runs import resolve_params
    from aekit.core import distributed
    from aekit.imputation import AutoencoderImputer

    if output.suffix.lower() not in (".csv", ".parquet", ".npy"):
        raise ValueError(f"-o {output}: write .csv, .parquet or .npy.")
    if out is not None and model is not None:
        raise ValueError("--out records a new imputer's fit; with --model nothing is fitted.")
    writes = distributed.rank() == 0  # under torchrun every process fits, rank 0 writes
    if out is not None and writes:
        runs.check_out(out, force)
    X, _ = open_data(data, None, None, None, False, min_bytes=LAZY_BYTES)
    n_missing = _missing_values(X)
    if model is None and not n_missing:
        raise ValueError(f"{data} has no missing values (empty cells or NaN): nothing to fill.")
    if model is not None:
        if param:
            raise ValueError("--param sets up a new imputer; it cannot change a --model.")
        imputer = aekit.load(model)
        if not isinstance(imputer, AutoencoderImputer):
            raise ValueError(f"{model} holds a {type(imputer).__name__}, not an imputer.")
    else:
        params = resolve_params(AutoencoderImputer, {}, param or [])
        params.setdefault("random_state", 0)
        started = runs.Stopwatch()
        imputer = AutoencoderImputer(**params).set_params(verbose=not quiet and writes).fit(X)
        if out is not None and writes:
            with runs.claimed_run(out, force) as staging:
                imputer.save(staging / runs.MODEL_FILE)
                runs.write_record(staging, imputer, data, started, len(X))
    if not writes:
        return
    _write_filled(output, imputer, X)
    if save_model is not None and model is None:
        imputer.save(save_model)
    typer.echo(f"filled {n_missing} missing values: {output}")


def _missing_values(X) -> int:
    """Missing cells (NaN, empty) in DATA; a table on disk is counted a chunk at a time."""
    import numpy as np
    import pandas as pd

    from aekit.data.lazy import Dataset
    from aekit.data.row_stats import chunk_rows

    if isinstance(X, Dataset):
        X.reader.allow_nan = True  # NaN marks the gaps
        chunks = X.reader.chunks(chunk_rows(X.reader.n_features))
        return sum(int(np.isnan(rows).sum()) for _, rows in chunks)
    return int(pd.DataFrame(X).isna().to_numpy().sum())


def _write_filled(output: Path, imputer, X) -> None:
    """The filled table: a DataFrame keeps its columns and types; DATA on disk is filled and
    written a chunk at a time."""
    import numpy as np
    import pandas as pd

    from aekit.cli.data import write_frame, write_table
    from aekit.data.lazy import Dataset

    if isinstance(X, Dataset):
        imputer.transform(X, out=output)
        return
    filled = imputer.transform(X)
    if isinstance(filled, pd.DataFrame):
        write_frame(output, filled)
    else:
        write_table(output, np.asarray(filled), [f"x{i}" for i in range(filled.shape[1])])
