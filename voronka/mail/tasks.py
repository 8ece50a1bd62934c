"""Background jobs of the mail: each mailbox synced by a job of its own (one broken mailbox
does not hold up the others), every letter sent by a job; a job every minute starts the
mailboxes whose time has come and the letters due to be (re)sent."""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import outbox, sync
from .models import Mailbox

log = logging.getLogger("voronka.mail")


@db_task()
def sync_mailbox_task(mailbox_pk: int) -> None:
    mailbox = Mailbox.objects.filter(pk=mailbox_pk, is_active=True).first()
    if mailbox is not None:
        sync.sync_mailbox(mailbox)


@db_task()
def send_letter_task(message_pk: int) -> None:
    outbox.send_letter(message_pk)


def mailboxes_due() -> list[int]:
    now = timezone.now()
    return list(
        Mailbox.objects.filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
        .filter(is_active=True)
        .values_list("pk", flat=True)
    )


@db_periodic_task(crontab(minute="*"))
def mail_every_minute() -> None:
    for pk in mailboxes_due():
        sync_mailbox_task(pk)
    for pk in outbox.letters_due():
        send_letter_task(pk)
