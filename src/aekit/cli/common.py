"""What every command shares: the typer app, the DATA/RUN/output options, model loading and
reading DATA. Commands live in ``app.py`` (the core) and one module per application, each
registering itself on :data:`app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from aekit.cli.data import DataOptions
from aekit.cli.help import HelpGroup
from aekit.cli.output_formats import TABLES, listed
from aekit.warning_lines import with_article

app = typer.Typer(
    cls=HelpGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="aekit: every kind of autoencoder, practical.\n\n"
    "DATA is a table (.csv, .tsv, .txt, .dat, .data: the last three's separator is sniffed; "
    ".parquet; a text table may be compressed: .csv.gz, .csv.bz2, .csv.xz, .csv.zip; "
    "--label-column names its label column), "
    "an array (.npy, or .npz: its X and y; "
    "d.npz:X_train for one of several arrays, labels y_train; --labels FILE gives an "
    "array's labels, one a row), "
    "an IDX file (MNIST's format, optionally .gz), a folder of images (.png, .jpg; subfolders "
    "are labels), or 'digits' (scikit-learn's bundled 8x8 digits).",
)


def _print_version(value: bool) -> None:
    if value:
        from aekit._version import __version__

        typer.echo(f"aekit {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the Python traceback of an error.")
    ] = False,
) -> None:
    """aekit: every kind of autoencoder, practical."""
    from aekit.cli import run_identity

    run_identity.forget()  # a new command reads its RUN afresh


# The data options every command that reads DATA shares.
LabelColumn = Annotated[
    str | None,
    typer.Option(
        help="Column of a CSV/Parquet table that holds the labels (default: {recorded}none)."
    ),
]
NormalLabel = Annotated[
    str | None,
    typer.Option(
        help="The label of normal rows; every other label is an anomaly. Default: 0, False or "
        "normal if present, else the most frequent label."
    ),
]
ImageShape = Annotated[
    str | None, typer.Option(help="C,H,W: the rows of a table or array are images.")
]
ImageSize = Annotated[str | None, typer.Option(help="H,W: resize the images of a folder.")]
Grayscale = Annotated[
    bool | None,
    typer.Option(
        help="Read the images of a folder as one channel (default: {recorded}no).",
        show_default=False,
    ),
]
Output = Annotated[  # of the commands that write a table (output_formats.OUTPUT_FORMATS)
    Path, typer.Option("-o", "--output", help=f"File to write: {listed(TABLES)}.")
]
Run = Annotated[
    Path, typer.Argument(metavar="RUN", help="A RUN folder from 'aekit train', or a model file.")
]
Data = Annotated[
    str, typer.Argument(metavar="DATA", help="Table, array, IDX file, image folder, or 'digits'.")
]
Quiet = Annotated[bool, typer.Option(help="No progress bar.")]


def load_run(run: Path):
    import aekit
    from aekit.cli.run_identity import same_run
    from aekit.cli.runs import model_path
    from aekit.cli.tables import check_run_encoder

    model = aekit.load(model_path(run))
    same_run(run)  # the folder the command's other steps read (its config.toml, encoder)
    check_run_encoder(run, model)
    return model


def _recorded_data(run: Path, name: str, kind: type = str):
    """The ``name`` entry of the [data] section of RUN's config.toml, when it is a ``kind``
    (None when absent)."""
    from aekit.cli.table_options import data_section, run_config

    value = data_section(run_config(run)).get(name)
    return value if isinstance(value, kind) else None


def recorded_label_name(run: Path) -> str | None:
    """The ``--label-column`` of the command that made RUN, whatever DATA a command reads now
    (None for labels of an array)."""
    return _recorded_data(run, "label_column")


def recorded_normal_label(run: Path) -> str | None:
    """The ``--normal-label`` RUN's ``aekit detect`` (or ``detect-series``) was given."""
    return _recorded_data(run, "normal_label")


def recorded_rule_label(run: Path) -> str | None:
    """The normal label ``aekit detect``'s rule took for RUN's labels, without --normal-label."""
    return _recorded_data(run, "normal_label_by_rule")


def label_text(value: Any) -> str:
    """A label as config.toml records it: a whole float as the integer (1.0 -> "1"), so that
    labels read as floats (a column with a blank cell) match those read as integers."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def recorded_labels(run: Path) -> list[str] | None:
    """The labels ``aekit detect --label-column`` saw in training (as text), when recorded."""
    labels = _recorded_data(run, "labels", list)
    return None if labels is None else [str(v) for v in labels]


def warn_of_unknown_labels(unknown, known, never: str, outcome: str) -> None:
    """Say which labels of DATA the model does not know (the unlabelled marks, -1 or blank,
    aside), how many rows have each, and what became of them (``outcome``); ``never``: how the
    model does not know them ("the model never learned")."""
    import warnings
    from collections import Counter

    from aekit.data.validation import unlabelled_rows

    unknown = unknown[~unlabelled_rows(unknown)] if len(unknown) else unknown
    if not len(unknown):
        return
    counts = Counter(str(v) for v in unknown).most_common()
    shown = ", ".join(f"{name}: {n} row{'s' * (n != 1)}" for name, n in counts[:5]) + (
        ", ..." if len(counts) > 5 else ""
    )
    warnings.warn(
        f"{len(unknown)} row{'s have' if len(unknown) != 1 else ' has'} a label {never} "
        f"({shown}; known: "
        f"{', '.join(str(c) for c in known)}): {outcome}.",
        stacklevel=3,
    )


def recorded_label_column(run: Path, data: str) -> str | None:
    """The label column RUN's config.toml recorded, when the table DATA has that column."""
    return column_of_table(_recorded_data(run, "label_column"), data)


