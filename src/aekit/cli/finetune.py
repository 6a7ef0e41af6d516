"""``aekit finetune RUN DATA --label-column y --out RUN2``: fine-tune the encoder of an
autoencoder run on DATA's labels (:class:`aekit.FineTunedClassifier`, or
:class:`aekit.FineTunedRegressor` with ``--task regression``); ``aekit predict RUN2 DATA``
then predicts. RUN2 holds model.safetensors (the autoencoder inside), metrics.csv,
command.txt, config.toml (the label column, so predict reads DATA as finetune did) and RUN's
encoder.json when RUN had text columns, staged and claimed as ``aekit train``'s RUN is.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.common import (
    Data,
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Quiet,
    a_kind,
    app,
    load_run,
    trained,
)
from aekit.cli.common import Run as RunArgument
from aekit.cli.data_fingerprint import NoDataHash, taken
from aekit.cli.figure_option import Figures
from aekit.cli.label_options import LabelsFile, advice, check_applies
from aekit.cli.seeding import Seed, seeded
from aekit.io.text import write_utf8

TASKS = {"classification": "FineTunedClassifier", "regression": "FineTunedRegressor"}


@app.command()
def finetune(
    run: RunArgument,
    data: Data,
    out: Annotated[Path, typer.Option(help="RUN folder to create.")] = Path("finetune-run"),
    task: Annotated[
        str, typer.Option(metavar="TASK", help="classification or regression.")
    ] = "classification",
    param: Annotated[
        list[str] | None,
        typer.Option(help="A parameter of the fine-tuning estimator, name=value; repeatable."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing RUN folder.")] = False,
    quiet: Quiet = False,
    epochs: Annotated[
        int | None, typer.Option(help="Training epochs (max_iter; default: the model's, 200).")
    ] = None,
    seed: Seed = None,
    label_column: LabelColumn = None,
    labels: LabelsFile = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
    no_data_hash: NoDataHash = False,
    figures: Figures = True,
) -> None:
    """Fine-tune the encoder of RUN (an autoencoder run) with a new head on DATA's labels (a
    table's --label-column, an .npz's y, an array's --labels FILE; rows with a blank label
    are left out, and for classification rows labelled -1) and leave the model in OUT."""
    import dataclasses

    import numpy as np
    import tomli_w

    from aekit import registry
    from aekit.cli import runs, table_options, tables
    from aekit.cli.common import run_data_options
    from aekit.cli.data import DataOptions, check_options_apply, load_data
    from aekit.cli.label_text import blank_cells
    from aekit.cli.run_figures import write_fit_figures
    from aekit.core import distributed
    from aekit.data.validation import unlabelled_rows

    if task not in TASKS:
        raise ValueError(f"--task {task!r}: choose classification or regression.")
    cls = registry.find_class(TASKS[task])
    params = runs.resolve_params(cls, {}, param or [])
    if "autoencoder" in params:  # it is RUN's: given twice, Python's TypeError was all it said
        raise ValueError(
            "--param autoencoder: finetune fine-tunes RUN's autoencoder (its first argument); "
            "to start from another, give that one's RUN."
        )
    params = seeded(params, seed, epochs)
    # Under torchrun every process fits, rank 0 alone claims and writes OUT.
    writes = distributed.rank() == 0
    taken(data, not no_data_hash)  # DATA's digest before the fit, recorded in RUN
    with runs.claimed_run(out, force) if writes else contextlib.nullcontext() as staging:
        autoencoder = load_run(run)
        if not hasattr(autoencoder, "encoder_module"):
            raise ValueError(
                f"{run} holds {a_kind(autoencoder)}; finetune needs an autoencoder run "
                "from 'aekit train'."
            )
        if getattr(autoencoder, "classes_", None) is not None:  # said before DATA is read
            raise ValueError(
                f"{run} holds a {type(autoencoder).__name__}, which encodes rows given their "
                "labels, which are what finetune predicts: start from a RUN of an "
                "unconditional model (aekit train DATA --model vae, or ae)."
            )
        estimator = cls(autoencoder, **params).set_params(verbose=not quiet and writes)
        estimator.check_params()  # a setting the task refuses, said before DATA is read
        # DATA as RUN read it: its recorded label column and image options, its text columns
        # one-hot encoded; OUT records the same options, so predict reads DATA as here.
        given = DataOptions(label_column, image_shape, image_size, grayscale)
        check_options_apply(data, given)  # recorded below: they must apply to DATA
        check_applies(data, labels, label_column)
        options = run_data_options(
            run, data, label_column, image_shape, image_size, grayscale, labels
        )
        encoder = tables.run_encoder(run)
        # a regression's targets are numbers, -1 one like any other: its blank cells are read
        # as blank (NaN), not as the -1 that marks a class's unlabelled rows (aekit.cli.data)
        targets = dataclasses.replace(options, minus_one_is_a_label=True)
        X, y = load_data(data, targets if task == "regression" else options)
        X, runs_label = _as_run_read_it(run, data, options.label_column, X, encoder or autoencoder)
        # in the autoencoder's column order: a file's columns are matched by name, as every
        # command reading DATA for a RUN matches them (its encoder takes them by position)
        X = tables.encoded(encoder, X, model=autoencoder)
        if y is None:
            raise ValueError(f"DATA {data} has no labels; {advice(data)}.")
        # a blank cell (NaN for a regression, or where -1 is one of the labels) has no target
        # for either task; -1 (a number, or the text "-1" in a column of names) and empty text
        # mark a class's unlabelled rows too, as for a ConditionalVAE
        if task == "classification":
            labelled = ~unlabelled_rows(y)
        else:
            labelled = ~blank_cells(y)
        if not labelled.any():
            raise ValueError(
                f"no row of DATA {data} has a label"
                + (f" in its column {options.label_column!r}" if options.label_column else "")
                + ": finetune learns from labelled rows; give DATA with labels."
            )
        if not labelled.all():
            typer.echo(f"{int((~labelled).sum())} unlabelled rows left out", err=True)
            # a table stays one (by position, not label): the model keeps its column names,
            # which later commands match a file's columns by, as aekit train's model does
            X = X.iloc[labelled] if hasattr(X, "iloc") else np.asarray(X)[labelled]
            y = y[labelled]
        started = runs.Stopwatch()
        estimator.fit(X, y)
        if not writes:
            return
        runs.save_model(estimator, staging / runs.MODEL_FILE)
        runs.write_metrics(staging / "metrics.csv", estimator.history_)
        if figures:  # its loss curve, as every RUN has figures
            write_fit_figures(staging, estimator, X)
        if encoder is not None:  # predict reads DATA through it, as RUN did
            encoder.save(staging / tables.ENCODER_FILE)
        # RUN's left-out column that is the label here is no left-out column of OUT: recorded
        # and typed again beside --label-column, the two conflicted (command.txt failed)
        _leave_out_no_label(options.label_column)
        # the typed options only: minus_one_is_a_label is read from a RUN, never recorded
        recorded = {k: v for k, v in options.typed().items() if v not in (None, False)}
        recorded |= table_options.record()  # --sep ... --id-column, as read here
        if runs_label is not None:  # no feature of OUT's model either: predict leaves it out
            recorded["ignore_columns"] = [*recorded.get("ignore_columns", []), runs_label]
        document = {
            "model": {"class": cls.__name__}
            | ({} if encoder is None else {"encoder": tables.ENCODER_FILE}),
            # the pretrained autoencoder is RUN's (command.txt names it), not a parameter here
            "params": runs.params_record(estimator, leave_out=("autoencoder",)),
            "data": {"path": data, **recorded, **taken(data)},
            "run": started.record(
                len(y), estimator
            ),  # rows, seconds and date, as aekit info shows them
        }
        write_utf8(staging / "config.toml", tomli_w.dumps(document))
        words = ["finetune", str(run), data, "--task", task]
        # each a flag when True
        typed = options.typed() | {"no_data_hash": no_data_hash, "no_figures": not figures}
        command = runs.rerunning_command(words, params, typed, out)
        write_utf8(staging / "command.txt", command + "\n")
    typer.echo(f"{trained(estimator)}\nrun: {out}")


def _leave_out_no_label(label_column: str | None) -> None:
    """The running command's --ignore-column list without ``label_column``."""
    import dataclasses

    from aekit.cli import columns

    ignored = columns.current.ignore_columns
    if label_column in ignored:
        kept = tuple(name for name in ignored if name != label_column)
        columns.current = dataclasses.replace(columns.current, ignore_columns=kept)


