import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from voronka.core.phones import format_phone, normalize_phone, normalize_phone_list
from voronka.core.validators import (
    bin_is_valid,
    inn_is_valid,
    normalize_email_list,
    ogrn_is_valid,
    validate_inn,
    validate_kpp,
)


@pytest.mark.parametrize("value", ["7707083893", "500100732259", "7830002293"])
def test_real_inns_are_valid(value):
    assert inn_is_valid(value)


@pytest.mark.parametrize(
    "value", ["7707083894", "500100732250", "12345", "77070838931", "abcdefghij"]
)
def test_wrong_inns_are_refused(value):
    assert not inn_is_valid(value)
    with pytest.raises(ValidationError):
        validate_inn(value)


# Nine digits as a number formatted with leading zeros: as wide as a regex strategy, and
# cheap to generate on a loaded machine.
@given(st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}"))
def test_exactly_one_check_digit_fits_a_ten_digit_inn(body):
    fitting = [d for d in range(10) if inn_is_valid(f"{body}{d}")]
    assert len(fitting) == 1


def test_ogrn_check_digits():
    assert ogrn_is_valid("1027700132195")
    assert not ogrn_is_valid("1027700132196")
    assert ogrn_is_valid("304500116000157")
    assert not ogrn_is_valid("304500116000158")


def test_kazakh_bin_check_digit():
    assert bin_is_valid("000740001307")
    assert not bin_is_valid("000740001308")
    assert not bin_is_valid("12345")


def test_kpp_format():
    validate_kpp("773601001")
    validate_kpp("7736AB001")
    with pytest.raises(ValidationError):
        validate_kpp("77360100")


def test_phones_become_e164_and_bad_ones_are_named():
    assert normalize_phone("8 (701) 123-45-67") == "+77011234567"
    assert normalize_phone("+44 20 7939 9710") == "+442079399710"
    assert format_phone("+77011234567") == "+7 701 123 4567"
    assert normalize_phone_list(["+7 701 123 45 67", "", "87011234567"]) == ["+77011234567"]
    with pytest.raises(ValidationError) as error:
        normalize_phone_list(["12", "+77011234567", "abc"])
    assert len(error.value.error_list) == 2


def test_emails_are_lower_cased_and_checked():
    assert normalize_email_list([" Info@Example.KZ ", "info@example.kz", ""]) == ["info@example.kz"]
    with pytest.raises(ValidationError):
        normalize_email_list(["not-an-email"])


@given(st.text(alphabet=st.sampled_from("0123456789²³¹٣۷߃१"), min_size=10, max_size=15))
def test_tax_ids_with_other_digits_are_refused_not_crashed(value):
    """Unicode digits pass str.isdigit() yet int() of some fails: every tax id check answers
    a plain no for them instead of raising."""
    for check in (inn_is_valid, ogrn_is_valid, bin_is_valid):
        assert check(value) in (True, False)
        if not value.isascii():
            assert not check(value)


def test_search_digits_of_a_stored_number_match_a_full_parse():
    """`phone_search_digits` reads an E.164 number without parsing it: for an example number
    of every region and kind it gives what phonenumbers' own parse gives."""
    import phonenumbers

    from voronka.core.phones import _search_digits, phone_search_digits

    checked = 0
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            number = phonenumbers.parse(e164, None)
            expected = [
                f"{number.country_code}{number.national_number}",
                str(number.national_number),
            ]
            _search_digits.cache_clear()
            assert phone_search_digits(e164) == expected, e164
            checked += 1
    assert checked > 400