def column_of_table(column: str | None, data: str) -> str | None:
    """``column`` when DATA is a table file that has that column (a folder of Parquet files:
    its first file, whose columns they all share), else None."""
    from aekit.cli.data import on_disk
    from aekit.data.file_kinds import TABLE_SUFFIXES, csv_separator, data_suffix
    from aekit.data.unreadable_streams import UNREADABLE_STREAM

    path = Path(data)
    if column is None:
        return None
    if path.is_dir():
        if not on_disk(data):
            return None  # an image folder: its labels are its sub-folders
        path = min(path.glob("**/*.parquet"))
    if not (path.is_file() and data_suffix(path) in TABLE_SUFFIXES):
        return None
    import pandas as pd

    from aekit.cli.csv_options import current

    try:
        if data_suffix(path) != ".parquet":  # a text table, perhaps compressed
            sep = csv_separator(path, current.sep, current.encoding)
            first = pd.read_csv(path, nrows=1, sep=sep, encoding=current.encoding)
            names = first.columns if current.header else [f"x{i}" for i in range(first.shape[1])]
        else:
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
    # UnicodeDecodeError and pandas' are ValueErrors; a cut-off or damaged .gz, .bz2 or .xz
    # (escaping, typer made it an Abort with a traceback); the reader of DATA then says so
    except (*UNREADABLE_STREAM, ValueError, LookupError):
        return None
    return column if column in names else None


def read_data(data: str, label_column, image_shape, image_size, grayscale):
    from aekit.cli.data import load_data

    return load_data(data, DataOptions(label_column, image_shape, image_size, grayscale))


def run_label_column(run: Path, data: str, label_column: str | None) -> str | None:
    """The label column of DATA for RUN's model: ``label_column`` (--label-column) when given,
    else the one RUN's training recorded when DATA has it (a folder of Parquet files by its
    first file's columns, which all its files share). Every command that reads DATA for a RUN
    asks here, so the recorded label never reaches the model as a feature."""
    if label_column:
        return label_column
    return recorded_label_column(run, data)


# The image options RUN's model fixes: images of another shape or size are rows of another width.
FIXED_IMAGE_OPTIONS = {
    "image_shape": ("--image-shape", 3, "shape"),
    "image_size": ("--image-size", 2, "size"),
}


NO_LABELS_OPTION = object()  # run_data_options' labels_file for a command without --labels


def run_data_options(
    run: Path,
    data: str,
    label_column,
    image_shape,
    image_size,
    grayscale,
    labels_file: Any = NO_LABELS_OPTION,
) -> DataOptions:
    """The data options with which RUN's model reads DATA: each given on the command line, else
    the one RUN's training recorded in config.toml (the label column when DATA has it,
    :func:`run_label_column`; --image-shape, --image-size, --grayscale). Every command that
    reads DATA for a RUN asks here, so DATA reaches the model in the shape it was trained on.
    A shape or size given that differs from the recorded one is refused, naming both: the
    model takes rows of the recorded width only; so is a recorded shape that 'digits', images
    of their own shape, do not have. ``labels_file``: --labels FILE, an array DATA's labels
    (checked by :func:`aekit.cli.label_options.check_applies` first); left out by a command
    that takes no --labels. Not given to one that does, it is the file RUN's training read the
    labels of this very DATA from (as a recorded label column is DATA's labels when DATA has
    it), so that ``aekit encode RUN X.npy`` of a run trained with ``--labels y.npy`` encodes
    under the labels it was trained with."""
    from aekit.cli.data import DIGITS_SHAPE, parse_ints

    given = {"image_shape": image_shape, "image_size": image_size}
    for name, (option, n, noun) in FIXED_IMAGE_OPTIONS.items():
        recorded = _recorded_data(run, name)
        if given[name] is None:
            given[name] = recorded
            if name == "image_shape" and data == "digits" and recorded is not None:
                shape = parse_ints(recorded, n, option)
                if shape != DIGITS_SHAPE:
                    raise ValueError(
                        f"{run} was trained with {option} {recorded} (its config.toml) and its "
                        f"model reads images of that shape only; DATA digits is images of shape "
                        f"{','.join(map(str, DIGITS_SHAPE))}: give DATA of the recorded shape."
                    )
        elif recorded is not None and parse_ints(given[name], n, option) != parse_ints(
            recorded, n, option
        ):
            raise ValueError(
                f"{option} {given[name]}: {run} was trained with {option} {recorded} (its "
                f"config.toml) and its model reads images of that {noun} only; leave {option} "
                f"out, or train a run on the new {noun}."
            )
    if labels_file is NO_LABELS_OPTION:
        labels_file = None
    elif labels_file is None:
        from aekit.cli.label_options import labels_file_recorded_for
        from aekit.cli.table_options import run_config

        recorded_file = labels_file_recorded_for(data, run_config(run))
        labels_file = None if recorded_file is None else Path(recorded_file)
    recorded = recorded_labels(run) or []
    return DataOptions(
        run_label_column(run, data, label_column),
        given["image_shape"],
        given["image_size"],
        bool(_recorded_data(run, "grayscale", bool)) if grayscale is None else grayscale,
        minus_one_is_a_label=any(_is_minus_one(label) for label in recorded),
        labels_file=labels_file,
        shape_recorded=image_shape is None and given["image_shape"] is not None,
        fitted_images=_recorded_data(run, "images"),  # a detector's (aekit.cli.fitted_images)
    )


