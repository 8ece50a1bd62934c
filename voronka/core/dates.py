"""Dates as people read them."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import pgettext


def month_label(day: datetime.date) -> str:
    """The month of `day` with its year, short: «янв 2026», "Jan 2026" (never "2026-01")."""
    # A format per language, as Django's own YEAR_MONTH_FORMAT is ("F Y": «Январь 2026»,
    # in the nominative, too long for a chart's axis): Russian writes the short month in
    # lower case ("b"), English capitalised ("M").
    return date_format(day, pgettext("a date format: a short month and its year", "M Y"))
