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
import tomllib
from pathlib import Path
from typing import Any

from aekit import registry
from aekit.cli.outputs import check_out, claimed_run  # noqa: F401 (the commands use them)

MODEL_FILE = "model.safetensors"
CHECKPOINT_FILE = "checkpoint.safetensors"  # what checkpoint_dir holds (aekit.core.train)


def estimator_class(name: str) -> type:
    """The class of ``--model NAME``: a short name of ``registry.CLI_MODELS`` (any case) or the
    class name of one of those kinds."""
    models = registry.CLI_MODELS
    class_name = models.get(name.lower(), name)
    if class_name not in models.values():
        raise ValueError(f"unknown --model {name!r}; choose from {', '.join(sorted(models))}.")
    return registry.find_class(class_name)


def parse_value(text: str) -> Any:
    """A ``--param`` value as TOML reads it (8, 0.5, true, [256, 128], "relu"), else a string."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    return tuple(value) if isinstance(value, list) else value


def resolve_params(cls: type, config: dict[str, Any], pairs: list[str]) -> dict[str, Any]:
    """Parameters from the config file, then ``--param name=value`` on top; names checked."""
    valid = sorted(cls().get_params())
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            raise ValueError(f"--param {pair!r} must look like name=value.")
        params[name.strip()] = parse_value(text.strip())
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(
            f"{cls.__name__} has no parameter {', '.join(unknown)}; valid: {', '.join(valid)}."
        )
    return params


def read_config(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"cannot read --config {path}: {err}") from None


def config_document(estimator: Any, data: str, data_options: dict[str, Any]) -> dict[str, Any]:
    """What config.toml holds; TOML has no null, so None values are left out (the defaults)."""
    params = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in estimator.get_params().items()
        if v is not None and k not in ("verbose", "checkpoint_dir")
    }
    return {
        "model": {"class": type(estimator).__name__},
        "params": params,
        "data": {"path": data, **{k: v for k, v in data_options.items() if v not in (None, False)}},
    }


def write_metrics(path: Path, history: dict[str, list[float]]) -> None:
    import pandas as pd

    frame = pd.DataFrame(history)
    frame.insert(0, "epoch", range(1, len(frame) + 1))
    frame.to_csv(path, index=False)


def reproducing_command(estimator: Any, data: str, options: dict[str, Any], out: Path) -> str:
    """``aekit train`` with every setting spelled out: the class, each parameter that differs
    from its default (so the seed too), and the data options."""
    import tomli_w

    defaults = type(estimator)().get_params()
    words = ["aekit", "train", data, "--model", type(estimator).__name__]
    for name, value in sorted(estimator.get_params().items()):
        if name in ("verbose", "checkpoint_dir"):  # how to watch or resume, not what to train
            continue
        if value != defaults[name] and value is not None:
            literal = tomli_w.dumps({"v": list(value) if isinstance(value, tuple) else value})
            words += ["--param", f"{name}={literal.strip()[4:]}"]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            words.append(flag)
        elif value not in (None, False):
            words += [flag, str(value)]
    return shlex.join([*words, "--out", str(out)])


class Stopwatch:
    """When a command started its work, and what config.toml's [run] section records of it."""

    def __init__(self) -> None:
        import datetime
        import time

        self.date = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        self.start = time.perf_counter()

    def record(self, rows: int) -> dict[str, Any]:
        import time

        seconds = round(time.perf_counter() - self.start, 2)
        return {"rows": int(rows), "train_seconds": seconds, "date": self.date}


def checkpoint_epoch(checkpoint: Path | None, resume: bool) -> int | None:
    """The epoch ``--resume`` continues from (None without --resume); a checkpoint folder that
    already holds a run needs --resume, and --resume needs one."""
    if checkpoint is None:
        if resume:
            raise ValueError("--resume needs --checkpoint DIR, the folder the run checkpointed in.")
        return None
    from aekit.cli.outputs import check_writable_folder

    if checkpoint.exists() and not checkpoint.is_dir():
        raise ValueError(f"--checkpoint {checkpoint} is a file, not a folder.")
    check_writable_folder(checkpoint, "--checkpoint")
    path = checkpoint / CHECKPOINT_FILE
    if not resume:
        if path.exists():
            raise ValueError(
                f"--checkpoint {checkpoint} holds a run already; pass --resume to continue it, "
                "or choose another folder."
            )
        return None
    if not path.is_file():
        raise ValueError(f"--resume: {checkpoint} holds no checkpoint ({CHECKPOINT_FILE}).")
    from aekit.core.train import CHECKPOINT
    from aekit.io.files import read_file

    header, _ = read_file(path, CHECKPOINT)
    return int(header.get("n_iter", 0))


def model_path(run: Path) -> Path:
    """RUN may be the folder or the model file itself."""
    path = run / MODEL_FILE if run.is_dir() else run
    if not path.exists():
        raise FileNotFoundError(f"{run}: no aekit run or model file here.")
    return path
