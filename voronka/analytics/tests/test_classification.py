"""ABC, XYZ, relationship stages and retention on small hand-made data with known answers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import CompanyFactory, DealFactory, stage
from voronka.analytics import classification
from voronka.analytics.models import (
    ClassificationChange,
    ClassificationRun,
    ClassificationSettings,
)
from voronka.contacts.models import Company
from voronka.core import dates
from voronka.core.models import ExchangeRate
from voronka.sales.models import StageKind

D = Decimal
DAY = datetime.date(2026, 11, 23)


def test_abc_by_share_of_revenue_with_a_tie_at_the_threshold():
    # Total 100. Before c3 the others hold exactly 80 %: c3 is B (A is "under 80 % before").
    # c4 and c5 hold 5 each: before c5 there is 95 %, which alone would make it C, but it
    # ties with c4 and takes c4's class.
    revenue = {1: D(50), 2: D(30), 3: D(10), 4: D(5), 5: D(5), 6: D(0)}
    assert classification.abc_classes(revenue, D(80), D(15)) == {
        1: "A",
        2: "A",
        3: "B",
        4: "B",
        5: "B",
    }
    # Without the tie the last one is C; a company with no revenue gets no class.
    assert (
        classification.abc_classes({1: D(50), 2: D(30), 3: D(10), 4: D(6), 5: D(4)}, D(80), D(15))[
            5
        ]
        == "C"
    )
    # A single customer holds all the revenue: A.
    assert classification.abc_classes({7: D(1)}, D(80), D(15)) == {7: "A"}


def test_xyz_by_the_variation_of_monthly_revenue_with_zero_months():
    x, y = D(10), D(25)
    assert classification.xyz_class([D(100)] * 4, x, y) == "X"  # CV 0 %
    # mean 100, deviations ±10: σ = 10, CV = 10 % — exactly at the X bound: X.
    assert classification.xyz_class([D(90), D(110), D(90), D(110)], x, y) == "X"
    # ±20: CV 20 %: Y.
    assert classification.xyz_class([D(80), D(120), D(80), D(120)], x, y) == "Y"
    # One purchase of 400 in four months: mean 100, σ = √((3·100² + 300²)/4) = 173.2: Z.
    assert round(classification.variation([D(0), D(0), D(0), D(400)]), 1) == 173.2
    assert classification.xyz_class([D(0), D(0), D(0), D(400)], x, y) == "Z"
    # No revenue at all: no class.
    assert classification.xyz_class([D(0)] * 4, x, y) == ""


def test_relationship_stages_at_their_boundaries():
    settings = ClassificationSettings(regular_months=3, regular_window=6, lost_after_days=180)
    months = dates.month_start
    stage = classification.stage_of
    assert stage(None, set(), DAY, settings) == "potential"
    # 206 days since the last purchase: lost; exactly 180: not yet.
    assert (
        stage(datetime.date(2026, 5, 1), {months(datetime.date(2026, 5, 1))}, DAY, settings)
        == "lost"
    )
    assert stage(DAY - datetime.timedelta(days=180), {months(DAY, 6)}, DAY, settings) == "one_time"
    # June, September, November: three of the last six months (June–November): regular.
    bought = {datetime.date(2026, 6, 1), datetime.date(2026, 9, 1), datetime.date(2026, 11, 1)}
    assert stage(datetime.date(2026, 11, 2), bought, DAY, settings) == "regular"
    # May is outside the window: two months only.
    bought = {datetime.date(2026, 5, 1), datetime.date(2026, 9, 1), datetime.date(2026, 11, 1)}
    assert stage(datetime.date(2026, 11, 2), bought, DAY, settings) == "one_time"


def won_on(company, day: datetime.date, amount: str, currency: str = "KZT"):
    won = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return DealFactory(
        owner=company.owner,
        company=company,
        stage=won,
        closed_at=moment,
        amount=D(amount),
        currency=currency,
    )


@pytest.mark.django_db
def test_recompute_stores_classes_stages_and_only_the_changes(owner):
    steady = CompanyFactory(owner=owner, name="Стабильный")
    bursty = CompanyFactory(owner=owner, name="Разовый")
    lapsed = CompanyFactory(owner=owner, name="Ушедший")
    never = CompanyFactory(owner=owner, name="Потенциальный")
    for back in range(1, 13):  # every month of the last year, the same amount
        won_on(steady, dates.month_start(DAY, back) + datetime.timedelta(days=9), "1000")
    won_on(bursty, datetime.date(2026, 10, 5), "500")  # one purchase last month
    won_on(lapsed, datetime.date(2025, 12, 5), "300")  # a year ago
    # A purchase in a currency without a rate: it counts for the stage, not for the revenue.
    won_on(bursty, datetime.date(2026, 11, 2), "10", "GBP")

    run = classification.recompute(DAY)

    found = {
        c.name: (c.abc_class, c.xyz_class, c.relationship_stage, c.classified_on)
        for c in Company.objects.all()
    }
    # Revenue over the 12 months before November: 12,000 + 500 + 300 = 12,800; the steady
    # customer holds 93.75 %: A (nobody before it); then 500 (before: 93.75 %): B; 300: C.
    assert found == {
        "Стабильный": ("A", "X", "regular", DAY),
        "Разовый": ("B", "Z", "one_time", DAY),
        "Ушедший": ("C", "Z", "lost", DAY),
        "Потенциальный": ("", "", "potential", DAY),
    }
    assert (run.companies, run.changed) == (4, 3)
    assert ClassificationChange.objects.filter(company=never).count() == 0
    assert set(
        ClassificationChange.objects.filter(company=steady).values_list("field", "old", "new")
    ) == {("abc", "", "A"), ("xyz", "", "X"), ("stage", "potential", "regular")}

    again = classification.recompute(DAY)  # nothing changed: no new history
    assert again.changed == 0 and ClassificationChange.objects.count() == 9

    later = DAY + datetime.timedelta(days=200)  # nobody bought since: all lost
    classification.recompute(later)
    assert set(Company.objects.values_list("relationship_stage", flat=True)) == {
        "lost",
        "potential",
    }
    assert ClassificationChange.objects.filter(
        company=steady, field="stage", old="regular", new="lost", day=later
    ).exists()
    assert ClassificationRun.objects.count() == 3


@pytest.mark.django_db
def test_revenue_is_converted_at_the_rate_of_the_day_it_was_won(owner):
    ExchangeRate.objects.create(currency="USD", date=datetime.date(2026, 3, 1), rate=D("500"))
    dollars = CompanyFactory(owner=owner)
    tenge = CompanyFactory(owner=owner)
    won_on(dollars, datetime.date(2026, 3, 10), "100", "USD")  # 50,000 ₸
    won_on(tenge, datetime.date(2026, 3, 11), "40000")
    classification.recompute(DAY)
    dollars.refresh_from_db()
    tenge.refresh_from_db()
    # 50,000 of 90,000 = 55.6 %: the dollar customer is A, the other (before it 55.6 %) A too.
    assert (dollars.abc_class, tenge.abc_class) == ("A", "A")
    ClassificationSettings.objects.filter(pk=1).update(abc_a=D(50), abc_b=D(45))
    classification.recompute(DAY)
    tenge.refresh_from_db()
    assert tenge.abc_class == "B"


@pytest.mark.django_db
def test_retention_is_the_lost_customers_of_the_period_over_those_at_its_start(owner):
    companies = [CompanyFactory(owner=owner) for _ in range(5)]
    history = [
        # (company, day, old, new)
        (0, datetime.date(2026, 1, 10), "potential", "one_time"),
        (1, datetime.date(2026, 2, 10), "potential", "regular"),
        (2, datetime.date(2026, 3, 10), "potential", "one_time"),
        (3, datetime.date(2026, 3, 10), "potential", "one_time"),
        (3, datetime.date(2026, 3, 20), "one_time", "lost"),  # lost before the period
        (0, datetime.date(2026, 5, 2), "one_time", "lost"),  # lost in it
        (4, datetime.date(2026, 5, 3), "potential", "one_time"),  # a new customer in it
        (4, datetime.date(2026, 6, 3), "one_time", "lost"),  # not a customer at the start
    ]
    for index, day, old, new in history:
        ClassificationChange.objects.create(
            company=companies[index], day=day, field="stage", old=old, new=new
        )
    mine = Company.objects.filter(owner=owner)

    at_start, lost, ratio = classification.retention(
        mine, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
    )

    # At the start: 0 (one-time), 1 (regular), 2 (one-time) — 3 customers; lost: 0 → 1/3.
    assert (at_start, lost, ratio) == (3, 1, 33.3)
    moves = classification.stage_moves(mine, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert moves == {("one_time", "lost"): 2, ("potential", "one_time"): 1}
    assert classification.retention(
        mine, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    ) == (0, 0, None)


@pytest.mark.django_db
def test_the_matrix_page_counts_what_the_user_may_see(owner, outsider, admin_user):
    for abc, xyz in (("A", "X"), ("A", "X"), ("B", "Z")):
        company = CompanyFactory(owner=owner)
        Company.objects.filter(pk=company.pk).update(
            abc_class=abc, xyz_class=xyz, relationship_stage="regular"
        )
    hidden = CompanyFactory(owner=outsider)
    Company.objects.filter(pk=hidden.pk).update(abc_class="A", xyz_class="X")

    page = client_for(owner).get(reverse("reports:abc-xyz"))

    assert page.status_code == 200
    assert page.context["cells"]["A"]["X"]["count"] == 2
    assert page.context["cells"]["B"]["Z"]["count"] == 1
    assert page.context["stages"]["regular"]["count"] == 3
    listed = client_for(owner).get(page.context["cells"]["A"]["X"]["url"])
    assert listed.context["page_obj"].paginator.count == 2
    assert (
        client_for(admin_user).get(reverse("reports:abc-xyz")).context["cells"]["A"]["X"]["count"]
        == 3
    )


@pytest.mark.django_db
def test_recompute_on_demand_and_the_settings_are_for_those_who_configure(owner, admin_user):
    assert client_for(owner).post(reverse("reports:abc-xyz")).status_code == 403
    assert client_for(owner).get(reverse("reports:classification-settings")).status_code == 403
    admin = client_for(admin_user)
    response = admin.post(reverse("reports:abc-xyz"))
    assert (
        response.status_code == 302 and ClassificationRun.objects.count() == 1
    )  # at once in tests

    wrong = admin.post(
        reverse("reports:classification-settings"),
        {
            "abc_a": "90",
            "abc_b": "20",
            "abc_months": "12",
            "xyz_months": "12",
            "xyz_x": "10",
            "xyz_y": "25",
            "regular_months": "3",
            "regular_window": "6",
            "lost_after_days": "180",
            "company_key_fields": ["industry", "city"],
            "contact_key_fields": ["position"],
        },
    )
    assert wrong.status_code == 200
    assert "A и B вместе не могут превышать 100 %." in wrong.content.decode()
    assert 'value="90' in wrong.content.decode()  # what was typed stays
    fixed = admin.post(
        reverse("reports:classification-settings"),
        {
            **wrong.wsgi_request.POST.dict(),
            "abc_b": "5",
            "company_key_fields": ["industry", "city"],
            "contact_key_fields": ["position"],
        },
    )
    assert fixed.status_code == 302
    saved = ClassificationSettings.get()
    assert (saved.abc_a, saved.abc_b, saved.company_key_fields) == (
        D(90),
        D(5),
        ["industry", "city"],
    )


@pytest.mark.django_db
def test_class_and_stage_filter_the_company_list_and_the_api(owner):
    wanted = CompanyFactory(owner=owner, name="Класс А")
    CompanyFactory(owner=owner, name="Без класса")
    Company.objects.filter(pk=wanted.pk).update(
        abc_class="A", xyz_class="Y", relationship_stage="regular", classified_on=DAY
    )
    client = client_for(owner)
    listed = client.get(
        reverse("contacts:company-list"), {"abc_class": "A", "relationship_stage": "regular"}
    )
    assert [c.name for c in listed.context["page_obj"]] == ["Класс А"]
    assert 'data-testid="abc-badge">AY<' in listed.content.decode()
    detail = client.get(wanted.get_absolute_url()).content.decode()
    assert 'data-testid="classification"' in detail and "постоянный" in detail
    from django.test import Client

    from voronka.accounts.models import ApiToken

    _token, key = ApiToken.issue(user=owner, name="t")
    row = Client(HTTP_AUTHORIZATION=f"Token {key}").get(f"/api/v1/companies/{wanted.pk}/").json()
    assert (row["abc_class"], row["xyz_class"], row["relationship_stage"]) == ("A", "Y", "regular")
