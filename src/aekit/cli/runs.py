"""The RUN folder a training run leaves behind, and the class ``--model`` names.

RUN/model.safetensors  the model (``aekit.load``)
RUN/config.toml        class, parameters and data options: ``aekit train --config`` re-runs it
RUN/metrics.csv        every objective term per epoch, training and validation
RUN/command.txt        the exact command that reproduces the run
RUN/figures/*.png      the figures; ``aekit report RUN`` adds report.html

A run is built in a hidden staging folder beside RUN, claimed before any work, and renamed into
place only when complete, so a failed run leaves no RUN folder behind (:mod:`aekit.cli.outputs`).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from aekit import registry
from aekit.cli.data_fingerprint import taken
from aekit.cli.outputs import check_out, claimed_run  # noqa: F401 (the commands use them)
from aekit.cli.param_values import param_pair, parse_value, toml_literal, typed_list  # noqa: F401
from aekit.cli.parameter_names import nearest_parameter
from aekit.cli.resuming import CHECKPOINT_FILE, checkpoint_epoch, resumable_when_stopped  # noqa: F401
from aekit.cli.run_identity import same_model_kind
from aekit.io.text import write_utf8

MODEL_FILE = "model.safetensors"


def save_model(estimator: Any, path: Path) -> None:
    """``estimator.save(path)`` with ``verbose`` as Python's default, False: the command set it
    from --quiet for its own progress bar, not for the model's later fits (``aekit.load`` of a
    trained RUN gave a model whose every refit in a notebook drew a bar, unasked)."""
    shown = estimator.verbose
    estimator.set_params(verbose=False)
    try:
        estimator.save(path)
    finally:
        estimator.set_params(verbose=shown)


def estimator_class(name: str) -> type:
    """The class of ``--model NAME``: a short name of ``registry.CLI_MODELS`` (any case) or the
    class name of one of those kinds."""
    models = registry.CLI_MODELS
    class_name = models.get(name.lower(), name)
    if class_name not in models.values():
        raise ValueError(f"unknown --model {name!r}; choose from {', '.join(sorted(models))}.")
    return registry.find_class(class_name)


def resolve_params(cls: type, config: dict[str, Any], pairs: list[str]) -> dict[str, Any]:
    """Parameters from the config file, then ``--param name=value`` on top; names checked."""
    valid = sorted(cls().get_params())
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            raise ValueError(f"--param {pair!r} must look like name=value.")
        if name.strip() == "verbose":  # every command sets it from --quiet, which would win
            raise ValueError("--param verbose: use --quiet (progress is on by default).")
        if name.strip() == "warm_start":  # a command has no fitted estimator to go on with
            raise ValueError(f"--param warm_start: {NO_WARM_START}.")
        params[name.strip()] = parse_value(text.strip())
    unknown = sorted(set(params) - set(valid))
    if unknown:
        own = _own_options(valid)  # listed as valid, --param contamination was then refused
        listed = [name for name in valid if name not in own and name not in _NEVER_A_PARAM]
        said = "; ".join(f"{name} with {flag}" for name, flag in own.items())
        meant = nearest_parameter(unknown, listed, own)
        raise ValueError(
            f"{cls.__name__} has no parameter {', '.join(unknown)}{meant}; valid: "
            f"{', '.join(listed)}"
            + (f" (and, with this command's own options: {said})." if own else ".")
        )
    return params


_NEVER_A_PARAM = ("verbose", "warm_start")  # --quiet sets one; no command goes on with a fit


def _own_options(names: list[str]) -> dict[str, str]:
    """``{parameter: flag}`` of the ``names`` that the running command sets with an option of
    its own (``contamination``: ``--contamination``; ``random_state``: ``--seed``)."""
    from aekit.cli.running_command import running_options

    options = running_options()
    own = {}
    for name in names:
        flag = OPTION_FLAGS.get(name, f"--{name.replace('_', '-')}")
        if flag[2:].replace("-", "_") in options:
            own[name] = flag
    return own


# Why a command takes no warm_start (said for --param warm_start and for --warm-start)
NO_WARM_START = (
    "each command fits a new network, so there is none to go on training; a stopped run goes on "
    "with --checkpoint DIR and --resume (warm_start=True is the Python API's)"
)

# the options whose flag is not the parameter's name
OPTION_FLAGS = {
    "random_state": "--seed",
    "max_iter": "--epochs",
    "n_bits": "--bits",
    "checkpoint_dir": "--checkpoint",
}


# 'aekit train's model when neither --model nor a --config names one
DEFAULT_MODEL = "vae"

# The estimators each command's --param sets parameters of: train's are those of --model
PARAM_CLASSES = {
    "train": tuple(dict.fromkeys(registry.CLI_MODELS.values())),
    "detect": ("AnomalyDetector",),
    "detect-series": ("SeriesAnomalyDetector",),
    "impute": ("AutoencoderImputer",),
    "finetune": ("FineTunedClassifier", "FineTunedRegressor"),
    "train-hasher": ("SemanticHasher",),
    "train-compressor": ("Compressor",),
}

# Where a command fits one of several of its PARAM_CLASSES, the option that chooses which: its
# choices (name -> class) and the choice taken when it is not given (train's --config's model
# comes first). A parameter of some of them is advised with the choices that have it.
CLASS_CHOICES = {"train": ("--model", registry.CLI_MODELS, DEFAULT_MODEL)}


def with_options(params: dict[str, Any], **options: Any) -> dict[str, Any]:
    """``params`` (from ``--param``) with the command's own options added; a ``--param`` naming
    one of them is refused, since the option (given or at its default) would silently win."""
    clash = sorted(set(params) & set(options))
    if clash:
        flags = ", ".join(OPTION_FLAGS.get(name, f"--{name.replace('_', '-')}") for name in clash)
        raise ValueError(
            f"--param {', '.join(clash)}: this command has its own option for it; use {flags}."
        )
    return {**params, **options}


def read_config(path: Path) -> dict[str, Any]:
    from aekit.cli.table_options import config_file, read_toml

    path = config_file(path)
    return read_toml(path, f"--config {path}")


# TOML has no null: an unseeded run's random_state is written as this word, which 'aekit train
# --config' reads back as None (aekit.cli.config_params.recorded_seed; left out, it read as
# train's default seed 0: another run, unsaid)
UNSEEDED = "none"


def config_document(estimator: Any, data: str, data_options: dict[str, Any]) -> dict[str, Any]:
    """What config.toml holds; TOML has no null, so None values are left out (the defaults),
    but for an unseeded run's random_state, written "none".
    [data] holds the table options too (:func:`aekit.cli.table_options.record`)."""
    from aekit.cli import table_options

    params = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in estimator.get_params().items()
        if v is not None and k not in ("verbose", "checkpoint_dir")
    }
    if "random_state" in estimator.get_params() and estimator.random_state is None:
        params["random_state"] = UNSEEDED  # left out, --config read it as train's seed 0
    return {
        "model": {"class": type(estimator).__name__},
        "params": params,
        "data": {"path": data}
        | {k: v for k, v in data_options.items() if v not in (None, False)}
        | table_options.record()
        | taken(data),
    }


def write_metrics(path: Path, history: dict[str, list[float]]) -> None:
    import pandas as pd

    # Series: the members of an ensemble may stop after different numbers of epochs.
    frame = pd.DataFrame({k: pd.Series(v, dtype=float) for k, v in history.items()})
    frame.insert(0, "epoch", range(1, len(frame) + 1))
    frame.to_csv(path, index=False)


def reproducing_command(
    estimator: Any,
    data: str,
    options: dict[str, Any],
    out: Path,
    figures: bool = True,
    derived: bool = False,
) -> str:
    """``aekit train`` with every setting spelled out (:func:`rerunning_command`): the class,
    each parameter that differs from its default (so the seed too), and the data options;
    ``--no-figures`` for a RUN drawn without them (the same folder again). ``derived``: train
    derived the categorical groups from DATA's text columns, and derives them again."""
    defaults = type(estimator)().get_params()
    # how to watch or resume, not what to fit; groups train makes itself
    left_out = {"verbose", "checkpoint_dir"} | ({"categorical_groups"} if derived else set())
    params = {
        name: value
        for name, value in estimator.get_params().items()
        if name not in left_out
        and (name == "random_state" or (value is not None and value != defaults[name]))
    }  # a seed of None too: train's default is 0
    words = ["train", data, "--model", type(estimator).__name__]
    skipped = {} if figures else {"no_figures": True}  # written as the flag --no-figures
    skipped |= {"no_data_hash": True} if taken(data).get("hashed") is False else {}
    return rerunning_command(words, params, {**options, **skipped}, out)


