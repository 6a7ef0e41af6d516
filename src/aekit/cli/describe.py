"""``aekit info RUN``: what a model file says of itself (class, parameters, shapes, training,
versions), or what the header of an 'aekit compress' file says.

The compressed file's magic bytes are compared here, not imported from the compression package,
whose import brings in the estimators (and scikit-learn): ``aekit info`` of a model file reads
its header before anything heavy is imported (``tests/test_fuzz.py``), and the package is
imported only for a file that has them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from aekit.cli.common import app, epoch_values, kept_epoch, load_run
from aekit.cli.info_output import Lines, print_facts

MAGIC = b"AEKC"  # aekit.compression.container.MAGIC (a test checks they agree)


def is_compressed_file(path: Path) -> bool:
    """Whether ``path`` is a file that starts as 'aekit compress' writes, or is named so (a
    damaged one is then described as a damaged compressed file, not a model file)."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".aek":
        return True
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


@contextlib.contextmanager
def compressed_file_named(path: Path) -> Iterator[None]:
    """Within it, a ValueError about a compressed file's bytes ("the compressed file is
    damaged: ...") names the file."""
    try:
        yield
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


def describe_compressed(path: Path) -> dict[str, object]:
    """What the header of an .aek file says (checked whole: a corrupt file is a ValueError)."""
    from aekit.compression.container import bytes_without_ids, unpack

    size = path.stat().st_size
    with compressed_file_named(path):
        box = unpack(path.read_bytes())
    rows_bytes = bytes_without_ids(box)  # the rows' own, as 'aekit compress' says them
    return {
        "kind": "compressed rows ('aekit decompress RUN FILE' with the compressor that wrote it)",
        "rows": box.n_rows,
        "row shape": list(box.row_shape),
        "bytes": size,
        "bits per row": round(8 * rows_bytes / max(box.n_rows, 1), 1),
        "latent units": box.latent_dim,
        "quantization step": box.step,
        "compressor fingerprint": box.fingerprint.hex(),
        "row ids": "none"
        if box.ids is None
        else f"{len(box.ids):,} in {size - rows_bytes:,} bytes (column "
        f"{box.id_column or 'id, as decompress names ids unnamed'})",
    }


# aekit.hashing.index.INDEX's name, named here without importing the hashing package (and
# scikit-learn with it) before the file is known to be an index; a test checks they agree
INDEX_FORMAT = "aekit-index"


def describe_index(path: Path) -> dict[str, object]:
    """What an index holds (loaded whole, so a damaged one is a ValueError)."""
    from aekit.hashing.index import load_index

    index = load_index(path)
    hasher = index.hasher
    return {
        "kind": "index of binary codes ('aekit search INDEX QUERY')",
        "rows": index.n_rows,
        "bits": index.n_bits,
        "ids": "yes" if index.ids is not None else None,
        "hasher": None
        if hasher is None
        else f"{type(hasher).__name__}, {hasher.n_features_in_} features",
        "read options": index.read_options or None,
    }


def _checkpoint_file(path: Path, stored: str | None) -> Path | None:
    """The training checkpoint ``path`` is or holds ('aekit train --checkpoint DIR'), if any
    (``stored``: the format a file's header names)."""
    from aekit.cli.runs import CHECKPOINT_FILE, MODEL_FILE
    from aekit.core.checkpoint import CHECKPOINT

    if path.is_dir():  # its checkpoint, even damaged: reading it says how to start afresh
        held = path / CHECKPOINT_FILE
        return held if held.is_file() and not (path / MODEL_FILE).exists() else None
    return path if stored == CHECKPOINT.name else None


def _last_values(history: dict[str, list[float]]) -> dict[str, float] | None:
    """Each recorded term's value at the last epoch, as ``info`` shows them."""
    return {k: round(v[-1], 4) for k, v in history.items() if v} or None


def _resumed(record: dict) -> str:
    """A resumed run's training time is its last command's: said so, with the epoch it took."""
    epoch = record.get("resumed_from_epoch")
    return "" if epoch is None else f" (resumed from epoch {epoch}: this part alone)"


def describe_checkpoint(path: Path) -> dict[str, object]:
    """How far a checkpointed training got (read whole, so a damaged one is a ValueError that
    says how to start afresh); it names no model class: the command that resumes it does."""
    from aekit.core.checkpoint import read

    header, _ = read(path)
    history = header.get("history", {})
    return {
        "kind": "training checkpoint (continue: the same 'aekit train' command + --resume)",
        "epochs done": header.get("n_iter"),
        "stopped early": "yes" if header.get("stopped_early") else None,
        "last epoch": _last_values(history),
        "best loss": None if "best_loss" not in header else f"{header['best_loss']:.6g}",
        "fingerprint": header.get("fingerprint"),
    }


