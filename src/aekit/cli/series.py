"""``aekit detect-series``: fit a SeriesAnomalyDetector on the series in DATA and leave model,
per-point scores, the figure, config.toml and command.txt in RUN. ``aekit score RUN new.csv`` on
such a run writes the table of :func:`series_table` for the new series.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import LabelColumn, NormalLabel, Quiet, app
from aekit.cli.data import DataOptions, load_data
from aekit.cli.data_fingerprint import NoDataHash, taken
from aekit.cli.figure_option import Figures
from aekit.cli.label_options import LabelsFile, check_applies
from aekit.cli.seeding import Seed, seeded
from aekit.io.text import write_utf8

FIGURE = "figures/series.png"

SeriesData = Annotated[
    str,
    typer.Argument(
        metavar="DATA",
        help="One time series: a table (.csv, .parquet) of one row per time point, a column per "
        "channel (and --time-column), or an array (.npy) of shape (time,) or (time, channels).",
    ),
]


def series_table(detector, X, y=None, dates: bool = False):
    """One row per time point: its timestamp (when the detector has a time column), anomaly
    score (higher = more anomalous, the scale of ``threshold_``), flag (``predict``), the
    channel that contributes most, the anomaly likelihood when the detector flags by it, and
    the given label, if any. ``dates``: a time column of text dates is given as timestamps
    (:func:`written_times`: for a typed output, Parquet), else as written."""
    import numpy as np
    import pandas as pd

    contributions = detector.explain(X)
    scores = contributions.sum(axis=1).to_numpy()
    channels = contributions.iloc[:, :-1]  # the last column: the latent remainder
    top = np.asarray(channels.columns, dtype=object)[np.argmax(channels.to_numpy(), axis=1)]
    columns = {}
    if detector.time_column is not None:
        times = pd.DataFrame(X)[detector.time_column]
        columns[detector.time_column] = (written_times(times) if dates else times).to_numpy()
    by_likelihood = detector.threshold == "likelihood"
    flags = detector.predict(X) == -1 if by_likelihood else scores > detector.threshold_
    columns.update(anomaly_score=scores, anomaly=flags, top_channel=top)
    if by_likelihood:
        columns["likelihood"] = detector.anomaly_likelihood(X)
    if y is not None:
        columns["label"] = np.asarray(y)
    values = np.column_stack([np.asarray(v, dtype=object) for v in columns.values()])
    return values, list(columns)


def written_times(column):
    """A time column as a typed output writes it: text dates (read as dates by the detector)
    as timestamps, naive as written, or instants in UTC where the text gives its zone's offset
    (a day's offsets change at daylight saving time: one column holds them only as UTC);
    numbers and timestamps as they are."""
    import pandas as pd

    from aekit.timeseries.time_axis import zoned
    from aekit.timeseries.timestamps import parse_times

    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column
    stamps = parse_times(column, f"time column {column.name!r}")  # UTC instants
    return stamps if zoned(column) else stamps.dt.tz_localize(None)


def check_series_column_kept(spec: str, X, time_column: str | None, command: str) -> None:
    """Refuse a long table of several series (``host,timestamp,value``) whose series column
    ``--id-column`` or ``--ignore-column`` left out: unseen, its series would be read as one,
    of repeated timestamps (refused as a step back in time, with advice to sort the file that
    leads to averaging them), where the detector refuses a long table naming the column."""
    import pandas as pd

    from aekit.cli import columns
    from aekit.timeseries.repeats import key_values, series_keys

    dropped = columns.left_out(spec)
    if dropped is None or time_column is None or time_column not in getattr(X, "columns", ()):
        return
    for name in dropped.columns:
        pair = pd.DataFrame({"key": dropped[name].to_numpy(), "time": X[time_column].to_numpy()})
        for _, counts in series_keys(pair, "time", []):
            raise ValueError(
                f"{columns.option_of(name)}: column {name!r} ({key_values(counts)}) tells "
                f"apart the series of DATA {spec}, a long table in which each has its own "
                f"timestamps; left out, they would be read as one series. {command} reads one "
                f"series: write each {name}'s rows to a file of its own and run it on each."
            )


def _value_columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise ValueError(f"--value-columns takes column names separated by commas, got {text!r}.")
    return names


@app.command("detect-series")
def detect_series(
    data: SeriesData,
    out: Annotated[Path, typer.Option(help="RUN folder to create.")] = Path("series-run"),
    time_column: Annotated[
        str | None, typer.Option(help="Column of timestamps (dates or numbers), evenly spaced.")
    ] = None,
    value_columns: Annotated[
        str | None, typer.Option(help="a,b: the channels; default: every numeric column.")
    ] = None,
    window: Annotated[int, typer.Option(help="Points per window.")] = 64,
    stride: Annotated[int, typer.Option(help="Points between windows.")] = 1,
    contamination: Annotated[
        str, typer.Option(help="Expected anomaly fraction, or 'auto' (no rate needed).")
    ] = "auto",
    threshold: Annotated[
        str,
        typer.Option(
            metavar="RULE",
            help="contamination, mean_std, pot, or likelihood (follows drift: each point "
            "against the scores of the --likelihood-window points before it).",
        ),
    ] = "contamination",
    likelihood_window: Annotated[
        int, typer.Option(help="Trailing points of --threshold likelihood.")
    ] = 1000,
    handle_missing: Annotated[
        str, typer.Option(metavar="HOW", help="error, or interpolate (NaN and missing timestamps).")
    ] = "error",
    seed: Seed = None,
    epochs: Annotated[
        int | None,
        typer.Option(
            help="Epochs of the window autoencoder (default 40); fewer fit a long series "
            "faster, as a larger --stride does."
        ),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option(help="A detector parameter, name=value; repeatable.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing RUN folder.")] = False,
    quiet: Quiet = False,
    label_column: LabelColumn = None,
    labels: LabelsFile = None,
    normal_label: NormalLabel = None,
    no_data_hash: NoDataHash = False,
    figures: Figures = True,
) -> None:
    """Fit a series anomaly detector on DATA (one series: a table of time points, or an array);
    write RUN/model.safetensors, RUN/scores.csv (one row per point), RUN/figures/series.png,
    RUN/config.toml and RUN/command.txt. Labels of the points (a table's --label-column, an
    .npz's y, an array's --labels FILE) are never used in training; they give the ROC-AUC."""
    import shlex

    from aekit import SeriesAnomalyDetector
    from aekit.cli import large_csv, runs, table_options
    from aekit.cli.anomaly import _fraction
    from aekit.cli.anomaly_labels import (
        by_label,
        check_labels_before_fit,
        chosen_normal_label,
        labelled_rows,
        seen_labels,
    )
    from aekit.cli.detection_figures import detection_figures, label_line
    from aekit.cli.progress import phases
    from aekit.core import distributed

    check_applies(data, labels, label_column)
    rate = contamination if contamination == "auto" else _fraction(contamination)
    params = runs.resolve_params(SeriesAnomalyDetector, {}, param or [])
    writes = distributed.rank() == 0  # under torchrun every process fits, rank 0 writes RUN
    taken(data, not no_data_hash)  # DATA's digest before the fit, recorded in RUN
    with runs.claimed_run(out, force) if writes else contextlib.nullcontext() as staging:
        with large_csv.time_column(time_column):  # a large CSV's copy keeps it as written
            X, y = load_data(data, DataOptions(label_column, labels_file=labels))
        check_series_column_kept(data, X, time_column, "aekit detect-series")
        if y is not None:  # before the fit, not after it
            check_labels_before_fit(y, normal_label)
        if value_columns is None:  # every numeric column a channel: the labels too
            from aekit.cli.column_warnings import warn_of_label_like_columns

            warn_of_label_like_columns(X, label_column, "--value-columns naming the others")
        import tomli_w

        from aekit.cli.columns import with_ids_table
        from aekit.cli.data import write_table

        params = runs.with_options(
            params,
            window=window,
            stride=stride,
            time_column=time_column,
            value_columns=_value_columns(value_columns),
            contamination=rate,
            threshold=threshold,
            likelihood_window=likelihood_window,
            handle_missing=handle_missing,
        )
        params = seeded(params, seed, epochs)  # --param max_iter alone too, as finetune's
        with phases("detect-series", 3, quiet or not writes) as start:
            detector = SeriesAnomalyDetector(**params)
            start(f"fitting the window detector on {len(X)} points")
            started = runs.Stopwatch()
            detector.fit(X)  # warns of threshold settings its rule does not read
            record = started.record(len(X), detector)  # config.toml's [run]: what aekit info shows
            if not writes:
                return
            start("scoring and explaining every point")
            with warnings.catch_warnings():  # said by fit, in the words of the Python API
                warnings.filterwarnings("ignore", message=".*left out of the channels")
                values, columns = series_table(detector, X, y)
            start("writing the model" + (" and figure" if figures else ""))
            detector.save(staging / runs.MODEL_FILE)
            scores = staging / "scores.csv"
            write_table(scores, *with_ids_table(data, values, columns, scores))  # id first
            if figures:
                marked = None if y is None else _marked(y, normal_label)
                _write_figure(staging / FIGURE, detector, X, dict(zip(columns, values.T)), marked)
            options = {
                "label_column": label_column,
                "labels_file": None if labels is None else str(labels),
                "normal_label": normal_label,
                "labels": seen_labels(y),  # evaluate says the labels detect-series never saw
                # and reads new points of these labels by this one
                "normal_label_by_rule": chosen_normal_label(y, normal_label),
            }
            document = runs.config_document(detector, data, options) | {"run": record}
            write_utf8(staging / "config.toml", tomli_w.dumps(document))
            runs.write_metrics(staging / "metrics.csv", runs.training_history(detector))
        flags = {
            "time_column": time_column,
            "value_columns": value_columns,
            "window": window,
            "stride": stride,
            "contamination": contamination,
            "threshold": threshold,
            "likelihood_window": likelihood_window if threshold == "likelihood" else None,
            "handle_missing": handle_missing,
            "seed": seed,
            "epochs": epochs,
            "label_column": label_column,
            "labels_file": labels,
            "normal_label": normal_label,
        }
        words = ["aekit", "detect-series", data]
        words += [] if figures else ["--no-figures"]  # rerun, it skips them too
        for name, value in flags.items():
            if value is not None:
                words += [runs.FLAGS.get(name, "--" + name.replace("_", "-")), str(value)]
        for pair in param or []:
            words += ["--param", pair]
        words += ["--no-data-hash"] if no_data_hash else []  # rerun, it skips the hash too
        words += table_options.flags()  # --sep ... --id-column, as DATA was read
        write_utf8(staging / "command.txt", shlex.join([*words, "--out", str(out)]) + "\n")
    flagged = int(values[:, columns.index("anomaly")].astype(bool).sum())
    rule = (
        f"likelihood above 1 - {detector.risk:g}"
        if detector.threshold == "likelihood"
        else f"threshold {detector.threshold_:.4g}"
    )
    typer.echo(f"{flagged} of {len(values)} points flagged ({rule})")
    if y is not None:  # as detect prints it
        scores = values[:, columns.index("anomaly_score")].astype(float)
        flags = values[labelled_rows(y), columns.index("anomaly")].astype(bool)
        labelled, anomalous = by_label(scores, y, normal_label)
        figures = detection_figures(labelled, anomalous, flags)
        if figures:  # as detect: labels all one are said in a warning
            typer.echo(label_line(label_column, figures, anomalous, "points", labels))
    typer.echo(f"run: {out}")


def _write_figure(path: Path, detector, X, table: dict, marked) -> None:
    """RUN/figures/series.png: the series above each point's score (``table``: series_table's
    columns), the flagged points shaded and the points labelled anomalies (``marked``) grey."""
    from aekit.viz.figures import save_figure
    from aekit.viz.series import series_figure

    by_likelihood = detector.threshold == "likelihood"  # no line on the score
    figure = series_figure(
        _channels(detector, X),
        table["anomaly_score"].astype(float),
        None if by_likelihood else detector.threshold_,
        time=_time_axis(detector, X),
        channel_names=getattr(detector, "feature_names_in_", None),
        labels=marked,
        flags=table["anomaly"].astype(bool),
    )
    save_figure(figure, path)


def _channels(detector, X):
    """The values the detector read, as ``(time, channels)``."""
    import numpy as np
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        names = detector.feature_names_in_
        return X[list(names)].to_numpy(np.float64, na_value=np.nan)
    return np.asarray(X, dtype=np.float64)


def _time_axis(detector, X):
    import pandas as pd

    from aekit.timeseries.timestamps import parse_times

    if detector.time_column is None:
        return None
    column = X[detector.time_column]
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy()
    # In UTC without a zone: the figure draws datetime64 (a zone-aware column is objects).
    return parse_times(column, f"time column {detector.time_column!r}").dt.tz_localize(None)


def _marked(y, normal_label: str | None):
    """The points the figure marks as anomalies by their label; an unlabelled point is none
    (blank labels were read as a label 'None' or '-1' of their own, drawn as anomalies)."""
    import numpy as np

    from aekit.cli.anomaly_labels import as_anomaly, labelled_rows

    keep = labelled_rows(y)
    marked = np.zeros(len(y), dtype=bool)
    if keep.any():
        marked[keep] = as_anomaly(np.asarray(y, dtype=object)[keep], normal_label)
    return marked