# The data options whose flag is not their name in config.toml's [data] section.
FLAGS = {"labels_file": "--labels"}


def rerunning_command(
    words: list[str], params: dict[str, Any], options: dict[str, Any], out: Path
) -> str:
    """What command.txt holds for a command that fits a model (``aekit train``, ``finetune``):
    ``aekit WORDS``, then ``params`` as ``--param NAME=VALUE`` in TOML, as ``--param`` reads
    them back (:func:`parse_value`), but ``max_iter`` as ``--epochs`` and ``random_state`` as
    ``--seed`` (a recorded --param max_iter refused an --epochs added to rerun it longer); the
    data ``options`` as their flags, the table options read (``--sep`` ...) and ``--out``: the
    line reruns the fit as typed."""
    from aekit.cli import table_options

    words = ["aekit", *words]
    for name, value in sorted(params.items()):
        if name in ("max_iter", "random_state") and value is not None:  # --epochs, --seed
            words += [OPTION_FLAGS[name], str(value)]
        else:  # none: --param's None, which TOML cannot write
            words += ["--param", f"{name}={'none' if value is None else toml_literal(value)}"]
    for name, value in options.items():
        flag = FLAGS.get(name, "--" + name.replace("_", "-"))
        if value is True:
            words.append(flag)
        elif value not in (None, False):
            words += [flag, str(value)]
    return shlex.join([*words, *table_options.flags(), "--out", str(out)])


