"""What a number or a date from a request may be: one place per kind.

Every integer, date and decimal that arrives in a request is checked against these bounds
where it is parsed (form and filter fields, API fields, the few views that read a parameter
by hand), so a value that the database or Python's `datetime` cannot hold is a clear error
for whoever sent it, never a 500 further down:

- an id is a whole number from 1 to 2**63 − 1 (a bigint): past it SQLite raises
  OverflowError and PostgreSQL "bigint out of range";
- any other whole number lies in the same signed 64-bit range;
- a day lies from 1900-01-01 to 2999-12-31, and a moment on such a day: at the ends of
  Python's range (year 1, year 9999) adding a day or applying a time zone overflows, and
  nothing a CRM records lies that far out (docs/decisions/0010-bounds-of-request-values.md);
- a decimal is finite (no NaN, no Infinity) and fits its field's digits;
- a position in a list (an offset) is from 0 to MAX_OFFSET.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
MIN_INT, MAX_INT = -(2**63), 2**63 - 1
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
# Far past any list a person scrolls; a bigger offset is a hand-made URL.
MAX_OFFSET = 1_000_000

NO_SUCH_ID = _("There is no record with this number.")
BAD_OFFSET = _("The position in the list must be a whole number from 0 to %(max)s.")

_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: "²".isdigit() is true, int("²") fails


def parse_id(value) -> int | None:
    """The id a parameter names, or None if it cannot be one (empty, not digits, too big)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _DIGITS.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if 1 <= number <= MAX_ID else None


def validate_id(value) -> None:
    if parse_id(value) is None:
        raise ValidationError(NO_SUCH_ID, code="invalid_id")


def validate_int(value) -> None:
    """A whole number the database can hold (where its field sets no narrower bounds)."""
    if isinstance(value, int) and not MIN_INT <= value <= MAX_INT:
        raise ValidationError(_("The number is too large."), code="out_of_range")


def parse_offset(value) -> int | None:
    """A position in a list: 0 when not given, None when it is not a valid one."""
    if value in (None, ""):
        return 0
    if not isinstance(value, str) or not _DIGITS.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if number <= MAX_OFFSET else None


def day_in_range(value: datetime.date | datetime.datetime) -> bool:
    """Whether a day (or the day of a moment, in its own time zone) is within the bounds."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def day_range_error() -> ValidationError:
    return ValidationError(
        _("Give a date from %(first)s to %(last)s."),
        code="out_of_range",
        params={
            "first": date_format(FIRST_DAY, "SHORT_DATE_FORMAT"),
            "last": date_format(LAST_DAY, "SHORT_DATE_FORMAT"),
        },
    )


def validate_day(value) -> None:
    """For a date or a date-time field: the day lies within the bounds."""
    if isinstance(value, datetime.date) and not day_in_range(value):
        raise day_range_error()


def parse_day(value) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) within the bounds, or None."""
    if not isinstance(value, str):
        return None
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if day_in_range(day) else None


def decimal_or_none(value) -> Decimal | None:
    """A finite Decimal from a number or a text ("1 000,50" too), or None."""
    if isinstance(value, str):
        value = value.replace(" ", "").replace("\xa0", "").replace(",", ".")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def validate_decimal(value, *, max_digits: int | None = None, decimal_places: int = 0) -> None:
    """Finite, and with `max_digits`, no more whole digits than its field holds."""
    if not isinstance(value, Decimal | float | int):
        return
    number = Decimal(value)
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if max_digits is not None and abs(number) >= Decimal(10) ** (max_digits - decimal_places):
        raise ValidationError(_("The number is too large."), code="out_of_range")
