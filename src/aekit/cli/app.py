"""The core commands. Each parses its options, calls the Python API and writes files atomically.

Errors in the user's input end the program with one line on stderr and exit code 2 (``--debug``
shows the traceback); usage errors are typer's, also exit code 2.
"""

from __future__ import annotations

import contextlib
import shlex
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from aekit.cli import common, data_fingerprint
from aekit.cli.common import (
    Grayscale,
    ImageShape,
    ImageSize,
    LabelColumn,
    Quiet,
    app,
    open_data,
    trained,
)
from aekit.cli.config_params import check_config_layout, check_recorded_params, recorded_seed
from aekit.cli.figure_option import Figures
from aekit.cli.label_options import (
    LabelsFile,
    check_applies,
    check_labels_given,
    labels_file_recorded_for,
    no_labels,
)
from aekit.cli.model_labels import labels_option
from aekit.cli.recorded_paths import recorded_data_path
from aekit.cli.seeding import ConfigSeed, given_options
from aekit.io.text import write_utf8


@app.command()
def train(
    data: Annotated[
        str | None, typer.Argument(metavar="DATA", help="Training data (see 'aekit --help').")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            metavar="KIND",
            help="ae, dae, sparse, cae, vae or cvae (default: vae, or --config's).",
            show_default=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option(help="An estimator parameter, name=value; repeatable.")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="A config.toml from an earlier run (or its RUN folder)."),
    ] = None,
    out: Annotated[Path, typer.Option(help="RUN folder to create.")] = Path("run"),
    force: Annotated[bool, typer.Option(help="Replace an existing RUN folder.")] = False,
    quiet: Quiet = False,
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="Folder to checkpoint every epoch into, so a killed run can resume."),
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Continue the run checkpointed in --checkpoint.")
    ] = False,
    label_column: LabelColumn = None,
    labels: LabelsFile = None,
    image_shape: ImageShape = None,
    image_size: ImageSize = None,
    grayscale: Grayscale = None,
    epochs: Annotated[
        int | None, typer.Option(help="Training epochs (max_iter; default: the model's).")
    ] = None,
    seed: ConfigSeed = None,
    figures: Figures = True,
    no_data_hash: data_fingerprint.NoDataHash = False,
) -> None:
    """Train an autoencoder on DATA and leave model, config, metrics and figures in RUN.

    A ConditionalVAE learns from DATA's labels: a table's --label-column, an .npz's y, an image
    folder's sub-folders, or an array's --labels FILE (recorded in RUN, as DATA is)."""
    from aekit.cli import resuming, runs, tables
    from aekit.cli.column_warnings import warn_of_misread_columns
    from aekit.cli.table_options import config_file

    if config is not None:
        config = config_file(config)  # a RUN folder: its config.toml
    document = runs.read_config(config) if config else {}
    if config:
        if document:  # another command's config first said as such (detect's [data] has labels)
            _model_class(model, document, config)
        check_config_layout(document, config)  # an empty one too, before "Missing argument"
    data_section = document.get("data", {})
    if data is None and config:  # read from where the run was trained, not from here
        # the model first: a detector's config was asked for DATA no DATA makes trainable
        _model_class(model, document, config)
        data = recorded_data_path(document, config)
    if data is None:  # a usage error, as a missing argument is: with where the help is
        from aekit.cli.running import usage_error

        raise usage_error("Missing argument 'DATA' (or a --config whose [data] section names it).")
    if data != "digits":  # a mistyped DATA said at once, before torch is imported (seconds)
        from aekit.cli.data import data_path

        data_path(data)
    hashed = data_fingerprint.hashes(no_data_hash, data_section)  # or as --config's run
    if config:  # the recorded file changed since: another model, unless said
        data_fingerprint.warn_if_changed(document, data, config, hashed)
    check_applies(data, labels, label_column)  # as typed: --labels for an array alone
    options = {
        "label_column": label_column or data_section.get("label_column"),
        "labels_file": str(labels)
        if labels is not None
        else labels_file_recorded_for(data, document),
        "image_shape": image_shape or data_section.get("image_shape"),
        "image_size": image_size or data_section.get("image_size"),
        "grayscale": data_section.get("grayscale", False) if grayscale is None else grayscale,
    }
    cls = _model_class(model, document, config)
    # --epochs and --seed set max_iter and random_state over a --config's (beside --param
    # max_iter or random_state, refused: one would silently win)
    given = given_options(epochs, seed)
    typed = runs.resolve_params(cls, {}, param or [])  # the --param given, names checked
    if config:  # named as the file's: refused later, they read as a typed --param
        # --checkpoint sets checkpoint_dir over the file's too
        replaced = set(given) | ({"checkpoint_dir"} if checkpoint is not None else set())
        seeded = "random_state" in {**typed, **given}
        recorded = recorded_seed(_recorded_params(document), config, said=not seeded)
        check_recorded_params(cls, recorded, param or [], config, replaced)
    params = runs.resolve_params(cls, recorded if config else {}, param or [])
    runs.with_options(typed, **given)  # refuses a clash
    params.update(given)
    params.setdefault("random_state", 0)  # a run must be repeatable from its config.toml
    cls(**params)._validate_params()  # a bad --epochs or --param is refused before DATA is read
    from aekit.cli.data import (
        DataOptions,
        check_options_apply,
        check_training_data,
        idx_labels_file,
    )
    from aekit.core import distributed

    # the options given here, before anything is recorded (a --config's recorded ones were
    # checked against the DATA they were recorded with)
    check_options_apply(data, DataOptions(label_column, image_shape, image_size, grayscale))
    epochs_planned = params.get("max_iter", cls().max_iter)
    given_folder = checkpoint or params.get("checkpoint_dir")  # --param checkpoint_dir too
    resuming.check_checkpoint_folder(given_folder and Path(given_folder), out, data)
    resumed_from = resuming.checkpoint_epoch(checkpoint, resume, epochs_planned)  # before work
    if checkpoint is not None:
        params = runs.with_options(params, checkpoint_dir=str(checkpoint))
    # Under torchrun every process trains (DDP); rank 0 alone claims and writes RUN.
    writes = distributed.rank() == 0
    # --param checkpoint_dir resumes without --resume (torchrun's restarts rerun the command)
    checkpoints = params.get("checkpoint_dir")
    data_fingerprint.taken(data, hashed)  # before the fit: what it trains on, recorded in RUN
    with (
        resuming.resumable_when_stopped(checkpoints, resume or checkpoint is None),
        runs.claimed_run(out, force) if writes else contextlib.nullcontext() as staging,
    ):
        X, y = open_data(data, **options, min_bytes=common.LAZY_BYTES)  # on disk when large
        warn_of_misread_columns(X, options["label_column"], data=data)
        check_labels_given(cls, data, X, y)  # before X's checks: blanks are no missing values
        encoder = tables.fit_encoder(X)  # text columns: one-hot, each a categorical likelihood
        if encoder is not None:
            X = encoder.transform(X)
            tables.check_given_groups(params.get("categorical_groups"), encoder)
            params["categorical_groups"] = encoder.categorical_groups_
            if writes:
                encoder.save(staging / tables.ENCODER_FILE)
        check_training_data(X)
        estimator = cls(**params).set_params(verbose=not quiet)
        started = runs.Stopwatch()
        with labels_option(no_labels(cls, data)):
            estimator.fit(X, y)  # unconditional kinds ignore y
        # said once fit has restored it: a checkpoint of another run is refused in fit
        if resumed_from is not None and writes and quiet:  # else the progress bar says it
            # on stderr, as the bar's line: stdout holds the results alone, --quiet or not
            typer.echo(f"resumed from epoch {resumed_from} ({checkpoint})", err=True)
        if not writes:
            return
        runs.save_model(estimator, staging / runs.MODEL_FILE)
        beside = idx_labels_file(data)  # an IDX file's labels: from the file beside it
        # [data] labels_file: the file the labels came from (--labels, or beside an IDX file)
        recorded = {**options, "labels_file": options["labels_file"] or (beside and str(beside))}
        document = runs.config_document(estimator, data, recorded)
        if encoder is not None:  # a RUN without it is incomplete (tables.encoder_file)
            document["model"]["encoder"] = tables.ENCODER_FILE
        record = started.record(len(X), estimator)
        if resumed_from is not None:  # train_seconds is this command's, from that epoch on
            record["resumed_from_epoch"] = resumed_from
        _write_toml(staging / "config.toml", {**document, "run": record})
        runs.write_metrics(staging / "metrics.csv", estimator.history_)
        command = runs.reproducing_command(
            estimator, data, options, out, figures, derived=encoder is not None
        )
        if beside is not None:  # a shell comment: the command reads them again by itself
            command += f"  # labels from {shlex.quote(str(beside))}"
        write_utf8(staging / "command.txt", command + "\n")
        if figures:
            _write_run_figures(staging, estimator, X, y, encoder)
    typer.echo(trained(estimator))
    typer.echo(f"stopped: {_why_stopped(estimator)}\nrun: {out}")


