"""Whether a text column's values are dates, in any of the forms tables write them: ISO 8601
(``2024-06-14``), US and European day-month orders (``06/14/2024``, ``14.06.2024``), a month's
name (``14 Jun 2024``, ``June 14, 2024``), and a column mixing them. Used by
:func:`aekit.data.column_checks.check_column_kind`, which refuses such a column as categories.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

# A time of day after a date: '10:30', '10:30:15', '10:30 PM'
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp][Mm])?)?"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

# The shapes a date may have. Each needs a year, a month and a day, so that short codes ('1/2'),
# version strings ('1.2.3', CalVer's '2024.1.15'), plain numbers ('20240614'), a month's name
# alone ('Jan') and a month with its year (a period: 'Jan 2024') are not dates; pandas' parser
# alone reads each of those as one.
_DATE_SHAPES = re.compile(
    "|".join(
        (
            # ISO 8601 (unpadded too: 2024-6-14), with a time, AM/PM or a UTC offset
            r"\d{4}-\d{1,2}-\d{1,2}" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?",
            r"\d{1,2}([/.-])\d{1,2}\1\d{4}" + _TIME,  # 06/14/2024, 14.06.2024, 14-06-2024
            r"\d{4}/\d{1,2}/\d{1,2}" + _TIME,  # 2024/06/14
            # 2024.06.14, padded as dates are written: CalVer versions (2024.1.15) are not
            r"\d{4}\.\d{2}\.\d{2}" + _TIME,
            # a month's name with a day and a four-digit year (and a weekday): '14 Jun 2024',
            # 'June 14, 2024', 'Fri, 14 Jun 2024'
            rf"(?:[a-z]{{3,9}},? )?{_DAY} {_MONTH},? \d{{4}}" + _TIME,
            rf"(?:[a-z]{{3,9}},? )?{_MONTH} {_DAY},? \d{{4}}" + _TIME,
            rf"\d{{4}} {_MONTH} \d{{1,2}}" + _TIME,  # 2024 Jun 14
            rf"\d{{1,2}}([-/]){_MONTH}\2\d{{2,4}}" + _TIME,  # 14-Jun-2024, 14/Jun/2024, 14-Jun-24
        )
    ),
    re.IGNORECASE,
)

# A day, a month and a two-digit year (06/14/24, 14.06.24, 06-14-24): the shape of sizes
# ('8/10/12'), scores ('1/2/10') and part numbers too, so it makes a column dates only when the
# column holds many distinct such values, as a date column does and those do not
_SHORT_YEAR = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}" + _TIME, re.IGNORECASE)
SHORT_YEAR_DISTINCT = 12

# The share of a column's distinct values that must be dates for the column to be called dates:
# a few other cells (a typo, 'unknown') do not make it categories
DATES_SHARE = 0.9


def looks_like_dates(distinct: pd.Series) -> bool:
    """Whether at least :data:`DATES_SHARE` of ``distinct`` (a column's distinct values, as
    text) have a date's shape and are dates pandas can read (no 31.02.2024, no 13/13/2024). A
    two-digit year's shape (06/14/24) counts only among :data:`SHORT_YEAR_DISTINCT` or more
    such values: a few are sizes or scores as likely ('8/10/12', '1/2/10').

    Parameters
    ----------
    distinct : Series of str
        The values, each once.

    Returns
    -------
    dates : bool
    """
    if not len(distinct):
        return False
    stripped = distinct.str.strip()
    dated = stripped.str.fullmatch(_DATE_SHAPES).fillna(False)
    short = stripped.str.fullmatch(_SHORT_YEAR).fillna(False)
    if short.sum() >= SHORT_YEAR_DISTINCT:
        dated |= short
    shaped = distinct[dated]
    if len(shaped) < DATES_SHARE * len(distinct):
        return False
    with warnings.catch_warnings():  # 'could not infer format' and the like: not the user's
        warnings.simplefilter("ignore")
        # each value read on its own terms, all at once; one at a time (day first too) only
        # where that fails: a value a call took 4.6 s for 20,000 distinct timestamps
        at_once = pd.to_datetime(shaped, format="mixed", errors="coerce").notna()
        parsed = int(at_once.sum()) + sum(_parsed(value) for value in shaped[~at_once])
    return bool(parsed >= DATES_SHARE * len(distinct))


def _parsed(value: str) -> bool:
    """Whether pandas reads ``value`` as a date (day first where the month cannot come first:
    14.06.2024)."""
    for dayfirst in (False, True):
        try:
            pd.to_datetime(value, dayfirst=dayfirst)
            return True
        except (ValueError, OverflowError, TypeError):
            continue
    return False
