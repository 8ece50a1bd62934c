"""The report builder: whitelisted fields only, filters, two levels of grouping with totals,
exports, sharing, the schedule, and — acceptance 3 — a manager's saved report never shows
another team's deals, to whoever opens it."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, DealFactory, stage
from voronka.analytics import builder
from voronka.analytics.models import SavedReport

pytestmark = pytest.mark.django_db


def deals_spec(**extra) -> dict:
    return {"columns": ["name", "owner", "amount"], **extra}


@pytest.fixture
def deals(owner, teammate, outsider):
    almaty = CompanyFactory(owner=owner, region="Алматинская область")
    astana = CompanyFactory(owner=teammate, region="Акмолинская область")
    first, second = stage(0), stage(1)
    return [
        DealFactory(
            owner=owner,
            name="Наша 1",
            company=almaty,
            stage=first,
            amount=Decimal("100"),
            currency="KZT",
        ),
        DealFactory(
            owner=owner,
            name="Наша 2",
            company=almaty,
            stage=second,
            amount=Decimal("300"),
            currency="KZT",
        ),
        DealFactory(
            owner=teammate,
            name="Коллеги",
            company=astana,
            stage=first,
            amount=Decimal("50"),
            currency="KZT",
        ),
        DealFactory(
            owner=outsider, name="Чужая", stage=first, amount=Decimal("999"), currency="KZT"
        ),
    ]


@pytest.mark.parametrize(
    "spec",
    [
        {"columns": ["owner__password"]},
        {"columns": ["company__owner__password"]},
        {
            "columns": ["name"],
            "filters": [{"field": "owner__password", "op": "equals", "value": "x"}],
        },
        {"columns": ["name"], "group_by": ["owner__email"]},
        {"columns": ["name"], "aggregate": {"fn": "sum", "field": "owner__id"}},
        {"columns": ["name"], "aggregate": {"fn": "max; DROP TABLE x", "field": "amount"}},
        {"columns": ["name"], "filters": [{"field": "name", "op": "regex", "value": ".*"}]},
        {"columns": ["name"], "sort": "owner__password"},
    ],
)
def test_anything_outside_the_whitelist_is_refused(spec):
    with pytest.raises(ValidationError):
        builder.clean_spec("deals", spec)


def test_wrong_values_are_explained():
    with pytest.raises(ValidationError) as error:
        builder.clean_spec(
            "deals",
            {"columns": ["name"], "filters": [{"field": "amount", "op": "gte", "value": "много"}]},
        )
    assert (
        "«много» — не число (Сумма)." in error.value.messages[0]
        or "много" in error.value.messages[0]
    )


def test_flat_rows_filtered_by_a_related_field(deals, head):
    result = builder.run(
        "deals",
        deals_spec(
            columns=["name", "company_region", "amount"],
            filters=[{"field": "company_region", "op": "contains", "value": "алматин"}],
            sort="-amount",
        ),
        head,
    )
    assert result.rows == [
        ["Наша 2", "Алматинская область", Decimal("300.00")],
        ["Наша 1", "Алматинская область", Decimal("100.00")],
    ]


def test_two_levels_of_grouping_with_count_sum_and_average(deals, head):
    first, second = stage(0).name, stage(1).name
    spec = {
        "group_by": ["owner", "stage"],
        "aggregate": {"fn": "sum", "field": "amount"},
        "sort": "-value",
    }
    result = builder.run("deals", spec, head)
    assert result.rows == [
        ["Алия Нурланова", second, Decimal("300.00")],
        ["Алия Нурланова", first, Decimal("100.00")],
        ["Данияр Ахметов", first, Decimal("50.00")],
    ]
    counted = builder.run("deals", {"group_by": ["owner"]}, head)
    assert counted.rows == [["Алия Нурланова", 2], ["Данияр Ахметов", 1]]
    average = builder.run(
        "deals", {"group_by": ["owner"], "aggregate": {"fn": "avg", "field": "amount"}}, head
    )
    assert average.rows[0] == ["Алия Нурланова", Decimal("200.00")]
    # Grouped by the owner's id, ordered by the name people read.
    backwards = builder.run("deals", {"group_by": ["owner"], "sort": "-owner"}, head)
    assert [row[0] for row in backwards.rows] == ["Данияр Ахметов", "Алия Нурланова"]


def test_a_managers_saved_report_never_shows_another_teams_deals(
    deals, owner, teammate, outsider, head
):
    """Acceptance 3: the report is shared with everyone; each viewer sees only their own
    rights' rows — never another team's deals."""
    report = SavedReport.objects.create(
        name="Все сделки", author=owner, entity="deals", spec=deals_spec(), sharing="everyone"
    )
    url = reverse("reports:builder-run", args=[report.pk])

    mine = client_for(owner).get(url).content.decode()
    theirs = client_for(outsider).get(url).content.decode()
    exported = client_for(owner).get(reverse("reports:builder-export", args=[report.pk, "csv"]))

    assert "Наша 1" in mine and "Коллеги" in mine and "Чужая" not in mine
    assert "Чужая" in theirs and "Наша 1" not in theirs and "Коллеги" not in theirs
    assert "Чужая" not in exported.content.decode("utf-8-sig")
    grouped = builder.run("deals", {"group_by": ["owner_team"]}, owner)
    assert [row[0] for row in grouped.rows] == ["Группа А"]


def test_sharing_decides_who_may_open_a_report(owner, teammate, outsider, admin_user):
    private = SavedReport.objects.create(
        name="Моё", author=owner, entity="deals", spec=deals_spec()
    )
    team = SavedReport.objects.create(
        name="Команде",
        author=owner,
        entity="deals",
        spec=deals_spec(),
        sharing="team",
        team=owner.team,
    )
    assert (
        client_for(teammate).get(reverse("reports:builder-run", args=[private.pk])).status_code
        == 404
    )
    assert (
        client_for(teammate).get(reverse("reports:builder-run", args=[team.pk])).status_code == 200
    )
    assert (
        client_for(outsider).get(reverse("reports:builder-run", args=[team.pk])).status_code == 404
    )
    listed = client_for(teammate).get(reverse("reports:builder")).content.decode()
    assert "Команде" in listed and "Моё" not in listed
    # Only the author (or an administrator) changes or deletes it.
    assert (
        client_for(teammate).get(reverse("reports:builder-edit", args=[team.pk])).status_code == 403
    )
    assert (
        client_for(teammate).post(reverse("reports:builder-delete", args=[team.pk])).status_code
        == 403
    )
    assert (
        client_for(admin_user).post(reverse("reports:builder-delete", args=[team.pk])).status_code
        == 302
    )


def test_made_in_the_form_previewed_saved_and_exported(deals, owner):
    client = client_for(owner)
    form = {
        "name": "По стадиям",
        "entity": "deals",
        "group_1": "stage",
        "aggregate": "sum",
        "aggregate_field": "amount",
        "sort": "-value",
        "chart": "bar",
        "sharing": "private",
        "filter_0_field": "amount",
        "filter_0_op": "gte",
        "filter_0_value": "60",
    }
    preview = client.post(reverse("reports:builder-new"), {**form, "preview": "1"})
    assert preview.status_code == 200 and SavedReport.objects.count() == 0
    assert preview.context["preview"].rows == [
        [stage(1).name, Decimal("300.00")],
        [stage(0).name, Decimal("100.00")],
    ]

    saved = client.post(reverse("reports:builder-new"), {**form, "save": "1"})
    report = SavedReport.objects.get()
    assert saved.status_code == 302 and report.spec["group_by"] == ["stage"]
    page = client.get(reverse("reports:builder-run", args=[report.pk]))
    assert 'id="chart-report"' in page.content.decode()
    csv = client.get(reverse("reports:builder-export", args=[report.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0] == "Стадия продаж;сумма: Сумма"
    xlsx = client.get(reverse("reports:builder-export", args=[report.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(owner):
    response = client_for(owner).post(
        reverse("reports:builder-new"),
        {
            "name": "Ошибка",
            "entity": "deals",
            "sharing": "private",
            "filter_0_field": "amount",
            "filter_0_op": "gte",
            "filter_0_value": "много",
            "save": "1",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200 and SavedReport.objects.count() == 0
    assert 'value="много"' in content and 'value="Ошибка"' in content
    assert "не число" in content


def test_scheduled_reports_are_mailed_when_due_and_once(deals, owner, outsider):
    from voronka.analytics.mailing import send_due_reports

    SavedReport.objects.create(
        name="Неделя", author=owner, entity="deals", spec=deals_spec(), schedule="weekly"
    )
    SavedReport.objects.create(
        name="Месяц", author=outsider, entity="deals", spec=deals_spec(), schedule="monthly"
    )
    monday = datetime.date(2026, 11, 23)
    assert send_due_reports(monday) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email] and "Неделя" in message.subject
    attached = message.attachments[0]
    assert attached[0].endswith(".xlsx")
    assert send_due_reports(monday) == 0  # not twice the same day
    assert send_due_reports(datetime.date(2026, 11, 24)) == 0  # Tuesday
    assert send_due_reports(datetime.date(2026, 12, 1)) == 1  # the 1st


def test_the_api_runs_a_report_with_the_callers_rights(deals, owner, outsider):
    from django.test import Client

    from voronka.accounts.models import ApiToken

    report = SavedReport.objects.create(
        name="Все", author=owner, entity="deals", spec=deals_spec(), sharing="everyone"
    )
    _token, key = ApiToken.issue(user=outsider, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    listed = api.get("/api/v1/reports/saved/").json()
    assert [row["name"] for row in listed["results"]] == ["Все"]
    run = api.get(f"/api/v1/reports/saved/{report.pk}/run/").json()
    assert [row[0] for row in run["rows"]] == ["Чужая"]


@pytest.mark.parametrize("count", [2, 8])
def test_the_report_page_runs_a_fixed_number_of_queries(count, owner, django_assert_num_queries):
    for n in range(count):
        DealFactory(owner=owner, name=f"Сделка {n}", company=CompanyFactory(owner=owner))
    report = SavedReport.objects.create(
        name="Все",
        author=owner,
        entity="deals",
        spec={"columns": ["name", "company_name", "stage", "owner"]},
    )
    client = client_for(owner)
    url = reverse("reports:builder-run", args=[report.pk])
    client.get(url)
    # session, user, role, team, the bell, the report, its rows' count and page, and the
    # access checks of the author's rights
    with django_assert_num_queries(12):
        client.get(url)


def test_a_chart_grouped_by_a_date_names_its_days_as_people_write_them(owner):
    DealFactory(owner=owner, expected_close_date=datetime.date(2026, 11, 7))
    spec = {"group_by": ["expected_close"], "chart": "bar"}
    result = builder.run("deals", spec, owner)
    assert result.chart["labels"] == ["07.11.2026"]
