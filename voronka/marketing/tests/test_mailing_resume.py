"""Acceptance 4: a mailing whose worker is killed resumes without a second letter to anyone;
the per-recipient rows are claimed atomically."""

import email
import email.policy

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ContactFactory
from voronka.mail.models import Template
from voronka.marketing import services
from voronka.marketing.models import (
    Audience,
    Mailing,
    MailingStatus,
    Recipient,
    RecipientState,
    Segment,
    Unsubscription,
)

pytestmark = pytest.mark.django_db


class FakeSession:
    """Stands in for the SMTP session: records every letter; can die after N letters."""

    def __init__(self, die_after=None):
        self.sent = []
        self.die_after = die_after

    def sendmail(self, sender, to, raw):
        if self.die_after is not None and len(self.sent) >= self.die_after:
            raise KeyboardInterrupt("worker killed")  # not an SMTP error: the process dies
        self.sent.append((to[0], raw))


@pytest.fixture
def mailing(admin_user, owner):
    for n in range(10):
        ContactFactory(owner=owner, emails=[f"p{n}@example.kz"], mailing_consent=True)
    ContactFactory(owner=owner, emails=["no@example.kz"], mailing_consent=False)
    gone = ContactFactory(owner=owner, emails=["gone@example.kz"], mailing_consent=True)
    Unsubscription.objects.create(contact=gone, email="gone@example.kz")
    ContactFactory(owner=owner, emails=[], mailing_consent=True)
    segment = Segment.objects.create(name="Все", audience=Audience.CONTACT, owner=admin_user)
    template = Template.objects.create(
        owner=admin_user,
        name="Акция",
        subject="Привет, {{ contact.first_name }}",
        body="Скидки: https://example.kz/sale",
    )
    return Mailing.objects.create(
        name="Ноябрь",
        segment=segment,
        template=template,
        author=admin_user,
        from_email="news@example.kz",
        smtp_host="127.0.0.1",
        per_minute=60000,
    )


def _run(monkeypatch, session, mailing_pk):
    import contextlib

    @contextlib.contextmanager
    def fake_connection(mailing):
        yield session

    monkeypatch.setattr(services, "connection", fake_connection)
    return services.send(mailing_pk, sleep=lambda s: None)


def test_queue_counts_the_skipped(mailing, admin_user):
    counts = services.queue(mailing, actor=admin_user, start=False)
    assert counts == {
        RecipientState.PENDING: 10,
        RecipientState.NO_CONSENT: 1,
        RecipientState.UNSUBSCRIBED: 1,
        RecipientState.NO_ADDRESS: 1,
    }
    # Queued twice (a double click, even from a stale copy): refused, one row per person.
    stale = Mailing.objects.get(pk=mailing.pk)
    stale.status = MailingStatus.DRAFT
    with pytest.raises(ValidationError):
        services.queue(stale, actor=admin_user, start=False)
    assert Recipient.objects.filter(mailing=mailing).count() == 13


def test_one_address_gets_one_letter(mailing, admin_user, owner, monkeypatch):
    ContactFactory(owner=owner, emails=["P1@example.kz"], mailing_consent=True)  # p1's twin
    counts = services.queue(mailing, actor=admin_user, start=False)
    assert counts[RecipientState.SAME_ADDRESS] == 1
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.SENDING)
    # Two contacts merged mid-way: both rows pending for one address; one letter.
    twin = Recipient.objects.get(email="p2@example.kz")
    Recipient.objects.create(mailing=mailing, contact=twin.contact, email="p2@example.kz")
    session = FakeSession()
    _run(monkeypatch, session, mailing.pk)
    addresses = [to for to, _raw in session.sent]
    assert len(addresses) == len(set(addresses)) == 10


def test_a_killed_mailing_resumes_without_a_second_letter(mailing, admin_user, monkeypatch):
    services.queue(mailing, actor=admin_user, start=False)
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.SENDING)

    first = FakeSession(die_after=4)
    with pytest.raises(KeyboardInterrupt):
        _run(monkeypatch, first, mailing.pk)
    # Four sent; the fifth was taken (sending) when the worker died.
    assert len(first.sent) == 4
    assert Recipient.objects.filter(state=RecipientState.SENDING).count() == 1

    second = FakeSession()
    assert _run(monkeypatch, second, mailing.pk) == 5
    everyone = [to for to, _ in first.sent + second.sent]
    assert len(everyone) == len(set(everyone)) == 9
    interrupted = Recipient.objects.get(state=RecipientState.INTERRUPTED)
    assert interrupted.email not in everyone  # the letter in flight is never sent twice
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DONE

    third = FakeSession()
    assert _run(monkeypatch, third, mailing.pk) == 0 and third.sent == []


