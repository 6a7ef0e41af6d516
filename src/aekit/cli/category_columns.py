"""``--category-column``: a column of a DATA table whose numbers are codes, not measurements (a
zip code, a product or diagnosis code, a store number).

Read as numbers, such a column is standardized and modelled as a quantity: 75001 lies "near"
75002 and "between" 10001 and 99950, and a reconstruction of 75001.4 means nothing. Declared,
its values are categories, one-hot encoded with a categorical likelihood as a text column's
are (:class:`aekit.data.tabular.TabularEncoder`), and given back as categories. A CSV's column
is read as written, so a code ``01000`` stays ``01000`` (read as a number it became 1000), and
a Parquet file's integer codes stay integers.

The column is given pandas' ``category`` dtype when DATA is read (:func:`as_categories`), the
Python API's own way to declare it (``df["zip"].astype("category")``), so every estimator reads
it alike. The option is recorded in a RUN's config.toml and reused by the commands that read
DATA for it (:mod:`aekit.cli.table_options`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from aekit.cli.shell_words import shell_word


@dataclass(frozen=True)
class CategoryOptions:
    names: tuple[str, ...] = ()
    # where recorded options came from ("RUN (its config.toml)"), None when typed: a typed
    # name DATA lacks is a typo; a recorded one is the model's to refuse (DATA lacks a column)
    source: str | None = None

    def record(self) -> dict[str, Any]:
        """What config.toml's [data] section keeps of them."""
        return {"category_columns": list(self.names)} if self.names else {}

    def flags(self) -> list[str]:
        """The options as typed (command.txt)."""
        return [word for name in self.names for word in ("--category-column", name)]


current = CategoryOptions()  # the running command's, set by aekit.cli.table_options

# The commands whose models read numbers alone, and what they read
NUMBERS_ALONE = {
    "train-hasher": "a hasher's rows",
    "index": "a hasher's rows",
    "search": "a hasher's rows",
    "train-compressor": "a compressor's rows",
    "compress": "a compressor's rows",
    "detect-series": "a series' channels",
}

OPTIONS = {
    "category_column": Annotated[
        list[str] | None,
        typer.Option(
            help="A column of a table DATA whose numbers are codes (a zip or product code): "
            "read as written and one-hot encoded as categories, not standardized as a quantity; "
            "repeatable (default: {recorded}none).",
            show_default=False,
        ),
    ],
}
DEFAULTS: dict[str, Any] = {"category_column": None}
# for the commands of NUMBERS_ALONE: taken, to refuse it in words, but not listed by --help
HIDDEN = {"category_column": Annotated[list[str] | None, typer.Option(hidden=True)]}


def resolve(
    typed: list[str] | None,
    recorded: dict,
    source: str | None,
    not_features: tuple[str | None, ...] = (),
    command: str = "",
    encoded: frozenset[str] = frozenset(),
) -> CategoryOptions:
    """The running command's category columns: those typed, else those ``recorded`` (a
    config.toml's [data] section, read from ``source``). ``not_features``: the id and ignored
    columns, which no model reads, so none of them can be a category column too; ``command``:
    the running command's name (one whose model reads numbers alone refuses the option);
    ``encoded``: the columns the RUN read's encoder one-hot encodes (:func:`run_categories`)."""
    names, from_ = tuple(dict.fromkeys(typed or ())), None
    if names and command in NUMBERS_ALONE:  # one-hot columns would reach it unsaid, or fail
        raise ValueError(
            f"--category-column: aekit {command} reads {NUMBERS_ALONE[command]}, numbers "
            "alone; leave the option out."
        )
    listed = recorded.get("category_columns")
    valid = isinstance(listed, list) and all(isinstance(v, str) for v in listed)
    trained = tuple(listed) if valid else ()
    if names and source is not None and not source.startswith("--config"):
        _refuse_another_reading(names, trained, source, encoded)  # a RUN reads DATA one way
    if not names and trained:
        names, from_ = trained, source
    for name in names:
        if name in not_features:
            other = "--id-column" if name == not_features[0] else "--ignore-column"
            said = "" if from_ is None else f" (recorded in {from_})"
            raise ValueError(
                f"--category-column {shell_word(name)}{said} is also the {other}, which "
                "leaves it out of the features: a column is one or the other."
            )
    return CategoryOptions(names, from_)


