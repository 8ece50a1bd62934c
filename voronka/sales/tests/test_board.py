import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ActivityFactory, DealFactory, stage
from voronka.core.models import ExchangeRate
from voronka.sales import board
from voronka.sales.models import Deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def usd_rate():
    return ExchangeRate.objects.create(
        currency="USD", date=timezone.localdate() - datetime.timedelta(days=3), rate=Decimal("500")
    )


def test_columns_count_and_total_in_the_base_currency(owner, usd_rate):
    DealFactory(owner=owner, amount=Decimal("1000"), currency="USD", stage=stage(0))
    DealFactory(owner=owner, amount=Decimal("200000"), currency="KZT", stage=stage(0))
    DealFactory(owner=owner, amount=Decimal("10"), currency="USD", stage=stage(1))
    body = client_for(owner).get(reverse("sales:deal-board")).content.decode()
    assert "700\xa0000,00\xa0₸" in body  # 1000 × 500 + 200 000
    assert "70\xa0000,00\xa0₸" in body  # weighted at 10 %
    assert "5\xa0000,00\xa0₸" in body


def test_a_currency_without_a_rate_is_flagged_not_guessed(owner):
    DealFactory(owner=owner, amount=Decimal("1000"), currency="EUR", stage=stage(0))
    columns = board.columns(Deal.objects.all(), stage(0).pipeline)
    assert columns[0].count == 1 and columns[0].total == 0 and columns[0].unconverted == {"EUR"}


def test_cards_show_days_in_stage_and_the_next_planned_activity(owner):
    deal = DealFactory(
        owner=owner,
        name="2026/12/1/Вена",
        stage_entered_at=timezone.now() - datetime.timedelta(days=6),
    )
    ActivityFactory(owner=owner, deal=deal, subject="Позвонить в отель")
    ActivityFactory(owner=owner, deal=deal, subject="Сделанный звонок", done=True)
    body = client_for(owner).get(reverse("sales:deal-board")).content.decode()
    assert "2026/12/1/Вена" in body
    assert "Позвонить в отель" in body and "Сделанный звонок" not in body
    assert 'bi-hourglass-split"></i> 6' in body


def test_a_long_column_loads_more_as_it_scrolls(owner):
    for n in range(board.CARDS_PER_PAGE + 5):
        DealFactory(
            owner=owner,
            name=f"Сделка {n:02d}",
            expected_close_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=n),
        )
    client = client_for(owner)
    body = client.get(reverse("sales:deal-board")).content.decode()
    assert "Сделка 19" in body and "Сделка 20" not in body
    assert 'hx-trigger="intersect once"' in body
    more = client.get(
        reverse("sales:deal-board-column"),
        {"pipeline": stage(0).pipeline_id, "stage": stage(0).pk, "offset": board.CARDS_PER_PAGE},
    ).content.decode()
    assert "Сделка 20" in more and "Сделка 24" in more and "Сделка 19" not in more
    assert "intersect once" not in more


def test_the_board_filters_like_the_list(owner, teammate):
    DealFactory(owner=owner, name="Моя сделка")
    DealFactory(owner=teammate, name="Сделка коллеги")
    body = client_for(owner).get(reverse("sales:deal-board"), {"owner": owner.pk}).content.decode()
    assert "Моя сделка" in body and "Сделка коллеги" not in body


def test_an_outsider_sees_no_card_of_ours(owner, outsider):
    DealFactory(owner=owner, name="Секретная сделка")
    body = client_for(outsider).get(reverse("sales:deal-board")).content.decode()
    assert "Секретная сделка" not in body


def test_stats_answer_after_a_move(owner, usd_rate):
    deal = DealFactory(owner=owner, amount=Decimal("100"), currency="USD")
    stats = (
        client_for(owner)
        .get(reverse("sales:deal-board-stats"), {"pipeline": deal.pipeline_id})
        .json()
    )
    assert stats["columns"][str(stage(0).pk)]["count"] == 1
    assert stats["columns"][str(stage(0).pk)]["total"] == "50\xa0000,00\xa0₸"


@pytest.mark.parametrize("per_column", [5, 50])
def test_the_board_runs_a_fixed_number_of_queries(per_column, owner, django_assert_num_queries):
    for position in (0, 1, 2):
        for _ in range(per_column):
            deal = DealFactory(owner=owner, stage=stage(position))
            ActivityFactory(owner=owner, deal=deal)
    client = client_for(owner)
    # session, user, rules, team, pipeline, pipelines, stages, two aggregates, rates,
    # three columns × ids + rows, filter choices (owners, teams, sources), recent views,
    # the bell's unread count
    with django_assert_num_queries(23):
        assert client.get(reverse("sales:deal-board")).status_code == 200