def test_a_claim_is_taken_once(mailing, admin_user):
    services.queue(mailing, actor=admin_user, start=False)
    first = services.claim_next(mailing.pk)
    second = services.claim_next(mailing.pk)
    assert first != second
    # A second worker trying to take the first row again gets nothing.
    assert not Recipient.objects.filter(pk=first, state=RecipientState.PENDING).update(
        state=RecipientState.SENDING
    )


def test_every_letter_is_personal_with_one_click_unsubscribe(mailing, admin_user, monkeypatch):
    services.queue(mailing, actor=admin_user, start=False)
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.SENDING)
    session = FakeSession()
    _run(monkeypatch, session, mailing.pk)
    assert len(session.sent) == 10
    to, raw = session.sent[0]
    letter = email.message_from_bytes(raw, policy=email.policy.default)
    recipient = Recipient.objects.select_related("contact").get(email=to)
    assert recipient.state == RecipientState.SENT
    assert letter["Subject"] == f"Привет, {recipient.contact.first_name}"
    assert letter["List-Unsubscribe"].strip().startswith("<http")  # folded: a leading space
    assert "/m/u/" in letter["List-Unsubscribe"]
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = letter.get_body(("plain",)).get_content()
    assert "/m/c/" in text and "https://example.kz/sale" not in text  # the link is signed
    assert "/m/u/" in text
    html = letter.get_body(("html",)).get_content()
    assert "/m/o/" not in html  # no tracking pixel unless asked


def test_unsubscribe_and_click_links(mailing, admin_user, client):
    services.queue(mailing, actor=admin_user, start=False)
    recipient = Recipient.objects.filter(state=RecipientState.PENDING).first()
    url = services.unsubscribe_url(recipient.pk).split("testserver", 1)[-1]
    path = url[url.index("/m/") :]
    assert client.get(path).status_code == 200  # the confirmation page, nothing changed yet
    assert not Unsubscription.objects.filter(contact=recipient.contact).exists()
    assert client.post(path).status_code == 200
    assert Unsubscription.objects.filter(contact=recipient.contact, mailing=mailing).exists()
    # A forged token changes nothing.
    assert client.post("/m/u/forged:token/").status_code == 404

    click = services.click_url(recipient.pk, "https://example.kz/sale")
    click_path = click[click.index("/m/") :]
    response = client.get(click_path)
    assert response.status_code == 302 and response["Location"] == "https://example.kz/sale"
    recipient.refresh_from_db()
    assert recipient.clicked_at is not None
    # A link to anywhere else is not signed by us: no open redirect.
    assert client.get("/m/c/" + "x" * 40 + "/").status_code == 404


def test_no_line_of_a_letter_is_over_the_smtp_limit(mailing, admin_user):
    mailing.template.body = "Здравствуйте! " * 300 + "https://example.kz/sale"
    mailing.template.save()
    services.queue(mailing, actor=admin_user, start=False)
    recipient = Recipient.objects.filter(state=RecipientState.PENDING).first()
    raw = services.as_bytes(services.letter(mailing, recipient))
    longest = max(raw.split(b"\n"), key=len)
    assert len(longest) <= 998, longest[:200]


def test_the_minute_job_starts_scheduled_and_picks_up_stalled_mailings(mailing, admin_user):
    import datetime

    from django.utils import timezone

    from voronka.marketing import tasks

    now = timezone.now()
    mailing.scheduled_at = now + datetime.timedelta(hours=1)
    mailing.save()
    services.queue(mailing, actor=admin_user, start=False)
    assert tasks.due_and_stalled(now) == []  # not yet due
    assert tasks.due_and_stalled(now + datetime.timedelta(hours=1, minutes=6)) == [mailing.pk]
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING
    # A worker took a letter and died: picked up again once nothing moved for 5 minutes.
    pk = services.claim_next(mailing.pk)
    Recipient.objects.filter(pk=pk).update(claimed_at=now)
    assert tasks.due_and_stalled(now + datetime.timedelta(minutes=1)) == []
    assert tasks.due_and_stalled(now + datetime.timedelta(minutes=6)) == [mailing.pk]


def test_sending_needs_the_roles_ability_to_send_mailings(mailing, marketer):
    """Settings → Roles: «sends mailings». The marketer role has it; taken away, the marketer
    still edits the marketing but queueing a mailing is refused and nothing is written."""
    from django.core.exceptions import PermissionDenied

    assert marketer.role.can_send_mailings
    marketer.role.can_send_mailings = False
    marketer.role.save(update_fields=["can_send_mailings"])
    marketer.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.queue(mailing, actor=marketer, start=False)
    assert not Recipient.objects.filter(mailing=mailing).exists()
