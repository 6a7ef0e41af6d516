"""A time column's timestamps as instants: dates (with their zone's changing UTC offset) read
as UTC, and the first cell that is neither a number nor a date named by its row."""

from __future__ import annotations

import warnings

import numpy as np

from aekit.data.column_checks import shown, text_among_numbers


def parse_times(column, what: str):
    """A column of dates as UTC instants. A zone's UTC offset changes at daylight saving time,
    and pandas writes a zone-aware column as text with each row's own offset
    (``2024-03-31 01:00:00+01:00``, then ``03:00:00+02:00``): those are valid instants, which
    pandas reads only when asked to put them on one zone. Dates without a zone stay as they are
    (read as UTC: the steps between them do not change). A column of numbers with text among
    them (a typo, numbers and then dates) is refused naming its first text cell: pandas would
    read its numbers as dates, or fail on the first of them, far from the cell to fix."""
    import pandas as pd

    found = text_among_numbers(pd.Series(column))
    if found is not None:
        row, value, count = found
        others = f" and {count - 1} other cell{'s' if count > 2 else ''}" if count > 1 else ""
        raise ValueError(
            f"{what} holds numbers but also text: {shown(value)} (row {row}, 0-based){others}; "
            "give every timestamp as a number, or every one as a date."
        )
    try:
        with warnings.catch_warnings():
            # "Parsing dates in %d/%m/%Y format when dayfirst=False ... Pass `dayfirst=True`":
            # the format pandas inferred from the first date that tells (14/02/2014) reads every
            # date of the column (one that does not fit is an error below); an option aekit
            # has not
            warnings.filterwarnings("ignore", r"Parsing dates in .* format when dayfirst=")
            return pd.to_datetime(column, utc=True)
    except (ValueError, TypeError) as err:
        # pandas' advice after its message ("You might want to try: passing format=...") is
        # about its own arguments, which the caller does not pass; its own message names the
        # value but not the row, which is what a user needs to find it.
        reason = str(err).split("You might want to try")[0].strip()
        raise ValueError(
            f"{what} holds values that are neither numbers nor dates{_first_bad_row(column)}: "
            f"{reason.rstrip('.')}.{_day_first_advice(column)}"
        ) from None


def _day_first_advice(column) -> str:
    """Advice for dates written day first (01/02/2024, then 13/02/2024): pandas reads the
    column in the format of its first date that tells, month first when none before does."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.to_datetime(column, utc=True, dayfirst=True)
    except (ValueError, TypeError):
        return ""
    return (
        " The dates read day first: write them as ISO dates (2024-01-13), e.g. "
        "df[col] = pd.to_datetime(df[col], dayfirst=True).dt.strftime('%Y-%m-%d %H:%M:%S')."
    )


def _first_bad_row(column) -> str:
    """`` (row N)``, the position of the first value pandas does not read as a date in the
    format it infers from the first one (the value its error names), or ``""``."""
    import pandas as pd

    values = pd.Series(column).reset_index(drop=True)
    with warnings.catch_warnings():  # "Could not infer format": its error says the same
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(values, utc=True, errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy() & values.notna().to_numpy())
    return f" (row {bad[0]})" if len(bad) else ""
