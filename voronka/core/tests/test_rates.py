"""Exchange rates: the banks' feeds, manual rates, conversion at dated rates, page, API, block.

The feeds are read from saved answers in tests/data/; the network is never used (urlopen is
patched wherever a load would reach for it).
"""

import datetime
import urllib.error
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from voronka.core import money
from voronka.core.models import ExchangeRate, RateSource
from voronka.core.rates import FeedError, feeds, load_rates
from voronka.core.rates.services import manual_rate_save

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
CBR_DAY = datetime.date(2026, 11, 21)  # the date in cbr_xml_daily.xml
NBK_DAY = datetime.date(2026, 11, 23)  # the date in nbk_rates.xml


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def d(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture(autouse=True)
def currencies(settings):
    """The seed's organisation: tenge, with the currencies its deals and home block use."""
    settings.VORONKA = {
        **settings.VORONKA,
        "BASE_CURRENCY": "KZT",
        "CURRENCIES": ["KZT", "USD", "EUR", "RUB", "CNY", "KRW"],
    }
    return settings


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, whatever the Russian catalogue says of them."""
    with translation.override("en"):
        yield


def browser_for(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return client_for(user)


def base(settings, code: str) -> None:
    settings.VORONKA = {**settings.VORONKA, "BASE_CURRENCY": code}


def stored() -> dict[str, tuple]:
    return {
        r.currency: (r.date, r.rate, r.source)
        for r in ExchangeRate.objects.order_by("currency", "date")
    }


def snapshot() -> list[tuple]:
    return list(
        ExchangeRate.objects.order_by("pk").values_list("currency", "date", "rate", "source")
    )


class FakeAnswer:
    """What urlopen returns: a context manager whose read() gives the body."""

    def __init__(self, content: bytes):
        self.content = content

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, limit: int = -1) -> bytes:
        return self.content if limit < 0 else self.content[:limit]


def answering(content: bytes):
    return mock.patch("urllib.request.urlopen", return_value=FakeAnswer(content))


def failing(error: Exception):
    return mock.patch("urllib.request.urlopen", side_effect=error)


# --- Reading the feeds ---------------------------------------------------------------------


def test_the_cbr_feed_is_read_per_unit_in_roubles():
    feed = feeds.parse_cbr(sample("cbr_xml_daily.xml"))
    assert feed.currency == "RUB"
    assert feed.date == CBR_DAY
    assert feed.rates["USD"] == d("92.5058")  # comma decimals
    assert feed.rates["KZT"] == d("0.196789")  # quoted per 100 tenge
    assert feed.rates["KRW"] == d("0.0661234")  # quoted per 1000 won
    assert feed.rates["TRY"] == d("2.6789")  # quoted per 10 lira
    assert len(feed.rates) == 10


def test_the_nbk_feed_is_read_per_unit_in_tenge_and_its_own_title_is_not_a_rate():
    feed = feeds.parse_nbk(sample("nbk_rates.xml"))
    assert feed.currency == "KZT"
    assert feed.date == NBK_DAY
    assert feed.rates["USD"] == d("470.05")
    assert feed.rates["KRW"] == d("0.3225")  # quoted per 100 won
    assert feed.rates["AMD"] == d("1.214")  # quoted per 10 drams
    assert set(feed.rates) == {"AUD", "AMD", "GBP", "USD", "EUR", "CNY", "RUB", "KRW", "AED", "TRY"}


def test_the_nbk_rss_variant_reads_the_same_rates():
    rss = feeds.parse_nbk(sample("nbk_rates_all.xml"))
    assert rss.date == NBK_DAY
    assert rss.rates == feeds.parse_nbk(sample("nbk_rates.xml")).rates


def test_cbr_rates_are_crossed_into_tenge_and_the_rouble_is_stored_too():
    result = load_rates(source="cbr", content=sample("cbr_xml_daily.xml"))
    assert result.date == CBR_DAY
    rates = stored()
    # USD in KZT = (RUB per USD) / (RUB per KZT) = 92.5058 / 0.196789
    assert rates["USD"] == (CBR_DAY, d("470.07607133"), RateSource.CBR)
    assert rates["EUR"][1] == d("508.78555204")
    assert rates["CNY"][1] == d("64.76784780")
    assert rates["KRW"][1] == d("0.33601167")
    # The feed's own currency: 1 RUB = 1 / 0.196789 KZT.
    assert rates["RUB"][1] == d("5.08158484")
    # Neither the base currency nor currencies that are not configured (AMD, AUD) are stored.
    assert set(rates) == {"USD", "EUR", "CNY", "KRW", "RUB"}
    assert result.written == 5


def test_nbk_rates_are_stored_as_they_are_when_the_base_is_tenge():
    load_rates(source="nbk", content=sample("nbk_rates.xml"))
    rates = stored()
    assert rates["USD"] == (NBK_DAY, d("470.05"), RateSource.NBK)
    assert rates["RUB"][1] == d("5.08")
    assert rates["KRW"][1] == d("0.3225")


def test_with_the_rouble_as_base_cbr_is_direct_and_nbk_is_crossed(settings):
    base(settings, "RUB")
    load_rates(source="cbr", content=sample("cbr_xml_daily.xml"))
    rates = stored()
    assert rates["USD"] == (CBR_DAY, d("92.5058"), RateSource.CBR)
    assert rates["KZT"][1] == d("0.196789")
    assert "RUB" not in rates

    ExchangeRate.objects.all().delete()
    load_rates(source="nbk", content=sample("nbk_rates.xml"))
    rates = stored()
    assert rates["USD"][1] == d("92.52952756")  # 470.05 / 5.08
    assert rates["KZT"][1] == d("0.19685039")  # 1 / 5.08
    assert rates["KRW"][1] == d("0.06348425")  # 32.25 / 100 / 5.08


def test_a_base_currency_the_feed_does_not_quote_is_refused_clearly(settings):
    base(settings, "AED")
    settings.VORONKA = {**settings.VORONKA, "CURRENCIES": ["AED", "USD"]}
    assert load_rates(source="nbk", content=sample("nbk_rates.xml")).written == 1
    base(settings, "XAU")
    with pytest.raises(FeedError, match="XAU"):
        load_rates(source="cbr", content=sample("cbr_xml_daily.xml"))
    assert ExchangeRate.objects.filter(currency="XAU").count() == 0


# --- Manual rates and feeds ----------------------------------------------------------------


def test_a_feed_never_overwrites_a_manual_rate_of_the_same_day(admin_user):
    manual_rate_save(actor=admin_user, data={"currency": "USD", "date": NBK_DAY, "rate": "480"})
    result = load_rates(source="nbk", content=sample("nbk_rates.xml"))
    assert result.kept_manual == ("USD",)
    rates = stored()
    assert rates["USD"] == (NBK_DAY, d("480"), RateSource.MANUAL)
    assert rates["EUR"] == (NBK_DAY, d("510.32"), RateSource.NBK)


def test_a_manual_rate_replaces_the_feeds_rate_of_that_day(admin_user):
    load_rates(source="nbk", content=sample("nbk_rates.xml"))
    saved = manual_rate_save(
        actor=admin_user, data={"currency": "usd", "date": NBK_DAY, "rate": Decimal("471.5")}
    )
    assert ExchangeRate.objects.filter(currency="USD").count() == 1
    assert (saved.currency, saved.rate, saved.source) == ("USD", d("471.5"), RateSource.MANUAL)
    assert saved.created_by == admin_user


def test_loading_the_same_day_again_updates_the_feeds_rates():
    load_rates(source="nbk", content=sample("nbk_rates.xml"))
    changed = sample("nbk_rates.xml").replace(b"470.05", b"471.00")
    result = load_rates(source="nbk", content=changed)
    assert result.written == 5
    assert stored()["USD"][1] == d("471.00")
    assert ExchangeRate.objects.count() == 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"currency": "USD", "rate": "-1"}, "rate"),
        ({"currency": "USD", "rate": "0"}, "rate"),
        ({"currency": "KZT", "rate": "1"}, "currency"),  # the base currency
        ({"currency": "XYZ", "rate": "1"}, "currency"),  # not configured
    ],
)
def test_a_manual_rate_is_validated(admin_user, data, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        manual_rate_save(actor=admin_user, data={"date": NBK_DAY, **data})
    assert field in error.value.message_dict
    assert ExchangeRate.objects.count() == 0


def test_only_an_administrator_enters_rates(owner):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        manual_rate_save(actor=owner, data={"currency": "USD", "date": NBK_DAY, "rate": "1"})


# --- Conversion at dated rates ---------------------------------------------------------------


@pytest.fixture
def usd_history(admin_user):
    for day, rate in ((10, "450"), (20, "470.05")):
        manual_rate_save(
            actor=admin_user,
            data={"currency": "USD", "date": datetime.date(2026, 11, day), "rate": rate},
        )
    manual_rate_save(
        actor=admin_user,
        data={"currency": "EUR", "date": datetime.date(2026, 11, 12), "rate": "500"},
    )


def test_a_value_on_a_day_between_two_rates_uses_the_earlier_one(usd_history):
    amount = Decimal("1000.00")  # a deal's amount
    assert money.to_base(amount, "USD", datetime.date(2026, 11, 15)) == d("450000.00")
    assert money.to_base(amount, "USD", datetime.date(2026, 11, 20)) == d("470050.00")
    assert money.to_base(amount, "USD", datetime.date(2027, 1, 1)) == d("470050.00")


def test_before_the_first_rate_there_is_no_value(usd_history):
    assert money.to_base(Decimal("1000"), "USD", datetime.date(2026, 11, 9)) is None
    assert money.to_base(Decimal("1000"), "GBP", datetime.date(2026, 11, 25)) is None


def test_the_base_currency_needs_no_rate_and_amounts_round_half_up(usd_history):
    assert money.to_base(Decimal("12.345"), "KZT", datetime.date(2020, 1, 1)) == d("12.35")
    rates = {"USD": Decimal("0.5")}
    assert money.to_base(Decimal("0.01"), "USD", datetime.date(2026, 11, 15), rates) == d("0.01")
    assert money.to_base(None, "USD", datetime.date(2026, 11, 15)) is None
    with pytest.raises(TypeError):
        money.to_base(10.5, "USD", datetime.date(2026, 11, 15))


def test_rates_of_many_currencies_take_two_queries(usd_history, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rates = money.rates_on(datetime.date(2026, 11, 15), ["USD", "EUR", "CNY", "KZT"])
    assert rates == {"USD": d("450"), "EUR": d("500"), "KZT": Decimal(1)}
    with django_assert_max_num_queries(2):
        everything = money.rates_on(datetime.date(2026, 11, 30))
    assert everything == {"USD": d("470.05"), "EUR": d("500"), "KZT": Decimal(1)}
    with django_assert_max_num_queries(1):
        rates = money.rates_on(datetime.date(2026, 11, 15), ["USD"])
    # A list converts with the rates it asked for once, without more queries.
    with django_assert_max_num_queries(0):
        on = datetime.date(2026, 11, 15)
        assert money.to_base(Decimal("2"), "EUR", on, rates={"EUR": d("500")}) == d("1000.00")


def test_the_home_block_rates_show_small_currencies_per_100(admin_user):
    load_rates(source="nbk", content=sample("nbk_rates.xml"))
    # A rate for a day still to come is not shown yet.
    manual_rate_save(
        actor=admin_user,
        data={"currency": "USD", "date": NBK_DAY + datetime.timedelta(days=1), "rate": "999"},
    )
    shown = money.latest_rates(on=NBK_DAY)
    assert [(r.currency, r.nominal, r.rate) for r in shown] == [
        ("USD", 1, d("470.05")),
        ("EUR", 1, d("510.32")),
        ("RUB", 1, d("5.08")),
        ("CNY", 1, d("65.12")),
        ("KRW", 100, d("32.25")),
    ]
    assert all(r.date == NBK_DAY and r.base == "KZT" for r in shown)
    assert money.latest_rates(on=NBK_DAY - datetime.timedelta(days=1)) == []


# --- A feed that cannot be used changes nothing ----------------------------------------------


@pytest.fixture
def good_rates():
    load_rates(source="nbk", content=sample("nbk_rates.xml"))
    return snapshot()


@pytest.mark.parametrize(
    "error",
    [
        urllib.error.URLError("[Errno -3] Temporary failure in name resolution"),
        urllib.error.HTTPError("https://www.cbr.ru/", 503, "Service Unavailable", {}, None),
        TimeoutError("The read operation timed out"),
        ConnectionResetError("Connection reset by peer"),
    ],
)
def test_an_unreachable_feed_keeps_the_last_good_rates(good_rates, error):
    with failing(error), pytest.raises(FeedError) as raised:
        load_rates(source="cbr", on=datetime.date(2026, 11, 24))
    assert "Central Bank of Russia" in str(raised.value)
    assert snapshot() == good_rates


def test_the_feed_is_asked_for_the_date_with_a_timeout():
    with answering(sample("cbr_xml_daily.xml")) as urlopen:
        load_rates(source="cbr", on=datetime.date(2026, 11, 23))
    request = urlopen.call_args.args[0]
    assert request.full_url == "https://www.cbr.ru/scripts/XML_daily.asp?date_req=23/11/2026"
    assert urlopen.call_args.kwargs["timeout"] == 10
    with answering(sample("nbk_rates.xml")) as urlopen:
        load_rates(source="nbk", on=NBK_DAY)
    assert urlopen.call_args.args[0].full_url.endswith("get_rates.cfm?fdate=23.11.2026")


@pytest.mark.parametrize(
    ("source", "name", "problem"),
    [
        ("cbr", "cbr_truncated.xml", "not well-formed XML"),
        ("cbr", "cbr_no_value.xml", "the rate of EUR is missing"),
        ("nbk", "nbk_bad_rate.xml", "the rate of USD is not a positive number"),
        ("nbk", "nbk_empty.xml", "contains no rates"),
        ("cbr", "cbr_other_date.xml", "too far from the requested"),
        ("nbk", "cbr_xml_daily.xml", "not in the expected format"),
    ],
)
def test_a_malformed_feed_keeps_the_last_good_rates(good_rates, source, name, problem):
    with answering(sample(name)), pytest.raises(FeedError) as raised:
        load_rates(source=source, on=datetime.date(2026, 11, 23))
    assert problem in str(raised.value)
    assert "The last good rates are kept" in str(raised.value)
    assert snapshot() == good_rates


def test_a_feed_with_an_entity_bomb_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rates><date>&b;</date></rates>'
    )
    with pytest.raises(FeedError, match="refused for safety"):
        load_rates(source="nbk", content=bomb)


def test_a_rate_that_is_not_a_number_is_a_field_error(admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        manual_rate_save(actor=admin_user, data={"currency": "USD", "date": NBK_DAY, "rate": "x"})
    assert list(error.value.message_dict) == ["rate"]


# --- The command -----------------------------------------------------------------------------


def test_the_command_loads_a_saved_file(capsys):
    call_command(
        "load_exchange_rates", "--source", "cbr", "--file", str(DATA / "cbr_xml_daily.xml")
    )
    out = capsys.readouterr().out
    assert "5 rate(s) in KZT for 2026-11-21 saved" in out
    assert stored()["USD"][1] == d("470.07607133")


def test_the_command_fails_with_the_feeds_problem(good_rates):
    with pytest.raises(CommandError, match="contains no rates"):
        call_command(
            "load_exchange_rates", "--source", "nbk", "--file", str(DATA / "nbk_empty.xml")
        )
    with pytest.raises(CommandError, match="too far from the requested"):
        call_command(
            "load_exchange_rates",
            "--source=cbr",
            "--date=2026-11-23",
            f"--file={DATA / 'cbr_other_date.xml'}",
        )
    with (
        failing(urllib.error.URLError("timed out")),
        pytest.raises(CommandError, match="unreachable"),
    ):
        call_command("load_exchange_rates", "--source", "cbr", "--date", "2026-11-23")
    assert snapshot() == good_rates


# --- The page --------------------------------------------------------------------------------


def test_a_manager_sees_the_rates_but_changes_nothing(owner, good_rates):
    browser = browser_for(owner)
    page = browser.get(reverse("web:rates"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "470.05" in html
    assert 'name="source"' not in html and 'name="rate"' not in html
    data = {"currency": "USD", "date": "2026-11-23", "rate": "1"}
    assert browser.post(reverse("web:rates"), data).status_code == 403
    assert browser.post(reverse("web:rates-load"), {"source": "cbr"}).status_code == 403
    assert snapshot() == good_rates


def test_the_history_filters_by_currency_and_pages(owner, good_rates, settings):
    settings.VORONKA = {**settings.VORONKA, "PAGE_SIZE": 2}
    browser = browser_for(owner)
    second = browser.get(reverse("web:rates"), {"page": 2}).context["page_obj"]
    assert [r.currency for r in second] == ["KRW", "RUB"]  # CNY EUR | KRW RUB | USD
    assert second.paginator.num_pages == 3
    page = browser.get(reverse("web:rates"), {"currency": "krw"})
    rows = list(page.context["page_obj"])
    assert [r.currency for r in rows] == ["KRW"]
    partial = browser.get(reverse("web:rates"), {"currency": "EUR"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"EUR" in partial.content


def test_an_administrator_enters_a_rate_by_hand(admin_user):
    # In Russian, typed with a decimal comma as the banks print it.
    assert admin_user.language == "ru"
    browser = client_for(admin_user)
    response = browser.post(
        reverse("web:rates"), {"currency": "USD", "date": "2026-11-23", "rate": "470,5"}
    )
    assert response.status_code == 302
    assert stored()["USD"] == (NBK_DAY, d("470.5"), RateSource.MANUAL)
    assert ExchangeRate.objects.get().created_by == admin_user


def test_a_wrong_manual_rate_is_shown_on_the_form_with_what_was_typed(admin_user):
    browser = browser_for(admin_user)
    response = browser.post(
        reverse("web:rates"), {"currency": "EUR", "date": "2026-11-23", "rate": "-5"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "rate" in form.errors
    html = response.content.decode()
    assert 'value="-5"' in html
    assert ExchangeRate.objects.count() == 0


def test_an_administrator_loads_a_feed_with_the_button(admin_user):
    browser = browser_for(admin_user)
    with answering(sample("nbk_rates.xml")):
        response = browser.post(
            reverse("web:rates-load"), {"source": "nbk", "date": "2026-11-23"}, follow=True
        )
    text = [str(m) for m in response.context["messages"]]
    assert any("5" in t and "National Bank of Kazakhstan" in t for t in text), text
    assert stored()["USD"] == (NBK_DAY, d("470.05"), RateSource.NBK)
    assert ExchangeRate.objects.get(currency="USD").created_by == admin_user


def test_a_failed_load_is_a_message_not_an_error_page(admin_user, good_rates):
    browser = browser_for(admin_user)
    with failing(urllib.error.URLError("timed out")):
        response = browser.post(
            reverse("web:rates-load"), {"source": "cbr", "date": "2026-11-24"}, follow=True
        )
    assert response.status_code == 200
    text = [str(m) for m in response.context["messages"]]
    assert len(text) == 1 and "Central Bank of Russia" in text[0] and "unreachable" in text[0]
    assert "Traceback" not in response.content.decode()
    assert snapshot() == good_rates


# --- The API ---------------------------------------------------------------------------------


def test_everyone_lists_rates_with_filters(owner, good_rates):
    api = browser_for(owner)
    body = api.get(reverse("api:exchange-rate-list"), {"currency": "usd"}).json()
    assert [(r["currency"], r["rate"], r["source"]) for r in body["results"]] == [
        ("USD", "470.05000000", "nbk")
    ]
    assert (
        api.get(reverse("api:exchange-rate-list"), {"date_from": "2026-11-24"}).json()["results"]
        == []
    )
    assert (
        len(api.get(reverse("api:exchange-rate-list"), {"date_to": "2026-11-23"}).json()["results"])
        == 5
    )


def test_only_administrators_change_rates_through_the_api(owner, admin_user, good_rates):
    data = {"currency": "USD", "date": "2026-11-23", "rate": "480.00"}
    manager = browser_for(owner)
    assert (
        manager.post(
            reverse("api:exchange-rate-list"), data, content_type="application/json"
        ).status_code
        == 403
    )
    row = ExchangeRate.objects.get(currency="EUR")
    detail = reverse("api:exchange-rate-detail", args=[row.pk])
    assert manager.delete(detail).status_code == 403
    assert manager.patch(detail, {"rate": "1"}, content_type="application/json").status_code == 403

    admin = browser_for(admin_user)
    created = admin.post(reverse("api:exchange-rate-list"), data, content_type="application/json")
    assert created.status_code == 201, created.content
    # It replaced the feed's rate of that day instead of being refused as a duplicate.
    assert stored()["USD"] == (NBK_DAY, d("480"), RateSource.MANUAL)
    bad = admin.post(
        reverse("api:exchange-rate-list"),
        {"currency": "KZT", "date": "2026-11-23", "rate": "-1"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"currency", "rate"}
    changed = admin.patch(detail, {"rate": "515.5"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["source"] == "manual"
    assert admin.delete(detail).status_code == 204


def test_the_api_converts_at_the_rate_of_the_date(owner, usd_history):
    api = browser_for(owner)
    url = reverse("api:exchange-rate-convert")
    body = api.get(url, {"amount": "1000", "currency": "usd", "date": "2026-11-15"}).json()
    assert body["base_amount"] == "450000.00"
    assert (body["base_currency"], body["rate_date"]) == ("KZT", "2026-11-10")
    missing = api.get(url, {"amount": "1000", "currency": "USD", "date": "2026-11-01"})
    assert missing.status_code == 400
    assert "No rate of USD" in missing.json()["detail"]
    assert api.get(url, {"currency": "USD"}).status_code == 400


def test_the_api_schema_describes_the_rates(owner):
    paths = browser_for(owner).get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/exchange-rates/" in paths
    assert "/api/v1/exchange-rates/convert/" in paths


# --- The home block --------------------------------------------------------------------------


def _render_block(user, rates) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string("web/_rates_block.html", {"rates": rates}, request=request)


def test_the_home_block_shows_the_rates_in_two_columns(owner, good_rates):
    html = _render_block(owner, money.latest_rates(on=NBK_DAY))
    assert "Exchange rates" in html
    assert "1.00 USD" in html and "470.05" in html
    assert "100.00 KRW" in html and "32.25" in html
    assert "row-cols-2" in html
    assert reverse("web:rates") in html


def test_the_home_block_says_when_there_are_no_rates(owner, admin_user):
    html = _render_block(owner, [])
    assert "No exchange rates yet." in html
    assert reverse("web:rates") not in html
    assert reverse("web:rates") in _render_block(admin_user, [])


def test_the_block_nominal_follows_the_seed(admin_user):
    # The seed shows "100.00 KRW 12.49" in tenge: one won is worth 0.1249 there.
    for code, rate in (("KRW", "0.1249"), ("RUB", "5.08"), ("CNY", "0.0000238")):
        manual_rate_save(actor=admin_user, data={"currency": code, "date": NBK_DAY, "rate": rate})
    shown = {r.currency: (r.nominal, r.rate) for r in money.latest_rates(on=NBK_DAY)}
    assert shown == {
        "KRW": (100, d("12.49")),
        "RUB": (1, d("5.08")),
        "CNY": (1_000_000, d("23.8")),
    }
