"""Application commands: ``aekit denoise`` (clean images with a trained denoiser) and
``aekit impute`` (fill the missing values of a table)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from aekit.cli import common, impute_tables
from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Quiet,
    Run,
    a_kind,
    app,
    load_run,
    run_data_options,
)
from aekit.cli.data import DataOptions, open_data
from aekit.cli.data_fingerprint import NoDataHash, taken
from aekit.cli.drawn_rows import MAX_GRID, write_rows
from aekit.cli.figure_option import Figures, check_figures_apply
from aekit.cli.output_formats import FIGURES, formats, is_grid
from aekit.cli.seeding import Seed, seeded
from aekit.cli.tables import in_fit_order, run_encoder

FIGURE_ROWS = 8  # images per row of --figure (denoising_grid's n_cols)
FIGURE_LINES = 6  # rows or sequences of --figure, a panel each (denoising_lines' max_rows)


def _noise_spec(text: str) -> tuple[str, float]:
    from aekit.core.objectives.corruption import NOISES, noise_level_rule, valid_noise_level

    name, _, level = text.partition(":")
    try:
        number = float(level)
    except ValueError:
        raise ValueError(
            f"--add-noise takes NOISE:LEVEL, e.g. gaussian:0.3, masking:0.5 or salt_pepper:0.1; "
            f"got {text!r}."
        ) from None
    if name not in NOISES:
        raise ValueError(f"--add-noise {text}: NOISE is one of {', '.join(NOISES)}.")
    if not valid_noise_level(name, number):
        raise ValueError(
            f"--add-noise {text}: the LEVEL of {name} noise is {noise_level_rule(name)}."
        )
    return name, number


@app.command()
def denoise(
    run: Run,
    data: Data,
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help=f"File to write: {formats('denoise')} (a grid of the cleaned images).",
        ),
    ],
    add_noise: Annotated[
        str | None,
        typer.Option(
            help="Corrupt DATA first (NOISE:LEVEL, e.g. gaussian:0.3, a standard deviation in "
            "DATA's units; salt_pepper:0.1 or masking:0.5, the share of values hit): a demo."
        ),
    ] = None,
    figure: Annotated[
        Path | None,
        typer.Option(
            help=f"Figure of noisy / denoised (/ clean) data: {FIGURES}. Images: the first "
            f"{FIGURE_ROWS} in a grid, a row of each kind. A table's rows or sequences: the "
            f"first {FIGURE_LINES} as lines, the three overlaid in a panel per row (values "
            "against feature, or against step with a panel per channel)."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, max=2**32 - 1, help="Seed of --add-noise (default: 0).")
    ] = None,
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Clean DATA with the DenoisingAutoencoder in RUN; write -o (.npy/.csv/.parquet, or
    .png/.svg/.pdf for a grid of the cleaned images). A .npy or Parquet DATA is read, cleaned
    and written a chunk at a time; --add-noise corrupts DATA in memory (up to 64 MiB of float32
    rows)."""
    import numpy as np

    from aekit.data.validation import as_numeric_array
    from aekit.data.writers import write_batches
    from aekit.estimators.clip_ranges import ranges_in_table_units
    from aekit.estimators.streaming import chunks_of

    estimator = load_run(run)
    if not hasattr(estimator, "denoise"):
        raise ValueError(
            f"{run} holds {a_kind(estimator)}, not a DenoisingAutoencoder; train one "
            "with 'aekit train DATA --model dae'."
        )
    encoder = run_encoder(run)  # a table with text columns: encoded as in training
    if is_grid(output) and estimator.image_shape_ is None:  # --figure draws lines
        kinds = ".csv or .parquet" if encoder else ".npy, .csv or .parquet"  # text: no npy
        raise ValueError(
            f"-o {output.suffix} needs an image model; write -o {kinds} (--figure draws the "
            "rows of a table or sequence model as lines)."
        )
    # as in training: the label column left out, the images at the recorded size
    options = run_data_options(run, data, label_column, image_shape, image_size, grayscale)
    if seed is not None and not add_noise:  # said, as detect says of an unused --normal-rows
        import warnings

        warnings.warn("--seed has no effect without --add-noise.", UserWarning, stacklevel=2)
    if add_noise and encoder is not None:
        raise ValueError(
            f"--add-noise corrupts numbers, and {run} was trained on a table with text columns "
            f"({', '.join(encoder.categories_)}); denoise DATA as it is, without "
            "--add-noise."
        )
    if add_noise:
        X, clean = _noisy(data, options, add_noise, seed or 0, estimator)
    else:  # read, cleaned and written a chunk at a time: DATA on disk is never read whole
        X, _ = open_data(data, options, text=encoder is not None)
        clean = None
    png, npy = is_grid(output), output.suffix.lower() == ".npy"
    shown: dict[str, list] = {"noisy": [], "denoised": []}  # the figure's first rows
    scored = None if clean is None else _Psnr(clean, _data_range(estimator, clean))

    columns = _denoised_columns(estimator, encoder, X)

    def denoised_chunks():
        for part, _ in chunks_of(X, None, MAX_GRID if png else None):  # memory: one chunk
            part = in_fit_order(part, encoder or estimator)  # a file's columns matched by name
            part = part if encoder is None else encoder.transform(part)
            noisy = as_numeric_array(part, precision="float64")  # text named, as by score
            if encoder is None:
                denoised = np.asarray(estimator.denoise(noisy))
            else:  # a clip warning's ranges in the table's units, not the encoder's
                with ranges_in_table_units(encoder):
                    denoised = np.asarray(estimator.denoise(noisy))
            if scored is not None:
                scored.add(noisy, denoised)
            if sum(map(len, shown["noisy"])) < FIGURE_ROWS:
                shown["noisy"].append(noisy[:FIGURE_ROWS])
                shown["denoised"].append(denoised[:FIGURE_ROWS])
            if encoder is not None:  # back into the table's own columns, text ones included
                yield encoder.inverse_transform(denoised).to_numpy(dtype=object)
            else:  # a .npy holds what denoise returns (images stay (n, C, H, W), as
                # reconstruct's); a table one column per value
                yield denoised if npy else denoised.reshape(len(denoised), -1)

    n_written = len(X)
    if png:  # a grid shows the first MAX_GRID images: only those are cleaned
        n_written = write_rows(estimator, next(denoised_chunks()), output, n_rows=len(X))
    else:
        from aekit.cli.columns import with_ids

        rows, names = with_ids(data, denoised_chunks(), columns, output)  # --id-column first
        write_batches(output, rows, len(X), names)
    if figure is not None:
        noisy, denoised = (np.concatenate(shown[name]) for name in ("noisy", "denoised"))
        _write_figure(figure, estimator, noisy, denoised, clean, encoder)
    if n_written < len(X):
        typer.echo(f"denoised the first {n_written} of {len(X)} rows: {output}")
    else:
        typer.echo(f"denoised {len(X)} rows: {output}")
    if scored is not None:
        typer.echo(scored.line())