Described = Annotated[
    Path,
    typer.Argument(
        metavar="RUN",
        help="A RUN folder or model file; or an .aek file from 'aekit compress', an index from "
        "'aekit index', or a training checkpoint (the folder 'aekit train --checkpoint' names, "
        "or the file in it).",
    ),
]


AsJson = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print one JSON object instead of the table: 'file', a model's 'class', then the "
        "table's rows as keys (spaces as underscores: training_time).",
    ),
]


@app.command()
def info(run: Described, as_json: AsJson = False) -> None:
    """Describe a trained model (class, parameters, data shape, training, versions), or what an
    'aekit compress' file, an 'aekit index' index or a training checkpoint holds (--json: as
    one JSON object)."""
    from aekit.cli.runs import model_path
    from aekit.io.files import read_file, stored_format
    from aekit.io.model_file import MODEL

    if is_compressed_file(run):  # not a model: its rows, shape and compressor's fingerprint
        return print_facts(str(run), describe_compressed(run), as_json, {"file": str(run)})
    # the format a file's header names, read once (anything unreadable is left to the model
    # path, which says what is wrong)
    stored = stored_format(run) if run.is_file() else None
    if stored == INDEX_FORMAT:  # 'aekit index' wrote it: refused as "not a model" before
        return print_facts(str(run), describe_index(run), as_json, {"file": str(run)})
    checkpoint = _checkpoint_file(run, stored)
    if checkpoint is not None:  # refused as "not a finished run" before
        facts = describe_checkpoint(checkpoint)
        return print_facts(str(checkpoint), facts, as_json, {"file": str(checkpoint)})
    estimator = load_run(run)  # validated as every other command validates it
    # (imported once it is: a file refused by the file layer imports no estimator)
    from aekit.estimators.resolved_settings import resolved_settings

    header, _ = read_file(model_path(run), MODEL)
    fitted = header["fitted"]
    history = fitted.get("history_", {})
    kept = kept_epoch(history, fitted.get("best_loss_"), header["params"].get("early_stopping"))
    # a hasher's or compressor's network is its inner autoencoder, whose header is not this one
    inner = getattr(estimator, "autoencoder_", None)
    network = inner.get_params() if hasattr(inner, "get_params") else header["params"]
    n_features = getattr(estimator, "n_features_in_", None)  # a composite's too
    record = _run_record(run)  # what the command that made RUN noted: rows, time, date
    digest, size, unhashed = _data_digest(run)
    seconds, warned = record.get("train_seconds"), record.get("warnings")
    rows = {
        "rows": record.get("rows"),
        "training time": None if seconds is None else f"{seconds:g} s" + _resumed(record),
        "date": record.get("date"),
        "trained in": record.get("directory"),  # where [data]'s relative paths lead
        # how later commands read DATA for it, and the columns it takes (a second-day user
        # had to open config.toml and encoder.json)
        "data read as": _data_read(run),
        # to check the file by hand (sha256sum DATA); raw values for --json's scripts
        "data sha256": digest,
        "data bytes": size,
        "data hash": "none (--no-data-hash)" if unhashed else None,
        "input columns": _input_columns(run),
        "features": n_features,
        "columns": _shown_names(fitted.get("feature_names_in_")),
        # a detector's flag: rows scoring above it, the share of its training rows so flagged
        "threshold": None if "threshold_" not in fitted else f"{fitted['threshold_']:.6g}",
        "training rows flagged": (
            None if "contamination_" not in fitted else f"{fitted['contamination_']:.2%}"
        ),
        "layers": _layers(network, n_features),
        "head": _head(estimator),
        "image shape": fitted.get("image_shape_"),
        "sequence shape": fitted.get("sequence_shape_"),
        "likelihood": fitted.get("likelihood_"),
        "epochs": fitted.get("n_iter_"),
        # what fit made of batch_size and device ("auto" in the parameters below)
        **{name.replace("_", " "): value for name, value in resolved_settings(estimator).items()},
        "final metrics": _last_values(history),
        # early stopping keeps the best epoch's weights, whose metrics are these
        "kept epoch": kept and f"{kept} (the best on validation)",
        "kept epoch's metrics": kept and epoch_values(history, kept),
        "classes": fitted.get("classes_"),
        # a compressor's step and the fingerprint its .aek files name ('aekit info x.aek')
        "quantization step": getattr(estimator, "step_", None),
        "fingerprint": estimator.fingerprint().hex() if hasattr(estimator, "fingerprint") else None,
        "parameters": header["params"],
        "versions": f"aekit {header['aekit_version']}, torch {header['torch_version']}",
        # what the command that made RUN warned of (a model that has not learned, ...)
        "warnings": Lines(map(str, warned)) if isinstance(warned, list) and warned else None,
    }
    head = {"file": str(model_path(run)), "class": header["class"]}
    print_facts(f"{header['class']} ({model_path(run)})", rows, as_json, head)


