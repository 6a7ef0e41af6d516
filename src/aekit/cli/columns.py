"""``--id-column`` and ``--ignore-column``: columns of a DATA table that are not features.

The id column (a customer number, a file name) is left out of what the model reads and written
as the first column of every per-row table a command writes (scores, codes, predictions), so
each result can be traced to its row; an imputed table keeps it where it was. Ignored columns
are left out of the features and of the outputs. Both are recorded in a RUN's config.toml and
reused by the commands that read DATA for it (:mod:`aekit.cli.table_options`).

The readers (:mod:`aekit.cli.data`) drop the columns with :func:`features` (tables in memory) or
:func:`disk_features` (Parquet read a batch at a time), which keep the ids of the DATA read;
the commands that write per-row tables prepend them with :func:`with_ids`.
"""

from __future__ import annotations

import ast
import contextlib
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from aekit.cli import image_paths
from aekit.cli.parquet_ids import exact_ids, id_parts, stored_ids, with_integer_ids
from aekit.cli.shell_words import shell_word
from aekit.cli.similar_columns import listed_columns, no_such_column


@dataclass(frozen=True)
class ColumnOptions:
    id_column: str | None = None
    ignore_columns: tuple[str, ...] = ()
    # where a recorded option came from ("RUN (its config.toml)"), None when typed: a typed
    # name missing from DATA is a typo, a recorded id missing from new DATA needs other words,
    # and a recorded ignored column missing from new DATA is simply not there to leave out
    id_source: str | None = None
    ignore_source: str | None = None
    # a recorded id a DATA may lack (an index's: query rows, new items, often have no id)
    id_optional: bool = False

    def record(self) -> dict[str, Any]:
        """What config.toml's [data] section keeps of them."""
        record: dict[str, Any] = {}
        if self.id_column is not None:
            record["id_column"] = self.id_column
        if self.ignore_columns:
            record["ignore_columns"] = list(self.ignore_columns)
        return record

    def flags(self) -> list[str]:
        """The options as typed (command.txt)."""
        words = [] if self.id_column is None else ["--id-column", self.id_column]
        for name in self.ignore_columns:
            words += ["--ignore-column", name]
        return words


current = ColumnOptions()  # the running command's, set by aekit.cli.table_options

OPTIONS = {
    "id_column": Annotated[
        str | None,
        typer.Option(
            help="A column of a table DATA that identifies its rows: not a feature, written as "
            "the first column of every per-row output; '' for none (default: {recorded}none).",
            show_default=False,
        ),
    ],
    "ignore_column": Annotated[
        list[str] | None,
        typer.Option(
            help="A column of a table DATA to leave out of the features; repeatable (default: "
            "{recorded}none).",
            show_default=False,
        ),
    ],
}
DEFAULTS: dict[str, Any] = {"id_column": None, "ignore_column": None}


def resolve(
    id_column: str | None, ignore_column: list[str] | None, recorded: dict, source: str | None
) -> ColumnOptions:
    """The options of the running command: each typed one, else the one ``recorded`` (a
    config.toml's [data] section, read from ``source``)."""
    id_source = ignore_source = None
    if id_column is None and isinstance(recorded.get("id_column"), str):
        id_column, id_source = recorded["id_column"], source
    elif id_column == "":  # typed --id-column '': none, over a recorded one (as --na-values '')
        id_column = None
    ignored = tuple(dict.fromkeys(ignore_column or ()))  # a name typed twice is one column
    listed = recorded.get("ignore_columns")
    if not ignored and isinstance(listed, list) and all(isinstance(v, str) for v in listed):
        ignored, ignore_source = tuple(listed), source
    optional = id_source is not None and recorded.get("id_optional") is True
    if id_column is not None and id_column in ignored and ignore_source is not None:
        # a column the run left out, typed as the id now: out of the features either way
        ignored = tuple(name for name in ignored if name != id_column)
    elif id_column is not None and id_column in ignored and id_source is not None:
        id_column, id_source, optional = None, None, False  # the run's id, left out as typed
    elif id_column is not None and id_column in ignored:
        raise ValueError(
            f"--id-column {id_column} is also an --ignore-column; an id column is left out of "
            "the features already, and kept in the outputs."
        )
    return ColumnOptions(id_column, ignored, id_source, ignore_source, optional)