def _noisy(data: str, options: DataOptions, add_noise: str, seed: int, model):
    """``(noisy, clean)`` rows of DATA for --add-noise. The noise is drawn for all rows at once
    (one torch generator over the whole array), so DATA is read whole: up to LAZY_BYTES."""
    import numpy as np

    from aekit.data.lazy import Dataset
    from aekit.denoising import corrupt

    name, level = _noise_spec(add_noise)
    X, _ = open_data(data, options, min_bytes=common.LAZY_BYTES)
    if isinstance(X, Dataset):
        raise ValueError(
            f"--add-noise corrupts DATA in memory, up to {common.LAZY_BYTES // 2**20} MiB of "
            f"float32 rows; {data} holds {len(X) * X.reader.n_features * 4 / 2**20:.0f} MiB: "
            "denoise a smaller sample of it."
        )
    clean = np.asarray(in_fit_order(X, model), dtype=np.float32)
    return corrupt(clean, name, level, random_state=seed, low=clean.min(), high=clean.max()), clean


def _denoised_columns(estimator, encoder, X) -> list[str]:
    """The output's column names: a table's own (text columns decoded back), else x0, x1, ...
    one per value of a row (an image's pixels)."""
    import numpy as np

    if encoder is not None:
        return [str(c) for c in encoder.feature_names_in_]
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return [str(c) for c in names]
    return [f"x{i}" for i in range(int(np.prod(X.shape[1:])))]


