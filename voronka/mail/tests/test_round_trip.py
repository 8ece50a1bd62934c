"""Acceptance 1 (issue 12): a letter delivered to the IMAP mailbox appears on the contact's
timeline; a reply sent from the CRM arrives at the SMTP server with In-Reply-To, References
and a UTF-8 subject in Russian, and appears in the Sent folder (and is not stored twice when
the Sent folder is synced)."""

import email
import email.policy

import pytest

from conftest import client_for
from tests.factories import ContactFactory, MailboxFactory
from voronka.activities.models import Activity
from voronka.mail import sending, sync
from voronka.mail.models import Message, SendStatus

from .conftest import letter

pytestmark = pytest.mark.django_db


def test_a_letter_in_and_a_reply_out(
    dovecot, smtp_server, loopback_allowed, owner, django_capture_on_commit_callbacks
):
    controller, sink = smtp_server
    user = dovecot.add_user()
    mailbox = MailboxFactory(
        owner=owner,
        email=f"{user}@voronka.test",
        imap_port=dovecot.port,
        imap_login=user,
        smtp_port=controller.port,
    )
    contact = ContactFactory(owner=owner, last_name="Иванова", emails=["ivanova@example.com"])
    dovecot.deliver(
        user,
        letter(
            sender="ivanova@example.com",
            sender_name="Анна Иванова",
            to=mailbox.email,
            subject="Бронь отеля в Стамбуле",
            message_id="<booking-1@example.com>",
        ),
    )

    sync.sync_mailbox(mailbox)
    incoming = Message.objects.get(message_id="<booking-1@example.com>")
    page = client_for(owner).get(contact.get_absolute_url()).content.decode()
    assert "Бронь отеля в Стамбуле" in page

    with django_capture_on_commit_callbacks(execute=True):
        reply = sending.letter_compose(
            actor=owner,
            mailbox=mailbox,
            to=["ivanova@example.com"],
            subject=sending.reply_subject(incoming),
            body="Анна, бронь подтверждена.",
            reply_to=incoming,
            contact=contact,
        )
    reply.refresh_from_db()
    assert reply.status == SendStatus.SENT, reply.send_error

    [envelope] = sink.envelopes
    assert envelope.rcpt_tos == ["ivanova@example.com"]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["Subject"] == "Re: Бронь отеля в Стамбуле"
    assert "=?utf-8?" in envelope.content.decode("ascii").lower()  # encoded as RFC 2047
    assert received["In-Reply-To"] == "<booking-1@example.com>"
    assert received["References"] == "<booking-1@example.com>"
    assert received["Message-ID"] == reply.message_id
    assert "бронь подтверждена" in received.get_content()

    sent = dovecot.folder_messages(user, "Sent")
    assert len(sent) == 1
    assert email.message_from_bytes(sent[0])["Message-ID"] == reply.message_id

    # The reply is in the thread, an e-mail activity on the contact, and the Sent folder's
    # copy is the same letter, not a second one.
    assert reply.thread_id == incoming.thread_id
    assert Activity.objects.filter(contact=contact, kind="email").count() == 2
    mailbox.refresh_from_db()
    sync.sync_mailbox(mailbox)
    assert Message.objects.filter(message_id=reply.message_id).count() == 1


def test_a_failed_sending_is_kept_and_retried(
    loopback_allowed, owner, django_capture_on_commit_callbacks
):
    from voronka.mail import outbox

    from .conftest import free_port

    mailbox = MailboxFactory(owner=owner, smtp_port=free_port(), imap_port=free_port())
    with django_capture_on_commit_callbacks(execute=True):
        message = sending.letter_compose(
            actor=owner, mailbox=mailbox, to=["a@example.com"], subject="Тест", body="Текст"
        )
    message.refresh_from_db()
    assert message.status == SendStatus.FAILED
    assert message.send_error and message.attempts == 1 and message.next_attempt_at
    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert outbox.letters_due() == [message.pk]
