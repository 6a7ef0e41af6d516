"""What ``aekit impute`` reads and writes besides the imputer: the columns of whole numbers
(filled with whole numbers), the count of missing cells, and the filled table, written as DATA
was (a Parquet DATA from its own cells; a CSV with its separator, decimal mark and encoding)."""

from __future__ import annotations

from pathlib import Path


def integer_columns(X, data: str):
    """X with its columns of whole numbers as integer columns, so that their fills are whole:
    a Parquet file says its columns' types itself; a CSV's integer columns with gaps are read
    as floats."""
    return parquet_integer_columns(X, data) if is_parquet(data) else whole_number_columns(X)


def is_parquet(data: str) -> bool:
    """Whether DATA is a Parquet file or folder (an image folder is read before this matters:
    it holds no gaps)."""
    return Path(data).is_dir() or Path(data).suffix.lower() == ".parquet"


def parquet_integer_columns(X, data: str):
    """DATA read whole from Parquet with each integer column of its schema that pandas read as
    floats (it has nulls, and the file no pandas metadata) as pandas' nullable integers again:
    filled with whole numbers and written as the file's integers."""
    import pandas as pd

    from aekit.data.parquet import parquet_files
    from aekit.data.parquet_schema import stored_schema
    from aekit.imputation.own_cells import nullable_integers

    if not isinstance(X, pd.DataFrame):
        return X  # a table on disk: read by own_cells, which maps the types itself
    schema = stored_schema(parquet_files(Path(data)))
    mapped = {f.name: nullable_integers(f.type) for f in schema if f.name in X.columns}
    columns = {n: t for n, t in mapped.items() if t is not None and X[n].dtype.kind == "f"}
    return X.astype(columns) if columns else X


def whole_number_columns(X):
    """DATA with each float column whose observed values are all whole numbers, and that has
    gaps, as pandas' nullable ``Int64``: a file's integer column with empty cells is read as
    floats, and the imputer fills an integer column with whole numbers (rounded), so a count
    comes back 2, not 1.73, and is written as an integer again."""
    import numpy as np
    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        return X  # an array (.npy) or a table on disk: its floats are floats
    columns = {}
    for name, values in X.items():
        if values.dtype.kind != "f" or not values.isna().any():
            continue
        observed = values.dropna().to_numpy()
        # beyond 2**53 every float is whole: not a sign of an integer column
        whole = np.all(observed == np.round(observed)) and np.all(np.abs(observed) < 2**53)
        if observed.size and whole:
            columns[name] = "Int64"
    return X.astype(columns) if columns else X


def missing_values(X) -> int:
    """Missing cells (NaN, empty) in DATA; a table on disk is counted a chunk at a time."""
    import numpy as np
    import pandas as pd

    from aekit.data.lazy import Dataset
    from aekit.data.row_stats import chunk_rows

    if isinstance(X, Dataset):
        X.reader.allow_nan = True  # NaN marks the gaps
        chunks = X.reader.chunks(chunk_rows(X.reader.n_features))
        return sum(int(np.isnan(rows).sum()) for _, rows in chunks)
    return int(pd.DataFrame(X).isna().to_numpy().sum())


def csv_format_of(data: str) -> dict | None:
    """How a text DATA was written (its --sep, --decimal, --encoding), for the filled table
    written as CSV: a file of ';' and decimal commas came back as ',' and '.', which the
    spreadsheet that wrote it misreads. None for DATA that is no text table."""
    from aekit.cli import csv_options
    from aekit.data.file_kinds import TEXT_TABLES, csv_separator, data_suffix
    from aekit.data.separators import WHITESPACE

    if not (Path(data).is_file() and data_suffix(Path(data)) in TEXT_TABLES):
        return None
    read = csv_options.current
    # the separator the reader read it with (--sep, the file kind's, or a .txt's sniffed one)
    sep = csv_separator(data, read.sep, read.encoding, read.decimal)
    return {"sep": " " if sep == WHITESPACE else sep, "decimal": read.decimal,
            "encoding": read.encoding}  # fmt: skip


