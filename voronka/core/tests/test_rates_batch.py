"""Valuing many deals at once: the rate of each one's date, in a bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import DealFactory, stage
from voronka.core.models import ExchangeRate
from voronka.core.money import rates_for
from voronka.sales.selectors import attach_base_amounts

pytestmark = pytest.mark.django_db


def test_each_pair_gets_the_latest_rate_on_or_before_its_date(django_assert_max_num_queries):
    day = datetime.date(2026, 11, 2)
    for offset, rate in ((0, "500"), (5, "510"), (60, "450")):
        ExchangeRate.objects.create(
            currency="USD", date=day - datetime.timedelta(days=offset), rate=Decimal(rate)
        )
    ExchangeRate.objects.create(currency="EUR", date=day, rate=Decimal("580"))
    pairs = {
        ("USD", day),
        ("USD", day - datetime.timedelta(days=1)),
        ("USD", day - datetime.timedelta(days=40)),
        ("EUR", day + datetime.timedelta(days=3)),
        ("KZT", day),
        ("GBP", day),
    }
    with django_assert_max_num_queries(3):
        rates = rates_for(pairs)
    assert rates[("USD", day)] == Decimal("500")
    assert rates[("USD", day - datetime.timedelta(days=1))] == Decimal("510")
    assert rates[("USD", day - datetime.timedelta(days=40))] == Decimal("450")
    assert rates[("EUR", day + datetime.timedelta(days=3))] == Decimal("580")
    assert rates[("KZT", day)] == Decimal(1)
    assert ("GBP", day) not in rates


def test_a_closed_deal_is_valued_at_its_closing_day_and_an_open_one_today(owner):
    today = timezone.localdate()
    ExchangeRate.objects.create(
        currency="USD", date=today - datetime.timedelta(days=30), rate=Decimal("400")
    )
    ExchangeRate.objects.create(
        currency="USD", date=today - datetime.timedelta(days=2), rate=Decimal("500")
    )
    open_deal = DealFactory(owner=owner, amount=Decimal("10"), currency="USD")
    won = DealFactory(
        owner=owner,
        amount=Decimal("10"),
        currency="USD",
        stage=stage(3),
        closed_at=timezone.now() - datetime.timedelta(days=20),
    )
    attach_base_amounts([open_deal, won])
    assert open_deal.amount_base == Decimal("5000.00")
    assert won.amount_base == Decimal("4000.00")
