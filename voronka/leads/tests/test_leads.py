import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ActivityFactory, LeadFactory, UserFactory
from voronka.accounts.models import Entity
from voronka.activities.models import Activity
from voronka.audit.models import HistoryEntry, StreamEvent, Verb
from voronka.leads import services
from voronka.leads.models import (
    DisqualificationReason,
    Distribution,
    Lead,
    LeadStatus,
)
from voronka.notifications.models import Notification
from voronka.sales.models import LeadSource

pytestmark = pytest.mark.django_db


def configure(**values):
    row = services.lead_settings()
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row


# Creating and distributing.


def test_a_lead_made_on_the_page_is_the_authors(owner):
    lead = services.lead_create(
        actor=owner, data={"person_name": "Болат", "phone": "8 701 555 12 34", "owner": owner}
    )
    assert lead.owner == owner and lead.phone == "+77015551234"
    assert StreamEvent.objects.filter(entity=Entity.LEAD, object_id=lead.pk).exists()


def test_a_lead_needs_a_way_to_reach_someone(owner):
    with pytest.raises(ValidationError):
        services.lead_create(actor=owner, data={"question": "Алло?", "owner": owner})


def test_without_an_owner_the_chosen_owner_gets_it_and_is_told(
    owner, teammate, django_capture_on_commit_callbacks
):
    configure(distribution=Distribution.OWNER, owner=teammate)
    with django_capture_on_commit_callbacks(execute=True):
        lead = services.lead_create(
            actor=owner, data={"person_name": "Болат", "phone": "+77015551234"}
        )
    assert lead.owner == teammate
    note = Notification.objects.get(user=teammate)
    assert "Болат" in note.title and note.entity == Entity.LEAD


def test_round_robin_gives_new_leads_to_the_team_in_turn(team, owner, teammate):
    configure(distribution=Distribution.ROUND_ROBIN, team=team)
    owners = [
        services.lead_create(actor=None, data={"phone": f"+7701555000{n}"}).owner for n in range(4)
    ]
    assert owners[0] != owners[1]
    assert owners[:2] == owners[2:]
    assert set(owners) == {owner, teammate}