def _write_run_figures(staging: Path, estimator, X, y, encoder) -> None:
    """RUN/figures/*.png of a trained model (matplotlib imported here alone: --no-figures
    spares its import too)."""
    from aekit.cli.tables import ENCODED_UNITS
    from aekit.data.lazy import Dataset
    from aekit.viz.report import write_figures

    if isinstance(X, Dataset):  # on disk: the figures draw a sample, read alone
        X, y = X.sample(2000)
    names = None if encoder is None else encoder.get_feature_names_out()  # city=Oslo, ...
    units = None if encoder is None else ENCODED_UNITS
    write_figures(staging, estimator, X, y, feature_names=names, units=units)


def _why_stopped(estimator) -> str:
    """Why training ended: the epoch budget, or the loss that stalled (the trainer's rule)."""
    if estimator.n_iter_ >= estimator.max_iter:
        return f"reached --epochs {estimator.max_iter}"  # the option that sets max_iter
    watched = "validation" if estimator.early_stopping else "training"
    return (
        f"the {watched} loss did not improve by tol={estimator.tol:g} for "
        f"n_iter_no_change={estimator.n_iter_no_change} epochs"
    )


def _write_toml(path: Path, document: dict[str, Any]) -> None:
    import tomli_w

    write_utf8(path, tomli_w.dumps(document))


