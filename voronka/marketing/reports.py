"""The marketing's report blocks, as the dashboard's bars (`analytics.dashboard` draws them):
campaigns' ROI, the revenue by source with the campaigns' costs, the competitors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from voronka.core import money
from voronka.sales.models import Deal, StageKind

from . import services
from .models import Campaign, CampaignCost


@dataclass
class Bar:
    """One bar of a dashboard block (the shape of `analytics.selectors.Bar`, which sits above
    this app)."""

    label: str
    count: int = 0
    total: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    url: str = ""
    key: str = ""
    extra: Decimal | None = None
    color: str = ""
    unconverted: set[str] = field(default_factory=set)


_bar = Bar


def campaign_roi(start, end) -> list:
    """Campaigns running in the period (or without dates): leads, won revenue, cost, ROI %."""
    campaigns = Campaign.objects.filter(
        (Q(starts_on__isnull=True) | Q(starts_on__lte=end))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    ).order_by("starts_on", "id")[:30]
    bars = []
    for campaign in campaigns:
        f = services.campaign_figures(campaign)
        bars.append(
            _bar(
                label=campaign.name,
                count=f.leads,
                total=f.revenue,
                weighted=f.cost,
                extra=f.roi_percent,
                key=str(campaign.pk),
            )
        )
    return bars


def campaign_costs_by_source(start, end) -> dict[str, Decimal]:
    """The costs dated in the period, split over lead sources by the campaign's deals (a
    campaign without deals: its costs under «no source»)."""
    by_campaign: dict[int, Decimal] = defaultdict(Decimal)
    for campaign_id, amount, currency, day in CampaignCost.objects.filter(
        date__gte=start, date__lte=end
    ).values_list("campaign_id", "amount", "currency", "date"):
        value = money.to_base(amount, currency, day)
        if value is not None:
            by_campaign[campaign_id] += value
    shares: dict[str, Decimal] = defaultdict(Decimal)
    rows = (
        Deal.objects.filter(campaign_id__in=list(by_campaign))
        .values("campaign_id", "lead_source")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_campaign: dict[int, list] = defaultdict(list)
    for row in rows:
        per_campaign[row["campaign_id"]].append(row)
    for campaign_id, cost in by_campaign.items():
        found = per_campaign.get(campaign_id)
        if not found:
            shares[""] += cost
            continue
        total = sum(r["n"] for r in found)
        for r in found:
            shares[str(r["lead_source"] or "")] += cost * r["n"] / total
    return {k: v.quantize(money.CENT) for k, v in shares.items()}


def source_costs(bars: list, start, end) -> list:
    costs = campaign_costs_by_source(start, end)
    keys = {bar.key for bar in bars}
    for bar in bars:
        bar.weighted = costs.get(bar.key, Decimal(0))
    if "" in costs and "" not in keys:
        bars.append(_bar(label="", weighted=costs[""], key=""))
    return bars


def competitors(deals, start, end) -> list:
    """Deals (the viewer's) lost to a competitor, closed in the period: how many, how much."""
    first = timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time()))
    last = timezone.make_aware(timezone.datetime.combine(end, timezone.datetime.max.time()))
    lost = deals.filter(
        stage__kind=StageKind.LOST, lost_to__isnull=False, closed_at__gte=first, closed_at__lte=last
    ).values_list("lost_to_id", "lost_to__name", "amount", "currency", "closed_at")
    found: dict[int, list] = {}
    for company_id, name, amount, currency, closed_at in lost:
        entry = found.setdefault(company_id, [name, 0, Decimal(0)])
        entry[1] += 1
        value = money.to_base(amount or Decimal(0), currency, timezone.localdate(closed_at))
        entry[2] += value or Decimal(0)
    return [
        _bar(label=name, count=n, total=total, key=str(pk))
        for pk, (name, n, total) in sorted(found.items(), key=lambda item: -item[1][2])
    ]
