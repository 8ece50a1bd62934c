"""Customer classification: ABC by revenue, XYZ by how steady the monthly revenue is, and the
relationship stage (potential, one-time, regular, lost); recomputed for every company at once.

Revenue is won deals (their amount in the base currency at the rate of the day they were won,
counted in the month they were won), as in the dashboards.

The rules, with the thresholds of `ClassificationSettings`:

- Windows. ABC and XYZ look at the last `abc_months` / `xyz_months` *complete* calendar months
  before the month of the day of the recompute (a month under way would look like a dip). The
  stage looks at dates: "regular" counts the distinct months with a purchase among the last
  `regular_window` calendar months *including* the current one; "lost" compares the last
  purchase ever with the day.
- ABC. Companies with revenue in the window, largest first; a company is A while the revenue
  of the companies before it is under `abc_a` % of the total (so the one that crosses the line
  is still A), B while under `abc_a + abc_b` %, else C. Ties: companies with the same revenue
  get the same class, the better one of the group's first member. No revenue in the window:
  no class.
- XYZ. For companies with revenue in the window: the coefficient of variation of the monthly
  revenue over the `xyz_months` months, zero months included (population standard deviation
  / mean × 100). X up to `xyz_x` %, Y up to `xyz_y` %, else Z. A single purchase in a long
  window is therefore Z: it is not a steady demand. No revenue in the window: no class.
- Stage. Never won a deal: potential. Last purchase more than `lost_after_days` days before the
  day: lost. Purchases in at least `regular_months` of the last `regular_window` months:
  regular. Otherwise (bought, not lost, not regular): one-time.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from voronka.contacts.models import Company, RelationshipStage
from voronka.core import dates, money
from voronka.sales.models import Deal, StageKind

from .models import (
    ClassificationChange,
    ClassificationField,
    ClassificationRun,
    ClassificationSettings,
)
from .selectors import _moments, local_day

CHUNK = 900  # ids per UPDATE … WHERE id IN (…): under SQLite's limit of bound variables


def abc_classes(revenue: dict[int, Decimal], a: Decimal, b: Decimal) -> dict[int, str]:
    """ABC by share of revenue (see the module's rules); companies without revenue are left
    out."""
    ranked = sorted(
        ((value, key) for key, value in revenue.items() if value > 0), key=lambda r: -r[0]
    )
    total = sum(value for value, _key in ranked)
    classes: dict[int, str] = {}
    before = Decimal(0)
    previous_value, previous_class = None, None
    for value, key in ranked:
        if value == previous_value:
            label = previous_class
        else:
            share = before * 100 / total
            label = "A" if share < a else ("B" if share < a + b else "C")
        classes[key] = label
        before += value
        previous_value, previous_class = value, label
    return classes


def variation(monthly: Iterable[Decimal]) -> float | None:
    """The coefficient of variation of a series, in %: population standard deviation over
    the mean. None for a series without revenue."""
    values = [float(value) for value in monthly]
    if not values:
        return None
    mean = sum(values) / len(values)
    if mean <= 0:
        return None
    spread = math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))
    return spread / mean * 100


def xyz_class(monthly: list[Decimal], x: Decimal, y: Decimal) -> str:
    cv = variation(monthly)
    if cv is None:
        return ""
    # Rounded to hundredths: a series at exactly 10 % must not become Y by a float's last bit.
    cv = round(cv, 2)
    return "X" if cv <= float(x) else ("Y" if cv <= float(y) else "Z")


def stage_of(
    last_purchase: datetime.date | None,
    months_with_purchases: set[datetime.date],
    day: datetime.date,
    settings: ClassificationSettings,
) -> str:
    """The relationship stage (see the module's rules). `months_with_purchases` holds the
    first days of the months with a purchase."""
    if last_purchase is None:
        return RelationshipStage.POTENTIAL
    if (day - last_purchase).days > settings.lost_after_days:
        return RelationshipStage.LOST
    window = {dates.month_start(day, back) for back in range(settings.regular_window)}
    if len(months_with_purchases & window) >= settings.regular_months:
        return RelationshipStage.REGULAR
    return RelationshipStage.ONE_TIME


@dataclass
class Result:
    abc: str
    xyz: str
    stage: str


def classify(
    purchases: dict[int, dict[datetime.date, Decimal]],
    last_purchase: dict[int, datetime.date],
    day: datetime.date,
    settings: ClassificationSettings,
) -> dict[int, Result]:
    """Every company with a purchase: `purchases[company][month] = revenue` (months by their
    first day, at least as far back as the longest window; a month is there when something
    was bought in it, even for nothing) and the day of its last purchase ever. Companies not
    given are potential without classes."""
    this_month = dates.month_start(day)
    abc_months = [dates.month_start(day, back) for back in range(1, settings.abc_months + 1)]
    xyz_months = [dates.month_start(day, back) for back in range(1, settings.xyz_months + 1)]
    abc_revenue = {
        company: sum((months.get(m, Decimal(0)) for m in abc_months), Decimal(0))
        for company, months in purchases.items()
    }
    abc = abc_classes(abc_revenue, settings.abc_a, settings.abc_b)
    results = {}
    for company in set(purchases) | set(last_purchase):
        months = purchases.get(company, {})
        series = [months.get(m, Decimal(0)) for m in xyz_months]
        bought = {m for m in months if m <= this_month}  # a won deal is a purchase
        results[company] = Result(
            abc=abc.get(company, ""),
            xyz=xyz_class(series, settings.xyz_x, settings.xyz_y),
            stage=stage_of(last_purchase.get(company), bought, day, settings),
        )
    return results


def _purchases(day: datetime.date, settings: ClassificationSettings):
    """Revenue by company and month over the longest window, and each company's last purchase
    ever, from the won deals in two aggregate queries."""
    longest = max(settings.abc_months + 1, settings.xyz_months + 1, settings.regular_window)
    start = dates.month_start(day, longest - 1)
    first, after = _moments(start, day)
    won = Deal.objects.filter(stage__kind=StageKind.WON, company__isnull=False)
    rows = list(
        won.filter(closed_at__gte=first, closed_at__lt=after)
        .annotate(day=local_day("closed_at", first, after))
        .values("company", "day", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rates = money.rates_for({(row["currency"], row["day"]) for row in rows})
    purchases: dict[int, dict[datetime.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        rate = rates.get((row["currency"].upper(), row["day"]))
        # Without a rate the amount cannot be weighed against the others; the purchase still
        # counts for the stage (a month with a purchase), with no revenue.
        amount = (row["total"] or Decimal(0)) * rate if rate is not None else Decimal(0)
        purchases[row["company"]][dates.month_start(row["day"])] += amount
    zone = timezone.get_current_timezone()
    last = {
        company: timezone.localtime(moment, zone).date()
        for company, moment in won.filter(closed_at__isnull=False)
        .values("company")
        .annotate(last=Max("closed_at"))
        .values_list("company", "last")
        .order_by()
    }
    return purchases, last


def recompute(day: datetime.date | None = None, actor=None) -> ClassificationRun:
    """Classify every company as of `day` (today): store what changed, with the history, and
    the date on all. A few aggregate queries and grouped updates, whatever the count."""
    day = day or timezone.localdate()
    settings = ClassificationSettings.get()
    run = ClassificationRun.objects.create(day=day, started_by=actor)
    purchases, last = _purchases(day, settings)
    results = classify(purchases, last, day, settings)
    nobody = Result(abc="", xyz="", stage=RelationshipStage.POTENTIAL)
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    changes = []
    count = 0
    for pk, abc, xyz, stage in Company.objects.values_list(
        "pk", "abc_class", "xyz_class", "relationship_stage"
    ).iterator(chunk_size=5000):
        count += 1
        new = results.get(pk, nobody)
        if (abc, xyz, stage) == (new.abc, new.xyz, new.stage):
            continue
        groups[(new.abc, new.xyz, new.stage)].append(pk)
        for field, old, value in (
            (ClassificationField.ABC, abc, new.abc),
            (ClassificationField.XYZ, xyz, new.xyz),
            (ClassificationField.STAGE, stage, new.stage),
        ):
            if old != value:
                changes.append(
                    ClassificationChange(company_id=pk, day=day, field=field, old=old, new=value)
                )
    with transaction.atomic():
        for (abc, xyz, stage), ids in groups.items():
            for at in range(0, len(ids), CHUNK):
                Company.objects.filter(pk__in=ids[at : at + CHUNK]).update(
                    abc_class=abc, xyz_class=xyz, relationship_stage=stage
                )
        Company.objects.exclude(classified_on=day).update(classified_on=day)
        ClassificationChange.objects.bulk_create(changes, batch_size=2000)
        run.companies = count
        run.changed = sum(len(ids) for ids in groups.values())
        run.finished_at = timezone.now()
        run.save(update_fields=["companies", "changed", "finished_at"])
    return run


def stage_on(companies: QuerySet[Company], day: datetime.date) -> dict[int, str]:
    """Each company's relationship stage at the end of `day`, from the history of changes
    (companies without a change by then were potential)."""
    last_change = (
        ClassificationChange.objects.filter(
            field=ClassificationField.STAGE, day__lte=day, company__in=companies.values("pk")
        )
        .values("company")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return dict(
        ClassificationChange.objects.filter(pk__in=last_change).values_list("company", "new")
    )


def retention(
    companies: QuerySet[Company], start: datetime.date, end: datetime.date
) -> tuple[int, int, float | None]:
    """(customers at the start, of them lost in the period, the ratio in %): the customers
    are the companies that were one-time or regular at the end of the day before `start`;
    lost = their stage became "lost" between `start` and `end`. The ratio is None without
    customers at the start."""
    before = stage_on(companies, start - datetime.timedelta(days=1))
    customers = {
        pk
        for pk, stage in before.items()
        if stage in (RelationshipStage.ONE_TIME, RelationshipStage.REGULAR)
    }
    lost = set(
        ClassificationChange.objects.filter(
            field=ClassificationField.STAGE,
            new=RelationshipStage.LOST,
            day__gte=start,
            day__lte=end,
            company__in=customers,
        ).values_list("company", flat=True)
    )
    if not customers:
        return 0, 0, None
    return len(customers), len(lost), round(100 * len(lost) / len(customers), 1)


def stage_moves(companies: QuerySet[Company], start: datetime.date, end: datetime.date) -> dict:
    """How many companies moved between relationship stages in the period, by (old, new)."""
    rows = (
        ClassificationChange.objects.filter(
            field=ClassificationField.STAGE,
            day__gte=start,
            day__lte=end,
            company__in=companies.values("pk"),
        )
        .values("old", "new")
        .annotate(n=Count("company", distinct=True))
        .order_by()
    )
    return {(row["old"], row["new"]): row["n"] for row in rows}


def matrix(companies: QuerySet[Company]) -> dict:
    """Counts of the companies by (ABC, XYZ) and by stage."""
    cells = {
        (row["abc_class"], row["xyz_class"]): row["n"]
        for row in companies.values("abc_class", "xyz_class").annotate(n=Count("pk")).order_by()
    }
    stages = dict(companies.values_list("relationship_stage").annotate(n=Count("pk")).order_by())
    return {"cells": cells, "stages": stages}
