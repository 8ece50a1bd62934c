import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
)
from voronka.activities.models import Activity, ActivityKind
from voronka.activities.services import activity_create, activity_set_done

pytestmark = pytest.mark.django_db


def test_a_call_about_a_deal_also_shows_on_its_company(owner):
    company = CompanyFactory(owner=owner)
    deal = DealFactory(owner=owner, company=company)
    call = activity_create(
        actor=owner,
        data={
            "kind": ActivityKind.CALL,
            "subject": "Уточнить даты",
            "deal": deal,
            "due_at": timezone.now(),
        },
    )
    assert call.company == company
    assert "Уточнить даты" in client_for(owner).get(company.get_absolute_url()).content.decode()


def test_a_call_needs_a_date_but_a_note_does_not(owner):
    response = client_for(owner).post(
        reverse("activities:activity-create"), {"kind": "call", "subject": "Позвонить"}
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()
    note = activity_create(actor=owner, data={"kind": ActivityKind.NOTE, "subject": "Любит море"})
    assert note.due_at is not None


def test_marking_done_records_when(owner):
    activity = ActivityFactory(owner=owner)
    activity = activity_set_done(actor=owner, activity=activity, done=True)
    assert activity.done and activity.done_at is not None
    activity = activity_set_done(actor=owner, activity=activity, done=False)
    assert not activity.done and activity.done_at is None


def test_the_done_toggle_answers_htmx_with_the_button(owner):
    activity = ActivityFactory(owner=owner)
    response = client_for(owner).post(
        reverse("activities:activity-done", args=[activity.pk]),
        {"done": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "bi-check-circle-fill" in response.content.decode()
    activity.refresh_from_db()
    assert activity.done


def test_the_form_plans_a_call_for_a_contact(owner):
    contact = ContactFactory(owner=owner)
    response = client_for(owner).post(
        reverse("activities:activity-create"),
        {
            "kind": "call",
            "subject": "Перезвонить",
            "due_at": "2030-05-01T10:30",
            "contact": contact.pk,
        },
    )
    assert response.status_code == 302
    call = Activity.objects.get()
    # Typed in the user's time zone (Asia/Almaty, UTC+5), stored in UTC.
    assert call.due_at == datetime.datetime(2030, 5, 1, 5, 30, tzinfo=datetime.UTC)
    assert call.contact == contact


def test_home_shows_my_calls_meetings_and_tasks(owner):
    now = timezone.now()
    ActivityFactory(owner=owner, subject="Звонок Иванову", kind=ActivityKind.CALL, due_at=now)
    ActivityFactory(owner=owner, subject="Встреча в офисе", kind=ActivityKind.MEETING, due_at=now)
    ActivityFactory(
        owner=owner,
        subject="Звонок послезавтра",
        kind=ActivityKind.CALL,
        due_at=now + datetime.timedelta(days=2),
    )
    ActivityFactory(
        owner=owner,
        subject="Выставить счёт",
        kind=ActivityKind.TASK,
        due_at=timezone.now() - datetime.timedelta(days=1),
    )
    DealFactory(owner=owner, name="Большая сделка")
    body = client_for(owner).get(reverse("web:home")).content.decode()
    for text in ("Звонок Иванову", "Встреча в офисе", "Выставить счёт", "Большая сделка"):
        assert text in body
    assert "Звонок послезавтра" not in body  # the home page is about today


def test_activity_list_filters_by_kind_and_done(owner):
    ActivityFactory(owner=owner, subject="Открытый звонок")
    ActivityFactory(owner=owner, subject="Сделанная задача", kind=ActivityKind.TASK, done=True)
    client = client_for(owner)
    body = client.get(reverse("activities:activity-list"), {"kind": "task"}).content.decode()
    assert "Сделанная задача" in body and "Открытый звонок" not in body
    body = client.get(reverse("activities:activity-list"), {"done": "false"}).content.decode()
    assert "Открытый звонок" in body and "Сделанная задача" not in body
