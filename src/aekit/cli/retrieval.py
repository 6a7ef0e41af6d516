"""Commands for the applications of binary and quantized codes: semantic hashing and search,
learned compression.

    aekit train-hasher DATA --bits 32 --out hasher.safetensors
    aekit index RUN DATA --out INDEX            (RUN: a hasher model file)
    aekit search INDEX QUERY -k 10 [-o hits.csv]
    aekit train-compressor DATA --latent-dim 128 --out compressor.safetensors
    aekit compress RUN DATA -o file.aek [--step 1.0]
    aekit decompress RUN file.aek -o out.npy|png
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from aekit.cli import columns, common, table_options
from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Quiet,
    a_kind,
    app,
    column_of_table,
    load_run,
    open_data,
    run_data_options,
)
from aekit.cli.compressed_rows import distortion_line, step_value
from aekit.cli.data import DataOptions, check_options_apply
from aekit.cli.data import open_data as open_run_data
from aekit.cli.data_fingerprint import NoDataHash, taken
from aekit.cli.describe import compressed_file_named
from aekit.cli.drawn_rows import DrawnShape, drawn_shape, write_rows, written
from aekit.cli.figure_option import Figures, check_figures_apply
from aekit.cli.output_formats import formats
from aekit.cli.run_figures import write_fit_figures
from aekit.cli.seeding import Seed, seeded
from aekit.io.atomic import atomic_write

Param = Annotated[
    list[str] | None, typer.Option(help="An estimator parameter, name=value; repeatable.")
]
ModelFile = Annotated[
    Path | None, typer.Option("-o", "--output", help="Model file to write (no RUN folder).")
]
RunOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="RUN folder to create: the model, config.toml, metrics.csv, command.txt "
        "('aekit report' reads it). A .safetensors name writes the model file alone, as -o.",
    ),
]


Force = Annotated[bool, typer.Option(help="Replace an existing model file or RUN folder.")]
HasherRun = Annotated[
    Path,
    typer.Argument(
        metavar="RUN",
        help="A hasher: the model file or RUN folder that 'aekit train-hasher' wrote.",
    ),
]
CompressorRun = Annotated[
    Path,
    typer.Argument(
        metavar="RUN",
        help="A compressor: the model file or RUN folder that 'aekit train-compressor' wrote.",
    ),
]


def _train(cls_name: str, data: str, fixed: dict, param, where, quiet: bool, options) -> None:
    """Fit ``cls_name`` on DATA and write ``where``: ``(model_file, run_folder)``, one given."""
    named = ("force", "seed", "no_data_hash", "figures")
    force, seed, unhashed, figures = (options.pop(name) for name in named)
    from aekit import registry
    from aekit.cli import runs

    check_options_apply(data, DataOptions(**options))  # before anything is recorded

    model_file, run = where
    check_figures_apply(figures, run)
    if model_file is not None:  # given, checked already (cli.outputs); not so the default
        from aekit.cli.outputs import check_model_file

        check_model_file(model_file, "-o", force)
    cls = registry.find_class(cls_name)
    params = runs.resolve_params(cls, {}, param or [])
    params = seeded(runs.with_options(params, **fixed), seed)
    from aekit.core import distributed

    writes = distributed.rank() == 0  # under torchrun every process fits, rank 0 writes
    if run is not None:
        taken(data, not unhashed)  # DATA's digest before the fit, recorded in RUN
    if run is None:
        X, _ = open_data(data, **options, min_bytes=common.LAZY_BYTES)  # large .npy/Parquet: lazy
        estimator = cls(**params).set_params(verbose=not quiet).fit(X)
        if writes:
            runs.save_model(estimator, model_file)
            typer.echo(f"model: {model_file}")
        return
    with runs.claimed_run(run, force) if writes else contextlib.nullcontext() as staging:
        X, y = open_data(data, **options, min_bytes=common.LAZY_BYTES)
        started = runs.Stopwatch()
        estimator = cls(**params).set_params(verbose=not quiet).fit(X)
        if not writes:
            return
        runs.save_model(estimator, staging / runs.MODEL_FILE)
        # the label column X left out and the image options, recorded so that index and
        # compress read DATA as training did
        runs.write_record(staging, estimator, data, started, len(X), options)
        if figures:
            write_fit_figures(staging, estimator, X, y)  # codes coloured by DATA's labels
    typer.echo(f"run: {run}")


def _model_or_run(output: Path | None, out: Path | None, default: str):
    """``(model_file, run_folder)`` from -o and --out: --out NAME.safetensors is the older
    spelling of -o; neither gives the model file ``default``."""
    if output is not None and out is not None:
        raise ValueError("give -o FILE (a model file) or --out RUN (a folder), not both.")
    if out is not None and out.suffix == ".safetensors":
        return out, None
    if out is not None:
        return None, out
    return output or Path(default), None


@app.command("train-hasher")
def train_hasher(
    data: Data,
    bits: Annotated[int, typer.Option(help="Bits per code.")] = 32,
    epochs: Annotated[int, typer.Option(help="Training epochs.")] = 30,
    param: Param = None,
    output: ModelFile = None,
    out: RunOut = None,
    force: Force = False,
    seed: Seed = None,
    quiet: Quiet = False,
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
    no_data_hash: NoDataHash = False,
    figures: Figures = True,
) -> None:
    """Train a SemanticHasher on DATA (labels unused) and save it for 'aekit index': as a model
    file (-o, default hasher.safetensors) or in a RUN folder (--out)."""
    options = dict(
        label_column=label_column, image_shape=image_shape, image_size=image_size,
        grayscale=grayscale, force=force, seed=seed, no_data_hash=no_data_hash,
        figures=figures,
    )  # fmt: skip
    fixed = {"n_bits": bits, "max_iter": epochs}
    where = _model_or_run(output, out, "hasher.safetensors")
    _train("SemanticHasher", data, fixed, param, where, quiet, options)


@app.command()
def index(
    run: HasherRun,
    data: Data,
    out: Annotated[
        Path, typer.Option("-o", "--output", "--out", help="Index file to write.")
    ] = Path("aekit.index"),
    force: Annotated[bool, typer.Option(help="Replace an existing index file.")] = False,
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Hash every row of DATA with the hasher in RUN into a Hamming index (hasher included)."""
    hasher = load_run(run)
    if not hasattr(hasher, "index"):
        raise ValueError(
            f"{run} holds {a_kind(hasher)}, not a hasher; train one with 'aekit train-hasher'."
        )
    import numpy as np

    from aekit.estimators.streaming import iter_outputs
    from aekit.hashing import HammingIndex

    # as in training: the label column left out, the images at the recorded size
    # recorded in the index (read options): they must apply to DATA
    check_options_apply(data, DataOptions(label_column, image_shape, image_size, grayscale))
    options = run_data_options(run, data, label_column, image_shape, image_size, grayscale)
    X, _ = open_run_data(data, options)
    codes = np.concatenate(list(iter_outputs(hasher, X, "transform")))  # hashed chunk by chunk
    # as hasher.index(X): n_bits per row in memory; 'aekit search' reads QUERY as DATA was read
    # (the data options, a CSV's separator, the id and ignored columns) and names hits by id
    read = {k: v for k, v in dataclasses.asdict(options).items() if v not in (None, False)}
    read.update(table_options.record())
    built = HammingIndex(codes, hasher=hasher, read_options=read, ids=_row_ids(data)[0])
    built.save(out)
    typer.echo(f"index: {out} ({built.n_rows} rows, {built.n_bits} bits)")


