"""Handing a manager's clients over, and bulk actions on lists."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    stage,
)
from voronka.activities.models import Activity
from voronka.audit.models import StreamEvent, Verb
from voronka.audit.selectors import history
from voronka.contacts.models import Company, Contact
from voronka.sales.models import Deal, LostReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(owner):
    """The owner's clients: a company with a person, an open and a won deal, two activities."""
    company = CompanyFactory(owner=owner, name="Ромашка")
    contact = ContactFactory(owner=owner, company=company, last_name="Иванов")
    open_deal = DealFactory(owner=owner, company=company, name="Открытая")
    won_deal = DealFactory(owner=owner, company=company, name="Выигранная", stage=stage(3))
    planned = ActivityFactory(owner=owner, company=company, subject="Позвонить")
    done = ActivityFactory(owner=owner, company=company, subject="Позвонили", done=True)
    return company, contact, open_deal, won_deal, planned, done


def test_a_head_hands_over_everything_of_a_manager(head, owner, teammate, book):
    company, contact, open_deal, won_deal, planned, done = book
    client = client_for(head)
    preview = client.get(
        reverse("handover:handover"), {"from_user": owner.pk, "to_user": teammate.pk}
    )
    assert (
        "1 контрагент, 1 контакт, 1 открытая сделка, 1 незавершённое мероприятие"
        in preview.content.decode()
    )
    response = client.post(
        reverse("handover:handover"),
        {"from_user": owner.pk, "to_user": teammate.pk, "confirm": "1"},
        follow=True,
    )
    assert "handover-summary" in response.content.decode()
    for record in (company, contact, open_deal, planned):
        record.refresh_from_db()
        assert record.owner == teammate, record
    for record in (won_deal, done):
        record.refresh_from_db()
        assert record.owner == owner, record
    rows = history(entity="company", object_id=company.pk)
    assert (rows[0].field, rows[0].old, rows[0].new) == (
        "owner",
        owner.display_name,
        teammate.display_name,
    )
    summary = StreamEvent.objects.get(verb=Verb.HANDOVER)
    assert (
        summary.data["from"] == owner.display_name and summary.data["to"] == teammate.display_name
    )
    assert StreamEvent.objects.filter(verb=Verb.REASSIGNED, object_id=company.pk).exists()
    assert (
        "передал(а) клиентов: Алия Нурланова → Данияр Ахметов"
        in client.get(reverse("web:home")).content.decode()
    )


def test_a_manager_may_not_hand_over(owner, teammate, book):
    assert client_for(owner).get(reverse("handover:handover")).status_code == 403


def test_a_head_hands_over_chosen_companies_from_the_list(head, owner, teammate, book):
    company, contact, open_deal, _won, _planned, _done = book
    other = CompanyFactory(owner=owner, name="Другая")
    response = client_for(head).post(
        reverse("web:bulk", args=["company"]),
        {
            "ids": [company.pk],
            "action": "reassign",
            "owner": teammate.pk,
            "with_related": "1",
            "next": "/companies/",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    contact.refresh_from_db()
    open_deal.refresh_from_db()
    other.refresh_from_db()
    assert (company.owner, contact.owner, open_deal.owner) == (teammate, teammate, teammate)
    assert other.owner == owner


def test_bulk_reassign_skips_what_the_user_may_not_change(owner, teammate, outsider):
    mine = DealFactory(owner=owner)
    theirs = DealFactory(owner=outsider)
    response = client_for(owner).post(
        reverse("web:bulk", args=["deal"]),
        {"ids": [mine.pk, theirs.pk], "action": "reassign", "owner": owner.pk, "next": "/deals/"},
        follow=True,
    )
    assert "нет к ней доступа" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.owner == outsider


def test_bulk_stage_move_keeps_the_rules_and_says_which_were_refused(owner):
    pipeline = stage(0).pipeline
    pipeline.strict_order = True
    pipeline.save()
    first = DealFactory(owner=owner, name="Первая", stage=stage(1))
    second = DealFactory(owner=owner, name="Вторая", stage=stage(0))
    response = client_for(owner).post(
        reverse("web:bulk", args=["deal"]),
        {"ids": [first.pk, second.pk], "action": "stage", "stage": stage(2).pk, "next": "/deals/"},
        follow=True,
    )
    body = response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.stage == stage(2) and second.stage == stage(0)
    assert "Вторая: В воронке" in body


def test_bulk_lost_needs_the_reason(owner):
    deal = DealFactory(owner=owner)
    reason = LostReason.objects.create(name="Дорого")
    client = client_for(owner)
    lost = stage("Закрыто с потерей").pk
    client.post(
        reverse("web:bulk", args=["deal"]), {"ids": [deal.pk], "action": "stage", "stage": lost}
    )
    deal.refresh_from_db()
    assert deal.stage == stage(0)
    client.post(
        reverse("web:bulk", args=["deal"]),
        {"ids": [deal.pk], "action": "stage", "stage": lost, "lost_reason": reason.pk},
    )
    deal.refresh_from_db()
    assert deal.stage.pk == lost and deal.lost_reason == reason


def test_bulk_delete(owner, teammate):
    mine = ContactFactory(owner=owner)
    teammates = ContactFactory(owner=teammate)
    client_for(owner).post(
        reverse("web:bulk", args=["contact"]), {"ids": [mine.pk, teammates.pk], "action": "delete"}
    )
    assert not Contact.objects.filter(pk=mine.pk).exists()
    assert Contact.objects.filter(pk=teammates.pk).exists()  # a teammate's: seen, not deletable


def test_list_pages_offer_the_bulk_bar(owner):
    CompanyFactory(owner=owner)
    body = client_for(owner).get(reverse("contacts:company-list")).content.decode()
    assert 'id="bulk-form"' in body and 'name="ids"' in body


def test_unknown_entities_and_actions_are_refused(owner):
    client = client_for(owner)
    assert (
        client.post(
            reverse("web:bulk", args=["user"]), {"ids": [1], "action": "delete"}
        ).status_code
        == 404
    )
    response = client.post(
        reverse("web:bulk", args=["deal"]), {"ids": [1], "action": "drop"}, follow=True
    )
    assert "Отметьте записи" in response.content.decode()
    assert Company.objects.count() == Deal.objects.count() == Activity.objects.count() == 0


def test_the_api_hands_over_and_refuses_managers(head, owner, teammate, book):
    company = book[0]
    assert (
        client_for(owner)
        .post(
            reverse("api:handover-list"),
            {"to_user": teammate.pk, "from_user": owner.pk},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    response = client_for(head).post(
        reverse("api:handover-list"),
        {"to_user": teammate.pk, "from_user": owner.pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["companies"] == 1 and response.json()["deals"] == 1
    company.refresh_from_db()
    assert company.owner == teammate


def test_the_leads_in_work_go_with_the_clients_and_the_new_owner_is_told(
    head, owner, teammate, django_capture_on_commit_callbacks
):
    from tests.factories import LeadFactory
    from voronka.handover.services import handover
    from voronka.leads.models import Lead, LeadStatus
    from voronka.notifications.models import Notification

    working = LeadFactory(owner=owner, status=LeadStatus.IN_WORK)
    dropped = LeadFactory(owner=owner, status=LeadStatus.DISQUALIFIED)
    CompanyFactory(owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        moved = handover(actor=head, from_user=owner, to_user=teammate)
    assert moved.leads == 1
    assert Lead.objects.get(pk=working.pk).owner == teammate
    assert Lead.objects.get(pk=dropped.pk).owner == owner  # closed ones stay
    told = Notification.objects.get(user=teammate)
    assert owner.display_name in told.title and "1" in told.body
