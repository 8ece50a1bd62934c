"""The letters' API: a record's letters for those who may read them; sending through the same
service as the page."""

import pytest
from django.utils import timezone

from conftest import client_for
from tests.factories import ContactFactory, MailboxFactory
from voronka.mail import store
from voronka.mail.models import Folder, Message

from .conftest import letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(owner):
    mailbox = MailboxFactory(owner=owner, email="owner@voronka.test")
    folder = Folder.objects.create(mailbox=mailbox, name="INBOX", uidvalidity=1)
    ContactFactory(owner=owner, emails=["client@example.com"])
    return store.store_fetched(
        mailbox,
        folder,
        uid=1,
        raw=letter(subject="По API"),
        seen=False,
        internal_date=timezone.now(),
    )


def test_a_records_letters_are_listed_for_their_reader(owner, outsider, received):
    contact_id = received.links.get(entity="contact").object_id
    url = f"/api/v1/letters/?entity=contact&object_id={contact_id}"
    rows = client_for(owner).get(url).json()["results"]
    assert [r["subject"] for r in rows] == ["По API"]
    assert client_for(outsider).get(url).json()["results"] == []
    assert client_for(outsider).get(f"/api/v1/letters/{received.pk}/").status_code == 404


def test_a_letter_is_sent_through_the_api(
    owner, teammate, received, django_capture_on_commit_callbacks
):
    body = {
        "mailbox": received.mailbox_id,
        "to": ["client@example.com"],
        "subject": "Ответ",
        "body": "Текст",
        "reply_to": received.pk,
    }
    assert client_for(teammate).post(
        "/api/v1/letters/", body, content_type="application/json"
    ).status_code in (403, 404)
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(owner).post("/api/v1/letters/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    sent = Message.objects.get(pk=response.json()["id"])
    assert sent.thread_id == received.thread_id and sent.status == "queued"
    assert (
        client_for(owner)
        .post(
            "/api/v1/letters/", {**body, "to": ["not an address"]}, content_type="application/json"
        )
        .status_code
        == 400
    )