class _Psnr:
    """PSNR of --add-noise's noisy rows and of their denoised rows against the clean rows: the
    squared errors summed a chunk at a time (the denoised rows are written as they come, never
    held), the PSNR of all the rows denoised taken together (one MSE over every value: an
    image that no salt-and-pepper hit has an infinite PSNR of its own)."""

    def __init__(self, clean, data_range: float) -> None:
        self.clean, self.data_range = clean, data_range
        self.n_rows, self.n_values = 0, 0
        self.noisy_sse, self.denoised_sse = 0.0, 0.0

    def add(self, noisy, denoised) -> None:
        """The next chunk: the noisy rows given to the model and what it made of them."""
        import numpy as np

        n = len(noisy)
        clean = self.clean[self.n_rows : self.n_rows + n].reshape(n, -1).astype(np.float64)
        self.noisy_sse += float(((noisy.reshape(n, -1) - clean) ** 2).sum())
        self.denoised_sse += float(((denoised.reshape(n, -1) - clean) ** 2).sum())
        self.n_rows, self.n_values = self.n_rows + n, self.n_values + clean.size

    def line(self) -> str:
        from aekit.denoising import psnr_of_mse

        noisy, denoised = (
            psnr_of_mse(sse / self.n_values, self.data_range)
            for sse in (self.noisy_sse, self.denoised_sse)
        )
        line = (
            f"PSNR against the clean rows: noisy {noisy:.2f} dB, denoised {denoised:.2f} dB "
            f"(data range {self.data_range:g})"
        )
        if self.n_rows < len(self.clean):  # a PNG grid cleans only the rows it shows
            line += f", on the first {self.n_rows} rows, those denoised"
        if denoised < noisy:  # 13.48 dB in, 9.89 out, and not a word (a network unlearned)
            line += (
                "; the denoised rows are further from the clean ones than the noisy rows: the "
                "model has not learned to denoise these (train it longer, with a larger code "
                "(--param latent_dim=128 for images) or smaller batches (--param batch_size=32), "
                "or on such data)"
            )
        return line


def _data_range(estimator, clean) -> float:
    """The peak of PSNR's ``10 log10(range^2 / MSE)``: 1 for a model of [0, 1] data (a
    Bernoulli likelihood's support, as for images), else the clean rows' own span, the range
    --add-noise drew its noise in (a Gaussian model's features have no common bound)."""
    if estimator.likelihood_ == "bernoulli":
        return 1.0
    return float(clean.max() - clean.min())


def _write_figure(path: Path, estimator, noisy, denoised, clean, encoder) -> None:
    """--figure: images as a grid, a table's rows or sequences as lines, against the table's
    columns (``encoder``'s encoded ones where the RUN keeps one: city=Oslo, ...)."""
    from aekit.cli.tables import ENCODED_UNITS
    from aekit.viz.figures import save_figure

    title = "noisy / denoised / clean"  # the grid's, clean or not, as it always was
    if estimator.image_shape_ is not None:
        from aekit.viz.denoising import denoising_grid

        drawn = denoising_grid(noisy, denoised, clean, image_shape=estimator.image_shape_,
                               title=title)  # fmt: skip
    else:  # a table's rows or sequences: no picture to tile, their values as lines
        from aekit.viz.denoising_panels import denoising_lines

        title = f"{type(estimator).__name__}: " + ("noisy / denoised" if clean is None else title)
        names = getattr(estimator, "feature_names_in_", None)
        names = names if encoder is None else encoder.get_feature_names_out()  # city=Oslo, ...
        drawn = denoising_lines(
            noisy, denoised, clean, sequence_shape=estimator.sequence_shape_,
            max_rows=FIGURE_LINES, feature_names=names, title=title,
            units=None if encoder is None else ENCODED_UNITS,
        )  # fmt: skip
    save_figure(drawn, path)