def test_a_queue_lead_is_seen_and_taken_by_any_member_of_the_team(team, owner, teammate, outsider):
    configure(distribution=Distribution.QUEUE, team=team, owner=owner)
    lead = services.lead_create(actor=None, data={"phone": "+77015550001"})
    assert lead.in_queue and lead.team == team
    assert client_for(teammate).get(lead.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(lead.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.lead_take(actor=outsider, lead=lead)
    response = client_for(teammate).post(reverse("leads:lead-take", args=[lead.pk]))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == teammate and not lead.in_queue
    assert HistoryEntry.objects.filter(entity=Entity.LEAD, object_id=lead.pk, field="owner")


def test_the_queue_tells_the_team(team, owner, teammate, django_capture_on_commit_callbacks):
    configure(distribution=Distribution.QUEUE, team=team, owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_create(actor=None, data={"phone": "+77015550001"})
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "owner",
        "teammate",
    }


def test_with_nothing_set_up_a_visitors_lead_goes_to_an_administrator(admin_user):
    configure(owner=None)
    lead = services.lead_create(actor=None, data={"phone": "+77015550001"})
    assert lead.owner == admin_user


def test_a_manager_cannot_give_a_lead_to_someone_outside_their_scope(owner, outsider):
    with pytest.raises(ValidationError):
        services.lead_create(actor=owner, data={"phone": "+77015550001", "owner": outsider})


# Status and first contact.


def test_leaving_new_is_the_first_contact_and_ends_the_overdue(owner):
    lead = LeadFactory(owner=owner, requested_at=timezone.now() - datetime.timedelta(hours=10))
    assert lead.is_overdue(4)
    lead = services.lead_set_status(actor=owner, lead=lead, status=LeadStatus.IN_WORK)
    assert lead.first_contact_at is not None and not lead.is_overdue(4)


def test_the_overdue_filter_shows_new_leads_past_the_settings_hours(owner):
    configure(overdue_hours=2)
    late = LeadFactory(owner=owner, requested_at=timezone.now() - datetime.timedelta(hours=3))
    LeadFactory(owner=owner, requested_at=timezone.now() - datetime.timedelta(hours=1))
    page = client_for(owner).get("/leads/", {"overdue": "true"}).content.decode()
    assert late.get_absolute_url() in page
    assert page.count('data-testid="lead-overdue"') == 0 or "lead-overdue" in page
    ids = [
        row.pk for row in client_for(owner).get("/leads/", {"overdue": "true"}).context["page_obj"]
    ]
    assert ids == [late.pk]


def test_a_disqualification_needs_a_reason_and_a_reopened_lead_drops_it(owner):
    lead = LeadFactory(owner=owner)
    with pytest.raises(ValidationError):
        services.lead_set_status(actor=owner, lead=lead, status=LeadStatus.DISQUALIFIED)
    reason = DisqualificationReason.objects.get(name="Спам")
    lead = services.lead_set_status(
        actor=owner, lead=lead, status=LeadStatus.DISQUALIFIED, reason=reason
    )
    assert lead.disqualify_reason == reason
    lead = services.lead_set_status(actor=owner, lead=lead, status=LeadStatus.IN_WORK)
    assert lead.disqualify_reason is None


def test_converted_is_not_a_status_one_sets_by_hand(owner):
    lead = LeadFactory(owner=owner)
    with pytest.raises(ValidationError):
        services.lead_set_status(actor=owner, lead=lead, status=LeadStatus.CONVERTED)


def test_the_status_buttons_of_the_page(owner):
    lead = LeadFactory(owner=owner)
    client = client_for(owner)
    client.post(reverse("leads:lead-status", args=[lead.pk]), {"status": "qualified"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    reason = DisqualificationReason.objects.first()
    client.post(
        reverse("leads:lead-status", args=[lead.pk]),
        {"status": "disqualified", "reason": reason.pk},
    )
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED and lead.disqualify_reason == reason


# Access: the trio.


def test_a_teammate_sees_but_does_not_change_an_owners_lead(owner, teammate):
    lead = LeadFactory(owner=owner)
    client = client_for(teammate)
    assert client.get(lead.get_absolute_url()).status_code == 200
    assert client.get(reverse("leads:lead-edit", args=[lead.pk])).status_code == 403
    assert (
        client.post(
            reverse("leads:lead-status", args=[lead.pk]), {"status": "qualified"}
        ).status_code
        == 403
    )


def test_an_outsider_neither_sees_nor_finds_a_lead(owner, outsider):
    lead = LeadFactory(owner=owner, person_name="Секретный Лид")
    client = client_for(outsider)
    assert client.get(lead.get_absolute_url()).status_code == 404
    assert "Секретный" not in client.get("/leads/").content.decode()
    assert "Секретный" not in client.get("/leads/board/").content.decode()
    assert "Секретный" not in client.get("/search/?q=секретный").content.decode()
    assert "Секретный" not in client.get("/leads/export/").getvalue().decode()
    assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 404


def test_the_owner_edits_and_the_history_keeps_it(owner):
    lead = LeadFactory(owner=owner)
    response = client_for(owner).post(
        reverse("leads:lead-edit", args=[lead.pk]),
        {
            "person_name": "Новое имя",
            "phone": lead.phone,
            "email": lead.email,
            "status": "new",
            "owner": owner.pk,
            "version": lead.version,
        },
    )
    assert response.status_code == 302
    assert HistoryEntry.objects.filter(
        entity=Entity.LEAD, object_id=lead.pk, field="person_name"
    ).exists()


# The lead's page: the timeline and the quick form work for leads.


def test_an_activity_is_planned_on_a_lead_from_its_timeline(owner):
    lead = LeadFactory(owner=owner)
    client = client_for(owner)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'name="lead"' in page
    response = client.post(
        reverse("activities:activity-quick"),
        {
            "what": "plan_call",
            "subject": "Перезвонить по туру",
            "when": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "lead": lead.pk,
            "next": lead.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    call = Activity.objects.get()
    assert call.lead == lead
    assert "Перезвонить по туру" in client.get(lead.get_absolute_url()).content.decode()


def test_a_lead_the_user_cannot_see_cannot_be_linked_to_an_activity(owner, outsider):
    lead = LeadFactory(owner=outsider)
    response = client_for(owner).post(
        reverse("activities:activity-quick"),
        {"what": "note", "subject": "Заметка", "lead": lead.pk, "next": "/"},
    )
    assert response.status_code == 404
    assert Activity.objects.count() == 0


# Lists, export, API, report.


def test_the_list_board_and_export_show_the_leads(owner):
    LeadFactory(owner=owner, person_name="Айгерим Сапарова", status=LeadStatus.IN_WORK)
    client = client_for(owner)
    assert "Айгерим Сапарова" in client.get("/leads/").content.decode()
    board = client.get("/leads/board/").content.decode()
    assert "Айгерим Сапарова" in board and 'data-testid="lead-column-in_work"' in board
    csv = client.get("/leads/export/").getvalue().decode()
    assert "Айгерим Сапарова" in csv
    assert "Айгерим" in client.get("/leads/", {"search": "айгер"}).content.decode()


@pytest.mark.parametrize("rows", [5, 30])
def test_the_list_runs_a_fixed_number_of_queries(rows, owner, django_assert_num_queries):
    source = LeadSource.objects.create(name="Сайт")
    for _ in range(rows):
        LeadFactory(owner=owner, source=source)
    client = client_for(owner)
    client.get("/leads/")  # the settings row is made on the first visit
    with django_assert_num_queries(16):  # + the colleagues the user covers for (deputies)
        assert client.get("/leads/").status_code == 200
    with django_assert_num_queries(9):
        assert client.get("/api/v1/leads/").status_code == 200


def test_the_api_creates_distributes_and_converts(owner, teammate, admin_user):
    configure(distribution=Distribution.OWNER, owner=teammate)
    client = client_for(admin_user)
    response = client.post(
        "/api/v1/leads/",
        {"person_name": "Иван Петров", "company_name": "ТОО Тест", "phone": "+77015550007"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == teammate.pk and body["status"] == "new"
    from voronka.sales.models import Pipeline

    converted = client.post(
        f"/api/v1/leads/{body['id']}/convert/",
        {"pipeline": Pipeline.objects.get().pk},
        content_type="application/json",
    )
    assert converted.status_code == 200, converted.content
    data = converted.json()
    assert data["status"] == "converted" and data["company"] and data["deal"] and data["contact"]
    assert client.get("/api/v1/disqualification-reasons/").status_code == 200


def test_the_report_shows_conversion_per_source_and_manager_within_rights(owner, outsider, head):
    site = LeadSource.objects.create(name="Сайт")
    fair = LeadSource.objects.create(name="Выставка KITF")
    now = timezone.now()
    LeadFactory(owner=owner, source=site)
    converted = LeadFactory(owner=owner, source=site, status=LeadStatus.CONVERTED)
    Lead.objects.filter(pk=converted.pk).update(
        requested_at=now - datetime.timedelta(days=2), converted_at=now
    )
    LeadFactory(owner=outsider, source=fair)
    page = client_for(head).get("/reports/leads/", {"period": "this_year"})
    sources = {row.label: row for row in page.context["sources"]}
    assert set(sources) == {"Сайт"}
    assert sources["Сайт"].count == 2 and sources["Сайт"].rate == 50.0
    assert sources["Сайт"].days == 2.0
    managers = page.context["managers"]
    assert [(m.label, m.count) for m in managers] == [(owner.display_name, 2)]
    admin_page = client_for(UserFactory(is_superuser=True)).get("/reports/leads/")
    assert {row.label for row in admin_page.context["sources"]} == {"Сайт", "Выставка KITF"}


def test_deleting_a_lead_keeps_its_activities_and_leaves_history(owner):
    lead = LeadFactory(owner=owner)
    call = ActivityFactory(owner=owner, lead=lead)
    client_for(owner).post(reverse("leads:lead-delete", args=[lead.pk]))
    assert not Lead.objects.filter(pk=lead.pk).exists()
    call.refresh_from_db()
    assert call.lead is None
    assert StreamEvent.objects.filter(entity=Entity.LEAD, verb=Verb.DELETED).exists()


def test_the_settings_are_the_administrators(owner, admin_user, team):
    assert client_for(owner).post("/settings/leads/", {"distribution": "owner"}).status_code == 403
    response = client_for(admin_user).post(
        "/settings/leads/",
        {"distribution": "round_robin", "team": team.pk, "overdue_hours": 6},
    )
    assert response.status_code == 302
    row = services.lead_settings()
    assert row.distribution == "round_robin" and row.overdue_hours == 6
    bad = client_for(admin_user).post(
        "/settings/leads/", {"distribution": "owner", "overdue_hours": 99999}
    )
    assert bad.status_code == 200 and services.lead_settings().overdue_hours == 6


def test_a_logged_call_is_the_first_contact_of_a_lead(owner):
    lead = LeadFactory(owner=owner, requested_at=timezone.now() - datetime.timedelta(hours=10))
    client_for(owner).post(
        reverse("activities:activity-quick"),
        {"what": "note", "subject": "Заметка", "lead": lead.pk, "next": "/"},
    )
    lead.refresh_from_db()
    assert lead.first_contact_at is None and lead.is_overdue(4)
    client_for(owner).post(
        reverse("activities:activity-quick"),
        {"what": "log_call", "subject": "Дозвонились", "lead": lead.pk, "next": "/"},
    )
    lead.refresh_from_db()
    assert lead.first_contact_at is not None and not lead.is_overdue(4)
