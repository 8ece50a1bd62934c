import datetime
import zoneinfo

import pytest
from django.utils import translation

from voronka.accounts import timezones
from voronka.web.accounts_forms import ProfileForm


def _flat(groups):
    return [value for _label, options in groups for value, _text in options]


def test_the_common_zones_come_first_named_in_russian_with_their_offset():
    with translation.override("ru"):
        groups = timezones.choices()
        first_label, common = groups[0]
        named = dict(common)
        assert str(first_label) == "Часто используемые"
        assert named["Europe/Moscow"] == "Москва, Санкт-Петербург (UTC+3)"
        assert named["Asia/Almaty"] == "Алматы, Астана (UTC+5)"
        assert named["Asia/Kamchatka"] == "Петропавловск-Камчатский (UTC+12)"
        assert [str(label) for label, _options in groups[1:4]] == ["Европа", "Азия", "Америка"]
    # West to east: Kaliningrad before Moscow before Almaty before Kamchatka.
    order = [value for value, _text in common]
    assert order.index("Europe/Kaliningrad") < order.index("Europe/Moscow")
    assert order.index("Asia/Almaty") < order.index("Asia/Kamchatka")


def test_in_english_the_same_zones_read_in_english():
    with translation.override("en"):
        label, common = timezones.choices()[0]
        assert str(label) == "Common"
        assert dict(common)["Europe/Moscow"] == "Moscow, Saint Petersburg (UTC+3)"


def test_every_zone_a_user_may_have_stored_is_offered_once():
    offered = _flat(timezones.choices())
    assert len(offered) == len(set(offered))
    stored_before = {"UTC"} | {name for name in zoneinfo.available_timezones() if "/" in name}
    assert set(offered) == stored_before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Asia/Kolkata", "UTC+5:30"),
        ("America/Argentina/Buenos_Aires", "UTC\u22123"),
        ("UTC", "UTC+0"),
    ],
)
def test_an_offset_reads_in_hours(name, expected):
    at = datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC)
    assert timezones.offset(name, at) == expected


def test_other_zones_keep_their_city_names():
    europe = dict(dict(timezones.choices())[timezones.REGIONS["Europe"]])
    assert europe["Europe/Vienna"].startswith("Vienna (UTC+")
    america = dict(dict(timezones.choices())[timezones.REGIONS["America"]])
    assert america["America/Argentina/Buenos_Aires"].startswith("Argentina / Buenos Aires (")


def test_the_profile_keeps_an_unusual_stored_zone(owner):
    owner.timezone = "US/Eastern"
    form = ProfileForm(
        {
            "first_name": owner.first_name,
            "last_name": owner.last_name,
            "email": owner.email,
            "language": "ru",
            "timezone": "US/Eastern",
        },
        instance=owner,
    )
    assert form.is_valid(), form.errors
