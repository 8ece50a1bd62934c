"""Calendar arithmetic on dates: months, quarters and the periods reports and plans use.

Months are counted as `year * 12 + month - 1`, so adding or going back any number of months
never lands on a day a month does not have: every function here works with the first day of
a month, or gives the last day explicitly. The edges of the calendar (year 1, year 9999) raise
ValueError; dates that come from a request are bounded before they get here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils.formats import date_format
from django.utils.translation import pgettext

MONTH = "month"
QUARTER = "quarter"


def _from_index(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def _index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(day: datetime.date, back: int = 0) -> datetime.date:
    """The first day of the month `back` months before the month of `day`."""
    return _from_index(_index(day) - back)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day` (negative: before)."""
    return _from_index(_index(day) + months)


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after the month of `day`."""
    return add_months(day, 1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the month of `day`."""
    return next_month(day) - datetime.timedelta(days=1)


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the quarter of `day` (1 January, 1 April, 1 July, 1 October)."""
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of the quarter of `day`."""
    return add_months(quarter_start(day), 3) - datetime.timedelta(days=1)


def period_months(kind: str) -> int:
    """How many months a period of this kind holds (a quarter: 3, a month: 1)."""
    return 3 if kind == QUARTER else 1


def period_bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month or quarter holding `day`: its first and last day."""
    first = quarter_start(day) if kind == QUARTER else month_start(day)
    return first, add_months(first, period_months(kind)) - datetime.timedelta(days=1)


def shift_period(kind: str, start: datetime.date, steps: int) -> datetime.date:
    """The first day of the period `steps` periods after the one starting on `start`."""
    return add_months(start, steps * period_months(kind))


def months(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    """The first day of every month from the month of `start` to that of `end`, both in."""
    month, last = month_start(start), month_start(end)
    while month <= last:
        yield month
        month = next_month(month)


def month_key(day: datetime.date) -> str:
    """ "2026-01": a month as a key (of a bar, a URL parameter); never shown to people."""
    return f"{day.year:04d}-{day.month:02d}"


def month_from_key(key: str) -> datetime.date:
    """The first day of the month of a key made by `month_key`."""
    return datetime.date.fromisoformat(f"{key}-01")


def month_label(day: datetime.date) -> str:
    """The month of `day` with its year, short: «янв 2026», "Jan 2026" (never "2026-01")."""
    # A format per language, as Django's own YEAR_MONTH_FORMAT is ("F Y": «Январь 2026»,
    # in the nominative, too long for a chart's axis): Russian writes the short month in
    # lower case ("b"), English capitalised ("M").
    return date_format(day, pgettext("a date format: a short month and its year", "M Y"))