def _shown_names(names: Any) -> str | None:
    """A table's column names as ``info`` lists them: the first 20, then how many more."""
    if not names:
        return None
    names = [str(n) for n in names]
    more = f" ... ({len(names) - 20} more)" if len(names) > 20 else ""
    return ", ".join(names[:20]) + more


def _run_record(run: Path) -> dict[str, Any]:
    """RUN/config.toml's [run] section ({} for a bare model file or an older RUN)."""
    from aekit.cli.table_options import run_config

    record = run_config(run).get("run", {})
    return record if isinstance(record, dict) else {}


# config.toml's [data] keys that name a list, and the option each item is typed with
_LISTED = {"ignore_columns": "--ignore-column", "category_columns": "--category-column"}


# [data] keys that are no option of the command line: DATA itself (its path, its digest), what
# detect records of its labels for evaluate (the labels it saw, the normal label its rule took),
# and the shape of its images (aekit.cli.fitted_images)
_NO_OPTIONS = frozenset(
    {"path", "labels", "normal_label_by_rule", "images", "sha256", "bytes", "hashed"}
)


def _data_read(run: Path) -> str | None:
    """RUN's training DATA and the options it was read with (config.toml's [data]), as a
    command line's words: every command reading DATA for RUN reads it so."""
    from aekit.cli.runs import FLAGS
    from aekit.cli.shell_words import shell_word
    from aekit.cli.table_options import run_config

    data = run_config(run).get("data")
    if not isinstance(data, dict) or not data:
        return None
    words = [shell_word(str(data["path"]))] if "path" in data else []
    for key, value in data.items():
        if key in _NO_OPTIONS or value in (None, False, [], ""):
            continue
        option = _LISTED.get(key) or FLAGS.get(key) or "--" + key.replace("_", "-")
        values = value if isinstance(value, list) else [value]
        for item in values:
            words += [option] if item is True else [option, shell_word(str(item))]
    return " ".join(words)


def _data_digest(run: Path) -> tuple[str | None, int | None, bool]:
    """config.toml's ``[data] sha256`` and ``bytes``, the digest and size of the DATA RUN was
    trained on, each None where it is not of its type (an older RUN, an edited file); and
    whether it records DATA unhashed (``hashed = false``: --no-data-hash)."""
    from aekit.cli.table_options import run_config

    data = run_config(run).get("data") if run.is_dir() else None
    data = data if isinstance(data, dict) else {}
    digest, size = data.get("sha256"), data.get("bytes")
    return (
        digest if isinstance(digest, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        data.get("hashed") is False,
    )


def _input_columns(run: Path) -> str | None:
    """The table columns RUN's encoder takes, with each text column's categories."""
    from aekit.cli.tables import run_encoder

    encoder = run_encoder(run) if run.is_dir() else None
    if encoder is None:
        return None
    categories = getattr(encoder, "categories_", None) or {}
    shown = []
    for name in map(str, encoder.feature_names_in_):
        known = categories.get(name)
        if known is None:
            shown.append(name)
            continue
        listed = ", ".join(map(str, known[:8])) + (", ..." if len(known) > 8 else "")
        shown.append(f"{name} ({listed})")
    return "; ".join(shown)


def _layers(params: dict[str, Any], n_features: Any) -> str | None:
    """The encoder's widths, input to code (the decoder mirrors them): ``hidden_layer_sizes``,
    or its architecture's default when None (what the network was built with); a convolutional
    or recurrent encoder's channels or state sizes after the architecture's name, since its
    input is no width. None for a model without them (a detector, an imputer)."""
    from aekit.core.architectures import DEFAULT_HIDDEN

    hidden, architecture = params.get("hidden_layer_sizes"), params.get("architecture", "mlp")
    if hidden is None and "architecture" in params:  # the estimators built on one network
        hidden = list(DEFAULT_HIDDEN.get(architecture, ()))
    hidden = [hidden] if isinstance(hidden, int) else hidden  # one layer
    latent = params.get("latent_dim")
    if not isinstance(hidden, list) or latent is None or n_features is None:
        return None
    if architecture != "mlp":
        return f"{architecture} " + " -> ".join(str(v) for v in [*hidden, latent])
    return " -> ".join(str(v) for v in [n_features, *hidden, latent])


def _head(estimator: Any) -> str | None:
    """A fine-tuned model's head, code to outputs (``layers`` lists its pretrained encoder)."""
    import torch

    head = getattr(getattr(estimator, "network_", None), "head", None)
    linear = [m for m in head.modules() if isinstance(m, torch.nn.Linear)] if head else []
    if not linear:
        return None
    return " -> ".join(str(v) for v in [linear[0].in_features, *(m.out_features for m in linear)])
