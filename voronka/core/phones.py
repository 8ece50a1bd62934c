"""Phone numbers: stored in E.164 ("+77011234567"), shown in international format."""

import functools

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def default_region() -> str:
    return settings.VORONKA["PHONE_REGION"]


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a phone number or raise ValidationError in the user's language."""
    raw = (raw or "").strip()
    try:
        number = phonenumbers.parse(raw, default_region())
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="invalid_phone", params={"value": raw}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.lru_cache(maxsize=4096)
def _search_digits(e164: str) -> tuple[str, ...]:
    digits = e164[1:]
    if e164.startswith("+") and digits.isascii() and digits.isdigit():
        # A stored number is E.164 already: its country code is the one prefix of 1–3 digits
        # that is a calling code (they are prefix-free), the rest the national number as
        # phonenumbers gives it (leading zeros dropped). No parse: an import asks this of
        # every number it writes.
        for size in (1, 2, 3):
            if int(digits[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                national = digits[size:].lstrip("0")
                if national:
                    return (f"{digits[:size]}{national}", national)
                break
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return tuple(d for d in ["".join(c for c in e164 if c.isdigit())] if d)
    return (f"{number.country_code}{number.national_number}", str(number.national_number))


def phone_search_digits(e164: str) -> list[str]:
    """Digit strings a stored phone can be found by: the whole number and the national part.
    Remembered for the last few thousand numbers: an import asks for each number twice
    (matching, then the new record's search tokens)."""
    return list(_search_digits(e164))


def phone_query_digits(query: str) -> str:
    """Digits to look up for a phone typed in a search box ("8 701 123-45-67" → "77011234567")."""
    digits = "".join(c for c in query if c.isdigit())
    if len(digits) >= 10:
        try:
            number = phonenumbers.parse(query, default_region())
            if phonenumbers.is_possible_number(number):
                return f"{number.country_code}{number.national_number}"
        except phonenumbers.NumberParseException:
            pass
    return digits


def normalize_phone_list(values: list[str]) -> list[str]:
    """E.164 forms of a list of phones, without blanks and repeats; all bad ones reported."""
    result, errors = [], []
    for raw in values or []:
        if not (raw or "").strip():
            continue
        try:
            phone = normalize_phone(raw)
        except ValidationError as error:
            errors.extend(error.error_list)
            continue
        if phone not in result:
            result.append(phone)
    if errors:
        raise ValidationError(errors)
    return result