def _row_ids(spec: str):
    """DATA's row ids and their column's name: its --id-column's, else an image folder's file
    names (:mod:`aekit.cli.image_paths`), else ``(None, None)``."""
    from aekit.cli.image_paths import COLUMN, image_paths

    ids = columns.ids_of(spec)
    if ids is not None:
        return ids, columns.current.id_column
    found = image_paths(spec)
    return found, None if found is None else COLUMN


@app.command()
def search(
    index_file: Annotated[Path, typer.Argument(metavar="INDEX", help="From 'aekit index'.")],
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Query rows (read like DATA).")],
    k: Annotated[int, typer.Option("-k", help="Neighbours per query.")] = 10,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help=f"Write the hits as {formats('search')} (default: print them)."
        ),
    ] = None,
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """The k nearest indexed rows of each QUERY row by Hamming distance (ties: lower row).
    QUERY is read as 'aekit index' read DATA (its label column, if QUERY has it, left out; the
    image options) unless an option here says otherwise."""
    import numpy as np

    from aekit.cli.file_writers import write_table
    from aekit.hashing import load_index

    if index_file.is_dir():  # a RUN folder: "no such file" said it was not there
        raise ValueError(
            f"INDEX {index_file} is a folder; give the index file that 'aekit index RUN DATA "
            "--out FILE' wrote (default aekit.index)."
        )
    found = load_index(index_file)
    if found.hasher is None:
        raise ValueError(f"{index_file} holds codes without a hasher; query it from Python.")
    from aekit.estimators.streaming import chunks_of

    read = found.read_options
    Q, _ = open_data(
        query,
        label_column or column_of_table(read.get("label_column"), query),
        image_shape or read.get("image_shape"),
        image_size or read.get("image_size"),
        read.get("grayscale", False) if grayscale is None else grayscale,
    )
    hits = [found.query(part, k) for part, _ in chunks_of(Q)]  # queries read chunk by chunk
    if not hits:
        raise ValueError(f"QUERY {query} has no rows.")
    indices, distances = (np.concatenate([hit[i] for hit in hits]) for i in (0, 1))
    n, k = indices.shape
    table = np.column_stack(
        [np.repeat(np.arange(n), k), np.tile(np.arange(1, k + 1), n), indices.ravel(),
         distances.ravel()]
    )  # fmt: skip
    names = ["query", "rank", "index", "distance"]
    if found.ids is not None:  # each hit named by the indexed row's id too
        hit_ids = np.asarray(found.ids, dtype=object)[indices.ravel()]
        table = np.column_stack([table[:, :3].astype(object), hit_ids, table[:, 3:]])
        names = [*names[:3], f"index_{found.read_options.get('id_column', 'id')}", names[3]]
    query_ids, named = _row_ids(query)
    if query_ids is not None:  # each hit names its query row by QUERY's --id-column too
        table = np.column_stack([np.repeat(query_ids, k).astype(object), table.astype(object)])
        names = [named, *names]
    if output is None:
        typer.echo("\t".join(names))
        typer.echo("\n".join("\t".join(map(str, row)) for row in table.tolist()))
        return
    write_table(output, table, names)
    typer.echo(f"hits: {output} ({n} queries x {k})")