@app.command()
def impute(
    data: Annotated[
        str, typer.Argument(metavar="DATA", help="A .csv/.parquet table or .npy array with gaps.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help=f"Filled table to write: {formats('impute')}.")
    ],
    model: Annotated[
        Path | None,
        typer.Option(
            help="A saved imputer (--save-model file or --out RUN): fill without fitting."
        ),
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
    force: Annotated[
        bool, typer.Option(help="Replace an existing RUN folder or --save-model file.")
    ] = False,
    epochs: Annotated[
        int | None, typer.Option(help="Training epochs (max_iter; default: the imputer's).")
    ] = None,
    seed: Seed = None,
    quiet: Quiet = False,
    no_data_hash: NoDataHash = False,
    figures: Figures = True,
) -> None:
    """Fill the missing values (empty cells, NaN) of DATA: fit an AutoencoderImputer on DATA
    itself (or load one with --model) and write the table with only its gaps filled. A large
    .npy or Parquet DATA stays on disk: the imputer fits from it a batch at a time and the
    table is filled and written a chunk at a time. Under torchrun every process fits (DDP) and
    rank 0 alone writes."""
    from aekit.cli import runs
    from aekit.cli.cell_advice import nothing_to_fill
    from aekit.cli.common import LAZY_BYTES
    from aekit.cli.runs import resolve_params
    from aekit.core import distributed
    from aekit.imputation import AutoencoderImputer

    if out is not None and model is not None:
        raise ValueError("--out records a new imputer's fit; with --model nothing is fitted.")
    if save_model is not None and model is not None:  # it was ignored, unsaid
        raise ValueError("--save-model saves a new imputer; with --model nothing is fitted.")
    for flag, value in (("--param", param or None), ("--epochs", epochs), ("--seed", seed)):
        if model is not None and value is not None:  # each sets up a new fit
            raise ValueError(f"{flag} sets up a new imputer; it cannot change a --model.")
    check_figures_apply(figures, out)
    writes = distributed.rank() == 0  # under torchrun every process fits, rank 0 writes
    if out is not None and writes:
        runs.check_out(out, force)
    if model is None:  # a mistyped --param said before DATA is read and found complete
        params = seeded(resolve_params(AutoencoderImputer, {}, param or []), seed, epochs)
        AutoencoderImputer(**params)._validate_params()
    X, _ = open_data(data, DataOptions(), min_bytes=LAZY_BYTES)
    X = impute_tables.integer_columns(X, data)
    n_missing = impute_tables.missing_values(X)
    kept = save_model is not None or out is not None  # an imputer for later tables' gaps
    if model is None and not n_missing and not kept:
        raise ValueError(nothing_to_fill(data, X))  # naming '?' cells that --na-values reads
    if model is not None:
        imputer = load_run(model)  # a model file, or the RUN folder of 'aekit impute --out'
        if not isinstance(imputer, AutoencoderImputer):
            raise ValueError(f"{model} holds {a_kind(imputer)}, not an imputer.")
    else:
        from aekit.cli.column_warnings import warn_of_code_like_columns

        warn_of_code_like_columns(X, data)  # a zip code's gap filled with 10243
        started = runs.Stopwatch()
        if out is not None:
            taken(data, not no_data_hash)  # DATA's digest before the fit, recorded in RUN
        imputer = AutoencoderImputer(**params).set_params(verbose=not quiet and writes).fit(X)
    if not writes:
        return
    # The RUN appears last, after the filled table and --save-model: an interrupted command
    # left a new RUN beside the old table (its imputer had filled nothing)
    run = contextlib.nullcontext() if out is None else runs.claimed_run(out, force)
    with run as staging:
        impute_tables.write_filled(output, imputer, X, data)
        if save_model is not None:
            runs.save_model(imputer, save_model)
        if staging is not None:
            runs.save_model(imputer, staging / runs.MODEL_FILE)
            runs.write_record(staging, imputer, data, started, len(X))
            if figures:
                from aekit.cli.run_figures import write_fit_figures

                write_fit_figures(staging, imputer, X)
    if not n_missing:  # complete rows, fitted on for later tables
        typer.echo(f"no missing values to fill: {output} holds DATA as read")
    else:
        typer.echo(f"filled {n_missing} missing value{'' if n_missing == 1 else 's'}: {output}")
