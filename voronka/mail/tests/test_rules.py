"""A mailbox's rules: a letter on a deal's thread tells the deal's owner (and not when the rule
is off); the leads' rule waits for the leads app (see mail.linking)."""

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
