"""Validators for legal details printed on documents and used to find duplicates.

ИНН and ОГРН (Russia) and БИН (Kazakhstan) carry check digits; a typo in one digit is
caught here instead of on an invoice.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import is_ascii_digits


def _digits_of(value: str) -> list[int]:
    return [int(c) for c in value]


def _weighted(digits: list[int], weights: list[int]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False))


def inn_is_valid(value: str) -> bool:
    if not is_ascii_digits(value) or len(value) not in (10, 12):
        return False
    d = _digits_of(value)
    if len(value) == 10:
        return _weighted(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10 == d[9]
    n11 = _weighted(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10
    n12 = _weighted(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10
    return n11 == d[10] and n12 == d[11]


def ogrn_is_valid(value: str) -> bool:
    if not is_ascii_digits(value) or len(value) not in (13, 15):
        return False
    if len(value) == 13:
        return int(value[:12]) % 11 % 10 == int(value[12])
    return int(value[:14]) % 13 % 10 == int(value[14])


def bin_is_valid(value: str) -> bool:
    """БИН/ИИН of Kazakhstan: 12 digits, the last one a check digit."""
    if not is_ascii_digits(value) or len(value) != 12:
        return False
    d = _digits_of(value)
    check = _weighted(d, list(range(1, 12))) % 11
    if check == 10:
        check = _weighted(d, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11
        if check == 10:
            return False
    return check == d[11]


_KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def validate_inn(value: str) -> None:
    if value and not inn_is_valid(value):
        raise ValidationError(
            _("INN must have 10 or 12 digits with a correct check digit."), code="invalid_inn"
        )


def validate_kpp(value: str) -> None:
    if value and not _KPP_RE.match(value):
        raise ValidationError(
            _(
                "KPP has 9 characters: 4 digits, then 2 digits or capital Latin letters, "
                "then 3 digits."
            ),
            code="invalid_kpp",
        )


def validate_ogrn(value: str) -> None:
    if value and not ogrn_is_valid(value):
        raise ValidationError(
            _("OGRN must have 13 digits (15 for a sole trader) with a correct check digit."),
            code="invalid_ogrn",
        )


def validate_bin(value: str) -> None:
    if value and not bin_is_valid(value):
        raise ValidationError(
            _("BIN must have 12 digits with a correct check digit."), code="invalid_bin"
        )


def normalize_email_list(values: list[str]) -> list[str]:
    """Lower-cased, checked e-mail addresses without blanks and repeats."""
    from django.core.validators import validate_email

    result, errors = [], []
    for raw in values or []:
        email = (raw or "").strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                ValidationError(
                    _("“%(value)s” is not an e-mail address."),
                    code="invalid_email",
                    params={"value": raw.strip()},
                )
            )
            continue
        if email not in result:
            result.append(email)
    if errors:
        raise ValidationError(errors)
    return result
