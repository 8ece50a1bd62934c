"""The bounds of what a request may ask for (core.bounds)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from voronka.core import bounds


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (str(2**63 - 1), 2**63 - 1),
        (7, 7),
        (str(2**63), None),
        (str(10**23), None),
        ("0", None),
        ("-1", None),
        ("", None),
        ("abc", None),
        ("1.5", None),
        ("1e3", None),
        ("²", None),  # "²".isdigit() is true
        ("١٢", None),  # so are Arabic-Indic digits
        ("9" * 10_000, None),  # longer than int() reads
        (None, None),
        (True, None),
        (0, None),
        (2**63, None),
    ],
)
def test_an_id_is_a_whole_number_from_1_to_2_63_minus_1(value, expected):
    assert bounds.parse_id(value) == expected


def test_a_bad_id_is_a_validation_error():
    with pytest.raises(ValidationError):
        bounds.validate_id(str(10**23))
    bounds.validate_id("12")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 0), ("", 0), ("0", 0), ("20", 20), (str(bounds.MAX_OFFSET), bounds.MAX_OFFSET)],
)
def test_an_offset_is_from_0_to_the_maximum(value, expected):
    assert bounds.parse_offset(value) == expected


@pytest.mark.parametrize("value", [str(bounds.MAX_OFFSET + 1), str(10**20), "-1", "abc", "²"])
def test_a_bad_offset_is_none(value):
    assert bounds.parse_offset(value) is None


@pytest.mark.parametrize(
    ("value", "inside"),
    [
        (datetime.date(1900, 1, 1), True),
        (datetime.date(2999, 12, 31), True),
        (datetime.date(1899, 12, 31), False),
        (datetime.date(3000, 1, 1), False),
        (datetime.date(1, 1, 1), False),
        (datetime.date(9999, 12, 31), False),
        (datetime.datetime(2999, 12, 31, 23, 59), True),
        (datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.UTC), False),
    ],
)
def test_a_day_lies_from_1900_to_2999(value, inside):
    assert bounds.day_in_range(value) is inside
    if inside:
        bounds.validate_day(value)
    else:
        with pytest.raises(ValidationError):
            bounds.validate_day(value)


def test_the_day_range_reads_in_the_users_language():
    with translation.override("ru"):
        assert bounds.day_range_error().messages == ["Укажите дату с 01.01.1900 по 31.12.2999."]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-01", datetime.date(2026, 2, 1)),
        ("2026-02-30", None),
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("99999-01-01", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_day(value, expected):
    assert bounds.parse_day(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1 000,50", Decimal("1000.50")),
        ("12", Decimal(12)),
        ("NaN", None),
        ("sNaN", None),
        ("Infinity", None),
        ("-Infinity", None),
        ("1e309", Decimal("1e309")),  # finite for Decimal; the digits bound refuses it
        ("abc", None),
        (None, None),
    ],
)
def test_decimal_or_none_is_finite(value, expected):
    assert bounds.decimal_or_none(value) == expected


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), float("nan")])
def test_a_decimal_is_finite(value):
    with pytest.raises(ValidationError):
        bounds.validate_decimal(value)


def test_a_decimal_fits_its_fields_digits():
    bounds.validate_decimal(Decimal("99999999999999.99"), max_digits=16, decimal_places=2)
    with pytest.raises(ValidationError):
        bounds.validate_decimal(Decimal("100000000000000"), max_digits=16, decimal_places=2)
    with pytest.raises(ValidationError):
        bounds.validate_decimal(Decimal("1e309"), max_digits=16, decimal_places=2)


def test_a_whole_number_fits_a_bigint():
    bounds.validate_int(2**63 - 1)
    bounds.validate_int(-(2**63))
    with pytest.raises(ValidationError):
        bounds.validate_int(2**63)
