"""``--labels FILE``, the option: the labels of an array DATA, one a row, from a file of their
own (read by :mod:`aekit.cli.labels_file`).

An array (``.npy``, ``.npz``; an IDX images file too) has no columns, so no ``--label-column``.
DATA that carries labels of its own (a table's column, an ``.npz``'s ``y``, the labels file
beside an IDX file, an image folder's sub-folders, 'digits') refuses ``--labels``: two sources
of one row's label, one silently dropped, is a mistake the user would not see.

Every command whose DATA's labels mean something takes ``--labels`` (:data:`LabelsFile`):
``train``, ``detect``, ``detect-series``, ``finetune``, ``encode``, ``reconstruct``,
``score``, ``interpolate``, ``predict`` and ``evaluate``. Each calls :func:`check_applies`
before any work and passes the file in :class:`aekit.cli.data.DataOptions` (``labels_file``),
whose readers put its labels where DATA's would be. The others (``denoise``, ``traverse``,
``index``, ``search``, ``train-hasher``, ``train-compressor``, ``compress``) read no labels of
DATA: their --label-column only keeps a table's label column out of the features.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aekit.cli.data import idx_labels_file, is_image_folder, looks_like_idx
from aekit.cli.labels_file import WHAT
from aekit.cli.shell_words import shell_word
from aekit.data.file_kinds import ARRAY_SUFFIXES, TABLE_SUFFIXES, data_suffix
from aekit.data.npy import npz_member

LabelsFile = Annotated[
    Path | None,
    typer.Option(
        "--labels",
        metavar="FILE",
        help="The labels of an array DATA (.npy, .npz without y, an IDX file without a labels "
        "file beside it: no columns, so no --label-column), one a row: a .npy, a one-column "
        ".csv (header line first) or a .txt (one a line). DATA that carries labels (a table's "
        "column, an .npz's y, an image folder's sub-folders) refuses it.{recorded_labels}",
    ),
]


def is_array(spec: str) -> bool:
    """Whether DATA is an array, whose rows have no columns to name a label by: a ``.npy``,
    a ``.npz`` (``d.npz:X_train`` too) or an IDX images file."""
    path = Path(spec) if Path(spec).exists() else Path(npz_member(spec)[0])
    if not path.is_file():
        return False
    suffix = data_suffix(path)
    if suffix in ARRAY_SUFFIXES:
        return True
    # an IDX file with its labels file beside it carries labels: refused once read (aekit.cli.data)
    return suffix not in TABLE_SUFFIXES and looks_like_idx(path)


def advice(spec: str, X=None) -> str:
    """Where the labels of DATA ``spec`` come from, for a message saying it has none; a
    table ``X`` read whole offers its columns that look like partly given labels."""
    if is_image_folder(spec):
        return "put each class's images in a sub-folder named after it"
    if is_array(spec):
        return "give them with --labels FILE, one a row, or as an .npz holding X and y"
    said = "name their column with --label-column"
    columns = _partly_labelled_columns(X)
    if columns:
        named = " or ".join(f"--label-column {shell_word(c)}" for c in columns)
        said += f", whose empty cells mark unlabelled rows: {named}?"
    return said


def no_labels(cls: type, data: str, X=None) -> str:
    """The refusal of a model that needs labels (a ConditionalVAE) given DATA without any: a
    folder's labels are its class sub-folders, a table's a column, an array's a file."""
    return f"{cls.__name__} needs labels: DATA has none ({advice(data, X)})."


def check_labels_given(cls: type, data: str, X, y) -> None:
    """Refuse DATA without labels for a model that needs them, before X's own checks: those
    refused a label column left unnamed for its blank cells, as missing values to impute."""
    if y is None and cls().__sklearn_tags__().target_tags.required:
        raise ValueError(no_labels(cls, data, X))


def _partly_labelled_columns(X, most: int = 3) -> list[str]:
    """Columns of a DataFrame with empty cells beside a few distinct values (at most 50):
    the label column of a semi-supervised table, left unnamed."""
    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        return []
    found = [
        str(name) for name in X.columns if X[name].isna().any() and 1 < X[name].nunique() <= 50
    ]
    return found[:most]


def check_applies(spec: str, labels: Path | None, label_column: str | None) -> None:
    """``--labels`` is for an array DATA alone (a table names its label column, an image
    folder's labels are its sub-folders), and an array has no ``--label-column``: each
    refused naming the option that fits."""
    array = is_array(spec)
    if array and label_column is not None:
        raise ValueError(
            f"--label-column {label_column}: DATA {spec} is an array, which has no columns; "
            f"give its labels with --labels FILE ({WHAT})."
        )
    if labels is not None and not array:
        if spec == "digits":
            own = "carries its own (the digit): leave --labels out"
        elif is_image_folder(spec):
            own = "is an image folder, whose labels are its sub-folders' names: leave --labels out"
        else:
            own = "is a table: name its label column with --label-column"
        raise ValueError(
            f"--labels {labels} gives the labels of an array DATA (.npy, .npz); DATA {spec} {own}."
        )


def labels_file_recorded_for(data: str, document: dict) -> str | None:
    """A RUN's recorded labels file (``[data] labels_file`` of its config.toml's ``document``)
    where it gave the labels of this very DATA through --labels: not those beside an IDX file,
    read again by themselves, nor for other DATA, whose rows they do not count. Both paths are
    read from where the run was trained (:mod:`aekit.cli.recorded_paths`)."""
    from aekit.cli.recorded_paths import resolved, same_file

    section = document.get("data", {})
    recorded = section.get("labels_file") if isinstance(section, dict) else None
    trained_on = section.get("path") if isinstance(section, dict) else None
    if not isinstance(recorded, str) or not isinstance(trained_on, str):
        return None
    if not same_file(data, resolved(document, trained_on)):
        return None
    return None if idx_labels_file(data) is not None else resolved(document, recorded)
