"""Types, outcomes and the postponement follow-up (issue 4: "completing an activity asks for
its outcome")."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ActivityFactory, CompanyFactory, DealFactory
from voronka.activities.models import Activity, ActivityKind, ActivityType, Outcome, OutcomeKind
from voronka.activities.selectors import postponements
from voronka.activities.services import activity_complete, activity_create, activity_update

pytestmark = pytest.mark.django_db


def outcome(kind: str) -> Outcome:
    return Outcome.objects.get(kind=kind)


def test_the_default_lists_exist_and_the_kind_follows_the_type(owner):
    incoming = ActivityType.objects.get(name="Входящий звонок")
    assert incoming.kind == ActivityKind.CALL and incoming.direction == "in"
    assert set(Outcome.objects.values_list("kind", flat=True)) == set(OutcomeKind.values)
    meeting = ActivityType.objects.get(kind=ActivityKind.MEETING)

    call = activity_create(
        actor=owner,
        data={"type": incoming, "kind": "", "subject": "Клиент звонил", "due_at": timezone.now()},
    )
    assert call.kind == ActivityKind.CALL
    changed = activity_update(actor=owner, activity=call, data={"type": meeting}, version=None)
    assert changed.kind == ActivityKind.MEETING
    # A kind alone (an old client of the API) gets the first type of that kind.
    task = activity_create(
        actor=owner, data={"kind": "task", "subject": "Счёт", "due_at": timezone.now()}
    )
    assert task.type.kind == ActivityKind.TASK


def test_a_postponement_needs_the_new_date_and_the_reason(owner):
    call = ActivityFactory(owner=owner)
    with pytest.raises(ValidationError) as error:
        activity_complete(actor=owner, activity=call, outcome=outcome(OutcomeKind.POSTPONED))
    assert set(error.value.message_dict) == {"note", "new_due"}
    with pytest.raises(ValidationError) as error:
        activity_complete(
            actor=owner,
            activity=call,
            outcome=outcome(OutcomeKind.POSTPONED),
            note="Клиент в отпуске",
            new_due=timezone.now() - datetime.timedelta(hours=1),
        )
    assert set(error.value.message_dict) == {"new_due"}
    call.refresh_from_db()
    assert not call.done and call.outcome is None


def test_a_postponement_plans_the_follow_up_and_is_counted_for_the_client_and_deal(owner):
    company = CompanyFactory(owner=owner)
    deal = DealFactory(owner=owner, company=company)
    start = timezone.now() + datetime.timedelta(hours=2)
    call = activity_create(
        actor=owner,
        data={
            "kind": "call",
            "subject": "Обсудить договор",
            "deal": deal,
            "due_at": start,
            "end_at": start + datetime.timedelta(minutes=45),
            "remind_before": 15,
        },
    )
    new_due = timezone.now() + datetime.timedelta(days=3)

    done, follow_up = activity_complete(
        actor=owner,
        activity=call,
        outcome=outcome(OutcomeKind.POSTPONED),
        note="Директор в командировке",
        new_due=new_due,
    )

    assert done.done and done.done_at and done.outcome.kind == OutcomeKind.POSTPONED
    assert done.outcome_note == "Директор в командировке"
    assert follow_up is not None and not follow_up.done
    assert Activity.objects.get(pk=call.pk).follow_up == follow_up
    assert (follow_up.subject, follow_up.deal, follow_up.company) == (
        "Обсудить договор",
        deal,
        company,
    )
    assert follow_up.due_at == new_due
    assert follow_up.end_at - follow_up.due_at == datetime.timedelta(minutes=45)
    assert follow_up.remind_at == new_due - datetime.timedelta(minutes=15)
    assert postponements(companies=[company.pk]) == {company.pk: 1}
    assert postponements(deals=[deal.pk]) == {deal.pk: 1}


def test_a_refusal_needs_a_reason_and_a_success_does_not(owner):
    call, other = ActivityFactory(owner=owner), ActivityFactory(owner=owner)
    with pytest.raises(ValidationError) as error:
        activity_complete(actor=owner, activity=call, outcome=outcome(OutcomeKind.REFUSED))
    assert "note" in error.value.message_dict
    done, follow_up = activity_complete(
        actor=owner, activity=other, outcome=outcome(OutcomeKind.SUCCESS)
    )
    assert done.done and follow_up is None


def test_a_teammate_cannot_complete_someone_elses_call(owner, teammate):
    call = ActivityFactory(owner=owner)
    with pytest.raises(Exception) as error:
        activity_complete(actor=teammate, activity=call, outcome=outcome(OutcomeKind.SUCCESS))
    assert error.type.__name__ == "PermissionDenied"
    call.refresh_from_db()
    assert not call.done


def test_the_reminder_time_follows_the_start_and_is_reset_when_it_moves(owner):
    start = timezone.now() + datetime.timedelta(days=1)
    call = activity_create(
        actor=owner,
        data={"kind": "call", "subject": "Напомнить", "due_at": start, "remind_before": 60},
    )
    assert call.remind_at == start - datetime.timedelta(hours=1)
    Activity.objects.filter(pk=call.pk).update(reminded_at=timezone.now())
    call.refresh_from_db()
    later = start + datetime.timedelta(days=1)
    moved = activity_update(actor=owner, activity=call, data={"due_at": later}, version=None)
    assert moved.remind_at == later - datetime.timedelta(hours=1)
    assert moved.reminded_at is None


def test_the_complete_form_postpones_in_the_browser(owner):
    call = ActivityFactory(owner=owner, subject="Перезвонить")
    client = client_for(owner)
    url = reverse("activities:activity-complete", args=[call.pk])

    page = client.get(url)
    assert page.status_code == 200 and "Перенос" in page.content.decode()
    refused = client.post(url, {"outcome": outcome(OutcomeKind.POSTPONED).pk, "note": "Болеет"})
    assert refused.status_code == 200
    content = refused.content.decode()
    assert "Укажите новую дату." in content and "Болеет" in content  # kept what was typed

    new_due = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {"outcome": outcome(OutcomeKind.POSTPONED).pk, "note": "Болеет", "new_due": new_due},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.done and call.follow_up is not None
    assert response["Location"] == call.follow_up.get_absolute_url()


def test_the_api_completes_with_an_outcome(owner):
    call = ActivityFactory(owner=owner)
    client = client_for(owner)
    url = f"/api/v1/activities/{call.pk}/complete/"

    bad = client.post(url, {"outcome": outcome(OutcomeKind.POSTPONED).pk}, "application/json")
    assert bad.status_code == 400 and "new_due" in bad.json()
    new_due = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    ok = client.post(
        url,
        {"outcome": outcome(OutcomeKind.POSTPONED).pk, "note": "Перенос", "new_due": new_due},
        "application/json",
    )
    assert ok.status_code == 200
    done, follow_up = ok.json()
    assert (
        done["done"] and done["outcome_name"] == "Перенос" and done["follow_up"] == follow_up["id"]
    )
    assert not follow_up["done"]
    listed = client.get("/api/v1/outcomes/").json()
    assert {o["kind"] for o in listed} == set(OutcomeKind.values)


def test_anyone_passes_a_request_to_another_department_as_a_task(
    owner, outsider, django_capture_on_commit_callbacks
):
    from voronka.notifications.models import Notification

    due = timezone.now() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        task = activity_create(
            actor=owner,
            data={
                "kind": "task",
                "subject": "Подготовить счёт для клиента",
                "purpose": "Клиент ждёт счёт до пятницы",
                "due_at": due,
                "owner": outsider,
            },
        )
    assert task.owner == outsider and task.assigned_by == owner
    note = Notification.objects.get(user=outsider)
    assert "Подготовить счёт для клиента" in note.title and note.url == task.get_absolute_url()
    # Other kinds of activity keep to the author's change scope.
    with pytest.raises(ValidationError) as error:
        activity_create(
            actor=owner,
            data={"kind": "call", "subject": "Позвонить", "due_at": due, "owner": outsider},
        )
    assert "owner" in error.value.message_dict


def test_a_meeting_with_participants_sends_them_an_invitation(
    owner, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    teammate.email = "teammate@example.com"
    teammate.save()
    start = timezone.now() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        activity_create(
            actor=owner,
            data={"kind": "meeting", "subject": "Встреча с клиентом", "due_at": start},
            participants=[teammate],
        )
    assert [m.to for m in mailoutbox] == [["teammate@example.com"]]
    attachment = mailoutbox[0].attachments[0]
    content = attachment[1] if isinstance(attachment[1], str) else attachment[1].decode()
    assert attachment[0] == "invite.ics" and "METHOD:REQUEST" in content