# The ids of each DATA read by the running command, by DATA's name, in its row order; and the
# columns left out of a table read whole, with the names of all its columns (impute puts them
# back in place).
_ids: dict[str, np.ndarray] = {}
_left_out: dict[str, tuple[Any, list[str]]] = {}


def forget_ids() -> None:
    """A new command: the ids an earlier one read (in the same process) are not its DATA's."""
    _ids.clear()
    _left_out.clear()


def left_out(spec: str) -> Any:
    """The id and ignored columns :func:`features` left out of the table DATA ``spec`` (a
    DataFrame), None where it left none out."""
    return _left_out[spec][0] if spec in _left_out else None


def option_of(name: str) -> str:
    """How the running command was told to leave column ``name`` out: ``--id-column NAME`` or
    ``--ignore-column NAME``, and where it was recorded when not typed."""
    if name == current.id_column:
        option, source = "--id-column", current.id_source
    else:
        option, source = "--ignore-column", current.ignore_source
    return f"{option} {name}" + ("" if source is None else f" (recorded in {source})")


def ids_of(spec: str) -> np.ndarray | None:
    """The id column of DATA ``spec`` as its reader found it; None without --id-column."""
    return _ids.get(spec) if current.id_column is not None else None


def _check_present(spec: str, names: list[str], label_column: str | None) -> list[str]:
    """The ignored columns that DATA has; an id column or a typed ignored column it lacks is
    a ValueError naming the columns it has."""
    options = current
    shown = listed_columns(names)
    # a recorded ignored column may be the label here (RUN pretrained without it, finetune
    # learns it): it is left out of the features either way; typed, the two options conflict
    typed_ignored = () if options.ignore_source is not None else options.ignore_columns
    for option, name in (("--id-column", options.id_column), *(
        ("--ignore-column", n) for n in typed_ignored
    )):  # fmt: skip
        if name is not None and name == label_column:
            recorded = option == "--id-column" and options.id_source is not None
            raise ValueError(
                f"{options.id_source} recorded --id-column {name}, which is the --label-column "
                "here; pass --id-column '' (no ids) or another id column."
                if recorded
                else f"{option} {name} is the --label-column too; a column is one or the other."
            )
    if _where_present:
        return [n for n in options.ignore_columns if n in names]
    missing_id = options.id_column is not None and options.id_column not in names
    if missing_id and not options.id_optional:
        if options.id_source is not None:
            raise ValueError(
                f"{options.id_source} recorded --id-column {shell_word(options.id_column)}, "
                f"which DATA {spec} lacks (its columns: {shown}); add that column, pass "
                "--id-column naming DATA's own, or --id-column '' to read DATA without ids."
            )
        raise ValueError(no_such_column("--id-column", options.id_column, spec, names))
    missing = [n for n in options.ignore_columns if n not in names]
    if missing and options.ignore_source is None:
        raise ValueError(no_such_column("--ignore-column", missing[0], spec, names))
    return [n for n in options.ignore_columns if n in names]


def text_columns(label_column: str | None = None) -> tuple[str, ...]:
    """The columns a CSV is read with as text, every cell as written, in memory and in a large
    CSV's copy alike: the id column (an id '007' is written back as '007', not 7), the ignored
    columns (put back as written by 'aekit impute') and the label column, typed afterwards
    (:mod:`aekit.cli.label_text`: labels '007' and '7' are two classes)."""
    from aekit.cli import category_columns  # codes, read as written: '01000' is no 1000

    named = (current.id_column, label_column, *current.ignore_columns)
    named += category_columns.current.names
    return tuple(dict.fromkeys(name for name in named if name is not None))


