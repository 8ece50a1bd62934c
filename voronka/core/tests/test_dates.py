"""The calendar arithmetic of reports and plans, on the days where it usually goes wrong."""

import datetime

import pytest

from voronka.core import dates

D = datetime.date


@pytest.mark.parametrize(
    ("day", "back", "expected"),
    [
        (D(2026, 3, 31), 1, D(2026, 2, 1)),  # 31 March: February has no 31st
        (D(2026, 1, 15), 1, D(2025, 12, 1)),  # across the year
        (D(2026, 1, 15), 13, D(2024, 12, 1)),
        (D(2026, 5, 1), 0, D(2026, 5, 1)),
    ],
)
def test_month_start_goes_back_whole_months(day, back, expected):
    assert dates.month_start(day, back) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 1)),
        (D(2026, 12, 5), 1, D(2027, 1, 1)),
        (D(2026, 11, 30), 14, D(2028, 1, 1)),
        (D(2026, 3, 31), -3, D(2025, 12, 1)),
    ],
)
def test_add_months_lands_on_the_first_day(day, months, expected):
    assert dates.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 2, 10), D(2024, 2, 29)),  # a leap year
        (D(2026, 2, 10), D(2026, 2, 28)),
        (D(2026, 12, 31), D(2026, 12, 31)),
        (D(2026, 4, 1), D(2026, 4, 30)),
    ],
)
def test_month_end(day, expected):
    assert dates.month_end(day) == expected


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 5, 31), D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 9, 30), D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_quarters(day, first, last):
    assert (dates.quarter_start(day), dates.quarter_end(day)) == (first, last)
    assert dates.period_bounds(dates.QUARTER, day) == (first, last)


def test_periods_shift_by_their_length():
    assert dates.period_bounds(dates.MONTH, D(2026, 2, 14)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert dates.shift_period(dates.QUARTER, D(2026, 10, 1), 1) == D(2027, 1, 1)
    assert dates.shift_period(dates.MONTH, D(2026, 1, 1), -1) == D(2025, 12, 1)


def test_months_lists_every_month_both_ends_included():
    listed = list(dates.months(D(2025, 11, 30), D(2026, 2, 1)))
    assert listed == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert list(dates.months(D(2026, 3, 5), D(2026, 3, 6))) == [D(2026, 3, 1)]
    assert list(dates.months(D(2026, 4, 1), D(2026, 3, 1))) == []


def test_month_keys_go_both_ways():
    assert dates.month_key(D(987, 3, 9)) == "0987-03"
    assert dates.month_from_key(dates.month_key(D(2026, 7, 19))) == D(2026, 7, 1)


def test_the_edges_of_the_calendar_raise_value_error():
    with pytest.raises(ValueError):
        dates.next_month(D(9999, 12, 1))
    with pytest.raises(ValueError):
        dates.month_start(D(1, 1, 1), back=1)
