"""The manager scorecard (seeds 003 and 004): per manager, with team subtotals and the
department's total, what each did in a period and how it went. Every figure is a GROUP BY
owner over what the viewing user may see: a fixed number of queries whatever the number of
managers or records.

- Activities: completed in the period (done_at), by kind.
- Effectiveness: of the calls and meetings completed in the period with an outcome, the share
  with a positive one (success, sale, materials sent, invitation sent).
- Postponements: activities completed in the period as "postponed", and per client (over the
  distinct companies they concern).
- Without a next step: the manager's customers and open deals with nothing planned (now).
- Data completeness: the share of the key fields filled on the manager's companies and
  contacts, counted nightly (`CompletenessSnapshot`), the latest count up to the period's end.
- Relationship stages: companies that became regular, and that were lost, in the period;
  retention ratio = customers lost in the period / customers (one-time or regular) at its start.
- Deals won and lost (closed in the period), revenue (won, base currency at the won day's
  rate), average won deal; plan vs fact from the sales plans starting in the period.
- Service: the clients' ratings (1–5) of the cases resolved by the manager, answered in the
  period, and their average.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.urls import reverse

from voronka.accounts import access
from voronka.accounts.models import Entity, Team, User
from voronka.activities.models import Activity, ActivityKind, Outcome, OutcomeKind
from voronka.contacts.models import Company, RelationshipStage
from voronka.core import money
from voronka.sales.models import StageKind
from voronka.sales.selectors import deals_visible_to, without_next_step
from voronka.service.models import CaseRating

from . import activity_months
from .forms import ScorecardFilterForm
from .models import (
    ClassificationChange,
    ClassificationField,
    CompletenessSnapshot,
    SalesPlan,
)
from .selectors import _in_base, _moments, local_day

POSITIVE = [
    OutcomeKind.SUCCESS,
    OutcomeKind.SALE,
    OutcomeKind.MATERIALS,
    OutcomeKind.INVITATION,
]
CONTACT_KINDS = [ActivityKind.CALL, ActivityKind.MEETING]
KINDS = [ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.TASK, ActivityKind.EMAIL]
CUSTOMER_STAGES = [RelationshipStage.ONE_TIME, RelationshipStage.REGULAR]


@dataclass
class Row:
    """One line of the scorecard: a manager, a team's subtotal or the department's total."""

    label: str
    level: str  # manager, team, total
    owner_id: int | None = None
    team_id: int | None = None
    activities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    contacts: int = 0  # calls and meetings completed with an outcome
    positive: int = 0
    postponed: int = 0
    postponed_clients: int = 0
    clients_without_step: int = 0
    deals_without_step: int = 0
    company_cells: int = 0
    company_filled: int = 0
    contact_cells: int = 0
    contact_filled: int = 0
    became_regular: int = 0
    became_lost: int = 0
    customers_at_start: int = 0
    customers_lost: int = 0
    won: int = 0
    lost: int = 0
    revenue: Decimal = Decimal(0)
    plan: Decimal | None = None
    ratings: int = 0
    rating_sum: int = 0
    unconverted: set[str] = field(default_factory=set)
    urls: dict[str, str] = field(default_factory=dict)

    SUMMED = (
        "contacts",
        "positive",
        "postponed",
        "postponed_clients",
        "clients_without_step",
        "deals_without_step",
        "company_cells",
        "company_filled",
        "contact_cells",
        "contact_filled",
        "became_regular",
        "became_lost",
        "customers_at_start",
        "customers_lost",
        "won",
        "lost",
        "revenue",
        "ratings",
        "rating_sum",
    )

    def add(self, other: Row) -> None:
        for name in self.SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.activities.items():
            self.activities[kind] += n
        if other.plan is not None:
            self.plan = (self.plan or Decimal(0)) + other.plan
        self.unconverted |= other.unconverted

    @staticmethod
    def _share(part, whole) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def effectiveness(self) -> float | None:
        return self._share(self.positive, self.contacts)

    @property
    def postponed_per_client(self) -> float | None:
        return round(self.postponed / self.postponed_clients, 1) if self.postponed_clients else None

    @property
    def company_completeness(self) -> float | None:
        return self._share(self.company_filled, self.company_cells)

    @property
    def contact_completeness(self) -> float | None:
        return self._share(self.contact_filled, self.contact_cells)

    @property
    def retention(self) -> float | None:
        return self._share(self.customers_lost, self.customers_at_start)

    @property
    def average_deal(self) -> Decimal | None:
        return (self.revenue / self.won).quantize(Decimal("0.01")) if self.won else None

    @property
    def rating(self) -> float | None:
        """The clients' average rating of the cases (1–5)."""
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None

    @property
    def plan_done(self) -> float | None:
        return self._share(self.revenue, self.plan) if self.plan else None


