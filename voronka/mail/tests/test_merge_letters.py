"""Merging two contacts brings their letters together (a letter to both stays one), and undoing
the merge gives each its own letters back exactly."""

import pytest
from django.utils import timezone

from tests.factories import ContactFactory, MailboxFactory
from voronka.mail import store
from voronka.mail.models import Folder, Link
from voronka.merging.merge import merge, merge_revert

from .conftest import letter

pytestmark = pytest.mark.django_db


def _links(contact):
    return sorted(
        Link.objects.filter(entity="contact", object_id=contact.pk).values_list(
            "message_id", flat=True
        )
    )


def test_merged_contacts_share_their_letters_and_an_undo_splits_them_again(owner):
    survivor = ContactFactory(owner=owner, last_name="Иванов", emails=["ivanov@example.com"])
    loser = ContactFactory(owner=owner, last_name="Иванов", emails=["i.ivanov@example.com"])
    mailbox = MailboxFactory(owner=owner)
    folder = Folder.objects.create(mailbox=mailbox, name="INBOX", uidvalidity=1)

    def incoming(uid, sender, to="manager@voronka.test"):
        return store.store_fetched(
            mailbox,
            folder,
            uid=uid,
            raw=letter(sender=sender, to=to, subject=f"Письмо {uid}"),
            seen=False,
            internal_date=timezone.now(),
        )

    one = incoming(1, "ivanov@example.com")
    two = incoming(2, "i.ivanov@example.com")
    both = incoming(3, "ivanov@example.com", to="i.ivanov@example.com")
    before = (_links(survivor), _links(loser))
    assert before == (sorted([one.pk, both.pk]), sorted([two.pk, both.pk]))

    record = merge(actor=owner, survivor=survivor, loser=loser, data={})
    assert _links(survivor) == sorted([one.pk, two.pk, both.pk])  # the shared letter once
    assert _links(loser) == []

    merge_revert(actor=owner, merge_record=record)
    assert (_links(survivor), _links(loser)) == before
