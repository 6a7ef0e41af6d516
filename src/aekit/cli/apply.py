"""``aekit encode|reconstruct|score RUN DATA -o OUT``: read DATA, apply the model in RUN and
write one table row per DATA row, a chunk at a time (DATA on disk is never loaded whole); or,
``reconstruct -o .png`` of an image model, a grid of DATA's first images over their
reconstructions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Output,
    Run,
    a_kind,
    app,
    load_run,
    recorded_label_name,
    run_data_options,
)
from aekit.cli.drawn_rows import MAX_GRID, grid_shape, refuse_a_table_as_images, write_pairs
from aekit.cli.label_options import LabelsFile, check_applies
from aekit.cli.output_formats import formats, is_grid
from aekit.cli.series_gaps import FillGaps, fill_gaps

GridOutput = Annotated[  # reconstruct's: a table, or a .png grid of an image model's rows
    Path,
    typer.Option(
        "-o",
        "--output",
        help=f"File to write: {formats('reconstruct')} (a grid of the first images of an image "
        "model over their reconstructions).",
    ),
]


# DATA's labels (None when it has none) go to every model, which decides: a ConditionalVAE
# conditions on them (or predicts them), the others ignore them.
def _codes(estimator, X, y, encoder):
    return estimator.transform(X, y), list(estimator.get_feature_names_out())


def _reconstructions(estimator, X, y, encoder):
    X_hat = estimator.reconstruct(X, y)
    if encoder is not None:  # back into the table's own columns, text ones included
        frame = encoder.inverse_transform(X_hat)
        return frame.to_numpy(dtype=object), list(frame.columns)
    names = getattr(estimator, "feature_names_in_", None)
    n = estimator.n_features_in_
    return X_hat, list(names) if names is not None else [f"x{i}" for i in range(n)]


# New rows flagged far more often than the training rows were (at least this share, and this
# many times the training share) read as a change of the data, which a new user's rows shifted
# by 1.5 standard deviations were (21% flagged, unsaid); fewer than DRIFT_MIN_ROWS say little.
DRIFT_SHARE, DRIFT_RATIO, DRIFT_MIN_ROWS = 0.1, 10.0, 50


def _say_if_far_more_are_flagged(detector, flagged: int, unseen: int, n: int, run: Path) -> None:
    """A detector's score of new rows: say so where far more are flagged than in training;
    where most of them are flagged for a category never seen (``unseen`` rows), that is the
    cause (warned of with the column), not a drift."""
    trained = float(detector.contamination_)  # the share of its training rows flagged
    share = flagged / max(n, 1)
    if n < DRIFT_MIN_ROWS or share < max(DRIFT_SHARE, DRIFT_RATIO * trained):
        return
    said = f"  {flagged} of these {n} rows are flagged ({share:.0%}), against {trained:.1%} of the "
    if unseen >= flagged / 2:
        typer.echo(
            said + f"training rows: {unseen} of them for a category never seen in training (the "
            "warning above names one)"
        )
        return
    typer.echo(
        said + f"training rows: if the data have moved since {run} was fitted (drift), refit it "
        "on recent rows; if these are anomalies, the threshold holds"
    )


def _scores(estimator, X, y, encoder, with_errors: bool = True, dates: bool = False):
    """The score table of a run's model: a detector's or a series detector's own, else the
    log-likelihood (``score``) and, where the output is a table (``with_errors``), the
    reconstruction error (``reconstruction_error``, the squared error summed over the row, in
    the model's space): the README's ranking of anomalous images, where the Bernoulli
    log-likelihood follows how much mid-grey an image holds (a .npy keeps the scores alone,
    as ``score_samples(X, out=...)`` writes them); a series' text dates as timestamps where
    ``dates`` (a Parquet output)."""
    import numpy as np

    if hasattr(estimator, "time_column"):  # a series detector run: one row per time point
        from aekit.cli.series import series_table

        return series_table(estimator, X, y, dates=dates)
    if hasattr(estimator, "explain"):  # a detector run: flag, probability and top features too
        from aekit.cli.anomaly import detector_table

        return detector_table(estimator, X, y)
    columns = {"score": estimator.score_samples(X, y)}
    if with_errors and hasattr(estimator, "reconstruction_error"):
        columns["reconstruction_error"] = estimator.reconstruction_error(X, y)
    if y is not None:  # text labels too: the table holds objects
        columns = {name: np.asarray(c, dtype=object) for name, c in columns.items()} | {
            "label": np.asarray(y, dtype=object)
        }
    if len(columns) == 1:  # one value a row: a .npy holds (n,), as score_samples(X, out=...)
        return columns["score"], ["score"]
    return np.column_stack(list(columns.values())), list(columns)


DATA_COMMANDS = {
    "encode": (_codes, "Write the latent codes of DATA (columns z0, z1, ...)."),
    "reconstruct": (
        _reconstructions,
        "Write DATA passed through the autoencoder, on its scale (-o .png, .svg or .pdf, an "
        "image model: a grid of DATA's first 256 images, each row of them over their "
        "reconstructions).",
    ),
    "score": (
        _scores,
        "Write each row's score. An autoencoder run: its log-likelihood in nats, higher = more "
        "normal (column score), and in a table its reconstruction error (column "
        "reconstruction_error, higher = worse: rank images by it). A detector run (aekit "
        "detect): anomaly_score, higher = more anomalous, on the scale of its threshold, with "
        "anomaly, probability and top_features; "
        "a row with a category never seen in training scores inf (flagged, probability 1, its "
        "unseen cell named first). A series run (aekit detect-series): one row per time point.",
    ),
}
NEEDS = {"encode": "transform", "reconstruct": "reconstruct", "score": "score_samples"}


def _check_kind(name: str, estimator, run: Path) -> None:
    """Refuse, in one line, a model that cannot do what command ``name`` asks."""
    imputer = hasattr(estimator, "autoencoders_")  # its transform fills gaps: no codes
    if imputer or not hasattr(estimator, NEEDS[name]):
        hint = "; score a detector run with 'aekit score'" if hasattr(estimator, "explain") else ""
        hint = "; fill a table with it by 'aekit impute DATA --model FILE'" if imputer else hint
        raise ValueError(
            f"{run} holds {a_kind(estimator)}; 'aekit {name}' needs an autoencoder run from "
            f"'aekit train'{hint}."
        )


def _check_text_output(name: str, estimator, output: Path) -> None:
    """A detector's scores hold text (top features or channel), which a .npy cannot: refused
    before DATA is read, not after the first chunk is scored."""
    if name == "score" and hasattr(estimator, "explain") and output.suffix.lower() == ".npy":
        raise ValueError(
            f"-o {output}: a detector's scores hold text (its top_features or top_channel), "
            "whatever DATA holds; write them as .csv or .parquet (its anomaly_score column is "
            "the scores alone)."
        )


def _say_if_labels_change_nothing(name: str, estimator, labels: Path | None) -> None:
    """--labels typed for a model that takes none: its codes and reconstructions are the same
    without them, so said (a score table carries them as a column: no word there)."""
    import warnings

    import aekit

    if labels is None or name == "score" or isinstance(estimator, aekit.ConditionalVAE):
        return
    warnings.warn(
        f"--labels {labels}: {type(estimator).__name__} takes no labels, so {name} gives the "
        "same rows without them (a ConditionalVAE's codes and reconstructions depend on them); "
        "leave it out.",
        stacklevel=2,
    )


def _say_if_labels_are_predicted(name: str, estimator, y, recorded: str | None) -> None:
    """A ConditionalVAE given DATA without labels encodes and reconstructs each row under the
    label it predicts for it (its score is the likelihood over every label): said, as codes
    under the rows' own labels differ. ``recorded``: the label column RUN was trained with,
    which DATA lacks (typing it again would change nothing)."""
    import warnings

    import aekit

    if y is None and name != "score" and isinstance(estimator, aekit.ConditionalVAE):
        give = (
            f"DATA lacks the label column {recorded!r} the run was trained with; add it to DATA"
            if recorded
            else "give the rows' own with --label-column (a table) or --labels FILE (an array)"
        )
        warnings.warn(
            f"DATA has no labels, so {name} conditions each row on the label the "
            f"ConditionalVAE predicts for it; {give}.",
            stacklevel=2,
        )


def _missing_label_column(run: Path, data: str) -> str | None:
    """The label column RUN was trained with, when DATA is a table (that lacks it: an array has
    no columns, its labels come from --labels FILE)."""
    from aekit.data.file_kinds import TABLE_SUFFIXES, data_suffix

    table = Path(data).is_dir() or data_suffix(Path(data)) in TABLE_SUFFIXES
    return recorded_label_name(run) if table else None


def _check_text_rows(name: str, output: Path, encoder, y) -> None:
    """Text a .npy cannot hold, known once DATA is open, before any row is computed: the text
    labels a score table carries, or the text columns of a reconstructed table."""
    if output.suffix.lower() != ".npy":
        return
    import numpy as np

    if name == "score" and y is not None and np.asarray(y).dtype.kind not in "biuf":
        raise ValueError(
            f"-o {output}: the scores carry DATA's labels, which are text; write them as .csv "
            "or .parquet."
        )
    if name == "reconstruct" and encoder is not None:
        raise ValueError(
            f"-o {output}: the reconstructed table has text columns, as DATA has; write it as "
            ".csv or .parquet."
        )


def encoded_chunks(run: Path, estimator, data: str, options):
    """``(X, parts)``: DATA as RUN's model reads it (``options``, :func:`run_data_options`),
    opened where it can be read a batch at a time (a large CSV through its Parquet copy), and
    its ``(rows, labels)`` chunks in order, text columns encoded as in training: memory holds a
    chunk of DATA, never all of it."""
    from aekit.cli.data import open_data
    from aekit.cli.tables import encoded, run_encoder
    from aekit.estimators.streaming import chunks_of

    encoder = run_encoder(run)
    X, y = open_data(data, options, text=True)  # text encoded a chunk at a time
    parts = (
        (encoded(encoder, part, model=estimator), labels)
        for part, labels in chunks_of(X, y, estimator=estimator)
    )
    return X, parts


def rows_for_run(run: Path, estimator, data: str, options, at: dict[str, int]):
    """``(rows, labels)``: the rows of DATA that options ``at`` name (``{"--from": 3}``), in
    that order, as RUN's model reads them (``options``, text columns encoded as in training),
    and their labels (None without). Only those rows are read where DATA can be read a batch
    at a time (a large CSV's Parquet copy, Parquet, ``.npy``); a row outside DATA is refused,
    naming its option."""
    import numpy as np

    from aekit.cli.data import open_data
    from aekit.cli.tables import encoded, run_encoder
    from aekit.data.lazy import rows_at

    X, y = open_data(data, options, text=True)
    for option, index in at.items():
        if not 0 <= index < len(X):
            raise ValueError(f"{option} {index} is outside DATA's {len(X)} rows.")
    ids = np.asarray(list(at.values()), dtype=np.int64)
    rows = encoded(run_encoder(run), rows_at(X, ids, text=True), model=estimator)
    return rows, None if y is None else np.asarray(y)[ids]


def _data_command(name: str, compute, doc: str):
    def command(
        run: Run,
        data: Data,
        output: Output,
        label_column: LabelColumn = None,
        labels: LabelsFile = None,
        image_shape: ImageShape = None,
        image_size: ImageSize = None,
        grayscale: Grayscale = None,
        handle_missing: FillGaps = None,
    ) -> None:
        import numpy as np

        from aekit.cli.columns import with_ids
        from aekit.cli.data import load_data, open_data, parse_ints
        from aekit.cli.tables import encoded, run_encoder
        from aekit.data.writers import write_batches
        from aekit.estimators.streaming import chunks_of

        check_applies(data, labels, label_column)  # an array's labels: a ConditionalVAE's
        estimator = load_run(run)
        _check_kind(name, estimator, run)
        fill_gaps(estimator, handle_missing, run)
        _say_if_labels_change_nothing(name, estimator, labels)
        _check_text_output(name, estimator, output)
        png = is_grid(output)  # reconstruct's alone (check_format)
        # DATA's --image-shape draws a model of flat rows too, as generate's does its samples
        drawn = parse_ints(image_shape, 3, "--image-shape") if png and image_shape else None
        encoder = run_encoder(run)  # text columns are encoded as in training
        if png:  # refused before DATA is read
            refuse_a_table_as_images(output, encoder)
            grid_shape(estimator, estimator.n_features_in_, drawn)
        # as the run read DATA: its label column, image size and shape
        options = run_data_options(
            run, data, label_column, image_shape, image_size, grayscale, labels
        )
        if hasattr(estimator, "time_column"):  # a series is scored whole: a point's score
            from aekit.cli.large_csv import time_column
            from aekit.cli.series import check_series_column_kept

            with time_column(estimator.time_column):  # a large CSV's copy keeps it as written
                X, y = load_data(data, options)  # needs the windows around it
            check_series_column_kept(data, X, estimator.time_column, f"aekit {name}")
            parts = iter([(X, y)])
        else:  # read, computed and written a chunk at a time (DATA on disk is never loaded whole)
            X, y = open_data(data, options, text=True)  # text encoded a chunk at a time
            parts = chunks_of(X, y, estimator=estimator)
        _check_text_rows(name, output, encoder, y)
        _say_if_labels_are_predicted(name, estimator, y, _missing_label_column(run, data))
        if png:
            n = _write_reconstruction_grid(estimator, X, y, encoder, output, drawn)
            typer.echo(
                f"{len(X)} rows: {output}" + (f" (a grid of the first {n})" if n < len(X) else "")
            )
            return
        # a table of an autoencoder's scores holds its reconstruction error too; a .npy not
        # and a series' text dates are timestamps in Parquet, as written in a CSV
        suffix = output.suffix.lower()
        extra = {"with_errors": suffix != ".npy", "dates": suffix == ".parquet"}
        extra = extra if name == "score" else {}
        columns: list[str] = []
        flagged: list[int] = []  # a row detector's flags (its anomaly column), chunk by chunk
        unseen: list[int] = []  # of them, the rows scored inf for a category never seen

        def tables():
            for part, labels in parts:  # memory: one chunk
                values, names = compute(
                    estimator, encoded(encoder, part, model=estimator), labels, encoder, **extra
                )
                columns[:] = names
                if "anomaly" in names:
                    flagged.append(int(values[:, names.index("anomaly")].astype(bool).sum()))
                    scores = values[:, names.index("anomaly_score")].astype(float)
                    unseen.append(int(np.isposinf(scores).sum()))
                yield values

        # DATA's id column (--id-column) first, in DATA's row order
        rows, names = with_ids(data, tables(), columns, output)
        first = next(rows)  # the first chunk names the columns
        n = write_batches(output, _chain(first, rows), len(X), names)
        if hasattr(estimator, "time_column"):  # as detect-series says it: an hourly job's count
            typer.echo(f"{n} rows: {output} ({sum(flagged)} of {n} points flagged)")
            return
        typer.echo(f"{n} rows: {output}")
        if flagged:
            _say_if_far_more_are_flagged(estimator, sum(flagged), sum(unseen), n, run)

    command.__doc__ = doc
    if name == "reconstruct":  # it draws a .png grid too: its -o help says so
        command.__annotations__["output"] = GridOutput
    if name != "score":  # of these, only a series run's scores fill gaps
        command = _without_option(command, "handle_missing")
    return command


def _without_option(command, name: str):
    """``command`` as the command line sees it without its parameter ``name`` (left at its
    default), for the commands built alike that do not take it."""
    import inspect

    signature = inspect.signature(command, eval_str=True)  # the annotations typer reads
    command.__signature__ = signature.replace(
        parameters=[p for p in signature.parameters.values() if p.name != name]
    )
    del command.__annotations__[name]
    return command


def _write_reconstruction_grid(estimator, X, y, encoder, output: Path, shape=None) -> int:
    """-o .png of reconstruct: the first rows of DATA (only those are read and reconstructed)
    over their reconstructions, drawn in ``shape`` (--image-shape) or the model's; returns how
    many are drawn."""
    import numpy as np

    from aekit.cli.tables import encoded
    from aekit.data.validation import as_numeric_array
    from aekit.estimators.streaming import chunks_of

    part, labels = next(chunks_of(X, y, MAX_GRID, estimator=estimator))
    part = encoded(encoder, part, model=estimator)
    reconstructions = np.asarray(estimator.reconstruct(part, labels))
    return write_pairs(estimator, as_numeric_array(part), reconstructions, output, len(X), shape)


def _chain(first, rest):
    yield first
    yield from rest


for _name, (_compute, _doc) in DATA_COMMANDS.items():
    app.command(_name)(_data_command(_name, _compute, _doc))