def _as_run_read_it(run: Path, data: str, label_column: str | None, X, fitted):
    """``(X, left_out)``: DATA's features as RUN's model read them, without the label column
    RUN's training recorded (``left_out``, None if not left out: another one is the label here;
    RUN's encoder never read that column, and it was read as a feature, silently, where its
    width matched), and with the columns ``fitted`` (the run's encoder or model) was fitted on,
    in its order; other columns are refused by name."""
    import pandas as pd

    from aekit.cli.common import recorded_label_column
    from aekit.cli.tables import in_fit_order

    if not isinstance(X, pd.DataFrame):
        return X, None
    left_out = recorded_label_column(run, data)
    if left_out not in (None, label_column) and left_out in X.columns:
        X = X.drop(columns=left_out)
    else:
        left_out = None
    names = getattr(fitted, "feature_names_in_", None)
    X = in_fit_order(X, fitted)
    if names is None or [str(c) for c in X.columns] == [str(n) for n in names]:
        return X, left_out
    extra = [str(c) for c in X.columns if str(c) not in set(map(str, names))]
    missing = [str(n) for n in names if n not in set(map(str, X.columns))]
    said = []
    if extra:
        said.append(
            f"it has {', '.join(extra[:5])} besides them (leave a column out with "
            "--ignore-column NAME, or make it the label with --label-column)"
        )
    if label_column in missing:  # a feature of RUN's model made the label here
        said.append(
            f"--label-column {label_column} is one of the model's features, so it cannot be "
            f"its label (train a run without it, e.g. with --ignore-column {label_column})"
        )
        missing.remove(label_column)
    if missing:
        said.append(f"it lacks {', '.join(missing[:5])}")
    # with its label a feature of RUN's model and nothing else amiss, DATA has RUN's columns
    head = f"DATA {data} has other columns than {run}'s model was trained on"
    if not (extra or missing):
        head = f"DATA {data} has the columns {run}'s model was trained on, but not a label for it"
    raise ValueError(f"{head}: {'; '.join(said)}.")
