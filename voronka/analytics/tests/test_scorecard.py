"""The managers' scorecard on hand-made data: each figure, the team's subtotal, who sees
whom, and the lists behind the figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ActivityFactory, CompanyFactory, DealFactory, stage
from voronka.activities import next_steps
from voronka.activities.models import Activity, ActivityKind, Outcome, OutcomeKind
from voronka.analytics import activity_months, completeness
from voronka.analytics.models import ClassificationChange, ClassificationSettings, SalesPlan
from voronka.contacts.models import Company
from voronka.sales.models import StageKind

pytestmark = pytest.mark.django_db

Q2 = {"period": "custom", "start": "2026-04-01", "end": "2026-06-30"}


def moment(month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 11, 0))


def done(owner, kind, when, outcome=None, company=None):
    activity = ActivityFactory(owner=owner, kind=kind, company=company)
    Activity.objects.filter(pk=activity.pk).update(
        done=True,
        done_at=when,
        outcome=Outcome.objects.get_or_create(name=outcome, kind=outcome)[0] if outcome else None,
    )
    # Done behind the services' back: keep the company's next step as they would.
    next_steps.refresh(companies=[activity.company_id])
    return activity


def closed(owner, kind, when, amount):
    final = next(s for s in stage(0).pipeline.stages.all() if s.kind == kind)
    return DealFactory(
        owner=owner, stage=final, closed_at=when, amount=Decimal(amount), currency="KZT"
    )


@pytest.fixture
def data(owner, teammate, outsider):
    x = CompanyFactory(owner=owner, name="X", is_customer=True, industry="Туризм", city="")
    y = CompanyFactory(owner=owner, name="Y", is_customer=True, industry="Банк", city="Алматы")
    ActivityFactory(owner=owner, company=y)  # planned: Y has a next step
    done(owner, ActivityKind.CALL, moment(4, 2), OutcomeKind.SUCCESS, x)
    done(owner, ActivityKind.CALL, moment(4, 3), OutcomeKind.REFUSED, x)
    done(owner, ActivityKind.CALL, moment(5, 4), OutcomeKind.POSTPONED, x)
    done(owner, ActivityKind.MEETING, moment(6, 5), OutcomeKind.SALE, y)
    done(owner, ActivityKind.TASK, moment(6, 6))
    done(owner, ActivityKind.CALL, moment(7, 1), OutcomeKind.SUCCESS)  # after the period
    done(teammate, ActivityKind.CALL, moment(5, 5), OutcomeKind.SUCCESS)
    done(outsider, ActivityKind.CALL, moment(5, 5), OutcomeKind.SUCCESS)
    closed(owner, StageKind.WON, moment(4, 10), "100000")
    closed(owner, StageKind.WON, moment(5, 10), "300000")
    closed(owner, StageKind.LOST, moment(5, 11), "50000")
    closed(outsider, StageKind.WON, moment(5, 11), "999000")
    DealFactory(owner=owner, amount=Decimal("1000"), currency="KZT")  # open, nothing planned
    SalesPlan.objects.create(start=datetime.date(2026, 4, 1), owner=owner, amount=Decimal(500000))
    SalesPlan.objects.create(start=datetime.date(2026, 5, 1), owner=owner, amount=Decimal(300000))
    settings = ClassificationSettings.get()
    settings.company_key_fields = ["industry", "city"]
    settings.save()
    completeness.count(datetime.date(2026, 6, 1))
    # X was a one-time customer before the period and was lost in it; Y became regular.
    for company, day, old, new in (
        (x, datetime.date(2026, 1, 5), "potential", "one_time"),
        (x, datetime.date(2026, 5, 20), "one_time", "lost"),
        (y, datetime.date(2026, 4, 15), "potential", "one_time"),
        (y, datetime.date(2026, 6, 15), "one_time", "regular"),
    ):
        ClassificationChange.objects.create(
            company=company, day=day, field="stage", old=old, new=new
        )
    Company.objects.filter(pk=x.pk).update(relationship_stage="lost")
    Company.objects.filter(pk=y.pk).update(relationship_stage="regular")
    return x, y


def test_each_figure_of_a_manager_matches_a_hand_count(data, owner, head):
    page = client_for(head).get(reverse("reports:scorecard"), Q2)

    assert page.status_code == 200
    rows = {(row.level, row.owner_id or row.team_id): row for row in page.context["rows"]}
    mine = rows[("manager", owner.pk)]
    assert mine.activities == {"call": 3, "meeting": 1, "task": 1, "email": 0}
    assert (mine.contacts, mine.positive, mine.effectiveness) == (4, 2, 50.0)
    assert (mine.postponed, mine.postponed_clients, mine.postponed_per_client) == (1, 1, 1.0)
    assert (mine.clients_without_step, mine.deals_without_step) == (1, 1)
    assert mine.company_completeness == 75.0  # industry ×2, city ×1 of 4
    assert (mine.became_regular, mine.became_lost) == (1, 1)
    # At the start (31 March) only X was a customer; it was lost in the period: 100 %.
    assert (mine.customers_at_start, mine.customers_lost, mine.retention) == (1, 1, 100.0)
    assert (mine.won, mine.lost, mine.revenue) == (2, 1, Decimal("400000"))
    assert mine.average_deal == Decimal("200000.00")
    assert (mine.plan, mine.plan_done) == (Decimal("800000"), 50.0)


def test_the_head_sees_the_team_side_by_side_with_a_subtotal(
    data, owner, teammate, outsider, head, team
):
    rows = client_for(head).get(reverse("reports:scorecard"), Q2).context["rows"]

    managers = [row.owner_id for row in rows if row.level == "manager"]
    assert owner.pk in managers and teammate.pk in managers and outsider.pk not in managers
    subtotal = next(row for row in rows if row.level == "team" and row.team_id == team.pk)
    assert (subtotal.contacts, subtotal.positive, subtotal.effectiveness) == (5, 3, 60.0)
    assert subtotal.revenue == Decimal("400000")
    assert rows[-1].level == "total"


def test_a_manager_sees_only_what_they_may(data, owner, outsider):
    rows = client_for(outsider).get(reverse("reports:scorecard"), Q2).context["rows"]
    assert [row.owner_id for row in rows if row.level == "manager"] == [outsider.pk]
    assert rows[0].revenue == Decimal("999000")


def test_the_figures_open_the_lists_behind_them(data, owner, head):
    client = client_for(head)
    rows = client.get(reverse("reports:scorecard"), Q2).context["rows"]
    mine = next(row for row in rows if row.owner_id == owner.pk)

    def listed(key: str) -> int:
        return client.get(mine.urls[key]).context["page_obj"].paginator.count

    assert listed("won") == 2
    assert listed("lost") == 1
    assert listed("kind_call") == 3
    assert listed("contacts") == 4
    assert listed("positive") == 2
    assert listed("postponed") == 1
    assert listed("clients_without_step") == 1
    assert listed("deals_without_step") == 1


def test_the_export_has_a_line_per_row(data, owner, head):
    response = client_for(head).get(reverse("reports:scorecard-export", args=["csv"]), Q2)
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Менеджер / команда;Звонок")
    assert any(line.startswith("Алия Нурланова;3;1;1;0;50.0;1;1.0;1;1;75.0") for line in lines)
    xlsx = client_for(head).get(reverse("reports:scorecard-export", args=["xlsx"]), Q2)
    assert xlsx.status_code == 200


@pytest.mark.parametrize("managers", [1, 4])
def test_the_scorecard_runs_a_fixed_number_of_queries(
    managers, head, team, django_assert_num_queries
):
    from tests.factories import UserFactory

    for n in range(managers):
        user = UserFactory(team=team)
        done(user, ActivityKind.CALL, moment(5, 1 + n), OutcomeKind.SUCCESS)
        closed(user, StageKind.WON, moment(5, 1 + n), "1000")
    client = client_for(head)
    client.get(reverse("reports:scorecard"), Q2)
    # session, user, role, team, the filter form (teams, owners), the managers, then each
    # figure's GROUP BY (activities ×2, customers and deals without a next step, the
    # completeness, stage moves, retention, closed deals, rates, plans, team plans).
    # (+1: the last summed month of the activities.)
    with django_assert_num_queries(25):
        client.get(reverse("reports:scorecard"), Q2)


def test_months_summed_nightly_give_the_same_figures(data, owner, outsider, head):
    activity_months.rebuild(datetime.date(2026, 6, 15))  # January to May summed; June is not

    def mine(user, query):
        rows = client_for(user).get(reverse("reports:scorecard"), query).context["rows"]
        return next(row for row in rows if row.owner_id == owner.pk)

    whole = mine(head, Q2)  # April and May from the summary, June counted
    assert whole.activities == {"call": 3, "meeting": 1, "task": 1, "email": 0}
    assert (whole.contacts, whole.positive, whole.postponed, whole.postponed_clients) == (
        4,
        2,
        1,
        1,
    )
    # Partial months at the edges are counted from the activities: 3 April to 5 June leaves
    # out the call of 2 April and the task of 6 June.
    edges = mine(head, {"period": "custom", "start": "2026-04-03", "end": "2026-06-05"})
    assert edges.activities == {"call": 2, "meeting": 1, "task": 0, "email": 0}
    assert (edges.contacts, edges.positive) == (3, 1)
    # The summary keeps to the access rules: a manager of another team gets only their own.
    rows = client_for(outsider).get(reverse("reports:scorecard"), Q2).context["rows"]
    managers = [(row.owner_id, row.activities["call"]) for row in rows if row.level == "manager"]
    assert managers == [(outsider.pk, 1)]


def test_a_change_in_a_summed_month_shows_after_the_next_summing(data, owner, head):
    activity_months.rebuild(datetime.date(2026, 7, 1))
    done(owner, ActivityKind.EMAIL, moment(5, 20))

    def emails() -> int:
        rows = client_for(head).get(reverse("reports:scorecard"), Q2).context["rows"]
        return next(row for row in rows if row.owner_id == owner.pk).activities["email"]

    assert emails() == 0
    activity_months.rebuild(datetime.date(2026, 7, 1))
    assert emails() == 1


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-01-01", "2026-12-31", ("2026-01-01", "2026-05-01")),  # summed through May
        ("2026-02-15", "2026-04-30", ("2026-03-01", "2026-04-01")),
        ("2026-03-01", "2026-03-30", None),  # not a whole month
        ("2026-06-01", "2026-06-30", None),  # not summed yet
    ],
)
def test_which_months_come_from_the_summary(owner, start, end, expected):
    done(owner, ActivityKind.CALL, moment(1, 10))
    done(owner, ActivityKind.CALL, moment(5, 10))  # the last month with activities: May
    activity_months.rebuild(datetime.date(2026, 6, 10))
    found = activity_months.summed_months(
        datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    )
    if expected is None:
        assert found is None
    else:
        assert found == tuple(datetime.date.fromisoformat(day) for day in expected)


def test_the_api_gives_the_page_figures_with_the_callers_rights(data, owner, outsider, head):
    from django.test import Client

    from voronka.accounts.models import ApiToken

    def api_for(user):
        _token, key = ApiToken.issue(user=user, name="scorecard")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")

    found = api_for(head).get("/api/v1/reports/scorecard/", Q2)
    assert found.status_code == 200
    rows = found.json()["rows"]
    mine = next(row for row in rows if row["owner_id"] == owner.pk)
    assert mine["activities"] == {"call": 3, "meeting": 1, "task": 1, "email": 0}
    assert (mine["effectiveness"], mine["retention"]) == (50.0, 100.0)
    assert (mine["won"], mine["revenue"], mine["plan"]) == (2, "400000.00", "800000.00")
    assert mine["urls"]["won"].startswith("/")
    assert outsider.pk not in [row["owner_id"] for row in rows]
    theirs = api_for(outsider).get("/api/v1/reports/scorecard/", Q2).json()["rows"]
    assert [row["owner_id"] for row in theirs if row["level"] == "manager"] == [outsider.pk]
    wrong = api_for(head).get("/api/v1/reports/scorecard/", {"period": "custom", "start": "x"})
    assert wrong.status_code == 400
