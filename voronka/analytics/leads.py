"""Leads in the reports: how many came in a period, how many became clients (conversion rate)
and how long that took, per lead source and per manager, with the viewer's rights."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from voronka.leads.models import Lead, LeadStatus


@dataclass
class Row:
    key: int | None
    label: str
    count: int
    converted: int
    disqualified: int
    avg_duration: datetime.timedelta | None

    @property
    def rate(self) -> float | None:
        """Converted of the leads that came, %."""
        return round(100 * self.converted / self.count, 1) if self.count else None

    @property
    def days(self) -> float | None:
        """Average time from the request to the conversion, in days."""
        if self.avg_duration is None:
            return None
        return round(self.avg_duration.total_seconds() / 86400, 1)


def in_period(leads: QuerySet[Lead], start: datetime.date, end: datetime.date) -> QuerySet[Lead]:
    """Leads requested in the period (its days in the server's time zone)."""
    return leads.filter(requested_at__date__gte=start, requested_at__date__lte=end)


def _rows(leads: QuerySet[Lead], group: str, label: str) -> list[Row]:
    duration = ExpressionWrapper(
        F("converted_at") - F("requested_at"), output_field=DurationField()
    )
    converted = Q(status=LeadStatus.CONVERTED)
    figures = (
        leads.order_by()
        .values(group, label)
        .annotate(
            n=Count("pk"),
            won=Count("pk", filter=converted),
            lost=Count("pk", filter=Q(status=LeadStatus.DISQUALIFIED)),
            avg=Avg(duration, filter=converted & Q(converted_at__isnull=False)),
        )
    )
    rows = [Row(r[group], r[label] or "", r["n"], r["won"], r["lost"], r["avg"]) for r in figures]
    rows.sort(key=lambda row: (-row.count, row.label))
    return rows


def by_source(leads: QuerySet[Lead]) -> list[Row]:
    return _rows(leads, "source_id", "source__name")


def by_manager(leads: QuerySet[Lead]) -> list[Row]:
    rows = _rows(leads, "owner_id", "owner__username")
    names = {
        u.pk: u.display_name
        for u in Lead._meta.get_field("owner").related_model.objects.filter(
            pk__in=[r.key for r in rows]
        )
    }
    for row in rows:
        row.label = names.get(row.key, row.label)
    rows.sort(key=lambda row: (-row.count, row.label))
    return rows


def total(rows: list[Row]) -> Row:
    """The sum of the rows (the average time weighted by the converted leads)."""
    count = sum(r.count for r in rows)
    converted = sum(r.converted for r in rows)
    weighted = [(r.avg_duration, r.converted) for r in rows if r.avg_duration is not None]
    avg = None
    if weighted and converted:
        avg = sum((d * n for d, n in weighted), datetime.timedelta()) / sum(n for _d, n in weighted)
    return Row(None, "", count, converted, sum(r.disqualified for r in rows), avg)
