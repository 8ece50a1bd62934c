"""The sales dashboards: figures that match a hand count, access rules, the lists behind bars."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import DealFactory, stage
from voronka.analytics.forms import period_dates
from voronka.core.models import ExchangeRate
from voronka.sales.models import Deal, LostReason, StageKind

pytestmark = pytest.mark.django_db


def closed_stage(kind: str):
    return next(s for s in stage(0).pipeline.stages.all() if s.kind == kind)


def won(owner, day: datetime.date, amount: str, currency: str = "KZT", **extra) -> Deal:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return DealFactory(
        owner=owner,
        stage=closed_stage(StageKind.WON),
        closed_at=moment,
        amount=Decimal(amount),
        currency=currency,
        **extra,
    )


def block(client, key: str, params: dict | None = None):
    """One block's bars, as the dashboard loads it after itself."""
    response = client.get(reverse("reports:block", args=[key]), params or {})
    assert response.status_code == 200
    return response.context["blocks"][key]


def q2(**extra) -> dict:
    return {"period": "custom", "start": "2026-04-01", "end": "2026-06-30", **extra}


def test_won_in_a_quarter_matches_a_hand_count(owner, outsider):
    ExchangeRate.objects.create(currency="USD", date=datetime.date(2026, 4, 1), rate=Decimal("450"))
    ExchangeRate.objects.create(currency="USD", date=datetime.date(2026, 6, 1), rate=Decimal("500"))
    won(owner, datetime.date(2026, 4, 10), "1000.00", "USD")  # 450,000.00 ₸
    won(owner, datetime.date(2026, 6, 15), "2000.00", "USD")  # 1,000,000.00 ₸ (June rate)
    won(owner, datetime.date(2026, 5, 20), "300000.00")  # in tenge
    won(owner, datetime.date(2026, 7, 1), "999.00", "USD")  # July: not Q2
    won(outsider, datetime.date(2026, 5, 5), "5000000.00")  # not the manager's to see
    DealFactory(owner=owner, amount=Decimal("777.00"))  # open

    page = client_for(owner).get(reverse("reports:dashboard"), q2())

    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="won-count">3<' in content
    assert "1\xa0750\xa0000,00" in content  # 450,000 + 1,000,000 + 300,000 ₸
    months = block(client_for(owner), "months", q2())
    assert [(bar.key, bar.count, bar.total) for bar in months] == [
        ("2026-04", 1, Decimal("450000.00")),
        ("2026-05", 1, Decimal("300000.00")),
        ("2026-06", 1, Decimal("1000000.00")),
    ]


def test_a_bar_opens_the_deals_behind_it(owner):
    april = won(owner, datetime.date(2026, 4, 10), "100.00", name="Апрельская")
    won(owner, datetime.date(2026, 5, 10), "100.00", name="Майская")
    client = client_for(owner)
    months = block(client, "months", q2())

    listed = client.get(months[0].url).content.decode()

    assert april.name in listed and "Майская" not in listed


def test_sources_lost_reasons_pipeline_and_forecast(owner):
    reason = LostReason.objects.create(name="Дорого")
    lost_at = timezone.make_aware(datetime.datetime(2026, 5, 3, 12, 0))
    DealFactory(
        owner=owner,
        stage=closed_stage(StageKind.LOST),
        closed_at=lost_at,
        lost_reason=reason,
        amount=Decimal("50000.00"),
        currency="KZT",
    )
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    DealFactory(
        owner=owner, amount=Decimal("10000.00"), currency="KZT", expected_close_date=next_month
    )

    client = client_for(owner)
    blocks = {key: block(client, key, q2()) for key in ("lost", "stages", "forecast")}

    assert [(b.label, b.count, b.total) for b in blocks["lost"]] == [
        ("Дорого", 1, Decimal("50000.00"))
    ]
    first_stage = blocks["stages"][0]
    assert first_stage.count == 1 and first_stage.total == Decimal("10000.00")
    assert first_stage.weighted == Decimal("1000.00")  # 10 % of it
    ahead = next(b for b in blocks["forecast"] if b.key == next_month.strftime("%Y-%m"))
    assert (ahead.count, ahead.total, ahead.weighted) == (
        1,
        Decimal("10000.00"),
        Decimal("1000.00"),
    )


def test_the_export_is_the_blocks_csv(owner):
    won(owner, datetime.date(2026, 4, 10), "300000.00")
    response = client_for(owner).get(reverse("reports:export", args=["months", "csv"]), q2())
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("Название;Сделок;Сумма, KZT") or lines[0].count(";") == 2
    assert lines[1] == "апр 2026;1;300000.00"
    assert client_for(owner).get("/reports/export/nonsense.csv").status_code == 404
    assert client_for(owner).get("/reports/export/months.pdf").status_code == 404


