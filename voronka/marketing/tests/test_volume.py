"""A mailing to 50,000 contacts is queued in under 10 s (one row per recipient, bulk_create),
on SQLite and on PostgreSQL (DATABASE_URL)."""

import time

import pytest

from voronka.contacts.models import Contact
from voronka.mail.models import Template
from voronka.marketing import services
from voronka.marketing.models import Audience, Mailing, Recipient, RecipientState, Segment

pytestmark = pytest.mark.django_db

N = 50_000


def test_fifty_thousand_recipients_are_queued_in_under_ten_seconds(admin_user):
    Contact.objects.bulk_create(
        (
            Contact(
                last_name=f"Получатель{n}",
                owner=admin_user,
                emails=[f"r{n}@example.kz"],
                mailing_consent=n % 10 != 0,  # every tenth without consent: skipped, counted
            )
            for n in range(N)
        ),
        batch_size=5000,
    )
    segment = Segment.objects.create(name="Все", audience=Audience.CONTACT, owner=admin_user)
    template = Template.objects.create(owner=admin_user, name="t", subject="s", body="b")
    mailing = Mailing.objects.create(
        name="Большая",
        segment=segment,
        template=template,
        author=admin_user,
        from_email="news@example.kz",
        smtp_host="smtp.example.kz",
    )
    started = time.perf_counter()
    counts = services.queue(mailing, actor=admin_user, start=False)
    seconds = time.perf_counter() - started
    print(f"\nQueued {N} recipients in {seconds:.2f} s")
    assert counts == {RecipientState.PENDING: 45_000, RecipientState.NO_CONSENT: 5_000}
    assert Recipient.objects.filter(mailing=mailing).count() == N
    assert seconds < 10
