"""A mailbox's rules: a letter on a deal's thread tells the deal's owner (and not when the rule
is off); a letter from an unknown address becomes a lead where the mailbox says so."""

import pytest
from django.utils import timezone

from tests.factories import ContactFactory, DealFactory, MailboxFactory
from voronka.mail import sending, store
from voronka.mail.models import Folder
from voronka.notifications.models import Notification

from .conftest import letter

pytestmark = pytest.mark.django_db


def _answer_on_a_deal(owner, deal_owner, *, notify: bool, capture):
    mailbox = MailboxFactory(owner=owner, email="owner@voronka.test", notify_deal_owner=notify)
    contact = ContactFactory(owner=owner, emails=["client@example.com"])
    deal = DealFactory(
        owner=deal_owner, contact=contact, company=contact.company, name="Тур в Дубай"
    )
    with capture(execute=False):
        sent = sending.letter_compose(
            actor=owner,
            mailbox=mailbox,
            to=["client@example.com"],
            subject="Предложение",
            body="…",
            deal=deal,
        )
    folder = Folder.objects.create(mailbox=mailbox, name="INBOX", uidvalidity=1)
    with capture(execute=True):
        reply = store.store_fetched(
            mailbox,
            folder,
            uid=1,
            raw=letter(subject="Re: Предложение", in_reply_to=sent.message_id),
            seen=False,
            internal_date=timezone.now(),
        )
    assert reply.thread_id == sent.thread_id
    assert set(reply.links.values_list("entity", "object_id")) >= {("deal", deal.pk)}
    return deal


def test_a_letter_on_a_deals_thread_tells_the_deals_owner(
    owner, teammate, django_capture_on_commit_callbacks
):
    deal = _answer_on_a_deal(
        owner, teammate, notify=True, capture=django_capture_on_commit_callbacks
    )
    [notification] = Notification.objects.filter(user=teammate)
    assert "Тур в Дубай" in notification.title
    assert notification.object_id == deal.pk and notification.url.startswith("/mail/threads/")


def test_the_rule_can_be_turned_off(owner, teammate, django_capture_on_commit_callbacks):
    _answer_on_a_deal(owner, teammate, notify=False, capture=django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(user=teammate).exists()


def _incoming(mailbox, uid=1, **kwargs):
    folder, _created = Folder.objects.get_or_create(
        mailbox=mailbox, name="INBOX", defaults={"uidvalidity": 1}
    )
    return store.store_fetched(
        mailbox, folder, uid=uid, raw=letter(**kwargs), seen=False, internal_date=timezone.now()
    )


def test_a_letter_from_a_leads_address_is_on_the_lead_and_is_its_first_contact(owner):
    from tests.factories import LeadFactory
    from voronka.leads.models import Lead

    lead = LeadFactory(owner=owner, email="guest@example.com")
    mailbox = MailboxFactory(owner=owner)
    message = _incoming(mailbox, sender="guest@example.com", subject="Вопрос про визу")
    assert ("lead", lead.pk) in set(message.links.values_list("entity", "object_id"))
    assert message.activity.lead_id == lead.pk
    assert Lead.objects.get(pk=lead.pk).first_contact_at is not None


def test_a_stranger_writing_to_a_shared_mailbox_becomes_a_lead_when_the_rule_is_on(
    owner, admin_user
):
    from voronka.leads.models import Lead
    from voronka.sales.models import LeadSource

    source = LeadSource.objects.create(name="Письмо на info@")
    quiet = MailboxFactory(owner=owner, email="sales@voronka.test")
    _incoming(quiet, sender="someone@example.org")
    assert not Lead.objects.exists()

    shared = MailboxFactory(
        owner=admin_user, email="info@voronka.test", leads_from_strangers=True, lead_source=source
    )
    message = _incoming(
        shared, sender="stranger@example.org", sender_name="Ержан Сапаров", subject="Тур в Анталью"
    )
    lead = Lead.objects.get()
    assert (lead.email, lead.person_name, lead.source) == (
        "stranger@example.org",
        "Ержан Сапаров",
        source,
    )
    assert "Тур в Анталью" in lead.question
    assert ("lead", lead.pk) in set(message.links.values_list("entity", "object_id"))
    # A second letter from the same person joins the lead instead of making another.
    _incoming(shared, uid=2, sender="stranger@example.org", subject="Ещё вопрос")
    assert Lead.objects.count() == 1


def test_create_a_lead_from_a_letter_that_matched_nothing(owner):
    from conftest import client_for
    from voronka.leads.models import Lead

    mailbox = MailboxFactory(owner=owner)
    message = _incoming(mailbox, sender="new@example.org", sender_name="Айгуль Ким")
    response = client_for(owner).post(f"/mail/letters/{message.pk}/lead/")
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert (lead.owner, lead.person_name, lead.email) == (owner, "Айгуль Ким", "new@example.org")
    assert ("lead", lead.pk) in set(message.links.values_list("entity", "object_id"))
