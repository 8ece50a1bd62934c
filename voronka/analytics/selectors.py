"""The figures of the sales dashboards, computed in the database and through the access layer.

Revenue is won deals: their amount in the base currency at the rate of the day they were won
(as the deal page shows it), counted in the month they were won. `REVENUE_SOURCE` names that
choice so invoices and payments can replace it later.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Extract, TruncDate
from django.utils import timezone

from voronka.core import dates, money
from voronka.sales import board
from voronka.sales.models import Deal, LeadSource, Pipeline, StageChange, StageKind

REVENUE_SOURCE = "won_deals"
_DAY = datetime.timedelta(days=1)


@dataclass
class Bar:
    """One bar of a chart, one row of its table."""

    label: str
    count: int = 0
    total: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    url: str = ""  # the filtered list behind the bar
    key: str = ""
    extra: Decimal | None = None  # a third figure where a block has one (forecast by win rate)
    color: str = ""  # a stage's own colour, for the blocks by stage
    unconverted: set[str] = field(default_factory=set)


def _moments(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """The period as [first moment, moment after the last day) in the current time zone: a
    range on the stored column, which indexes serve (a `__date` lookup would convert every
    row, and on SQLite call Python for each)."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return first, after


def _offset_spans(first: datetime.datetime, after: datetime.datetime, zone):
    """(start, end, minutes): spans of constant UTC offset of `zone`, hour by hour in UTC."""
    hour = datetime.timedelta(hours=1)
    moment = first.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    end = after.astimezone(datetime.UTC)
    spans = []
    while moment < end:
        minutes = int(moment.astimezone(zone).utcoffset().total_seconds() // 60)
        if spans and spans[-1][2] == minutes:
            spans[-1][1] = moment + hour
        else:
            spans.append([moment, moment + hour, minutes])
        moment += hour
    return spans


def local_day(field: str, first: datetime.datetime, after: datetime.datetime):
    """The local date of a datetime column, as the database computes it. On SQLite Django
    calls Python for each row; here SQLite's own date() with the zone's offset does it, span by
    span of constant offset (DST), and Python only for rows outside [first, after)."""
    zone = timezone.get_current_timezone()
    exact = TruncDate(field, tzinfo=zone)
    if connection.vendor != "sqlite":
        return exact
    whens = [
        When(
            Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            then=Func(
                F(field), Value(f"{minutes:+d} minutes"), function="date", output_field=DateField()
            ),
        )
        for start, end, minutes in _offset_spans(first, after, zone)
    ]
    return Case(*whens, default=exact, output_field=DateField())


def _in_base(rows, *, day_of) -> dict:
    """Sum (key, currency, day, total) rows in the base currency at each day's rate."""
    rates = money.rates_for({(row["currency"], day_of(row)) for row in rows})
    sums: dict = defaultdict(lambda: [0, Decimal(0), set()])
    for row in rows:
        key = row["key"]
        sums[key][0] += row["n"]
        rate = rates.get((row["currency"].upper(), day_of(row)))
        if rate is None:
            sums[key][2].add(row["currency"])
            continue
        sums[key][1] += (row["total"] or Decimal(0)) * rate
    return sums


def pipeline_by_stage(deals: QuerySet[Deal], pipeline: Pipeline) -> list[Bar]:
    """Open deals of a pipeline by stage: count, total and weighted total in the base currency
    at today's rates (the board's own figures)."""
    columns = board.columns(deals, pipeline, with_cards=False)
    return [
        Bar(
            label=c.stage.name,
            count=c.count,
            total=c.total.quantize(Decimal("0.01")),
            weighted=c.weighted.quantize(Decimal("0.01")),
            key=str(c.stage.pk),
            unconverted=c.unconverted,
            color=c.stage.color,
        )
        for c in columns
        if c.stage.kind == StageKind.OPEN
    ]


def won_by_month(deals: QuerySet[Deal], start: datetime.date, end: datetime.date) -> list[Bar]:
    """Won deals by the month they were won («Итого по месяцам»): count and revenue."""
    first, after = _moments(start, end)
    rows = list(
        deals.filter(stage__kind=StageKind.WON, closed_at__gte=first, closed_at__lt=after)
        .annotate(day=local_day("closed_at", first, after))
        .values("day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        row["key"] = dates.month_key(row["day"])
    sums = _in_base(rows, day_of=lambda row: row["day"])
    bars = []
    for month in dates.months(start, end):
        key = dates.month_key(month)
        n, total, unconverted = sums.get(key, (0, Decimal(0), set()))
        bars.append(
            Bar(
                label=dates.month_label(month),
                count=n,
                total=total.quantize(Decimal("0.01")),
                key=key,
                unconverted=unconverted,
            )
        )
    return bars


def by_source(deals: QuerySet[Deal], start: datetime.date, end: datetime.date) -> list[Bar]:
    """Deals created in the period by lead source: how many, and the revenue of the won ones."""
    first, after = _moments(start, end)
    created = deals.filter(created_at__gte=first, created_at__lt=after)
    counts = {
        row["lead_source"]: row["n"]
        for row in created.values("lead_source").annotate(n=Count("pk")).order_by()
    }
    # The names by the sources found (a join over the period's deals would read them all).
    names = dict(
        LeadSource.objects.filter(pk__in=[pk for pk in counts if pk]).values_list("pk", "name")
    )
    won = list(
        created.filter(stage__kind=StageKind.WON, closed_at__isnull=False)
        .annotate(day=local_day("closed_at", first, max(after, timezone.now()) + _DAY))
        .values("lead_source", "day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for row in won:
        row["key"] = row["lead_source"]
    sums = _in_base(won, day_of=lambda row: row["day"])
    bars = [
        Bar(
            label=names.get(source, "") if source else "",
            count=n,
            total=sums.get(source, (0, Decimal(0), set()))[1].quantize(Decimal("0.01")),
            key=str(source or ""),
            unconverted=sums.get(source, (0, Decimal(0), set()))[2],
        )
        for source, n in counts.items()
    ]
    return sorted(bars, key=lambda bar: (-bar.count, bar.label))


def lost_reasons(deals: QuerySet[Deal], start: datetime.date, end: datetime.date) -> list[Bar]:
    """Deals lost in the period by reason: how many and for how much."""
    first, after = _moments(start, end)
    rows = list(
        deals.filter(stage__kind=StageKind.LOST, closed_at__gte=first, closed_at__lt=after)
        .annotate(day=local_day("closed_at", first, after))
        .values("lost_reason", "lost_reason__name", "day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    names = {row["lost_reason"]: row["lost_reason__name"] for row in rows}
    for row in rows:
        row["key"] = row["lost_reason"]
    sums = _in_base(rows, day_of=lambda row: row["day"])
    bars = [
        Bar(
            label=names.get(reason) or "",
            count=n,
            total=total.quantize(Decimal("0.01")),
            key=str(reason or ""),
            unconverted=unconverted,
        )
        for reason, (n, total, unconverted) in sums.items()
    ]
    return sorted(bars, key=lambda bar: (-bar.count, bar.label))


def forecast(deals: QuerySet[Deal], months: int = 6) -> list[Bar]:
    """Open deals by expected close month, from this month on: total and weighted by the
    stage's probability, at today's rates."""
    today = timezone.localdate()
    start = dates.month_start(today)
    end = dates.add_months(start, months)
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / 100,
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )
    rows = list(
        deals.filter(
            stage__kind=StageKind.OPEN,
            expected_close_date__gte=start,
            expected_close_date__lt=end,
        )
        .values("expected_close_date", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), part=Sum(weighted))
        .order_by()
    )
    rates = money.rates_on(today, {row["currency"] for row in rows})
    by_month: dict[str, Bar] = {}
    for month in dates.months(start, end - datetime.timedelta(days=1)):
        key = dates.month_key(month)
        by_month[key] = Bar(label=dates.month_label(month), key=key)
    for row in rows:
        key = dates.month_key(row["expected_close_date"])
        bar = by_month[key]
        bar.count += row["n"]
        total = money.to_base(row["total"] or Decimal(0), row["currency"], today, rates=rates)
        part = money.to_base(row["part"] or Decimal(0), row["currency"], today, rates=rates)
        if total is None:
            bar.unconverted.add(row["currency"])
            continue
        bar.total += total
        bar.weighted += part or Decimal(0)
    return list(by_month.values())


@dataclass
class FunnelStep:
    label: str
    count: int  # deals of the period that reached this stage (or a later one)
    of_first: float  # share of those that reached the first stage, %
    of_previous: float  # share of those that reached the previous stage, %
    key: str = ""
    color: str = ""


def funnel(
    deals: QuerySet[Deal], pipeline: Pipeline, start: datetime.date, end: datetime.date
) -> list[FunnelStep]:
    """Conversion between stages: of the deals created in the period, how many reached each
    stage of the pipeline (by their stage history), in the pipeline's order; lost is left out."""
    first, after = _moments(start, end)
    created = deals.filter(created_at__gte=first, created_at__lt=after)
    stages = [s for s in pipeline.stages.order_by("order", "id") if s.kind != StageKind.LOST]
    # Reached a stage = entered it or any later one (a deal may have skipped it, or been
    # created further on), so each step is at most the previous one.
    entered = StageChange.objects.filter(
        deal__in=created.values("pk"), to_stage__in=stages
    ).aggregate(
        **{
            f"s{stage.pk}": Count("deal", distinct=True, filter=Q(to_stage__order__gte=stage.order))
            for stage in stages
        }
    )
    entered = {stage.pk: entered[f"s{stage.pk}"] or 0 for stage in stages}
    steps = []
    base = previous = None
    for stage in stages:
        n = entered.get(stage.pk, 0)
        if base is None:
            base = n
        steps.append(
            FunnelStep(
                label=stage.name,
                count=n,
                of_first=round(100 * n / base, 1) if base else 0.0,
                of_previous=round(100 * n / previous, 1) if previous else (100.0 if n else 0.0),
                key=str(stage.pk),
                color=stage.color,
            )
        )
        previous = n
    return steps


@dataclass
class Cycle:
    won: int
    average_days: float | None
    median_days: float | None


def sales_cycle(deals: QuerySet[Deal], start: datetime.date, end: datetime.date) -> Cycle:
    """How long the deals won in the period took from creation to the win: the count and
    the average in one aggregate, the median by the middle row(s) of the sorted spans, all in
    the database."""
    first, after = _moments(start, end)
    won = deals.filter(
        stage__kind=StageKind.WON, closed_at__gte=first, closed_at__lt=after
    ).annotate(span=_days_between("closed_at", "created_at"))
    totals = won.aggregate(n=Count("pk"), average=Avg("span"))
    n = totals["n"] or 0
    if not n:
        return Cycle(won=0, average_days=None, median_days=None)
    middle = won.order_by("span").values_list("span", flat=True)[(n - 1) // 2 : n // 2 + 1]
    middle = [float(value) for value in middle]
    return Cycle(
        won=n,
        average_days=round(float(totals["average"]), 1),
        median_days=round(sum(middle) / len(middle), 1),
    )


def _days_between(later: str, earlier: str):
    """Days from one datetime column to another, as a number the database computes."""
    if connection.vendor == "sqlite":
        return ExpressionWrapper(
            Func(F(later), function="julianday", output_field=FloatField())
            - Func(F(earlier), function="julianday", output_field=FloatField()),
            output_field=FloatField(),
        )
    interval = ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())
    return ExpressionWrapper(Extract(interval, "epoch") / Value(86400.0), output_field=FloatField())


def by_direction(deals: QuerySet[Deal], start: datetime.date, end: datetime.date) -> list[Bar]:
    """Won deals of the period by project / direction: how many, revenue and units."""
    first, after = _moments(start, end)
    rows = list(
        deals.filter(stage__kind=StageKind.WON, closed_at__gte=first, closed_at__lt=after)
        .annotate(day=local_day("closed_at", first, after))
        .values("direction", "direction__name", "day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), units=Sum("quantity"))
        .order_by()
    )
    names, units = {}, defaultdict(Decimal)
    for row in rows:
        row["key"] = row["direction"]
        names[row["direction"]] = row["direction__name"]
        units[row["direction"]] += row["units"] or Decimal(0)
    sums = _in_base(rows, day_of=lambda row: row["day"])
    bars = [
        Bar(
            label=names.get(key) or "",
            count=n,
            total=total.quantize(Decimal("0.01")),
            weighted=units[key],
            key=str(key or ""),
            unconverted=unconverted,
        )
        for key, (n, total, unconverted) in sums.items()
    ]
    return sorted(bars, key=lambda bar: (-bar.total, bar.label))


def days_per_stage(
    deals: QuerySet[Deal], pipeline: Pipeline, start: datetime.date, end: datetime.date
) -> list[Bar]:
    """How long deals stayed in each open stage of the pipeline, on average, counting the
    stays that ended (the deal moved on) in the period. `count` is the number of stays,
    `total` the average days."""
    from django.db.models import Avg

    first, after = _moments(start, end)
    stages = [s for s in pipeline.stages.order_by("order", "id") if s.kind == StageKind.OPEN]
    rows = {
        row["from_stage"]: row
        for row in StageChange.objects.filter(
            deal__in=deals.values("pk"),
            from_stage__in=stages,
            changed_at__gte=first,
            changed_at__lt=after,
            stay_seconds__isnull=False,
        )
        .values("from_stage")
        .annotate(n=Count("pk"), seconds=Avg("stay_seconds"))
        .order_by()
    }
    bars = []
    for stage in stages:
        row = rows.get(stage.pk, {"n": 0, "seconds": None})
        days = Decimal(row["seconds"] or 0) / 86400
        bars.append(
            Bar(
                label=stage.name,
                count=row["n"],
                total=days.quantize(Decimal("0.1")),
                key=str(stage.pk),
                color=stage.color,
            )
        )
    return bars


def win_rates(deals: QuerySet[Deal], pipeline: Pipeline, days: int = 365) -> dict[int, Decimal]:
    """Per open stage of the pipeline, the share won of the deals that reached it (or a later
    stage, as in the funnel) and closed in the last `days` days: won ones reached every stage;
    a lost one reached the stages up to the one it was lost from (the stage its move to
    "lost" left). Two aggregates: the won count, and the lost ones by the stage they left."""
    since = timezone.now() - datetime.timedelta(days=days)
    mine = deals.filter(pipeline=pipeline)
    won = mine.filter(stage__kind=StageKind.WON, closed_at__gte=since).count()
    lost_from = dict(
        StageChange.objects.filter(
            to_stage__pipeline=pipeline,
            to_stage__kind=StageKind.LOST,
            changed_at__gte=since,
            deal__in=mine.filter(stage__kind=StageKind.LOST).values("pk"),
        )
        .values_list("from_stage__order")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rates = {}
    for stage in pipeline.stages.filter(kind=StageKind.OPEN).order_by("order", "id"):
        lost = sum(
            n for order, n in lost_from.items() if order is not None and order >= stage.order
        )
        if won + lost:
            rates[stage.pk] = Decimal(won) / (won + lost)
    return rates


def forecast_by_win_rate(
    deals: QuerySet[Deal], pipeline: Pipeline, bars: list[Bar], rates: dict[int, Decimal]
) -> None:
    """Add to the forecast's bars (`extra`) the open deals weighted by each stage's
    historical win rate instead of its nominal probability."""
    if not bars:
        return
    start = dates.month_from_key(bars[0].key)
    end = dates.next_month(dates.month_from_key(bars[-1].key))
    rows = list(
        deals.filter(
            pipeline=pipeline,
            stage__kind=StageKind.OPEN,
            expected_close_date__gte=start,
            expected_close_date__lt=end,
        )
        .values("expected_close_date", "stage", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    today = timezone.localdate()
    currencies = money.rates_on(today, {row["currency"] for row in rows})
    by_key = {bar.key: bar for bar in bars}
    for bar in bars:
        bar.extra = Decimal(0)
    for row in rows:
        bar = by_key.get(dates.month_key(row["expected_close_date"]))
        total = money.to_base(row["total"] or Decimal(0), row["currency"], today, rates=currencies)
        if bar is None or total is None:
            continue
        bar.extra += total * rates.get(row["stage"], Decimal(0))
    for bar in bars:
        bar.extra = bar.extra.quantize(Decimal("0.01"))


def won_total(deals: QuerySet[Deal], start: datetime.date, end: datetime.date) -> Bar:
    """The deals won in the period: how many and for how much, in the base currency."""
    first, after = _moments(start, end)
    rows = list(
        deals.filter(stage__kind=StageKind.WON, closed_at__gte=first, closed_at__lt=after)
        .annotate(day=local_day("closed_at", first, after))
        .values("day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        row["key"] = "won"
    n, total, unconverted = _in_base(rows, day_of=lambda row: row["day"]).get(
        "won", (0, Decimal(0), set())
    )
    return Bar(label="", count=n, total=total.quantize(Decimal("0.01")), unconverted=unconverted)
