"""Sales plans against the facts, on hand-made data; who may set and see which plans."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import DealFactory, stage
from voronka.analytics.models import SalesPlan
from voronka.sales.models import Direction, StageKind

pytestmark = pytest.mark.django_db

MAY = {"period": "month", "start": "2026-05-01"}


def won(owner, day, amount, quantity=None, direction=None):
    final = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    return DealFactory(
        owner=owner,
        stage=final,
        closed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
        amount=Decimal(amount),
        currency="KZT",
        quantity=quantity,
        direction=direction,
    )


@pytest.fixture
def hainan():
    return Direction.objects.create(name="Хайнань")


@pytest.fixture
def may(owner, teammate, outsider, team, hainan):
    won(owner, datetime.date(2026, 5, 3), "100000", Decimal(3))
    won(owner, datetime.date(2026, 5, 20), "200000", Decimal(2), hainan)
    won(owner, datetime.date(2026, 6, 1), "999999")  # June
    won(teammate, datetime.date(2026, 5, 9), "50000")
    won(outsider, datetime.date(2026, 5, 9), "70000", direction=hainan)
    start = datetime.date(2026, 5, 1)
    return {
        "owner": SalesPlan.objects.create(
            start=start, owner=owner, amount=Decimal(500000), quantity=Decimal(10)
        ),
        "team": SalesPlan.objects.create(start=start, team=team, amount=Decimal(700000)),
        "all": SalesPlan.objects.create(start=start, amount=Decimal(1000000)),
        "hainan": SalesPlan.objects.create(start=start, direction=hainan, amount=Decimal(400000)),
    }


def lines_of(user, params=MAY):
    page = client_for(user).get(reverse("reports:plans"), params)
    assert page.status_code == 200
    return {line.plan.pk: line for line in page.context["lines"]}


def test_plan_vs_fact_in_money_and_units(may, admin_user):
    lines = lines_of(admin_user)

    mine = lines[may["owner"].pk]
    assert (mine.fact, mine.won, mine.done) == (Decimal("300000.00"), 2, 60.0)
    assert (mine.units, mine.units_done) == (Decimal(5), 50.0)
    assert mine.run_rate == mine.fact  # May is over: the run rate is the fact
    assert mine.pipeline == 0
    team = lines[may["team"].pk]
    assert (team.fact, team.done) == (Decimal("350000.00"), 50.0)
    everyone = lines[may["all"].pk]
    assert everyone.fact == Decimal("420000.00")  # the outsider's deal too
    assert lines[may["hainan"].pk].fact == Decimal("270000.00")


def test_the_forecast_of_the_period_under_way(owner, admin_user):
    today = timezone.localdate()
    start = today.replace(day=1)
    SalesPlan.objects.create(start=start, owner=owner, amount=Decimal(10000))
    won(owner, start, "2000")
    last = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    DealFactory(
        owner=owner,
        stage=stage(0),
        amount=Decimal("1000"),
        currency="KZT",
        probability=50,
        expected_close_date=last,
    )

    line = next(iter(lines_of(admin_user, {"period": "month"}).values()))

    assert line.fact == Decimal("2000.00")
    assert line.pipeline == Decimal("500.00")
    assert line.forecast == Decimal("2500.00")
    days, elapsed = last.day, today.day
    assert line.run_rate == (Decimal(2000) * days / elapsed).quantize(Decimal("0.01"))


def test_a_quarter_counts_its_three_months(owner, admin_user):
    won(owner, datetime.date(2026, 4, 2), "100")
    won(owner, datetime.date(2026, 6, 30), "200")
    won(owner, datetime.date(2026, 7, 1), "400")
    plan = SalesPlan.objects.create(
        period="quarter", start=datetime.date(2026, 4, 1), owner=owner, amount=Decimal(600)
    )
    line = lines_of(admin_user, {"period": "quarter", "start": "2026-05-15"})[plan.pk]
    assert (line.fact, line.done) == (Decimal("300.00"), 50.0)


def test_who_sees_and_sets_which_plans(may, owner, outsider, head, team):
    assert may["owner"].pk not in lines_of(outsider)  # another team's manager
    assert may["all"].pk in lines_of(outsider)  # the department's plan is everyone's
    assert may["owner"].pk in lines_of(head)

    # A manager may not set plans; a head sets those of the teams below; the department's
    # plan is the administrator's.
    form = {"period": "month", "start": "2026-07", "owner": owner.pk, "amount": "1000"}
    refused = client_for(owner).post(reverse("reports:plan-new"), form)
    assert refused.status_code == 200
    assert "Вы не можете ставить этот план." in refused.content.decode()
    assert 'value="1000"' in refused.content.decode()  # what was typed stays
    assert client_for(head).post(reverse("reports:plan-new"), form).status_code == 302
    assert SalesPlan.objects.filter(owner=owner, start=datetime.date(2026, 7, 1)).exists()
    department = {"period": "month", "start": "2026-07", "amount": "1000"}
    assert client_for(head).post(reverse("reports:plan-new"), department).status_code == 200
    assert (
        client_for(owner).post(reverse("reports:plan-delete", args=[may["owner"].pk])).status_code
        == 403
    )
    assert (
        client_for(head).post(reverse("reports:plan-delete", args=[may["owner"].pk])).status_code
        == 302
    )


def test_a_plan_is_for_a_manager_or_a_team_and_starts_a_month(owner, team, admin_user):
    client = client_for(admin_user)
    both = client.post(
        reverse("reports:plan-new"),
        {"period": "quarter", "start": "2026-05", "owner": owner.pk, "team": team.pk},
    )
    content = both.content.decode()
    assert "План ставится менеджеру или команде, а не обоим сразу." in content
    assert "Квартал начинается в январе, апреле, июле или октябре." in content


@pytest.mark.parametrize("count", [1, 5])
def test_the_plans_page_runs_a_fixed_number_of_queries(
    count, owner, admin_user, django_assert_num_queries
):
    for n in range(count):
        SalesPlan.objects.create(
            start=datetime.date(2026, 5, 1), owner=owner, amount=Decimal(n + 1)
        )
        won(owner, datetime.date(2026, 5, 1 + n), "100")
    client = client_for(admin_user)
    client.get(reverse("reports:plans"), MAY)
    # session, user, role, team, the plans, the won and the open deals, the users' teams
    with django_assert_num_queries(8):
        client.get(reverse("reports:plans"), MAY)
