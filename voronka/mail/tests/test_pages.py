"""The mail pages: the inbox and a thread show what the reader may read and nothing else; a
letter's HTML is served sanitised with a strict policy; attachments are downloads; compose
from a record fills the address and links the deal; templates are filled in a sandbox."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import ContactFactory, DealFactory, MailboxFactory
from voronka.activities.models import Activity
from voronka.mail import store
from voronka.mail.models import Folder, Message, SendStatus, Template, Thread

from .conftest import letter

pytestmark = pytest.mark.django_db


def deliver(mailbox, raw: bytes, uid: int | None = None):
    folder, _ = Folder.objects.get_or_create(
        mailbox=mailbox, name="INBOX", defaults={"uidvalidity": 1}
    )
    uid = uid or (Message.objects.filter(folder=folder).count() + 1)
    return store.store_fetched(
        mailbox, folder, uid=uid, raw=raw, seen=False, internal_date=timezone.now()
    )


@pytest.fixture
def mailbox(owner):
    return MailboxFactory(owner=owner, email="owner@voronka.test")


@pytest.fixture
def received(mailbox):
    return deliver(mailbox, letter(subject="Секретное письмо", body="Только для владельца"))


def test_the_inbox_lists_the_owners_threads(owner, received):
    page = client_for(owner).get(reverse("mail:inbox"))
    assert page.status_code == 200
    assert "Секретное письмо" in page.content.decode()


def test_a_teammate_and_an_outsider_see_nothing_of_a_personal_mailbox(teammate, outsider, received):
    for user in (teammate, outsider):
        client = client_for(user)
        assert "Секретное письмо" not in client.get(reverse("mail:inbox")).content.decode()
        assert client.get(received.thread.get_absolute_url()).status_code == 404
        assert client.get(reverse("mail:message-body", args=[received.pk])).status_code == 404
        assert client.get(reverse("mail:original", args=[received.pk])).status_code == 404


def test_the_head_of_the_department_reads_the_managers_letters(head, received):
    assert client_for(head).get(received.thread.get_absolute_url()).status_code == 200


def test_a_shared_mailbox_is_read_by_its_team_only(owner, teammate, outsider, team, admin_user):
    shared = MailboxFactory(owner=admin_user, is_shared=True, team=team, email="sales@voronka.test")
    message = deliver(shared, letter(subject="В отдел продаж", to="sales@voronka.test"))
    assert client_for(teammate).get(message.thread.get_absolute_url()).status_code == 200
    assert client_for(owner).get(message.thread.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(message.thread.get_absolute_url()).status_code == 404


def test_opening_a_thread_marks_it_read(owner, received):
    client_for(owner).get(received.thread.get_absolute_url())
    received.refresh_from_db()
    assert received.seen and Thread.objects.get(pk=received.thread_id).unread_count == 0


def test_the_html_of_a_letter_is_served_clean_with_a_strict_policy(owner, mailbox):
    raw = (
        b"From: a@example.com\r\nTo: owner@voronka.test\r\nSubject: html\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b'<p onclick="alert(1)">Hi<script>alert(2)</script>'
        b'<a href="javascript:alert(3)">x</a><img src="https://tracker.example/p.gif"></p>'
    )
    message = deliver(mailbox, raw)
    response = client_for(owner).get(reverse("mail:message-body", args=[message.pk]))
    body = response.content.decode()
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    assert "tracker.example" not in body
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "https:" not in policy

    client_for(owner).post(reverse("mail:message-images", args=[message.pk]))
    shown = client_for(owner).get(reverse("mail:message-body", args=[message.pk]))
    assert "tracker.example" in shown.content.decode()
    assert "https:" in shown["Content-Security-Policy"]


def test_attachments_are_downloads_never_pages(owner, mailbox):
    raw = (
        b"From: a@example.com\r\nTo: owner@voronka.test\r\nSubject: files\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
        b'Content-Type: text/html\r\nContent-Disposition: attachment; filename="x.html"\r\n\r\n'
        b"<script>alert(1)</script>\r\n--b\r\n"
        b'Content-Type: image/svg+xml\r\nContent-Disposition: attachment; filename="y.svg"\r\n\r\n'
        b"<svg onload='alert(1)'/>\r\n--b--\r\n"
    )
    message = deliver(mailbox, raw)
    client = client_for(owner)
    for attachment in message.attachments.all():
        response = client.get(reverse("mail:attachment", args=[attachment.pk]))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_letter_nobody_matches_is_marked_and_becomes_a_contact(owner, mailbox):
    message = deliver(mailbox, letter(sender="new@example.com", sender_name="Пётр Новиков"))
    client = client_for(owner)
    assert (
        'data-testid="unlinked"'
        in client.get(reverse("mail:inbox") + "?show=unlinked").content.decode()
    )
    response = client.post(reverse("mail:message-contact", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    link = message.links.get(entity="contact")
    from voronka.contacts.models import Contact

    contact = Contact.objects.get(pk=link.object_id)
    assert (contact.last_name, contact.first_name, contact.emails) == (
        "Новиков",
        "Пётр",
        ["new@example.com"],
    )
    assert Thread.objects.get(pk=message.thread_id).is_linked


def test_compose_from_a_deal_fills_the_address_and_links_the_deal(
    owner, mailbox, django_capture_on_commit_callbacks
):
    contact = ContactFactory(
        owner=owner, first_name="Анна", last_name="Иванова", emails=["anna@example.com"]
    )
    deal = DealFactory(owner=owner, contact=contact, company=contact.company, name="Тур в Стамбул")
    Template.objects.create(
        owner=owner,
        name="Предложение",
        subject="Предложение: {{ сделка.название }}",
        body="Здравствуйте, {{ контакт.имя }}!",
    )
    client = client_for(owner)
    template = Template.objects.get()
    page = client.get(reverse("mail:compose") + f"?deal={deal.pk}&template={template.pk}")
    content = page.content.decode()
    assert "anna@example.com" in content
    assert "Предложение: Тур в Стамбул" in content and "Здравствуйте, Анна!" in content

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("mail:compose"),
            {
                "mailbox": mailbox.pk,
                "to": "anna@example.com",
                "subject": "Предложение: Тур в Стамбул",
                "body": "Здравствуйте, Анна!",
                "deal": deal.pk,
                "attachments": SimpleUploadedFile("программа.pdf", b"%PDF-1.4", "application/pdf"),
            },
        )
    assert response.status_code == 302
    message = Message.objects.get(direction="out")
    assert message.status == SendStatus.QUEUED
    assert message.thread.deal == deal
    assert set(message.links.values_list("entity", "object_id")) >= {
        ("deal", deal.pk),
        ("contact", contact.pk),
    }
    activity = Activity.objects.get(deal=deal, kind="email")
    assert activity.subject == "Предложение: Тур в Стамбул" and activity.done
    assert message.attachments.get().filename == "программа.pdf"
    deal_page = client.get(deal.get_absolute_url()).content.decode()
    assert "Предложение: Тур в Стамбул" in deal_page


def test_compose_refuses_a_deal_the_user_cannot_see(owner, outsider, mailbox):
    hidden = DealFactory(owner=outsider)
    response = client_for(owner).get(reverse("mail:compose") + f"?deal={hidden.pk}")
    assert response.status_code == 404


def test_nobody_sends_from_someone_elses_personal_mailbox(teammate, mailbox):
    response = client_for(teammate).post(
        reverse("mail:compose"),
        {"mailbox": mailbox.pk, "to": "a@example.com", "subject": "x", "body": "y"},
    )
    assert response.status_code == 200  # the form says the mailbox is not a choice
    assert not Message.objects.exists()


def test_a_mailbox_password_is_stored_encrypted_and_never_shown(owner):
    client = client_for(owner)
    response = client.post(
        reverse("mail:mailbox-create"),
        {
            "name": "Моя почта",
            "email": "me@voronka.test",
            "imap_host": "imap.example.com",
            "imap_port": 993,
            "imap_security": "ssl",
            "imap_login": "me",
            "imap_password": "очень-секретно-2026",
            "smtp_host": "smtp.example.com",
            "smtp_port": 465,
            "smtp_security": "ssl",
            "first_sync_days": 30,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from voronka.mail import crypto
    from voronka.mail.models import Mailbox

    mailbox = Mailbox.objects.get(email="me@voronka.test")
    assert "очень-секретно" not in mailbox.imap_password
    assert crypto.decrypt(mailbox.imap_password) == "очень-секретно-2026"
    edit = client.get(reverse("mail:mailbox-edit", args=[mailbox.pk])).content.decode()
    assert "очень-секретно" not in edit and mailbox.imap_password not in edit


def test_a_manager_cannot_connect_a_shared_mailbox(owner, team):
    response = client_for(owner).post(
        reverse("mail:mailbox-create"),
        {
            "name": "Общий",
            "email": "all@voronka.test",
            "is_shared": "on",
            "team": team.pk,
            "imap_host": "imap.example.com",
            "imap_port": 993,
            "imap_security": "ssl",
            "imap_login": "all",
            "imap_password": "x",
            "smtp_host": "smtp.example.com",
            "smtp_port": 465,
            "smtp_security": "ssl",
            "first_sync_days": 30,
        },
    )
    from voronka.mail.models import Mailbox

    assert not Mailbox.objects.filter(email="all@voronka.test", is_shared=True).exists()
    assert response.status_code in (200, 302)


def test_another_users_mailbox_settings_are_not_found(teammate, mailbox):
    assert (
        client_for(teammate).get(reverse("mail:mailbox-edit", args=[mailbox.pk])).status_code == 404
    )


def test_pages_of_mail_answer(owner, mailbox, received):
    client = client_for(owner)
    for name in (
        "mail:mailbox-list",
        "mail:template-list",
        "mail:template-create",
        "mail:signature",
        "mail:compose",
        "mail:mailbox-create",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("mail:mailbox-edit", args=[mailbox.pk])).status_code == 200
    assert client.get(reverse("mail:compose") + f"?reply={received.pk}").status_code == 200
    assert client.get(reverse("mail:compose") + f"?forward={received.pk}").status_code == 200
    assert (
        client.get(reverse("mail:inbox") + "?q=секрет&show=unread&mailbox=abc&page=x").status_code
        == 200
    )


@pytest.mark.parametrize("letters", [5, 50])
def test_the_inbox_and_a_contacts_page_keep_their_query_budget(
    letters, owner, mailbox, django_assert_num_queries
):
    contact = ContactFactory(owner=owner, emails=["client@example.com"])
    for n in range(letters):
        deliver(mailbox, letter(subject=f"Письмо {n}"))
    client = client_for(owner)
    # Session, user, role rules, the bell, recent views; the mailboxes the user reads and the
    # teams above theirs, those mailboxes (for the filter); the capped count, the page's ids
    # and rows (with their mailboxes).
    with django_assert_num_queries(12):
        assert client.get(reverse("mail:inbox")).status_code == 200
    # The contact's page as before (see core's budgets) plus the letters card: readable
    # mailboxes, the teams above, the page of link ids, its letters, their count; the files card: 1.
    client.get(contact.get_absolute_url())  # the first view also writes the recent views
    # + the colleagues the user covers for as a deputy (accounts.Deputy): 1.
    # + the marketing card: the contact's groups, unsubscriptions, answers and the
    # questionnaires one may fill: 4.
    with django_assert_num_queries(28):
        assert client.get(contact.get_absolute_url()).status_code == 200


def test_a_shared_template_is_used_by_all_and_changed_by_its_author(owner, teammate, admin_user):
    shared = Template.objects.create(owner=admin_user, name="Общий", body="x", is_shared=True)
    assert "Общий" in client_for(teammate).get(reverse("mail:template-list")).content.decode()
    assert (
        client_for(teammate).get(reverse("mail:template-edit", args=[shared.pk])).status_code == 403
    )
    assert (
        client_for(admin_user).get(reverse("mail:template-edit", args=[shared.pk])).status_code
        == 200
    )
    mine = Template.objects.create(owner=owner, name="Мой", body="x")
    assert (
        client_for(teammate).get(reverse("mail:template-edit", args=[mine.pk])).status_code == 404
    )
