"""Bad input never gives a 500 (issue 10, section 3): each case found with a real request,
answered with a clear 400 or a form error, on SQLite and on PostgreSQL alike.

The numbers are the ones that broke: an id of 10**23 overflows SQLite's INTEGER (OverflowError)
and PostgreSQL's bigint (DataError); a date in year 1 or 9999 overflows Python's datetime as
soon as a day is added or a time zone applied.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from tests.factories import ActivityFactory, DealFactory, stage
from voronka.activities.models import Activity
from voronka.analytics.models import ReportSharing, SavedReport
from voronka.analytics.views_plans import SalesPlanForm
from voronka.core import bounds

pytestmark = pytest.mark.django_db

HUGE_ID = str(10**23)


def no_record() -> str:
    with translation.override("ru"):
        try:
            bounds.validate_id(HUGE_ID)
        except ValidationError as error:
            return error.messages[0]
    raise AssertionError("an id of 10**23 passed")


def date_range_message() -> str:
    with translation.override("ru"):
        return bounds.day_range_error().messages[0]


def test_a_board_column_with_a_stage_that_is_not_a_number_is_a_400(owner):
    response = client_for(owner).get(reverse("sales:deal-board-column"), {"stage": "abc"})
    assert response.status_code == 400
    assert no_record() in response.content.decode()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("contacts:contact-list", "company"),
        ("sales:deal-list", "company"),
        ("sales:deal-list", "contact"),
        ("sales:deal-list", "lost_reason"),
        ("activities:activity-list", "company"),
        ("activities:activity-list", "contact"),
        ("activities:activity-list", "deal"),
    ],
)
def test_an_id_of_10_23_in_a_list_filter_is_a_form_error(owner, url, name):
    response = client_for(owner).get(reverse(url), {name: HUGE_ID, "search": "Лондон"})
    assert response.status_code == 200
    form = response.context["list"].filterset.form
    assert form.errors[name] == [no_record()]
    assert no_record() in response.content.decode()  # shown, though the filter is hidden
    # What was typed stays in the form.
    assert form["search"].value() == "Лондон"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("api:contact-list", "company"),
        ("api:deal-list", "company"),
        ("api:deal-list", "contact"),
        ("api:activity-list", "deal"),
    ],
)
def test_an_id_of_10_23_in_an_api_filter_is_a_400_naming_it(owner, url, name):
    response = client_for(owner).get(reverse(url), {name: HUGE_ID})
    assert response.status_code == 400
    assert name in response.json()


def test_a_calendar_events_user_of_10_23_is_a_400(owner):
    response = client_for(owner).get(
        reverse("calendars:events"),
        {"start": "2026-01-01T00:00:00", "end": "2026-02-01T00:00:00", "user": HUGE_ID},
    )
    assert response.status_code == 400
    assert response.json()["error"]


def test_an_api_calendar_user_of_10_23_is_a_400_naming_it(owner):
    response = client_for(owner).get(
        reverse("api:calendar-list"),
        {"start": "2026-01-01T00:00:00", "end": "2026-02-01T00:00:00", "user": HUGE_ID},
    )
    assert response.status_code == 400
    assert "user" in response.json()


def test_a_board_offset_of_10_20_is_a_400(owner):
    DealFactory(owner=owner)
    response = client_for(owner).get(
        reverse("sales:deal-board-column"), {"stage": stage(0).pk, "offset": str(10**20)}
    )
    assert response.status_code == 400


def test_a_calendar_range_starting_in_year_1_is_a_400(owner):
    response = client_for(owner).get(
        reverse("calendars:events"),
        {"start": "0001-01-01T00:00:00", "end": "2026-02-01T00:00:00"},
    )
    assert response.status_code == 400
    assert "1900" in response.json()["error"]


def test_a_report_period_ending_9999_12_31_is_a_form_error(owner):
    period = {"period": "custom", "start": "2026-01-01", "end": "9999-12-31"}
    client = client_for(owner)
    page = client.get(reverse("reports:dashboard"), period)
    assert page.status_code == 200
    assert page.context["form"].errors == {"end": [date_range_message()]}  # said once
    assert date_range_message() in page.content.decode()
    assert page.context["form"]["end"].value() == "9999-12-31"  # kept as typed
    block = client.get(reverse("reports:block", args=["months"]), period)
    assert block.status_code == 200
    export = client.get(reverse("reports:export", args=["months", "csv"]), period)
    assert export.status_code == 400
    assert date_range_message() in export.content.decode()
    api = client.get(reverse("api:dashboard-list"), period)
    assert api.status_code == 400
    assert "end" in api.json()


def test_the_plans_of_a_month_from_9999_12_01_are_refused_with_a_message(owner):
    response = client_for(owner).get(
        reverse("reports:plans"), {"period": "quarter", "start": "9999-12-01"}
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [date_range_message()]


def test_a_plan_from_9999_12_is_a_form_error(admin_user):
    response = client_for(admin_user).post(
        reverse("reports:plan-new"),
        {"period": "month", "start": "9999-12", "amount": "1000"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start"] == [date_range_message()]


def test_the_plan_form_keeps_a_month_within_the_bounds(admin_user):
    form = SalesPlanForm(
        data={"period": "month", "start": "2999-12", "amount": "1000"}, user=admin_user
    )
    assert form.is_valid(), form.errors


def _builder_post(**extra) -> dict:
    return {
        "name": "NaN",
        "entity": "deals",
        "columns": ["name", "amount"],
        "sharing": ReportSharing.EVERYONE,
        "filter_0_field": "amount",
        "filter_0_op": "gte",
        "filter_0_value": "NaN",
        **extra,
    }


@pytest.mark.parametrize("action", [{}, {"preview": "1"}])
def test_a_builder_filter_of_amount_at_least_nan_is_a_form_error(owner, action):
    response = client_for(owner).post(reverse("reports:builder-new"), _builder_post(**action))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SavedReport.objects.exists()


def test_a_saved_report_holding_nan_runs_and_exports_with_a_message(owner, teammate):
    # Saved before the fix: the NaN is in the database, and the report is shared.
    report = SavedReport.objects.create(
        author=owner,
        name="Старый отчёт",
        entity="deals",
        spec={
            "columns": ["name", "amount"],
            "filters": [{"field": "amount", "op": "gte", "value": "NaN"}],
        },
        sharing=ReportSharing.EVERYONE,
    )
    DealFactory(owner=teammate)
    reader = client_for(teammate)
    run = reader.get(reverse("reports:builder-run", args=[report.pk]))
    assert run.status_code == 200
    assert run.context["problem"]
    for fmt in ("csv", "xlsx"):
        export = reader.get(reverse("reports:builder-export", args=[report.pk, fmt]))
        assert export.status_code == 400
        assert run.context["problem"] in export.content.decode()
    api = reader.get(reverse("api:saved-report-run", args=[report.pk]))
    assert api.status_code == 400


def test_an_api_activity_due_at_0001_01_01_is_a_400_naming_the_field(owner):
    response = client_for(owner).post(
        reverse("api:activity-list"),
        {"kind": "call", "subject": "Звонок", "due_at": "0001-01-01T00:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["due_at"] == [date_range_message()]


def test_nothing_is_saved_by_a_refused_api_activity(owner):
    client_for(owner).post(
        reverse("api:activity-list"),
        {"kind": "call", "subject": "Звонок", "due_at": "9999-12-31T23:59:00+00:00"},
        content_type="application/json",
    )
    assert not Activity.objects.exists()


# The same class elsewhere: where else an id, a date or a number arrives in a request.


@pytest.mark.parametrize("value", [HUGE_ID, "abc", "²"])
def test_a_record_form_with_a_link_that_cannot_be_an_id_is_a_form_error(owner, value):
    # The company is chosen by autocomplete: the form shown again with the error must not
    # query the database with what was sent (10**23 overflows, "abc" is no number).
    response = client_for(owner).post(
        reverse("contacts:contact-create"),
        {"last_name": "Петров", "first_name": "Пётр", "company": value},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "company" in form.errors
    assert form["last_name"].value() == "Петров"


def test_participants_that_cannot_be_ids_are_a_form_error(owner):
    response = client_for(owner).post(
        reverse("activities:activity-create"),
        {
            "kind": "meeting",
            "subject": "Встреча",
            "due_at": "2026-03-02T10:00",
            "participants": [str(owner.pk), HUGE_ID],
        },
    )
    assert response.status_code == 200
    assert "participants" in response.context["form"].errors
    assert not Activity.objects.exists()


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_an_activity_due_at_the_ends_of_the_calendar_is_a_form_error(owner, due_at):
    response = client_for(owner).post(
        reverse("activities:activity-create"),
        {"kind": "call", "subject": "Звонок", "due_at": due_at},
    )
    assert response.status_code == 200
    assert date_range_message() in response.context["form"].errors["due_at"]
    assert response.context["form"]["subject"].value() == "Звонок"


def test_a_calendar_move_to_year_1_is_a_400(owner):
    activity = ActivityFactory(owner=owner)
    response = client_for(owner).post(
        reverse("calendars:event-move", args=[activity.pk]),
        {"start": "0001-01-01T00:00:00", "version": str(activity.version)},
    )
    assert response.status_code == 400
    assert response.json()["error"] == date_range_message()


def test_bulk_actions_drop_ids_that_cannot_be_ids(owner):
    deal = DealFactory(owner=owner)
    response = client_for(owner).post(
        reverse("web:bulk", args=["deal"]),
        {"ids": [HUGE_ID, "²", str(deal.pk)], "action": "stage", "stage": "²", "next": "/"},
        follow=True,
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage == stage(0)


@pytest.mark.parametrize(
    "url",
    [
        f"/deals/{HUGE_ID}/",
        f"/companies/{HUGE_ID}/edit/",
        f"/r/deal/{HUGE_ID}/",
        f"/api/v1/deals/{HUGE_ID}/",
        f"/reports/builder/{HUGE_ID}/",
        f"/deals/{'9' * 10_000}/",
    ],
)
def test_an_id_of_10_23_in_a_path_is_a_404(owner, url):
    assert client_for(owner).get(url, follow=True).status_code == 404


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("company", "1e309"),  # JSON reads it as infinity
        ("deal", HUGE_ID),
        ("participants", f"[{HUGE_ID}]"),
        ("version", HUGE_ID),
    ],
)
def test_an_api_number_that_cannot_be_an_id_is_a_400_naming_it(owner, name, value):
    body = f'{{"kind": "call", "subject": "Звонок", "{name}": {value}}}'
    response = client_for(owner).post(
        reverse("api:activity-list"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert name in response.json()
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("web:rates", {"currency": "\x00"}),
        ("activities:activity-create", {"kind": "\x00"}),
    ],
)
def test_a_nul_byte_in_a_parameter_never_reaches_the_database(admin_user, url, params):
    # PostgreSQL refuses a NUL in a text value (a ValueError from the driver): a 500 there.
    assert client_for(admin_user).get(reverse(url), params).status_code == 200


def test_a_moment_stored_before_the_bounds_is_still_shown_by_the_api(owner):
    # The API once took 0001-01-01T00:00:00Z; such a row is shown as it is, not refused.
    activity = ActivityFactory(owner=owner, due_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC))
    response = client_for(owner).get(reverse("api:activity-detail", args=[activity.pk]))
    assert response.status_code == 200
    assert response.json()["due_at"].startswith("0001-01-01")
