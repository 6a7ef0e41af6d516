"""Tables with text (categorical) columns in a training RUN: ``aekit train`` encodes them with
aekit's :class:`~aekit.data.tabular.TabularEncoder` (numeric columns standardized, categorical ones
one-hot, each group given a categorical likelihood through the autoencoder's
``categorical_groups``), as ``detect`` and ``impute`` do, and keeps the encoding beside the model
as ``RUN/encoder.json`` (plain JSON). Every command that later reads DATA for that RUN encodes it
the same way, and ``reconstruct``/``generate`` decode their rows back into the table's columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ENCODER_FILE = "encoder.json"


def has_text_columns(X: Any) -> bool:
    """Whether ``X`` is a table with a column that is neither numbers nor booleans."""
    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        return False
    return any(not _numeric(dtype) for dtype in X.dtypes)  # not X[c]: 20,000 columns took 2 s


def _numeric(dtype) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def check_no_typos(X: Any) -> None:
    """``ValueError`` for a text column whose cells are mostly numbers
    (:func:`aekit.data.column_checks.text_among_numbers`): a typo in a numeric column, which
    one-hot encoding would silently turn into one category per number, or a missing-value
    marker ('?'), which ``--na-values`` reads as missing."""
    from aekit.data.column_checks import text_among_numbers_and_markers
    from aekit.data.whole_file_checks import text_among_numbers_refusal

    for column, dtype in zip(X.columns, X.dtypes):
        if _numeric(dtype):  # no text cell: by dtype, as X[column] of 20,000 columns took 2 s
            continue
        found = text_among_numbers_and_markers(X[column])  # the column's text cells found once
        if found is None:
            continue
        # row by position from 0, as every other message counts rows (the detector's said
        # row 3 where this said row 4 for the same cell); an index may repeat
        (row, value, count), markers = found
        _refuse_a_header_read_as_data(column, value, count, row)
        # the words of a large CSV's conversion, which finds the cells a chunk at a time
        raise ValueError(text_among_numbers_refusal(column, value, row, markers, count))


def _refuse_a_header_read_as_data(column: str, value: Any, count: int, row: int) -> None:
    """Text in the first row alone of a numbers column read with --no-header: the file's
    header row, which the option made data."""
    from aekit.cli import csv_options

    if row == 0 and count == 1 and not csv_options.current.header:
        raise ValueError(
            f"column {column!r} holds numbers but its first row holds {value!r}: the "
            "file has a header row; leave out --no-header."
        )


def fit_encoder(X: Any):
    """A TabularEncoder fitted on ``X`` when it has text columns, else None; a table of
    numbers alone is checked for a row-number column and constant columns as the encoder
    checks its columns (the same file with a text column warned of them, without one it did
    not)."""
    if not has_text_columns(X):
        import pandas as pd

        # in memory (an array has no columns to judge by name; rows on disk, not read here)
        if isinstance(X, pd.DataFrame):
            from aekit.data.column_checks import row_number_columns, warn_row_number
            from aekit.data.constant_columns import warn_constant_columns

            for position in row_number_columns(X):  # the few columns the rule must look at
                warn_row_number(str(X.columns[position]), X.iloc[:, position])
            warn_constant_columns(X)
        return None
    from aekit.data.tabular import TabularEncoder

    check_no_typos(X)
    return TabularEncoder().fit(X)


def check_given_groups(given: Any, encoder) -> None:
    """``categorical_groups`` given (``--param``, or ``--config``'s) for a table whose text
    columns the encoder one-hot encodes: they must be its groups (a config of the same table
    records them so); others were replaced by its groups, silently."""
    own = [list(group) for group in encoder.categorical_groups_]
    if given is None or [list(group) for group in given] == own:
        return
    raise ValueError(
        f"categorical_groups={[list(g) for g in given]} (--param or --config): DATA has text "
        f"columns, which aekit train one-hot encodes itself into the groups {own}; leave "
        "categorical_groups out."
    )


def encoder_file(run: Path) -> Path | None:
    """RUN's encoder file, or None (a RUN of numeric data, or a bare model file). A RUN whose
    config.toml says it has one, and which lacks it, is refused as incomplete: read as a RUN
    of numbers, its DATA was blamed for the text columns the missing file encodes. A model
    file beside an encoder file (RUN/model.safetensors) is refused too: read bare, its model
    was served and exported without the table's encoding, and took encoded numbers."""
    from aekit.cli.table_options import run_config

    if not run.is_dir():
        folder = run.parent  # a RUN's, where its config.toml records the encoder beside it
        if (folder / ENCODER_FILE).is_file() and _records_an_encoder(run_config(folder)):
            raise ValueError(
                f"{run} is the model of a RUN trained on a table with text columns; give the "
                f"RUN folder {folder}, which holds the table's encoding ({ENCODER_FILE})."
            )
        return None
    path = run / ENCODER_FILE
    if path.is_file():
        return path
    if _records_an_encoder(run_config(run)):
        raise ValueError(
            f"{run} is incomplete: its {ENCODER_FILE}, the encoding of the text columns it was "
            "trained on, is missing; train the run again."
        )
    return None


def _records_an_encoder(config: dict) -> bool:
    """Whether a RUN's config.toml says the RUN keeps a table encoder."""
    model = config.get("model", {})
    return isinstance(model, dict) and model.get("encoder") == ENCODER_FILE


# What the values of a figure of encoded rows are (a RUN's encoder.json encoded them).
ENCODED_UNITS = "as encoded: numbers standardized, categories 0/1"


def run_encoder(run: Path):
    """The encoder a RUN folder keeps, or None (a RUN of numeric data, or a bare model file)."""
    path = encoder_file(run)
    if path is None:
        return None
    from aekit.cli.run_identity import same_run
    from aekit.data.encoder_file import read_encoder  # the scoring server reads it too

    encoder = read_encoder(path)
    same_run(run)
    return encoder


def check_run_encoder(run: Path, model: Any) -> None:
    """Refuse a RUN folder whose encoder.json writes rows of another width than its model
    reads (a category added by hand, the file of another run): every command that loads a
    RUN's model checks it here, so score, export and the others refuse it alike, naming the
    file (score failed in numpy's words, export wrote graphs that could never run)."""
    path = encoder_file(run) if run.is_dir() else None
    if path is not None:
        from aekit.data.encoder_file import read_encoder

        read_encoder(path, model)


def in_fit_order(X: Any, fitted: Any) -> Any:
    """A table ``X`` holding the columns ``fitted`` (an encoder or a model) was fitted on in
    another order, in fit's order: a file's columns are matched by name, as ``aekit serve``
    matches a request's (the Python API refuses another order, as scikit-learn does)."""
    import pandas as pd

    names = getattr(fitted, "feature_names_in_", None)
    if not isinstance(X, pd.DataFrame) or names is None:
        return X
    if hasattr(fitted, "time_column"):  # a series run: its channels beside a time column
        return _channels_in_fit_order(X, [str(n) for n in names])
    from aekit.serve.bodies import order_columns

    return order_columns(X, names)


def _channels_in_fit_order(X: Any, names: list[str]) -> Any:
    """A series table whose value columns are fit's in another order, with them in fit's order
    in the places they hold, every other column (the time axis) left where it is: the channels
    are read by position, and a file written with its columns shuffled was refused."""
    columns = [str(c) for c in X.columns]
    held = [c for c in columns if c in names]
    if held == names or sorted(held) != sorted(names) or len(set(columns)) < len(columns):
        return X  # in order already, or not the same channels: the detector's check says which
    channels = iter(names)
    order = [next(channels) if c in names else c for c in columns]
    return X.set_axis(columns, axis=1)[order]


def encoded(encoder, X: Any, source: str = "DATA", model: Any = None) -> Any:
    """``X`` as the model reads it: in fit's column order (:func:`in_fit_order`), then through
    ``encoder`` when there is one (else ``model`` reads X, and its fit's names are taken)."""
    import pandas as pd

    X = in_fit_order(X, encoder if encoder is not None else model)
    if encoder is None:
        return X
    if not isinstance(X, pd.DataFrame):
        raise ValueError(
            f"the model was trained on a table with text columns; give {source} as a .csv or "
            ".parquet table with the same columns."
        )
    from aekit.data.category_types import frame_with_fitted_codes

    # a run fitted on a file of integer codes reads a CSV's '68836' as 68836, and the reverse
    return encoder.transform(frame_with_fitted_codes(X, encoder.categories_))


def decoded(encoder, rows: Any):
    """Model-space ``rows`` as ``(values, columns)`` of the table the encoder was fitted on."""
    frame = encoder.inverse_transform(rows)
    return frame, list(frame.columns)