class Stopwatch:
    """When a command started its work, and what config.toml's [run] section records of it."""

    def __init__(self) -> None:
        import datetime
        import time

        self.date = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        self.start = time.perf_counter()

    def record(self, rows: int, estimator: Any) -> dict[str, Any]:
        """[run]: the rows, seconds and date, and the batch size and device ``estimator``
        trained with ([params] holds them as given: "auto")."""
        import time

        from aekit.cli.recorded_paths import directory_record
        from aekit.cli.said_warnings import warnings_said
        from aekit.estimators.resolved_settings import resolved_settings

        seconds = round(time.perf_counter() - self.start, 2)
        record = {"rows": int(rows), "train_seconds": seconds, "date": self.date}
        record |= resolved_settings(estimator)
        warned = {"warnings": warnings_said()} if warnings_said() else {}  # for report, info
        return {**record, **warned, **directory_record()}  # where [data]'s paths lead


def training_history(estimator: Any) -> dict[str, list[float]]:
    """Per-epoch losses of an estimator, or of the networks it holds (``member<i>_<term>``
    for an ensemble or an imputer's several networks)."""
    own = getattr(estimator, "history_", None)
    if own:
        return own
    # a fine-tuner's or a series detector's inner model
    inner = getattr(estimator, "autoencoder_", None) or getattr(estimator, "detector_", None)
    if inner is not None:
        return training_history(inner)
    members = getattr(estimator, "estimators_", None) or getattr(estimator, "autoencoders_", [])
    history: dict[str, list[float]] = {}
    for i, member in enumerate(members):
        history.update({f"member{i}_{k}": v for k, v in training_history(member).items()})
    return history


