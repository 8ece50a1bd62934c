"""Sales plans against the facts: for a month or a quarter, each plan's target (money in the
base currency, units) beside what was won, the share done, and two forecasts to the period's
end:

- by the pipeline: the fact plus the open deals expected to close by the period's end,
  weighted by their probability (at today's rates);
- by the run rate: the fact so far stretched over the whole period (elapsed days → all days).

Facts come from the deals the viewing user may see, in two grouped queries whatever the number
of plans: the won deals of the period and the open ones expected in it, by owner, direction and
currency.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from voronka.accounts import access
from voronka.accounts.models import User
from voronka.core import dates, money
from voronka.sales.models import StageKind
from voronka.sales.selectors import deals_visible_to

from .models import SalesPlan
from .selectors import _in_base, _moments, local_day


@dataclass
class Line:
    plan: SalesPlan
    fact: Decimal = Decimal(0)
    units: Decimal = Decimal(0)
    won: int = 0
    pipeline: Decimal = Decimal(0)  # open deals expected by the end, weighted
    run_rate: Decimal | None = None
    unconverted: set[str] = field(default_factory=set)
    can_change: bool = False

    @property
    def done(self) -> float | None:
        if not self.plan.amount:
            return None
        return round(float(100 * self.fact / self.plan.amount), 1)

    @property
    def units_done(self) -> float | None:
        if not self.plan.quantity:
            return None
        return round(float(100 * self.units / self.plan.quantity), 1)

    @property
    def forecast(self) -> Decimal:
        return (self.fact + self.pipeline).quantize(Decimal("0.01"))

    @property
    def bar(self) -> float:
        return min(self.done or 0, 100)


def plan_lines(user, kind: str, start: datetime.date) -> tuple[list[Line], datetime.date]:
    """The plans of the period the user may see, with their facts and forecasts."""
    access.require_field(user, "deal", "amount")  # revenue plans and facts
    first_day, last_day = dates.period_bounds(kind, start)
    plans = list(
        access.plans_visible(
            user, SalesPlan.objects.filter(period=kind, start=first_day)
        ).select_related("owner", "team", "direction")
    )
    if not plans:
        return [], last_day
    deals = deals_visible_to(user=user)
    first, after = _moments(first_day, last_day)
    won_rows = list(
        deals.filter(stage__kind=StageKind.WON, closed_at__gte=first, closed_at__lt=after)
        .annotate(day=local_day("closed_at", first, after))
        .values("owner", "direction", "day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"), units=Sum("quantity"))
        .order_by()
    )
    today = timezone.localdate()
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / 100,
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )
    open_rows = list(
        deals.filter(
            stage__kind=StageKind.OPEN,
            expected_close_date__gte=max(today, first_day),
            expected_close_date__lte=last_day,
        )
        .values("owner", "direction", "currency")
        .annotate(part=Sum(weighted))
        .order_by()
    )
    teams = dict(User.objects.values_list("pk", "team_id"))
    below: dict[int, set[int]] = {}

    def covers(plan: SalesPlan, owner_id: int, direction_id: int | None) -> bool:
        if plan.direction_id and plan.direction_id != direction_id:
            return False
        if plan.owner_id:
            return owner_id == plan.owner_id
        if plan.team_id:
            if plan.team_id not in below:
                below[plan.team_id] = access.team_ids_below(plan.team_id)
            return teams.get(owner_id) in below[plan.team_id]
        return True

    rates = money.rates_on(today, {row["currency"] for row in open_rows})
    elapsed = (min(today, last_day) - first_day).days + 1
    length = (last_day - first_day).days + 1
    lines = []
    for plan in plans:
        line = Line(plan=plan, can_change=access.can_plan(user, owner=plan.owner, team=plan.team))
        mine = [r for r in won_rows if covers(plan, r["owner"], r["direction"])]
        for row in mine:
            row["key"] = "fact"
            line.units += row["units"] or Decimal(0)
        won, fact, unconverted = _in_base(mine, day_of=lambda row: row["day"]).get(
            "fact", (0, Decimal(0), set())
        )
        line.won, line.fact, line.unconverted = won, fact.quantize(Decimal("0.01")), unconverted
        if today <= last_day:
            for row in open_rows:
                if covers(plan, row["owner"], row["direction"]):
                    part = money.to_base(
                        row["part"] or Decimal(0), row["currency"], today, rates=rates
                    )
                    if part is None:
                        line.unconverted.add(row["currency"])
                    else:
                        line.pipeline += part
        if today >= first_day:
            line.run_rate = (line.fact * length / max(elapsed, 1)).quantize(Decimal("0.01"))
        lines.append(line)
    lines.sort(
        key=lambda line: (
            0 if line.plan.owner_id is None and line.plan.team_id is None else 1,
            line.plan.team.name if line.plan.team_id else "",
            line.plan.owner.display_name if line.plan.owner_id else "",
            line.plan.direction.name if line.plan.direction_id else "",
        )
    )
    for line in lines:
        line.pipeline = line.pipeline.quantize(Decimal("0.01"))
    return lines, last_day