def _recorded_params(document: dict) -> dict:
    """A --config's [params], less the categorical groups train derived from its DATA's text
    columns (its [model] encoder): derived again from DATA, whose categories may differ now."""
    params = document.get("params", {})
    if document.get("model", {}).get("encoder") is None:
        return params
    return {name: value for name, value in params.items() if name != "categorical_groups"}


def _model_class(model: str | None, document: dict, config: Path | None):
    """The class to train: the typed --model, else --config's, else a VAE. A typed --model
    other than --config's is refused: the config's [params] are that model's."""
    from aekit.cli import runs

    recorded = document.get("model", {}).get("class") if config else None
    if recorded is not None:
        try:
            runs.estimator_class(recorded)  # a class name or a --model name, any case
        except (ValueError, AttributeError):  # AttributeError: not text
            raise ValueError(_not_trained_here(recorded, config)) from None
    typed = None if model is None else runs.estimator_class(model)
    if typed is not None and recorded is not None and typed is not runs.estimator_class(recorded):
        raise ValueError(
            f"--model {model} is not the {recorded} of --config {config}, whose [params] are "
            f"that model's; drop --model to train the config's {recorded}, or drop --config."
        )
    return typed or runs.estimator_class(recorded or runs.DEFAULT_MODEL)


def _not_trained_here(recorded: str, config: Path) -> str:
    """Why a --config of a RUN that another command made (a detector, an imputer, ...) is not
    'aekit train''s, and the command that makes it again (the RUN's command.txt)."""
    from aekit import registry

    beside = config.parent / "command.txt"
    command = beside.read_text(encoding="utf-8").strip() if beside.is_file() else ""
    again = (
        f"run its command again, with another --out ({beside}: {command})"
        if command.startswith("aekit ")
        else "run the command that made it again"
    )
    return (
        f"--config {config}: its model, {recorded}, is not one 'aekit train' trains (--model "
        f"{', '.join(sorted(registry.CLI_MODELS))}); {again}."
    )