def typed_command() -> str:
    """The running command with every argument and every option that differs from its default
    (the seeds included, so it reproduces the run): what command.txt holds."""
    import inspect

    import typer

    from aekit.cli import outputs, table_options

    assert outputs.current_call is not None, "called outside a command"
    name, callback, arguments = outputs.current_call
    words = ["aekit", name]
    for param in inspect.signature(callback, eval_str=True).parameters.values():
        value = arguments.get(param.name)
        if value is False and param.default is True:  # --figures/--no-figures turned off
            words.append("--no-" + param.name.replace("_", "-"))
        if value is None or value == param.default or value in ((), [], False):
            continue
        infos = getattr(param.annotation, "__metadata__", ())
        if any(isinstance(info, typer.models.ArgumentInfo) for info in infos):
            words.append(str(value))
            continue
        declared = [d for info in infos for d in getattr(info, "param_decls", ()) or ()]
        flag = max(declared, key=len) if declared else "--" + param.name.replace("_", "-")
        if value is True:
            words.append(flag)
        else:
            for item in value if isinstance(value, (list, tuple)) else [value]:
                words += [flag, str(item)]
    return shlex.join([*words, *table_options.flags()])


def write_record(
    folder: Path,
    estimator: Any,
    data: str,
    started: Stopwatch,
    rows: int,
    data_options: dict[str, Any] | None = None,
    normal_label: str | None = None,
) -> None:
    """config.toml, metrics.csv and command.txt of a command that fits a model other than
    ``aekit train`` (detect, impute, train-hasher, train-compressor), so ``aekit report`` and
    ``aekit info`` read its folder as they read a training RUN (and the commands that read DATA
    for it read it with the recorded ``data_options``, as after ``aekit train``: the label
    column left out, the images at their size; ``aekit evaluate`` takes the recorded
    ``normal_label`` as the label of normal rows)."""
    import tomli_w

    from aekit.cli import table_options

    document = {
        "model": {"class": type(estimator).__name__},
        "params": params_record(estimator),
        "data": {"path": data}
        | {k: v for k, v in (data_options or {}).items() if v not in (None, False)}
        | ({"normal_label": normal_label} if normal_label is not None else {})
        | table_options.record()
        | taken(data),
        "run": started.record(rows, estimator),
    }
    write_utf8(folder / "config.toml", tomli_w.dumps(document))
    write_metrics(folder / "metrics.csv", training_history(estimator))
    write_utf8(folder / "command.txt", typed_command() + "\n")


def params_record(estimator: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """config.toml's [params] of ``estimator``: its parameters as JSON, without None (TOML has
    no null) and without ``leave_out``."""
    from aekit.estimators.persistence import params_to_json

    params = {k: v for k, v in params_to_json(estimator).items() if k not in leave_out}
    return _without_none(params)


def _without_none(value: Any) -> Any:
    """TOML has no null: None values (the defaults) are left out, at every depth."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value if v is not None]
    return value


def model_path(run: Path) -> Path:
    """RUN may be the folder or the model file itself."""
    path = run / MODEL_FILE if run.is_dir() else run
    if path.exists():
        if run.is_dir():  # its config.toml's kind
            same_model_kind(run, path)
        return path
    if run.is_dir() and (run / CHECKPOINT_FILE).exists():  # 'aekit train --checkpoint RUN'
        raise FileNotFoundError(
            f"{run} holds a training checkpoint ({CHECKPOINT_FILE}), not a RUN: give the RUN "
            "folder that 'aekit train --out' wrote (a training stopped before its end: finish "
            f"it with 'aekit train ... --checkpoint {run} --resume --out RUN')."
        )
    if not run.exists():  # a typo in the path, not a folder of something else
        raise FileNotFoundError(f"{run}: no such file or folder (a RUN folder or a model file).")
    if run.is_dir() and (run / "config.toml").exists():  # a RUN whose model was removed
        raise FileNotFoundError(
            f"{run} is a RUN folder without its {MODEL_FILE} (moved or deleted?); put the file "
            "back, or train the run again."
        )
    raise FileNotFoundError(f"{run}: no aekit run or model file here.")
