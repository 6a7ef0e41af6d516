"""A CSV DATA too large to read into memory (over :data:`aekit.data.lazy.CSV_LIMIT_BYTES`) is
read through a Parquet copy: converted once per command, a chunk at a time, into a temporary
folder (``$TMPDIR``) that is removed when the command ends, and then read a row group at a time
as a Parquet DATA is. Reading such a file whole needed several times its size in memory (pandas'
frame, then the float32 rows).
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aekit.cli.csv_options import CsvOptions

# DATA as read (its path, CSV options, the columns no model reads, those read as text, size and
# time of change) ->
# its Parquet copy, made once per process: a second command in the same process (a notebook's,
# the tests') reading the file with other options or columns, or after it changed, gets a copy
# of its own
_copies: dict[tuple, str] = {}
# Columns the running command reads itself, beside its label, id and ignored columns: a series'
# time column (detect-series, and score or evaluate on its run), set by :func:`time_column`
_read_by_the_command: tuple[str, ...] = ()


@contextlib.contextmanager
def time_column(name: str | None):
    """DATA read in this block keeps its time column ``name`` (when not None) as the file
    writes it, as its label, id and ignored columns: text further down it (numbers, then
    dates) reaches the series' own checks, as from the file read in memory, not refused as a
    typo among the numbers of a feature."""
    global _read_by_the_command
    before = _read_by_the_command
    _read_by_the_command = before if name is None else (*before, name)
    try:
        yield
    finally:
        _read_by_the_command = before


def parquet_copy(spec: str, label_column: str | None = None) -> str | None:
    """The path of the Parquet copy of DATA ``spec`` when it is a text table over the limit
    (made on the first call), else None. Its label column (``label_column``), id and ignored
    columns (:mod:`aekit.cli.columns`) and a series' time column (:func:`time_column`) are no
    features: text further down them is kept as the
    file writes it, as in memory, not refused as a typo among numbers."""
    from aekit.data.file_kinds import TEXT_TABLES, data_suffix, text_bytes
    from aekit.data.lazy import CSV_LIMIT_BYTES

    path = Path(spec)
    if not path.is_file() or data_suffix(path) not in TEXT_TABLES:
        return None
    from aekit.cli.csv_options import current

    stat = path.stat()
    size = text_bytes(path, CSV_LIMIT_BYTES)  # a .csv.gz by its text, not its gzip bytes
    if size <= CSV_LIMIT_BYTES:
        return None
    from aekit.cli import columns

    not_features = _not_features(label_column)
    text_columns = columns.text_columns(label_column)
    key = (spec, current, not_features, text_columns, size, stat.st_mtime_ns)
    if key not in _copies:
        _copies[key] = _convert(path, not_features, text_columns, label_column)
    return _copies[key]


def _not_features(label_column: str | None) -> tuple[str, ...]:
    """The running command's columns that no model reads: its label, id and ignored columns,
    and a series' time column."""
    from aekit.cli import columns

    named = (label_column, columns.current.id_column, *columns.current.ignore_columns)
    named += _read_by_the_command
    return tuple(sorted({name for name in named if name is not None}))


def _convert(
    path: Path, not_features: tuple[str, ...], text_columns: tuple[str, ...], label: str | None
) -> str:
    import typer

    from aekit.cli.csv_options import current
    from aekit.core import distributed
    from aekit.data import csv_parquet
    from aekit.data.lazy import CSV_LIMIT_BYTES
    from aekit.io.atomic import short_name

    options = _options_text(current) + _not_features_text(not_features)
    # the label column is text in the copy, typed as it is read (aekit.cli.label_text); a
    # Parquet file of the user's keeps its labels as stored, so the line leaves it typed
    shown_text = [name for name in text_columns if name != label]
    options += f", text_columns={shown_text!r}" if shown_text else ""
    folder = Path(tempfile.mkdtemp(prefix="aekit-csv-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # also after an error or Ctrl-C
    copy = folder / f"{short_name(path.name)}.parquet"  # a long name's copy: 'too long'
    # under torchrun each process converts its own copy; rank 0 alone says so (as it alone
    # says warnings), once for all
    said = distributed.rank() == 0
    each = " (each process its own copy)" if distributed.launched() else ""
    if said:
        typer.echo(
            f"DATA {path} holds over {CSV_LIMIT_BYTES // 2**20} MiB of text, more than is read "
            f"into memory: converting it to Parquet in {folder}{each} (removed at the end; set "
            "TMPDIR to put it elsewhere) to read it a row group at a time. To skip this step "
            "next time, convert it once and give the .parquet as DATA: "
            'python -c "import aekit; '
            f"aekit.datasets.csv_to_parquet('{path}', 'data.parquet'{options})\"",
            err=True,
        )
    started = time.perf_counter()
    try:
        csv_parquet.csv_to_parquet(
            path,
            copy,
            rows=csv_parquet.CHUNK_ROWS,
            csv_options=current.kwargs(),
            not_features=not_features,
            text_columns=text_columns,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # a full disk: give the space back at once
        raise
    if said:
        typer.echo(f"converted in {time.perf_counter() - started:.0f} s", err=True)
    return str(copy)


def _options_text(options: CsvOptions) -> str:
    """``, csv_options={...}``: the CSV options that differ from the defaults as the Python
    call takes them (runs of whitespace as ``r'\\s+'``, which the shell's double quotes keep),
    or nothing."""
    from aekit.cli.csv_options import CsvOptions
    from aekit.data.separators import python_spelling

    default = CsvOptions().kwargs()
    given = [(k, v) for k, v in options.kwargs().items() if v != default[k]]
    if not given:
        return ""
    shown = (f"{k!r}: {python_spelling(v) if k == 'sep' else repr(v)}" for k, v in given)
    return f", csv_options={{{', '.join(shown)}}}"


def _not_features_text(not_features: tuple[str, ...]) -> str:
    """``, not_features=[...]``, as the Python call takes them, or nothing."""
    return f", not_features={list(not_features)!r}" if not_features else ""


def read_whole(spec: str, copy: str, label_column: str | None):
    """``(X, y)`` of DATA ``spec`` from its Parquet ``copy``, for a command that needs every row
    in memory: the frame the CSV read in memory gives (numbers float64, its integer columns
    int64 again, :func:`aekit.data.csv_parquet.integer_columns`), without reading the text
    again (the copy is read faster, and as the commands that read it a chunk at a time do)."""
    import pandas as pd

    from aekit.data.csv_parquet import integer_columns
    from aekit.data.datasets import split_label_column

    try:
        table = pd.read_parquet(copy)
    except (ValueError, OSError) as exc:  # a full or damaged $TMPDIR
        raise ValueError(f"cannot read {copy}, the Parquet copy of {spec}: {exc}") from None
    integers = {name: "int64" for name, t in integer_columns(copy).items() if t == "int64"}
    return split_label_column(table.astype(integers), label_column, spec)