# encode, reconstruct and score, then generate and interpolate, come next in ``aekit --help``
# (registered when imported).
from aekit.cli import apply, generative  # noqa: E402, F401

TrainedRun = Annotated[
    Path,
    typer.Argument(
        metavar="RUN",
        help="A RUN folder (not a model file) from 'aekit train', 'detect', 'detect-series' or "
        "'finetune', or from 'impute', 'train-hasher' or 'train-compressor' writing a RUN.",
    ),
]


@app.command()
def report(run: TrainedRun) -> None:
    """Write RUN/report.html: figures, final metrics and the command that reproduces the run."""
    from aekit.cli.outputs import check_file
    from aekit.cli.table_options import run_config
    from aekit.viz.report import model_damage, no_figures_note, write_report

    if not run.exists():
        raise FileNotFoundError(f"RUN {run}: no such folder.")
    if not (run / "metrics.csv").exists() and (run / "config.toml").is_file():
        warnings.warn(  # a RUN that lost its record of training: the rest is still shown
            f"{run} is a RUN folder without its metrics.csv (moved or deleted?): the report "
            "has no final metrics.",
            stacklevel=2,
        )
    elif not (run / "metrics.csv").exists():
        what = "a file" if run.is_file() else "not a RUN folder (it has no metrics.csv)"
        raise FileNotFoundError(  # the commands TrainedRun's help names
            f"{run} is {what}: give the folder that 'aekit "
            "train', 'detect', 'detect-series', 'finetune' or another command's --out wrote."
        )
    run_config(run)  # a damaged one is said, as every command reading RUN says it
    check_file(run / "report.html", "RUN's report")
    model = run / "model.safetensors"
    if model.is_file() and (damage := model_damage(model)):  # info and encode refuse it
        said = f"{damage.rstrip('.')}; the report says so, and shows the rest."
        warnings.warn(said, stacklevel=2)
    typer.echo(f"report: {write_report(run)}")
    if skipped := no_figures_note(run):  # a report without figures: said here, not only in it
        typer.echo(f"no figures: {skipped}")


# info and demo come next in ``aekit --help`` (each registered when imported), in this order
# isort: off
from aekit.cli import describe  # noqa: E402, F401
from aekit.cli import demo  # noqa: E402, F401

# isort: on
# Application commands live in their own modules and register themselves on ``app`` when imported
# (each keeps torch out of module level, so ``aekit --help`` stays instant).
from aekit.cli import (  # noqa: E402, F401
    anomaly,
    applications,
    classify,
    evaluate,
    finetune,
    retrieval,
    series,
    ship,
    walks,
)
from aekit.cli.help import use_help_classes  # noqa: E402
from aekit.cli.listing import add_summaries  # noqa: E402
from aekit.cli.outputs import check_outputs_first  # noqa: E402
from aekit.cli.quiet import add_quiet  # noqa: E402
from aekit.cli.table_options import add_table_options  # noqa: E402


def _complete_commands() -> None:
    """The passes over every registered command (again in ``main``, for those added since)."""
    check_outputs_first(app)  # every command checks where it will write before any work
    # every command that reads DATA takes --sep, --encoding, --no-header, --id-column and
    # --ignore-column, each by default as the RUN it reads recorded it
    add_table_options(app)
    add_quiet(app)  # scripts may pass --quiet to any command
    add_summaries(app)  # the list in 'aekit --help': one sentence a command
    use_help_classes(app)  # help without Python types, whole option names when narrow


_complete_commands()


def main() -> None:
    """The ``aekit`` command's process entry point: input errors become one line on stderr and
    exit code 2, and it ends the process (SystemExit).

    It takes the process for the rest of its life: Ctrl-C, SIGTERM and SIGHUP end it with the
    command's status (so that the seconds of teardown cannot turn a finished run into a
    failed one), and warnings print as ``aekit: warning:`` lines. So it is no function to call
    inside a notebook or another program, which would keep those handlers after it: there,
    :func:`aekit.cli.run` (``run(["train", "digits", "--out", "RUN"])``) returns the status."""
    from aekit.cli.running import run_cli

    _complete_commands()
    run_cli(app)


if __name__ == "__main__":
    main()
