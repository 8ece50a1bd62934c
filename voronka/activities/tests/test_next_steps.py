"""The next planned activity of a deal and a customer, kept by the activities' services, and
the company, contact and deal of one activity telling one story."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import CompanyFactory, ContactFactory, DealFactory
from voronka.activities import next_steps
from voronka.activities.models import Activity
from voronka.activities.services import (
    activity_create,
    activity_delete,
    activity_set_done,
    activity_update,
)
from voronka.contacts.models import Company
from voronka.sales.models import Deal

pytestmark = pytest.mark.django_db


def soon(hours: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def plan(owner, **links):
    return activity_create(
        actor=owner,
        data={
            "kind": "call",
            "subject": links.pop("subject", "Позвонить"),
            "due_at": links.pop("due", soon(2)),
            **links,
        },
    )


def test_the_nearest_planned_activity_is_the_deals_and_the_companys_next_step(owner):
    company = CompanyFactory(owner=owner)
    deal = DealFactory(owner=owner, company=company)
    assert Deal.objects.get(pk=deal.pk).next_activity_at is None

    later = plan(owner, deal=deal, subject="Отправить договор", due=soon(48))
    first = plan(owner, deal=deal, subject="Уточнить даты", due=soon(3))
    deal.refresh_from_db()
    assert (deal.next_activity_at, deal.next_activity_subject) == (first.due_at, "Уточнить даты")
    assert Company.objects.get(pk=company.pk).next_activity_at == first.due_at

    activity_set_done(actor=owner, activity=first)
    deal.refresh_from_db()
    assert deal.next_activity_subject == "Отправить договор"

    activity_delete(actor=owner, activity=Activity.objects.get(pk=later.pk))
    deal.refresh_from_db()
    assert (deal.next_activity_at, deal.next_activity_subject) == (None, "")
    assert Company.objects.get(pk=company.pk).next_activity_at is None


def test_moving_an_activity_to_another_deal_updates_both(owner):
    company = CompanyFactory(owner=owner)
    one, two = DealFactory(owner=owner, company=company), DealFactory(owner=owner, company=company)
    call = plan(owner, deal=one)
    activity_update(actor=owner, activity=call, data={"deal": two}, version=None)
    assert Deal.objects.get(pk=one.pk).next_activity_at is None
    assert Deal.objects.get(pk=two.pk).next_activity_at == call.due_at


def test_a_note_is_not_a_next_step(owner):
    deal = DealFactory(owner=owner)
    activity_create(actor=owner, data={"kind": "note", "subject": "Заметка", "deal": deal})
    assert Deal.objects.get(pk=deal.pk).next_activity_at is None


def test_refresh_all_agrees_with_the_services(owner):
    company = CompanyFactory(owner=owner)
    deal = DealFactory(owner=owner, company=company)
    call = plan(owner, deal=deal)
    Deal.objects.update(next_activity_at=None, next_activity_subject="")
    Company.objects.update(next_activity_at=None)
    next_steps.refresh_all()
    deal.refresh_from_db()
    assert (deal.next_activity_at, deal.next_activity_subject) == (call.due_at, call.subject)
    assert Company.objects.get(pk=company.pk).next_activity_at == call.due_at


def test_choosing_another_deal_takes_its_company(owner):
    old, new = CompanyFactory(owner=owner, name="Старая"), CompanyFactory(owner=owner, name="Новая")
    call = plan(owner, deal=DealFactory(owner=owner, company=old))
    assert call.company_id == old.pk
    call = activity_update(
        actor=owner,
        activity=call,
        data={"deal": DealFactory(owner=owner, company=new)},
        version=None,
    )
    assert call.company_id == new.pk
    assert Company.objects.get(pk=old.pk).next_activity_at is None
    assert Company.objects.get(pk=new.pk).next_activity_at == call.due_at


def test_a_company_against_its_deal_or_a_person_of_another_company_is_refused(owner):
    ours, theirs = CompanyFactory(owner=owner), CompanyFactory(owner=owner)
    call = plan(owner, deal=DealFactory(owner=owner, company=ours))
    with pytest.raises(ValidationError) as refused:
        activity_update(actor=owner, activity=call, data={"company": theirs}, version=None)
    assert "company" in refused.value.message_dict
    stranger = ContactFactory(owner=owner, company=theirs)
    with pytest.raises(ValidationError) as refused:
        activity_update(actor=owner, activity=call, data={"contact": stranger}, version=None)
    assert "contact" in refused.value.message_dict
    call.refresh_from_db()
    assert (call.company_id, call.contact_id) == (ours.pk, None)
