"""Dates written as text in any form a table writes them (US, European, a month's name, a mix)
are refused as categories, as ISO dates were; codes, versions and numbers are not dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.data.tabular import TabularEncoder
from aekit.data.text_dates import looks_like_dates

_DAYS = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(300) % 365, "D")


def _table(when) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.normal(size=len(when)), "when": list(when)})


@pytest.mark.parametrize(
    "form",
    [
        "%m/%d/%Y",
        "%d.%m.%Y",
        "%d %b %Y",
        "%B %d, %Y",
        "%m/%d/%y",
        "%d-%b-%Y %H:%M",
        "%d.%m.%y",  # two-digit years, among many distinct dates
        "%m-%d-%y",
        "%d/%b/%Y",
        "%Y-%m-%d %I:%M %p",  # AM/PM
    ],
)
def test_dates_in_any_form_are_refused_as_text_dates(form):
    # they were one-hot categories, unsaid: every date of next year then 'unseen', every row
    # flagged
    when = _DAYS.strftime(form)
    with pytest.raises(ValueError, match=rf"'when' holds dates as text \(e.g. '{when[0]}'\)"):
        TabularEncoder().fit(_table(when))


def test_a_column_mixing_date_forms_is_refused_and_so_is_the_detector():
    forms = ["%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%d %b %Y"]
    when = [day.strftime(forms[i % 4]) for i, day in enumerate(_DAYS)]
    with pytest.raises(ValueError, match="'when' holds dates as text"):
        aekit.AnomalyDetector(n_estimators=1).fit(_table(when))


@pytest.mark.parametrize(
    "values",
    [
        ["1/2", "3/4", "12/5", "7/8"],  # short codes
        ["1.2.3", "1.10.0", "2.0.1", "10.4.7"],  # versions
        ["20240614", "20240615", "123", "98765"],  # plain integers as text
        ["Jan", "Feb", "Mar", "Apr"],  # a month's name alone
        ["May 12", "Jun 3", "Jul 4", "Aug 9"],  # no year
        ["31.02.2024", "13/13/2024", "0.0.2024", "45/12/2024"],  # date-shaped, no dates
        ["2024-AB", "A1", "B2", "x"],
        ["2023.10.3", "2024.1.15", "2022.12.7", "2021.3.1"],  # CalVer versions
        ["6/8/10", "8/10/12", "10/12/14", "12/14/16"],  # sizes
        ["1/2/10", "3/4/20", "5/6/30"],  # scores
        ["14.06.24", "15.06.24", "16.06.24"],  # a few such values: sizes as likely as dates
        ["Jan 2024", "Feb 2024", "Mar 2024", "Dec 2023"],  # months: periods, no day
    ],
)
def test_codes_versions_and_numbers_are_not_dates(values):
    assert not looks_like_dates(pd.Series(values))
    TabularEncoder().fit(_table(values * 75))  # categories, fine


def test_unpadded_iso_dates_are_dates():
    assert looks_like_dates(pd.Series(["2024-6-14", "2024-6-15", "2024-7-1"]))


def test_a_column_declared_categories_keeps_its_date_shaped_codes():
    # versions padded as dates ('2024.06.14') or dates meant as labels: the refusal had no way
    # out, not even a category dtype, and says it now
    when = list(_DAYS[:20].strftime("%Y.%m.%d")) * 15
    advice = r"codes, not dates, .* X\['when'\]\.astype\('category'\)"
    with pytest.raises(ValueError, match=advice):
        TabularEncoder().fit(_table(when))
    table = _table(when).astype({"when": "category"})
    assert "when" in TabularEncoder().fit(table).categories_