def _refuse_another_reading(
    typed: tuple[str, ...], trained: tuple[str, ...], source: str, encoded: frozenset[str]
):
    """A RUN's model was fitted on its columns read one way: a typed category column that its
    encoder does not one-hot encode (``encoded``) would reach it as another kind of column (a
    zip one-hot encoded for a model that reads it as a number was refused as text it cannot
    read, or passed unsaid), and one it recorded left out would be read as numbers. A column
    of text in training read as text again (a code '01000') is the run's own reading, and so
    are the options it was trained with, typed again (an imputer's RUN has no encoder.json)."""
    if set(typed) == set(trained) or (set(typed) <= encoded and set(trained) <= set(typed)):
        return
    said = (
        f"with --category-column {', '.join(map(shell_word, trained))}"
        if trained
        else "without --category-column"
    )
    raise ValueError(
        f"--category-column {', '.join(map(shell_word, typed))}: {source} was trained {said}, "
        "and its model reads DATA's columns as they were read then; leave the option out."
    )


def as_categories(spec: str, X: Any, label_column: str | None = None) -> Any:
    """``X`` (DATA ``spec``'s features as read) with each category column of pandas'
    ``category`` dtype. ``ValueError`` for a typed name that is the label column or that DATA
    lacks, or for a DATA that has no columns."""
    import pandas as pd

    if not current.names:
        return X
    if not isinstance(X, pd.DataFrame):
        no_columns(spec)
        return X
    if label_column in current.names:
        raise ValueError(
            f"--category-column {shell_word(label_column)} is the --label-column: labels are "
            "classes already; leave it out."
        )
    columns = [str(c) for c in X.columns]
    missing = [name for name in current.names if name not in columns]
    if missing and current.source is None:
        from aekit.cli.similar_columns import no_such_column

        raise ValueError(no_such_column("--category-column", missing[0], spec, columns))
    held = [c for c in X.columns if str(c) in current.names]
    # each file's codes as it holds them (a Parquet file's integers stay integers, so impute
    # writes them back so); a RUN reads another file's as its fit's type
    # (aekit.data.category_types.frame_with_fitted_codes)
    return X.astype({c: "category" for c in held}) if held else X


def no_columns(spec: str) -> None:
    """DATA ``spec`` has no named columns (an array, images): a typed option is refused, a
    recorded one does not apply to it."""
    if current.names and current.source is None:
        raise ValueError(
            f"--category-column names columns of a table (.csv, .parquet); DATA {spec} has none."
        )


def stored_as_numbers(schema: Any) -> bool:
    """Whether a Parquet schema stores one of the category columns as numbers."""
    from aekit.data.parquet import is_numeric_type

    return any(f.name in current.names and is_numeric_type(f.type) for f in schema)


def run_categories(run: Any) -> frozenset[str]:
    """The columns a RUN folder's encoder one-hot encodes (its encoder.json's categories); none
    for anything else."""
    from pathlib import Path

    from aekit.data.tabular import TabularEncoder

    path = run / "encoder.json" if isinstance(run, Path) else None  # aekit.cli.tables' name
    if path is None or not path.is_file():
        return frozenset()
    try:
        return frozenset(map(str, TabularEncoder.load(path).categories_))
    except ValueError:
        return frozenset()  # damaged: the command that reads it says so


def declared_many_categories(match: re.Match) -> str:
    """:func:`aekit.data.column_checks.warn_many_categories` of a column the user named with
    --category-column: what that costs, once, where the advice was to pass --id-column or
    --ignore-column, against what was asked; any other column's warning as it is. ``match``:
    the quote, the column's name as its repr writes it, the count."""
    quote, written = match[1], match[2]
    try:
        name = str(ast.literal_eval(quote + written + quote))
    except (ValueError, SyntaxError):
        name = written
    if name not in current.names:
        return match[0]
    return (
        f"column {quote}{written}{quote} {match[3]}, as --category-column {shell_word(name)} "
        "asks; a value no training row held is an unseen category."
    )