def write_filled(output: Path, imputer, X, data: str) -> None:
    """The filled table: a DataFrame keeps its columns and types, its id and ignored columns
    back in place; a Parquet DATA read by aekit's reader is written from its own cells
    (:mod:`aekit.imputation.own_cells`), a chunk at a time when it stayed on disk."""
    import warnings

    import numpy as np
    import pandas as pd

    from aekit.cli import columns
    from aekit.cli.file_writers import write_frame, write_table
    from aekit.cli.large_csv import parquet_copy
    from aekit.cli.tables import in_fit_order
    from aekit.data.lazy import Dataset
    from aekit.imputation import own_cells

    parquet = is_parquet(data)
    source = data if parquet else parquet_copy(data)  # a large CSV: its Parquet copy's cells
    as_read = csv_format_of(data)
    if isinstance(X, Dataset) and source and output.suffix.lower() != ".npy":
        # every column of DATA
        own_cells.write_dataset_filled(imputer, X, source, output, csv_format=as_read)
        return
    if isinstance(X, Dataset):  # a .npy DATA, or a .npy output: numbers alone
        if columns.current.id_column or columns.current.ignore_columns:
            warnings.warn(
                f"-o {output}: a .npy holds the filled feature columns alone; write .csv or "
                ".parquet to keep the --id-column and --ignore-column columns.",
                stacklevel=2,
            )
        imputer.transform(X, out=output)
        return
    filled = filled_as_fitted(imputer, in_fit_order(X, imputer))  # columns matched by name
    if isinstance(filled, pd.DataFrame) and isinstance(X, pd.DataFrame):
        filled = filled[list(X.columns)]  # and written in the file's own order
    if parquet and Path(data).is_dir():  # a folder: its files' own cells, its gaps filled
        write_frame(output, next(own_cells.with_own_cells(data, [filled])))
    elif isinstance(filled, pd.DataFrame):
        # id, ignored columns in place; a CSV as DATA was written, its own cells but the gaps
        framed = columns.put_back(data, filled)
        own = _own_text(data, framed, X, as_read) if output.suffix.lower() == ".csv" else None
        if own is not None:
            write_frame(output, own[0], own[1])
        else:
            write_frame(output, framed, as_read)
    else:
        write_table(output, np.asarray(filled), [f"x{i}" for i in range(filled.shape[1])])


def filled_as_fitted(imputer, X):
    """``imputer.transform(X)`` with X's category columns read as the type of fit's categories
    (a Parquet file's integer zip codes for an imputer fitted on a CSV's text codes, and the
    reverse), as every command reading DATA for a RUN reads them
    (:func:`aekit.data.category_types.frame_with_fitted_codes`); each such column written back
    as X holds it, its gaps filled."""
    import numpy as np
    import pandas as pd

    from aekit.data.category_types import as_int, frame_with_fitted_codes
    from aekit.imputation.fills import put_fills

    if not isinstance(X, pd.DataFrame):
        return imputer.transform(X)
    read = frame_with_fitted_codes(X, imputer.encoder_.categories_)
    filled = imputer.transform(read)
    if read is X or not isinstance(filled, pd.DataFrame):
        return filled
    changed = [n for n in imputer.encoder_.categories_ if n in X and not read[n].equals(X[n])]
    for name in changed:
        gaps = np.flatnonzero(X[name].isna().to_numpy())
        column = X[name]  # a --category-column: its categories' type
        kind = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
        fills = filled[name].iloc[gaps].astype(object)  # fit's codes: '75001' to a column of
        if pd.api.types.is_numeric_dtype(kind):  # integers (floats beside a gap) as 75001
            fills = fills.map(as_int)
        filled[name] = put_fills(X[name], gaps, fills)
    return filled


def _own_text(data: str, framed, X, as_read: dict | None):
    """``(cells, csv options)`` of the filled table as DATA's own text with the fills in its
    gaps (:mod:`aekit.cli.own_text_cells`), or None (DATA is no CSV, or not read cell for cell)."""
    import pandas as pd

    from aekit.cli import csv_options
    from aekit.cli.own_text_cells import with_own_text, written_as

    if as_read is None or not isinstance(X, pd.DataFrame):
        return None
    read = csv_options.current
    cells = with_own_text(data, framed, X.isna(), as_read, read.header, read.thousands)
    if cells is None:
        return None
    return cells, {**written_as(data, as_read), "header": read.header}  # --no-header: none