def no_columns(spec: str) -> None:
    """DATA ``spec`` has no named columns (an array, images): a typed option is refused, a
    recorded one does not apply to it."""
    typed = (current.id_column is not None and current.id_source is None) or (
        current.ignore_columns and current.ignore_source is None
    )
    if typed:
        raise ValueError(
            f"--id-column and --ignore-column name columns of a table (.csv, .parquet); DATA "
            f"{spec} has none."
        )


_where_present = False


@contextlib.contextmanager
def where_present() -> Iterator[None]:
    """Within: the id and ignored columns are left out of a table where it has them, and a
    table without them is read as it is (``detect --normal-rows``: rows with DATA's features,
    with or without its id and ignored columns)."""
    global _where_present
    _where_present = True
    try:
        yield
    finally:
        _where_present = False


def features(spec: str, X: Any, label_column: str | None = None) -> Any:
    """``X`` (DATA ``spec`` as read) without its id and ignored columns; the ids kept for
    :func:`ids_of`. Anything but a table is returned as it is."""
    import pandas as pd

    if current.id_column is None and not current.ignore_columns:
        return X
    if not isinstance(X, pd.DataFrame):
        no_columns(spec)
        return X
    names = [str(c) for c in X.columns]
    dropped = _check_present(spec, names, label_column)
    if current.id_column in names:
        ids = X[current.id_column].to_numpy()
        if ids.dtype.kind == "f":  # integers with a missing one, as pandas reads Parquet's?
            stored = stored_ids(spec, current.id_column)
            ids = ids if stored is None else stored
        _ids[spec] = ids
        dropped = [current.id_column, *dropped]
    _left_out[spec] = (X[dropped], list(X.columns))
    return X.drop(columns=dropped)


def put_back(spec: str, frame: Any) -> Any:
    """``frame`` (the features of the table DATA ``spec``, row for row) with the columns
    :func:`features` left out back in their places: an imputed table is DATA with its gaps
    filled, so its id and ignored columns come back too (unfilled)."""
    if spec not in _left_out:
        return frame
    left_out, order = _left_out[spec]
    import pandas as pd

    if current.id_column in left_out.columns:  # as stored, not as pandas joined the parts
        left_out = with_integer_ids(left_out, current.id_column, _ids.get(spec))
    whole = pd.concat([left_out.reset_index(drop=True), frame.reset_index(drop=True)], axis=1)
    return whole[[c for c in order if c in whole.columns]]


def disk_features(
    spec: str, label_column: str | None = None, source: str | None = None
) -> list[str] | None:
    """The feature columns of a Parquet DATA read a batch at a time (a file, or a folder whose
    files share its first file's columns) without its id and ignored columns, the ids read
    (one column, file by file in the reader's order) for :func:`ids_of`; None when there is
    nothing to leave out (the reader's default columns). ``source``: the Parquet read for
    DATA, when it is not DATA itself (a large CSV's copy)."""
    if current.id_column is None and not current.ignore_columns:
        return None
    from aekit.data.csv_parquet import integer_columns
    from aekit.data.parquet import parquet_files
    from aekit.data.parquet_schema import read_schema

    files = parquet_files(Path(source or spec))  # the reader's files, in its order: ids match
    names = list(read_schema(files[0]).names)
    dropped = set(_check_present(spec, names, label_column))
    if current.id_column in names:
        parts = id_parts(files, current.id_column)
        ids = exact_ids(parts)  # integers with a missing one, as stored
        if ids is None:
            ids = np.concatenate([p.to_numpy() for p in parts])
            # a large CSV's copy stores numbers as float64: its integer ids are integers
            # again, written 1000 as from the CSV read in memory, not 1000.0
            if integer_columns(files[0]).get(current.id_column) == "int64":
                ids = ids.astype(np.int64)
        _ids[spec] = ids
        dropped.add(current.id_column)
    return [n for n in names if n not in dropped and n != label_column]


