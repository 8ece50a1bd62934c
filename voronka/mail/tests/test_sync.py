"""Sync against a real Dovecot: letters land once, in threads, on their records' timelines;
a killed run loses nothing and doubles nothing; a broken mailbox says why and waits."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ContactFactory, MailboxFactory
from voronka.activities.models import Activity
from voronka.mail import store, sync
from voronka.mail.models import Link, Mailbox, Message, Thread

from .conftest import letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(dovecot, loopback_allowed, owner):
    user = dovecot.add_user()
    return MailboxFactory(
        owner=owner, imap_port=dovecot.port, imap_login=user, email=f"{user}@voronka.test"
    )


def test_a_delivered_letter_appears_on_the_contacts_timeline(dovecot, mailbox, owner):
    contact = ContactFactory(owner=owner, last_name="Клиентова", emails=["client@example.com"])
    dovecot.deliver(mailbox.imap_login, letter(subject="Тур в Анталью", body="Сколько стоит?"))

    assert sync.sync_mailbox(mailbox) == 1

    message = Message.objects.get()
    assert message.subject == "Тур в Анталью"
    assert message.text.strip() == "Сколько стоит?"
    assert Link.objects.filter(message=message, entity="contact", object_id=contact.pk).exists()
    activity = Activity.objects.get(contact=contact)
    assert activity.kind == "email" and activity.done and activity.subject == "Тур в Анталью"
    assert message.activity == activity
    page = __import__("conftest").client_for(owner).get(contact.get_absolute_url())
    assert "Тур в Анталью" in page.content.decode()


def test_running_twice_stores_each_letter_once(dovecot, mailbox):
    for n in range(3):
        dovecot.deliver(mailbox.imap_login, letter(subject=f"Письмо {n}"))
    assert sync.sync_mailbox(mailbox) == 3
    mailbox.refresh_from_db()
    assert sync.sync_mailbox(mailbox) == 0
    assert Message.objects.count() == 3


def test_a_killed_sync_rerun_stores_each_letter_once(dovecot, mailbox, monkeypatch):
    for n in range(5):
        dovecot.deliver(mailbox.imap_login, letter(subject=f"Письмо {n}"))
    real = store.store_fetched
    calls = []

    def dies_on_the_fourth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise SystemExit("killed")  # not an Exception: nothing in the job catches it
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "store_fetched", dies_on_the_fourth)
    with pytest.raises(SystemExit):
        sync.sync_mailbox(mailbox)
    assert Message.objects.count() == 3
    monkeypatch.setattr(store, "store_fetched", real)

    # The killed run still holds the mailbox; once the hold expires, a new run finishes.
    assert sync.sync_mailbox(mailbox) is None
    Mailbox.objects.filter(pk=mailbox.pk).update(
        sync_started_at=timezone.now() - sync.HOLD - datetime.timedelta(seconds=1)
    )
    mailbox.refresh_from_db()
    assert sync.sync_mailbox(mailbox) == 2
    subjects = sorted(Message.objects.values_list("subject", flat=True))
    assert subjects == [f"Письмо {n}" for n in range(5)]


def test_replies_join_the_thread(dovecot, mailbox):
    first = letter(subject="Тур", message_id="<first@example.com>")
    reply = letter(
        subject="Re: Тур", message_id="<second@example.com>", in_reply_to="<first@example.com>"
    )
    dovecot.deliver(mailbox.imap_login, first)
    dovecot.deliver(mailbox.imap_login, reply)
    sync.sync_mailbox(mailbox)
    assert Thread.objects.count() == 1
    thread = Thread.objects.get()
    assert thread.message_count == 2 and thread.unread_count == 2


def test_the_first_sync_takes_only_the_last_days(dovecot, mailbox):
    old = timezone.now() - datetime.timedelta(days=400)
    with dovecot.client(mailbox.imap_login) as client:
        client.append("INBOX", letter(subject="Старое", date=old), msg_time=old)
        client.append("INBOX", letter(subject="Новое"))
    sync.sync_mailbox(mailbox)
    assert list(Message.objects.values_list("subject", flat=True)) == ["Новое"]


def test_a_wrong_password_is_reported_and_retried_later(dovecot, loopback_allowed, owner):
    from voronka.mail import crypto

    broken = MailboxFactory(
        owner=owner,
        imap_port=dovecot.port,
        imap_login=dovecot.add_user(),
        imap_password=crypto.encrypt("wrong"),
    )
    healthy_user = dovecot.add_user()
    healthy = MailboxFactory(owner=owner, imap_port=dovecot.port, imap_login=healthy_user)
    dovecot.deliver(healthy_user, letter())

    sync.sync_mailbox(broken)
    sync.sync_mailbox(healthy)

    broken.refresh_from_db()
    assert (
        "отклонил логин или пароль" in broken.last_error or "refused the login" in broken.last_error
    )
    assert broken.failures == 1 and broken.next_sync_at > timezone.now()
    assert Message.objects.filter(mailbox=healthy).count() == 1
    sync.sync_mailbox(broken)
    broken.refresh_from_db()
    assert broken.failures == 2


def test_a_server_that_is_gone_is_reported(loopback_allowed, owner):
    from .conftest import free_port

    gone = MailboxFactory(owner=owner, imap_port=free_port())
    sync.sync_mailbox(gone)
    gone.refresh_from_db()
    assert gone.last_error and gone.failures == 1


def test_a_private_server_is_refused_without_the_allowance(owner):
    mailbox = MailboxFactory(owner=owner, imap_host="127.0.0.1")
    sync.sync_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert "127.0.0.1" in mailbox.last_error