@app.command("train-compressor")
def train_compressor(
    data: Data,
    latent_dim: Annotated[int, typer.Option(help="Dimensions of the code.")] = 128,
    epochs: Annotated[
        int | None,
        typer.Option(help="Training epochs (default: 30, more on small data: 1,000 steps)."),
    ] = None,
    param: Param = None,
    output: ModelFile = None,
    out: RunOut = None,
    force: Force = False,
    seed: Seed = None,
    quiet: Quiet = False,
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
    no_data_hash: NoDataHash = False,
    figures: Figures = True,
) -> None:
    """Train a Compressor on DATA and save it for 'aekit compress' / 'aekit decompress': as a
    model file (-o, default compressor.safetensors) or in a RUN folder (--out)."""
    options = dict(
        label_column=label_column, image_shape=image_shape, image_size=image_size,
        grayscale=grayscale, force=force, seed=seed, no_data_hash=no_data_hash,
        figures=figures,
    )  # fmt: skip
    fixed = {"latent_dim": latent_dim, "max_iter": "auto" if epochs is None else epochs}
    where = _model_or_run(output, out, "compressor.safetensors")
    _train("Compressor", data, fixed, param, where, quiet, options)


def _load_compressor(run: Path):
    compressor = load_run(run)
    if not hasattr(compressor, "compress"):
        raise ValueError(
            f"{run} holds {a_kind(compressor)}, not a compressor; train one with "
            "'aekit train-compressor'."
        )
    return compressor


@app.command()
def compress(
    run: CompressorRun,
    data: Data,
    output: Annotated[
        Path, typer.Option("-o", "--output", help=f"The {formats('compress')} file to write.")
    ],
    step: Annotated[
        str,
        typer.Option(help="Quantization step (smaller = more bits), or 'auto': the one fitted."),
    ] = "auto",
    label_column: LabelColumn = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
) -> None:
    """Compress the rows of DATA with the Compressor in RUN into one self-describing file."""
    import pandas as pd

    step_number = None if step.strip() == "auto" else step_value(step)
    compressor = _load_compressor(run)
    # as in training: the label column left out, the images at the recorded size
    # recorded in the index (read options): they must apply to DATA
    check_options_apply(data, DataOptions(label_column, image_shape, image_size, grayscale))
    options = run_data_options(run, data, label_column, image_shape, image_size, grayscale)
    X, _ = open_run_data(data, options)
    # each row's id (an --id-column's, or an image folder's file names) kept in the file, for
    # decompress to write first: a RUN's ids were dropped, rows left unmatched to them
    ids, name = _row_ids(data)
    named = None if ids is None else pd.Series(ids, name=name)
    # DATA on disk: a chunk at a time; the distortion measured on the same codes (once)
    payload, error = compressor.compress(X, step=step_number, ids=named, return_distortion=True)
    atomic_write(output, lambda tmp: Path(tmp).write_bytes(payload))
    # the rows' bits without their ids' (said apart), against the data's own bits a value
    from aekit.compression import container

    rows_only = container.bytes_without_ids(container.unpack(payload))
    bits = 8 * rows_only / len(X)
    per_value = bits / compressor.n_features_in_
    held = "" if ids is None else f"; the {len(ids):,} ids take {len(payload) - rows_only:,} more"
    typer.echo(
        f"{output}: {len(payload)} bytes, {bits:.1f} bits per row ({per_value:.2f} per value){held}"
    )
    typer.echo(distortion_line(compressor, len(X), step_number, error))


@app.command()
def decompress(
    run: CompressorRun,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .aek file from 'aekit compress'.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help=f"Rows to write: {formats('decompress')} (a grid of the rows)."
        ),
    ],
    image_shape: DrawnShape = None,
) -> None:
    """Decode FILE with the Compressor in RUN that wrote it."""
    compressor = _load_compressor(run)
    if not file.is_file():
        raise FileNotFoundError(f"no such file: {file}")
    with compressed_file_named(file):
        rows, ids = compressor.decompress(file.read_bytes(), return_ids=True)
    shape = drawn_shape(image_shape, rows, output, compressor.autoencoder_, "decompressed")
    n = write_rows(compressor.autoencoder_, rows, output, image_shape=shape, ids=ids)
    typer.echo(written(output, n, len(rows)))