def with_ids(
    spec: str, chunks: Iterable[np.ndarray], columns: list[str], output: Path
) -> tuple[Iterator[np.ndarray], list[str]]:
    """Per-row ``chunks`` of DATA ``spec`` (in its row order) with its id column first, and
    the column names to match (``columns`` is filled by the first chunk, so read it once the
    first chunk is out). A .npy holds numbers alone: there the ids are left out, said once
    (an image folder's file names, :mod:`aekit.cli.image_paths`, unsaid: a .npy of images is
    the usual output)."""
    ids, name = ids_of(spec), current.id_column
    typed = ids is not None  # an --id-column's, not an image folder's file names
    if not typed:
        ids, name = image_paths.image_paths(spec), image_paths.COLUMN
    if ids is None or output.suffix.lower() == ".npy":
        if typed:
            warnings.warn(f"-o {output}: a .npy holds no {name} column; write .csv or "
                          ".parquet to keep each row's id.", stacklevel=2)  # fmt: skip
        return iter(chunks), columns
    named = [name]

    def chunked() -> Iterator[np.ndarray]:
        start = 0
        for chunk in chunks:
            values = np.asarray(chunk).reshape(len(chunk), -1)
            if len(named) == 1:
                named.extend(columns)
            part = ids[start : start + len(values)].astype(object)
            start += len(values)
            if len(part) != len(values):
                raise ValueError(_unpaired(spec, len(ids), name))
            yield np.column_stack([part, _objects(values)])
        if start != len(ids):
            raise ValueError(_unpaired(spec, len(ids), name))

    return chunked(), named


def with_ids_table(
    spec: str, values: np.ndarray, columns: list[str], output: Path
) -> tuple[np.ndarray, list[str]]:
    """:func:`with_ids` for a table written at once."""
    rows, names = with_ids(spec, [values], list(columns), output)
    parts = list(rows)
    return (parts[0] if parts else values), names


def _unpaired(spec: str, n_ids: int, name: str) -> str:
    leave = "leave --id-column out" if name == current.id_column else "write .npy"
    rows = f"the output has other rows than DATA {spec}'s {n_ids}"
    return f"{rows}: its {name} column cannot be paired with them; {leave}."


def _objects(values: np.ndarray) -> np.ndarray:
    """``values`` as objects beside the ids, each number keeping its type: float32 codes
    stay float32 (a CSV writes 0.1, not 0.10000000149011612, as without ids)."""
    if values.dtype == np.float32:
        return np.frompyfunc(np.float32, 1, 1)(values)
    return values.astype(object)


def with_features_taken_out(message: str, label_column: str | None) -> str:
    """``message``, DATA refused for lacking a column the model reads as a feature, as what it
    is where this command's --label-column, --id-column or --ignore-column took that column out
    (a detector fitted with the class among its columns, evaluated with --label-column on it):
    "DATA lacks ['x0']" of a DATA that has it misled."""
    missing = re.match(r"X lacks (\[.*?\])\. Pass the columns seen in fit", message)
    try:  # the names as fit_columns wrote them (their reprs; "..." past its first ten)
        listed = ast.literal_eval(missing[1]) if missing else []
    except (ValueError, SyntaxError):
        return message
    taken_by = {
        "--label-column": (label_column,),
        "--id-column": (current.id_column,),
        "--ignore-column": current.ignore_columns,
    }
    names = [name for name in listed if isinstance(name, str)]
    for name in names:
        for flag, taken in taken_by.items():
            if name in taken:
                others = [other for other in listed if other != name]  # the '...' kept
                others_said = "[" + ", ".join("..." if o is ... else repr(o) for o in others) + "]"
                typed = f"{flag} {shell_word(name)}"  # as the shell takes it: 'x, y'
                return (
                    f"the model reads column {name!r} as a feature (it was fitted with it), but "
                    f"{typed} takes it out of DATA's features; leave out {typed}, "
                    "or refit with it so that it is no feature"
                    + (f" (DATA also lacks {others_said})." if others else ".")
                )
    return message