def test_the_export_is_also_an_xlsx_workbook(owner):
    import io

    from openpyxl import load_workbook

    won(owner, datetime.date(2026, 4, 10), "300000.00")
    response = client_for(owner).get(reverse("reports:export", args=["months", "xlsx"]), q2())
    assert response["Content-Disposition"] == 'attachment; filename="months.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Название" and rows[0][1] == "Сделки"
    assert rows[1] == ("апр 2026", 1, 300000)
    assert sheet.title == "Итого по месяцам"


def test_preset_periods():
    today = datetime.date(2026, 5, 17)
    assert period_dates("this_month", today) == (
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 31),
    )
    assert period_dates("last_month", today) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 30),
    )
    assert period_dates("this_quarter", today) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    assert period_dates("last_quarter", today) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert period_dates("last_year", today) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )


def test_a_wrong_period_is_explained_not_a_stack_trace(owner):
    page = client_for(owner).get(
        reverse("reports:dashboard"),
        {"period": "custom", "start": "2026-06-01", "end": "2026-01-01"},
    )
    assert page.status_code == 200
    assert "Период заканчивается раньше, чем начинается." in page.content.decode()


def test_on_the_demo_the_quarters_won_deals_are_two_clicks_away(settings):
    """Reports → period «This quarter» → Show: the count and the sum match a hand count."""
    from django.core.management import call_command

    from voronka.accounts.models import User
    from voronka.core import money
    from voronka.sales.models import Pipeline

    settings.DEBUG = True
    call_command("load_demo")
    admin = User.objects.get(username="admin")
    start, end = period_dates("this_quarter", timezone.localdate())
    client = client_for(admin)
    for pipeline in Pipeline.objects.filter(is_active=True):
        page = client.get(
            reverse("reports:dashboard"), {"period": "this_quarter", "pipeline": pipeline.pk}
        )
        by_hand = [
            deal
            for deal in Deal.objects.filter(pipeline=pipeline, stage__kind=StageKind.WON)
            if start <= timezone.localtime(deal.closed_at).date() <= end
        ]
        total = sum(
            money.to_base(d.amount, d.currency, timezone.localtime(d.closed_at).date())
            for d in by_hand
        )
        assert page.context["won_count"] == len(by_hand)
        assert page.context["won_total"] == total
    assert any(Deal.objects.filter(stage__kind=StageKind.WON, closed_at__date__gte=start)), (
        "the demo has deals won this quarter"
    )


@pytest.mark.parametrize("per_month", [1, 6])
def test_the_dashboard_runs_a_fixed_number_of_queries(per_month, owner, django_assert_num_queries):
    ExchangeRate.objects.create(currency="USD", date=datetime.date(2026, 4, 1), rate=Decimal("450"))
    for month in (4, 5, 6):
        for day in range(1, per_month + 1):
            won(owner, datetime.date(2026, month, day), "1000.00", "USD")
            DealFactory(owner=owner)
    client = client_for(owner)
    # session, user, role rules, team, the bell, recent views, the layout, the filter form
    # (pipelines, teams, owners, directions), the period's won total and its rates.
    with django_assert_num_queries(16):
        assert client.get(reverse("reports:dashboard"), q2()).status_code == 200
    # Each block: session, user, role rules, team, the pipeline, then its aggregates and
    # the rates they need.
    # (+1 everywhere: the colleagues the user covers for as a deputy)
    budgets = {
        "stages": 10,
        "sources": 8,  # + the names of the sources found, when there are some
        "months": 8,
        "directions": 8,
        "funnel": 10,  # the stage history, the cycle's count and average, its median
        "forecast": 11,  # + the won count, the lost by stage, the stages
        "lost": 7,
        "stage_days": 8,
    }
    for key, budget in budgets.items():
        with django_assert_num_queries(budget):
            block(client, key, q2())


def test_the_export_links_keep_the_filters_and_the_search_box_stays_empty(owner):
    client = client_for(owner)
    content = client.get(reverse("reports:block", args=["months"]), q2()).content.decode()
    assert 'href="/reports/export/months.csv?period=custom&amp;start=2026-04-01' in content
    assert 'href="/reports/export/months.xlsx?period=custom&amp;start=2026-04-01' in content
    page = client.get(reverse("reports:dashboard"), q2()).content.decode()
    assert 'value="period=custom' not in page


