"""The kanban board of a pipeline: a column per stage with its count and totals, and the
first cards of each column (more are loaded as the column scrolls).

Open stages show all their deals; won and lost columns show the deals closed in the last
`CLOSED_DAYS` days (or in the chosen period), so a busy pipeline's history does not bury
the board. Totals are in the organisation's base currency at today's rates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    QuerySet,
    Sum,
)
from django.utils import timezone

from voronka.core import money

from .models import Deal, Pipeline, Stage, StageKind

CARDS_PER_PAGE = 20
CLOSED_DAYS = 30


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    unconverted: set[str] = field(default_factory=set)
    cards: list[Deal] = field(default_factory=list)
    more_url: str = ""

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


def column_deals(deals: QuerySet[Deal], stage: Stage) -> QuerySet[Deal]:
    """A column's deals in board order: the nearest expected close first."""
    deals = deals.filter(stage=stage)
    if stage.kind != StageKind.OPEN:
        since = timezone.now() - datetime.timedelta(days=CLOSED_DAYS)
        deals = deals.filter(closed_at__gte=since)
    return deals.order_by(F("expected_close_date").asc(nulls_last=True), "id")


def cards(deals: QuerySet[Deal], stage: Stage, *, offset: int = 0) -> list[Deal]:
    """One page of a column's cards, ids first (an index answers it), then their rows."""
    ordered = column_deals(deals, stage)
    ids = list(ordered.values_list("pk", flat=True)[offset : offset + CARDS_PER_PAGE])
    by_id = {
        deal.pk: deal for deal in Deal.objects.filter(pk__in=ids).select_related("company", "owner")
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def columns(deals: QuerySet[Deal], pipeline: Pipeline, *, with_cards: bool = True) -> list[Column]:
    """The board: every stage of the pipeline with its figures and first cards."""
    stages = list(pipeline.stages.order_by("order", "id"))
    by_stage = {stage.pk: Column(stage=stage) for stage in stages}
    since = timezone.now() - datetime.timedelta(days=CLOSED_DAYS)
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / 100,
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )
    # By stage ids, not by pipeline and stage kind: the (stage, close date) index answers
    # these directly, where a pipeline filter made SQLite scan every deal of the database.
    open_ids = [stage.pk for stage in stages if stage.kind == StageKind.OPEN]
    closed_ids = [stage.pk for stage in stages if stage.kind != StageKind.OPEN]
    open_rows = (
        deals.filter(stage_id__in=open_ids)
        .values("stage_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), weighted=Sum(weighted))
        .order_by()
    )
    closed_rows = (
        deals.filter(stage_id__in=closed_ids, closed_at__gte=since)
        .values("stage_id", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), weighted=Sum(weighted))
        .order_by()
    )
    rows = [*open_rows, *closed_rows]
    today = timezone.localdate()
    rates = money.rates_on(today, {row["currency"] for row in rows})
    for row in rows:
        column = by_stage.get(row["stage_id"])
        if column is None:
            continue
        column.count += row["n"]
        total = money.to_base(row["total"] or Decimal(0), row["currency"], today, rates=rates)
        part = money.to_base(row["weighted"] or Decimal(0), row["currency"], today, rates=rates)
        if total is None:
            column.unconverted.add(row["currency"])
            continue
        column.total += total
        column.weighted += part or Decimal(0)
    for stage in stages:
        if with_cards and by_stage[stage.pk].count:
            by_stage[stage.pk].cards = cards(deals, stage)
    return [by_stage[stage.pk] for stage in stages]
