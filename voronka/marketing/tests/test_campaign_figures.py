"""Acceptance 2: a campaign's ROI and cost per lead on hand-made data with known answers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import DealFactory, LeadFactory, stage
from voronka.core.models import ExchangeRate
from voronka.marketing import services
from voronka.marketing.models import Campaign, CampaignCost, Channel
from voronka.sales.models import StageKind

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 1)


def _won():
    from tests.factories import default_pipeline

    return default_pipeline().stages.get(kind=StageKind.WON)


def _lost():
    from tests.factories import default_pipeline

    return default_pipeline().stages.get(kind=StageKind.LOST)


@pytest.fixture
def campaign(owner):
    ExchangeRate.objects.create(currency="USD", date=DAY, rate=Decimal("500"))
    campaign = Campaign.objects.create(
        name="Выставка KITF", channel=Channel.EXHIBITION, owner=owner, currency="KZT"
    )
    # Costs: 100 000 ₸ and 200 $ at 500 ₸ = 100 000 ₸: 200 000 ₸ in all.
    CampaignCost.objects.create(campaign=campaign, date=DAY, amount=Decimal("100000"))
    CampaignCost.objects.create(campaign=campaign, date=DAY, amount=Decimal("200"), currency="USD")
    return campaign


def test_roi_cost_per_lead_and_per_won_deal(campaign, owner):
    for _ in range(8):
        LeadFactory(owner=owner, campaign=campaign)
    LeadFactory(owner=owner)  # another campaign's or none: not counted
    closed = timezone.make_aware(datetime.datetime(2026, 10, 5, 12))
    won = _won()
    # Won: 300 000 ₸ and 1 000 $ at 500 ₸ = 500 000 ₸: revenue 800 000 ₸.
    DealFactory(
        owner=owner,
        campaign=campaign,
        stage=won,
        amount=Decimal("300000"),
        currency="KZT",
        closed_at=closed,
    )
    DealFactory(
        owner=owner,
        campaign=campaign,
        stage=won,
        amount=Decimal("1000"),
        currency="USD",
        closed_at=closed,
    )
    DealFactory(
        owner=owner,
        campaign=campaign,
        stage=_lost(),
        amount=Decimal("999999"),
        currency="KZT",
        closed_at=closed,
    )
    DealFactory(owner=owner, campaign=campaign, stage=stage(0), amount=Decimal("5"), currency="KZT")
    DealFactory(owner=owner, stage=won, amount=Decimal("777"), currency="KZT", closed_at=closed)

    figures = services.campaign_figures(campaign)

    assert figures.leads == 8
    assert figures.deals == 4
    assert figures.won == 2
    assert figures.cost == Decimal("200000.00")
    assert figures.revenue == Decimal("800000.00")
    assert figures.cost_per_lead == Decimal("25000.00")
    assert figures.cost_per_won == Decimal("100000.00")
    assert figures.roi == Decimal("3.0000")  # (800 000 − 200 000) / 200 000
    assert figures.roi_percent == Decimal("300.0")


def test_a_campaign_without_costs_or_leads_has_no_ratios(owner):
    campaign = Campaign.objects.create(name="Пусто", channel=Channel.WEB, owner=owner)
    figures = services.campaign_figures(campaign)
    assert figures.cost_per_lead is None and figures.cost_per_won is None and figures.roi is None


def test_a_losing_campaign_has_a_negative_roi(campaign, owner):
    DealFactory(
        owner=owner,
        campaign=campaign,
        stage=_won(),
        amount=Decimal("50000"),
        currency="KZT",
        closed_at=timezone.now(),
    )
    assert services.campaign_figures(campaign).roi == Decimal("-0.7500")


def test_the_dashboard_blocks_roi_costs_by_source_and_competitors(campaign, owner, admin_user):
    from django.http import QueryDict

    from tests.factories import CompanyFactory
    from voronka.analytics import dashboard
    from voronka.sales.models import LeadSource

    source = LeadSource.objects.create(name="Выставка")
    rival = CompanyFactory(owner=owner, name="Конкурент-1", is_competitor=True)
    now = timezone.now()
    DealFactory(
        owner=owner,
        campaign=campaign,
        stage=_won(),
        amount=Decimal("300000"),
        currency="KZT",
        closed_at=now,
        lead_source=source,
    )
    DealFactory(
        owner=owner,
        stage=_lost(),
        amount=Decimal("70000"),
        currency="KZT",
        closed_at=now,
        lost_to=rival,
    )
    params = QueryDict(f"period=custom&date_from=2026-01-01&date_to={now.date().isoformat()}")
    roi = dashboard.context(admin_user, params, only="campaign_roi")["blocks"]["campaign_roi"]
    assert [(b.label, b.total, b.weighted, b.extra) for b in roi] == [
        ("Выставка KITF", Decimal("300000.00"), Decimal("200000.00"), Decimal("50.0"))
    ]
    costs = dashboard.context(admin_user, params, only="source_costs")["blocks"]["source_costs"]
    assert {b.key: b.weighted for b in costs}[str(source.pk)] == Decimal("200000.00")
    rivals = dashboard.context(admin_user, params, only="competitors")["blocks"]["competitors"]
    assert [(b.label, b.count, b.total) for b in rivals] == [
        ("Конкурент-1", 1, Decimal("70000.00"))
    ]