@pytest.mark.parametrize("zone", ["Asia/Almaty", "Europe/Berlin", "Asia/Kolkata", "UTC"])
def test_the_local_day_of_a_moment_is_computed_like_python_across_dst(owner, zone):
    import zoneinfo

    from voronka.analytics.selectors import local_day

    moments = [
        datetime.datetime(2026, 3, 28, 22, 59, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 28, 23, 0, tzinfo=datetime.UTC),  # Berlin: midnight CET
        datetime.datetime(2026, 3, 29, 0, 59, tzinfo=datetime.UTC),  # before the DST jump
        datetime.datetime(2026, 3, 29, 22, 30, tzinfo=datetime.UTC),  # Berlin: 00:30 CEST
        datetime.datetime(2026, 10, 24, 22, 10, tzinfo=datetime.UTC),  # Berlin: 00:10 CEST
        datetime.datetime(2026, 10, 25, 23, 10, tzinfo=datetime.UTC),  # Berlin: 00:10 CET
        datetime.datetime(2026, 12, 31, 18, 45, tzinfo=datetime.UTC),  # Kolkata: 00:15
    ]
    for moment in moments:
        DealFactory(owner=owner, stage=closed_stage(StageKind.WON), closed_at=moment)
    with timezone.override(zone):
        first = datetime.datetime(2026, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone))
        after = datetime.datetime(2027, 1, 1, tzinfo=zoneinfo.ZoneInfo(zone))
        days = dict(
            Deal.objects.annotate(day=local_day("closed_at", first, after)).values_list(
                "closed_at", "day"
            )
        )
        for moment in moments:
            assert days[moment] == moment.astimezone(zoneinfo.ZoneInfo(zone)).date(), moment


def test_the_funnel_counts_the_deals_that_entered_each_stage_and_the_cycle(owner):
    from voronka.sales.services import deal_create, deal_move_stage

    stages = list(stage(0).pipeline.stages.order_by("order"))
    explore, offer, order = stages[0], stages[1], stages[2]
    won_stage = closed_stage(StageKind.WON)
    deals = [
        deal_create(actor=owner, data={"name": f"Тур {n}", "amount": Decimal("100.00")})
        for n in range(4)
    ]
    for deal in deals[:3]:
        deal = deal_move_stage(actor=owner, deal=deal, stage=offer)
    deal_move_stage(actor=owner, deal=Deal.objects.get(pk=deals[0].pk), stage=order)
    deal_move_stage(actor=owner, deal=Deal.objects.get(pk=deals[0].pk), stage=won_stage)
    today = timezone.localdate().isoformat()

    client = client_for(owner)
    query = {"period": "custom", "start": today, "end": today}
    dashboard = client.get(reverse("reports:dashboard"), query).content.decode()
    assert 'data-testid="slot-funnel"' in dashboard  # loaded after the page
    page = client.get(reverse("reports:block", args=["funnel"]), query)

    steps = [
        (s.label, s.count, s.of_first, s.of_previous) for s in page.context["blocks"]["funnel"]
    ]
    assert steps == [
        (explore.name, 4, 100.0, 100.0),
        (offer.name, 3, 75.0, 75.0),
        (order.name, 1, 25.0, 33.3),
        (won_stage.name, 1, 25.0, 100.0),
    ]
    cycle = page.context["cycle"]
    assert cycle.won == 1 and cycle.average_days is not None and cycle.average_days < 1


def test_a_deal_created_further_on_counts_for_the_stages_before(owner):
    """The demo's deals are created at their stage: they reached the ones before too, so no
    step of the funnel exceeds the one before it."""
    from voronka.sales.services import deal_create

    stages = list(stage(0).pipeline.stages.order_by("order"))
    deal_create(actor=owner, data={"name": "Сразу сборка", "stage": stages[2]})
    deal_create(actor=owner, data={"name": "Разведка"})
    today = timezone.localdate().isoformat()
    page = client_for(owner).get(
        reverse("reports:block", args=["funnel"]),
        {"period": "custom", "start": today, "end": today},
    )
    funnel = page.context["blocks"]["funnel"]
    counts = [step.count for step in funnel]
    assert counts[:3] == [2, 1, 1]
    assert all(step.of_previous <= 100 for step in funnel)


def test_an_export_counts_only_its_own_block(owner, django_assert_max_num_queries):
    won(owner, datetime.date(2026, 4, 10), "300000.00")
    client = client_for(owner)
    client.get(reverse("reports:export", args=["months", "csv"]), q2())  # session warmed up
    # The dashboard needs 47; one block's export a fraction of that.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reports:export", args=["months", "csv"]), q2())
    assert "апр 2026;1;300000.00" in response.content.decode("utf-8-sig")