def _activities(user, first, after) -> QuerySet[Activity]:
    # `done__is=True` renders "done = 1": the condition of the partial index it reads.
    return access.visible(user, Activity.objects.all()).filter(
        done__is=True, done_at__gte=first, done_at__lt=after
    )


def _fill(rows: dict[int, Row], data, name: str) -> None:
    for owner, value in data:
        if owner in rows:
            setattr(rows[owner], name, value)


def manager_rows(
    user, owners: QuerySet[User], start: datetime.date, end: datetime.date
) -> dict[int, Row]:
    """Every figure per manager, as rows by owner id."""
    first, after = _moments(start, end)
    rows = {
        u.pk: Row(label=u.display_name, level="manager", owner_id=u.pk, team_id=u.team_id)
        for u in owners
    }
    done = _activities(user, first, after).filter(owner__in=list(rows))
    # The period's done activities by owner, kind and outcome: whole months from the nightly
    # summary, the rest counted.
    for row in activity_months.done_by_kind(user, list(rows), start, end):
        target = rows[row["owner"]]
        outcome = row["outcome__kind"]
        if row["kind"] in target.activities:
            target.activities[row["kind"]] += row["n"]
        if row["kind"] in CONTACT_KINDS and outcome is not None:
            target.contacts += row["n"]
            if outcome in POSITIVE:
                target.positive += row["n"]
        if outcome == OutcomeKind.POSTPONED:
            target.postponed += row["n"]
    # Per client: distinct companies do not add up over months, so this one is counted from
    # the period's activities.
    _fill(
        rows,
        done.filter(outcome__in=Outcome.objects.filter(kind=OutcomeKind.POSTPONED))
        .values("owner")
        .annotate(n=Count("company", distinct=True))
        .values_list("owner", "n")
        .order_by(),
        "postponed_clients",
    )

    companies = access.visible(user, Company.objects.all()).filter(owner__in=list(rows))
    _fill(
        rows,
        # The condition of the partial index of customers without a next step.
        companies.filter(is_customer__is=True, next_activity_at__isnull=True)
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
        .order_by(),
        "clients_without_step",
    )
    deals = deals_visible_to(user=user).filter(owner__in=list(rows))
    _fill(
        rows,
        without_next_step(deals)
        .values("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
        .order_by(),
        "deals_without_step",
    )

    latest = (
        CompletenessSnapshot.objects.filter(day__lte=end)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    for snapshot in CompletenessSnapshot.objects.filter(day=latest, owner__in=list(rows)):
        cells, filled = snapshot.records * snapshot.fields, snapshot.filled
        target = rows[snapshot.owner_id]
        if snapshot.entity == "company":
            target.company_cells, target.company_filled = cells, filled
        else:
            target.contact_cells, target.contact_filled = cells, filled

    stage_changes = access.visible_through(
        user,
        ClassificationChange.objects.filter(
            field=ClassificationField.STAGE,
            day__gte=start,
            day__lte=end,
            new__in=[RelationshipStage.REGULAR, RelationshipStage.LOST],
            company__owner__in=list(rows),
        ),
        "company",
    )
    for row in (
        stage_changes.values("company__owner")
        .annotate(
            regular=Count("company", distinct=True, filter=Q(new=RelationshipStage.REGULAR)),
            lost=Count("company", distinct=True, filter=Q(new=RelationshipStage.LOST)),
        )
        .order_by()
    ):
        target = rows.get(row["company__owner"])
        if target is not None:
            target.became_regular, target.became_lost = row["regular"], row["lost"]
    _retention(rows, companies, start, end)
    _deals(rows, deals, start, end)
    _plans(rows, start, end)
    _ratings(user, rows, first, after)
    return rows


def _ratings(user, rows: dict[int, Row], first, after) -> None:
    """The clients' ratings answered in the period, per rated manager (one query)."""
    answered = access.visible_by_owner(
        user,
        Entity.CASE,
        CaseRating.objects.filter(
            score__isnull=False,
            answered_at__gte=first,
            answered_at__lt=after,
            owner__in=list(rows),
        ),
    )
    for owner, n, total in (
        answered.values("owner")
        .annotate(n=Count("pk"), total=Sum("score"))
        .values_list("owner", "n", "total")
        .order_by()
    ):
        rows[owner].ratings, rows[owner].rating_sum = n, total or 0


def _retention(rows: dict[int, Row], companies, start, end) -> None:
    """Customers at the start (the last stage change up to the day before says one-time or
    regular) and those of them lost in the period, per manager (the company's owner now):
    the latest changes by one grouped query, then one count over them."""
    before = start - datetime.timedelta(days=1)
    latest = (
        ClassificationChange.objects.filter(
            field=ClassificationField.STAGE,
            day__lte=before,
            company__in=companies.exclude(relationship_stage=RelationshipStage.POTENTIAL).values(
                "pk"
            ),
        )
        .values("company")
        .annotate(last=Max("pk"))
        .values("last")
    )
    lost_in_period = ClassificationChange.objects.filter(
        company=OuterRef("company"),
        field=ClassificationField.STAGE,
        new=RelationshipStage.LOST,
        day__gte=start,
        day__lte=end,
    )
    found = (
        ClassificationChange.objects.filter(pk__in=latest, new__in=CUSTOMER_STAGES)
        .values("company__owner")
        .annotate(n=Count("pk"), lost=Count("pk", filter=Exists(lost_in_period)))
        .order_by()
    )
    for row in found:
        target = rows.get(row["company__owner"])
        if target is not None:
            target.customers_at_start, target.customers_lost = row["n"], row["lost"]


def _deals(rows: dict[int, Row], deals, start, end) -> None:
    first, after = _moments(start, end)
    closed = list(
        deals.filter(
            stage__kind__in=[StageKind.WON, StageKind.LOST],
            closed_at__gte=first,
            closed_at__lt=after,
        )
        # The day only where a rate needs it: lost deals are counted, deals in the base
        # currency summed as they are (a year's won deals by day is tens of thousands of rows).
        .annotate(
            day=Case(
                When(
                    Q(stage__kind=StageKind.LOST) | Q(currency=money.base_currency()),
                    then=Value(None),
                ),
                default=local_day("closed_at", first, after),
                output_field=DateField(),
            )
        )
        .values("owner", "stage__kind", "day", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    won = [row for row in closed if row["stage__kind"] == StageKind.WON]
    for row in closed:
        row["key"] = row["owner"]
        if row["stage__kind"] == StageKind.LOST and row["owner"] in rows:
            rows[row["owner"]].lost += row["n"]
    for owner, (n, total, unconverted) in _in_base(won, day_of=lambda row: row["day"]).items():
        if owner in rows:
            target = rows[owner]
            target.won, target.revenue, target.unconverted = n, total, unconverted


def plan_filter(start: datetime.date, end: datetime.date) -> Q:
    """The plans of the period: those that start in it (a month or a quarter)."""
    return Q(start__gte=start, start__lte=end, direction__isnull=True)


def _plans(rows: dict[int, Row], start, end) -> None:
    for owner, amount in (
        SalesPlan.objects.filter(plan_filter(start, end), owner__in=list(rows))
        .values("owner")
        .annotate(amount=Sum("amount"))
        .values_list("owner", "amount")
        .order_by()
    ):
        if amount is not None:
            rows[owner].plan = amount


def scorecard(
    user, start: datetime.date, end: datetime.date, *, team: Team | None = None, owner=None
) -> list[Row]:
    """Managers side by side, each team's subtotal after its managers and the department's
    total last; a manager who may only see their own records gets their own row."""
    owners = access.colleagues(user, Entity.DEAL).filter(is_active=True)
    if owner is not None:
        owners = owners.filter(pk=owner.pk)
    if team is not None:
        owners = owners.filter(team_id__in=sorted(access.team_ids_below(team.pk)))
    owners = owners.select_related("team").order_by("team__name", "first_name", "last_name")
    rows = manager_rows(user, owners, start, end)
    teams: dict[int | None, list[Row]] = defaultdict(list)
    names = {}
    for u in owners:
        teams[u.team_id].append(rows[u.pk])
        names[u.team_id] = u.team.name if u.team_id else ""
    result, total = [], Row(label="", level="total")
    team_plans = dict(
        SalesPlan.objects.filter(plan_filter(start, end), team__isnull=False)
        .values("team")
        .annotate(amount=Sum("amount"))
        .values_list("team", "amount")
        .order_by()
    )
    for team_id, members in teams.items():
        result.extend(members)
        subtotal = Row(label=names[team_id], level="team", team_id=team_id)
        for member in members:
            subtotal.add(member)
            total.add(member)
        if team_id in team_plans and team_plans[team_id] is not None:
            subtotal.plan = team_plans[team_id]
        if len(members) > 1 or team_id is not None:
            result.append(subtotal)
    if len(rows) > 1:
        department = SalesPlan.objects.filter(
            plan_filter(start, end), owner__isnull=True, team__isnull=True
        ).aggregate(amount=Sum("amount"))["amount"]
        if department is not None and team is None and owner is None:
            total.plan = department
        result.append(total)
    return result


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params, doseq=True)}"


def links(row: Row, start, end) -> dict[str, str]:
    """The lists behind a manager's figures (a team's: the deal lists, by team)."""
    period = {"done_from": start.isoformat(), "done_to": end.isoformat()}
    closed = {"closed_from": start.isoformat(), "closed_to": end.isoformat()}
    if row.level == "team" and row.team_id:
        who = {"team": row.team_id}
        return {
            "deals_without_step": _url("sales:deal-list", no_next_step="true", **who),
            "won": _url("sales:deal-list", status="won", **closed, **who),
            "lost": _url("sales:deal-list", status="lost", **closed, **who),
        }
    if row.level != "manager":
        return {}
    who = {"owner": row.owner_id}
    links = {
        f"kind_{kind}": _url("activities:activity-list", done="true", kind=kind, **period, **who)
        for kind in KINDS
    }
    links.update(
        contacts=_url(
            "activities:activity-list",
            done="true",
            kinds=CONTACT_KINDS,
            **period,
            **who,
        ),
        positive=_url(
            "activities:activity-list",
            done="true",
            kinds=CONTACT_KINDS,
            outcome_kind=POSITIVE,
            **period,
            **who,
        ),
        postponed=_url(
            "activities:activity-list", done="true", outcome_kind="postponed", **period, **who
        ),
        clients_without_step=_url("contacts:company-list", no_next_step="true", **who),
        deals_without_step=_url("sales:deal-list", no_next_step="true", **who),
        regular=_url("contacts:company-list", relationship_stage="regular", **who),
        lost_customers=_url("contacts:company-list", relationship_stage="lost", **who),
        won=_url("sales:deal-list", status="won", **closed, **who),
        lost=_url("sales:deal-list", status="lost", **closed, **who),
    )
    return links


def filtered_rows(user, params):
    """The scorecard over the filters in the query `params` (period, team, manager), with the
    user's rights, and the lists behind each figure: (form, start, end, rows)."""
    access.require_field(user, Entity.DEAL, "amount")  # revenue per manager
    form = ScorecardFilterForm(params or None, user=user)
    start, end = form.dates()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = scorecard(user, start, end, team=data.get("team"), owner=data.get("owner"))
    for row in rows:
        row.urls = links(row, start, end)
    return form, start, end, rows