def _is_minus_one(text: str) -> bool:
    try:
        return float(text) == -1
    except ValueError:
        return False


# DATA at least this large (as float32 rows) is fitted on from disk, a batch at a time (train,
# detect, impute); smaller DATA is read whole, in the column types of the file, as before.
LAZY_BYTES = 64 * 2**20


def open_data(
    data: str,
    label_column,
    image_shape,
    image_size,
    grayscale,
    min_bytes: int = 0,
    labels_file: str | Path | None = None,
):
    """DATA lazily where it can be read a batch at a time (see :func:`aekit.cli.data.open_data`);
    ``labels_file``: --labels FILE, an array's labels."""
    from aekit.cli.data import open_data as open_

    labels = None if labels_file is None else Path(labels_file)
    options = DataOptions(label_column, image_shape, image_size, grayscale, labels_file=labels)
    return open_(data, options, min_bytes)


def a_kind(estimator) -> str:
    """The estimator's class with its article: "an Autoencoder", "a VariationalAutoencoder"."""
    kind = type(estimator).__name__
    return with_article(kind)


def kept_epoch(history: dict, best_loss: Any, early_stopping: Any) -> int | None:
    """The epoch (from 1) whose weights an early-stopped fit kept, when it is not the last: the
    one epoch whose validation figure that early stopping watched (``val_loss``; a fine-tuned
    classifier's ``val_error`` under ``early_stopping_metric="accuracy"``) is the best one,
    the very number the trainer records. None without early stopping, when the last epoch is
    the best, or when epochs tie (the trainer broke the tie by a figure the history lacks)."""
    if not early_stopping or best_loss is None:
        return None
    watched = [values for key, values in history.items() if key.startswith("val_")]
    epochs = {i for values in watched for i, value in enumerate(values) if value == best_loss}
    if len(epochs) != 1:
        return None
    epoch = epochs.pop() + 1
    return epoch if epoch < max(map(len, watched)) else None


def _earlier_best(history: dict, best_loss: float) -> bool:
    """Whether only epochs before the last have the best validation figure."""
    watched = [values for key, values in history.items() if key.startswith("val_") and values]
    return any(best_loss in values[:-1] and values[-1] != best_loss for values in watched)


def epoch_values(history: dict, epoch: int | None = None) -> dict[str, float]:
    """Each recorded term's value at ``epoch`` (from 1; the last by default), rounded."""
    index = -1 if epoch is None else epoch - 1
    return {k: round(v[index], 4) for k, v in history.items() if v}


def _said(values: dict[str, float]) -> str:
    """An epoch's figures as the training line prints them: 'loss 2.85, kl 0.066'."""
    return ", ".join(f"{name} {value:g}" for name, value in values.items())


def trained(estimator) -> str:
    """The line a training command prints: the class, its epochs and the losses of the weights
    it holds: the last epoch's, or with early stopping the epoch whose weights were kept."""
    history = estimator.history_
    epochs = f"{estimator.n_iter_} epoch{'s' * (estimator.n_iter_ != 1)}"
    stopping = getattr(estimator, "early_stopping", False)
    best = getattr(estimator, "best_loss_", None)
    kept = kept_epoch(history, best, stopping)
    last = _said(epoch_values(history))
    if kept is None and stopping and best is not None and _earlier_best(history, best):
        return (  # tied epochs: which one was kept, the history does not say
            f"{type(estimator).__name__}: {epochs}; kept the weights of an earlier epoch, the "
            f"best on validation ({best:.4g}); the last epoch's: {last}"
        )
    if kept is None:
        return f"{type(estimator).__name__}: {epochs}, {last}"
    values = _said(epoch_values(history, kept))
    return (
        f"{type(estimator).__name__}: {epochs}; kept the weights of epoch {kept} (the best "
        f"on validation), {values}"
    )