def _quick_link(content: str, period: str) -> str:
    """The href of a quick period button on the dashboard (the user's first click lands on
    the dashboard, the second on this button)."""
    import html
    import re

    found = re.search(r'href="(\?period=' + period + r'[^"]*)"', content)
    assert found, f"no quick link for {period}"
    return reverse("reports:dashboard") + html.unescape(found.group(1))


def test_on_the_demo_q2_and_revenue_by_direction_last_month_are_two_clicks_away(settings):
    """Acceptance 1: Reports → «Q2» gives the won deals of the second quarter (count and
    sum); Reports → «Last month» gives the revenue by direction. Both match a hand count."""
    from collections import defaultdict

    from django.core.management import call_command

    from voronka.accounts.models import User
    from voronka.core import money

    settings.DEBUG = True
    call_command("load_demo")
    admin = User.objects.get(username="admin")
    client = client_for(admin)
    today = timezone.localdate()

    def local_day(deal):
        return timezone.localtime(deal.closed_at).date()

    for period in ("q2", "last_month"):
        start, end = period_dates(period, today)
        dashboard = client.get(reverse("reports:dashboard")).content.decode()  # click 1
        page = client.get(_quick_link(dashboard, period))  # click 2
        assert page.status_code == 200
        pipeline = page.context["pipeline"]
        by_hand = [
            deal
            for deal in Deal.objects.filter(pipeline=pipeline, stage__kind=StageKind.WON)
            if start <= local_day(deal) <= end
        ]
        assert by_hand, f"the demo has deals won in {period}"
        total = sum(money.to_base(d.amount, d.currency, local_day(d)) for d in by_hand)
        assert page.context["won_count"] == len(by_hand)
        assert page.context["won_total"] == total
        directions = defaultdict(lambda: [0, Decimal(0)])
        for deal in by_hand:
            name = deal.direction.name if deal.direction else "Без направления"
            directions[name][0] += 1
            directions[name][1] += money.to_base(deal.amount, deal.currency, local_day(deal))
        query = dict(page.wsgi_request.GET.items())
        shown = {bar.label: [bar.count, bar.total] for bar in block(client, "directions", query)}
        assert shown == {
            name: [n, t.quantize(Decimal("0.01"))] for name, (n, t) in directions.items()
        }
        assert 'data-testid="slot-directions"' in page.content.decode()


def test_revenue_and_units_by_direction_and_the_list_behind(owner, outsider):
    from voronka.sales.models import Direction

    hainan = Direction.objects.create(name="Хайнань")
    turkey = Direction.objects.create(name="Турция")
    won(owner, datetime.date(2026, 5, 10), "100000.00", direction=hainan, quantity=Decimal(2))
    won(owner, datetime.date(2026, 6, 10), "50000.00", direction=hainan, quantity=Decimal(3))
    won(owner, datetime.date(2026, 5, 11), "70000.00", direction=turkey)
    won(owner, datetime.date(2026, 5, 12), "10000.00")
    won(owner, datetime.date(2026, 7, 12), "999.00", direction=hainan)  # after Q2
    won(outsider, datetime.date(2026, 5, 12), "12345.00", direction=hainan)  # not visible
    client = client_for(owner)

    bars = {bar.label: bar for bar in block(client, "directions", q2())}
    assert (bars["Хайнань"].count, bars["Хайнань"].total, bars["Хайнань"].weighted) == (
        2,
        Decimal("150000.00"),
        Decimal("5"),
    )
    assert (bars["Турция"].count, bars["Турция"].total) == (1, Decimal("70000.00"))
    assert bars["Без направления"].count == 1 and bars["Без направления"].url == ""
    listed = client.get(bars["Хайнань"].url)
    assert listed.context["page_obj"].paginator.count == 2
    only_hainan = client.get(reverse("reports:dashboard"), q2(direction=hainan.pk))
    assert only_hainan.context["won_count"] == 2


def test_average_days_per_stage_counts_the_stays_that_ended_in_the_period(owner):
    from voronka.sales.models import StageChange
    from voronka.sales.services import deal_create, deal_move_stage

    stages = list(stage(0).pipeline.stages.order_by("order"))
    first, second = stages[0], stages[1]
    now = timezone.now()
    for days in (2, 4):
        deal = deal_create(actor=owner, data={"name": f"{days} дня", "amount": Decimal(1)})
        Deal.objects.filter(pk=deal.pk).update(stage_entered_at=now - datetime.timedelta(days=days))
        deal_move_stage(actor=owner, deal=Deal.objects.get(pk=deal.pk), stage=second)
    assert sorted(
        StageChange.objects.filter(from_stage=first).values_list("stay_seconds", flat=True)
    ) == [2 * 86400, 4 * 86400]
    today = timezone.localdate().isoformat()

    bars = block(
        client_for(owner), "stage_days", {"period": "custom", "start": today, "end": today}
    )
    assert (bars[0].label, bars[0].count, bars[0].total) == (first.name, 2, Decimal("3.0"))
    assert bars[1].count == 0


def test_the_forecast_weighs_by_each_stages_historical_win_rate(owner):
    from voronka.sales.models import StageChange

    stages = list(stage(0).pipeline.stages.order_by("order"))
    first = stages[0]
    recently = timezone.now() - datetime.timedelta(days=10)
    # Of four deals closed lately, one was won and three were lost from the first stage: of
    # those that reached the first stage, 25 % were won.
    lost_stage = closed_stage(StageKind.LOST)
    DealFactory(owner=owner, stage=closed_stage(StageKind.WON), closed_at=recently)
    for _n in range(3):
        deal = DealFactory(owner=owner, stage=lost_stage, closed_at=recently)
        StageChange.objects.create(
            deal=deal, from_stage=first, to_stage=lost_stage, changed_at=recently
        )
    # One lost from the second stage counts for the first and the second stage.
    deal = DealFactory(owner=owner, stage=lost_stage, closed_at=recently)
    StageChange.objects.create(
        deal=deal, from_stage=stages[1], to_stage=lost_stage, changed_at=recently
    )
    close = timezone.localdate().replace(day=15)
    DealFactory(
        owner=owner,
        stage=first,
        amount=Decimal("1000.00"),
        currency="KZT",
        expected_close_date=close,
    )

    forecast = block(client_for(owner), "forecast")[0]
    assert forecast.total == Decimal("1000.00")
    assert forecast.weighted == Decimal("1000.00") * first.probability / 100
    assert forecast.extra == Decimal("200.00")  # 1 won of 5 that reached the first stage


def test_each_user_arranges_their_own_dashboard(owner, teammate):
    client = client_for(owner)
    assert "slot-sources" in client.get(reverse("reports:dashboard")).content.decode()

    response = client.post(reverse("reports:layout"), {"blocks": ["months", "stages", "nope"]})

    assert response.status_code == 302
    page = client.get(reverse("reports:dashboard"))
    assert [panel["key"] for panel in page.context["panels"]] == ["months", "stages"]
    content = page.content.decode()
    assert content.index("slot-months") < content.index("slot-stages")
    assert "slot-sources" not in content
    others = client_for(teammate).get(reverse("reports:dashboard"))
    assert len(others.context["panels"]) == 11  # the default: every block (with marketing)
    client.post(reverse("reports:layout"), {"reset": "1"})
    assert len(client.get(reverse("reports:dashboard")).context["panels"]) == 11


def test_every_block_exports(owner):
    client = client_for(owner)
    for key in ("stages", "sources", "months", "directions", "funnel", "forecast", "lost"):
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse("reports:export", args=[key, fmt]), q2())
            assert response.status_code == 200, (key, fmt)
    stays = client.get(reverse("reports:export", args=["stage_days", "csv"]), q2())
    assert stays.content.decode("utf-8-sig").splitlines()[0] == "Название;Пребываний;Дней в среднем"


def test_the_api_gives_the_same_figures_to_whoever_may_see_them(owner, outsider):
    from voronka.accounts.models import ApiToken

    won(owner, datetime.date(2026, 5, 10), "100000.00")
    won(outsider, datetime.date(2026, 5, 11), "70000.00")
    _token, key = ApiToken.issue(user=owner, name="reports")
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Token {key}")

    summary = api.get("/api/v1/reports/dashboard/", q2()).json()
    months = api.get("/api/v1/reports/dashboard/months/", q2()).json()

    assert (summary["won_count"], summary["won_total"]) == (1, "100000.00")
    assert summary["blocks"][0] == "stages" and "stage_days" in summary["available"]
    may = next(bar for bar in months["bars"] if bar["key"] == "2026-05")
    assert (may["count"], may["total"]) == (1, "100000.00")
    assert api.get("/api/v1/reports/dashboard/nope/").status_code == 404
    wrong = api.get("/api/v1/reports/dashboard/", {"period": "custom", "start": "2026-06-01"})
    assert wrong.status_code == 400
